"""Shared fixtures: a fresh mock per test on a frozen clock, and a small client for each API's calls."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.settings import Settings

# A fixed instant 30 s into a minute, so rate-limit windows are predictable.
FROZEN_AT = datetime(2026, 6, 15, 12, 0, 30, tzinfo=timezone.utc).timestamp()
BT = "/bannertrackr/api/public/v1"
GROWTH_RW = "bt_live_growth_read_write_demo"
GROWTH_RO = "bt_live_growth_read_only_demo"
GROWTH_REVOKED = "bt_live_growth_revoked_demo"
STARTER_RW = "bt_live_starter_read_write_demo"
PRO_RW = "bt_live_pro_read_write_demo"
FREE = "bt_live_free_revoked_demo"
BINOM = "/binom/public/api/v1"
BINOM_ADMIN = "binom_admin_demo_key"
BINOM_RESTRICTED = "binom_restricted_demo_key"
PEERCLICK = "/peerclick/v1"
PC_TOKEN = "pc_demo_api_token"
PC_OTHER = "pc_other_api_token"


class Api:
    """Calls one mocked API with a key (`Authorization: Bearer` unless told otherwise); `key=None` sends none."""

    def __init__(self, client: Any, base: str, key: str | None, header: str = "Authorization", prefix: str = "Bearer ") -> None:
        self.client, self.base, self.key = client, base, key
        self.header, self.prefix = header, prefix

    @property
    def state(self) -> Any:
        """The MockState of the app behind this client (its clock, store and data)."""
        return self.client.app.state

    def request(self, method: str, path: str, *, key: str | None | bool = True, **kwargs: Any) -> httpx.Response:
        token = self.key if key is True else key
        headers = {**({self.header: f"{self.prefix}{token}"} if token else {}), **kwargs.pop("headers", {})}
        return self.client.request(method, self.base + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every record of a cursor-paginated list, following nextCursor."""
        records, cursor = [], None
        while True:
            response = self.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
            assert response.status_code == 200, response.text
            body = response.json()
            records += body["data"]
            cursor = body["pagination"]["nextCursor"]
            assert body["pagination"]["hasMore"] is (cursor is not None)
            if cursor is None:
                return records


def make_app(**settings: Any) -> Any:
    return create_app(Settings(**{"clock_start": FROZEN_AT, **settings}))


# Loading a spec into connexion takes a while, so each worker builds every mock once and each test gets it reset
# by `fresh`, which leaves nothing of the previous test behind.
def fresh(app: Any) -> Any:
    """`app` as if just built: data reseeded, clock back at FROZEN_AT, rate-limit counters cleared and enforced as set."""
    app.state.clock.set(FROZEN_AT)  # first: seeds date their history from "today"
    app.state.reseed(app.state.settings.seed)
    app.state.limiter.reset()
    app.state.limiter.enforce = app.state.settings.enforce_rate_limits
    return app


@pytest.fixture(scope="session")
def bannertrackr_app() -> Any:
    return make_app(apis=("bannertrackr",))


@pytest.fixture
def app(bannertrackr_app: Any) -> Any:
    """The BannerTrackr mock as if just built (seed 1, clock frozen at FROZEN_AT); the other APIs have their own."""
    return fresh(bannertrackr_app)


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def bt(client: Any) -> Api:
    """BannerTrackr as the doc's Growth account (read & write key)."""
    return Api(client, BT, GROWTH_RW)


@pytest.fixture
def clock(app: Any) -> Any:
    return app.state.clock


@pytest.fixture(scope="session")
def binom_app() -> Any:
    return make_app(apis=("binom",))


@pytest.fixture(scope="session")
def peerclick_app() -> Any:
    # Limits are counted, not enforced: on the frozen clock every call of a test falls in one second, and
    # PeerClick allows three. The rate-limit tests build their own enforcing mock.
    return make_app(apis=("peerclick",), enforce_rate_limits=False)


@pytest.fixture
def binom(binom_app: Any) -> Api:
    """Binom as the administrator, on a mock of Binom alone in its seeded state (clock frozen at FROZEN_AT)."""
    return Api(fresh(binom_app).test_client(), BINOM, BINOM_ADMIN, header="api-key", prefix="")


@pytest.fixture
def peerclick(peerclick_app: Any) -> Api:
    """PeerClick as the demo account (never-expiring token), on a mock of PeerClick alone in its seeded state."""
    return Api(fresh(peerclick_app).test_client(), PEERCLICK, PC_TOKEN, header="api-token", prefix="")
