"""Shared fixtures: a fresh mock per test on a frozen clock, a small client for each API's calls, and readers
that turn Adsterra's XML and CSV back into values to compare with its JSON."""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

# Before the mock is imported: every request the tests make checks the compiled validators against connexion's
# (mockserver/validation.py), and servers the tests start inherit it.
os.environ["MOCKSERVER_CHECK_SPEEDUPS"] = "1"

from mockserver import admin
from mockserver.apis import ALL_APIS
from mockserver.app import create_app
from mockserver.mockstate import MockState
from mockserver.settings import Settings

# A fixed instant 30 s into a minute, so rate-limit windows are predictable.
FROZEN_AT = datetime(2026, 6, 15, 12, 0, 30, tzinfo=UTC).timestamp()
# Every API of the registry with its demo keys, as the mock prints them; the constants below are read from it.
REGISTRY = MockState(Settings(), [*ALL_APIS, admin.DEFINITION])


def demo_key(api: str, label: str) -> str:
    """The value of `api`'s first demo key whose label contains `label` (e.g. "growth plan, read-only")."""
    keys = REGISTRY.apis[api].demo_keys(REGISTRY)
    return next(key.value for key in keys if label in key.label)


def base(api: str) -> str:
    """Where clients of `api` point their base URL on the mock (below its base path: its api_prefix)."""
    return REGISTRY.apis[api].api_base


BT = base("bannertrackr")
GROWTH_RW = demo_key("bannertrackr", "growth plan, read-write")
GROWTH_RO = demo_key("bannertrackr", "growth plan, read-only")
GROWTH_REVOKED = demo_key("bannertrackr", "growth plan, revoked")
STARTER_RW = demo_key("bannertrackr", "starter plan, read-write")
PRO_RW = demo_key("bannertrackr", "pro plan, read-write")
PRO_RO = demo_key("bannertrackr", "pro plan, read-only")
FREE = demo_key("bannertrackr", "free plan, revoked")
ADV = base("adsterra_advertiser")
PUB = base("adsterra_publisher")
ADV_TOKEN = demo_key("adsterra_advertiser", "demo advertiser")
ADV_OTHER = demo_key("adsterra_advertiser", "another advertiser")
ADV_REPLACED = demo_key("adsterra_advertiser", "replaced token")
PUB_TOKEN = demo_key("adsterra_publisher", "demo publisher")
PUB_OTHER = demo_key("adsterra_publisher", "another publisher")
PUB_REPLACED = demo_key("adsterra_publisher", "replaced token")
FORMATS = ("json", "xml", "csv")
BINOM = base("binom")
BINOM_ADMIN = demo_key("binom", "administrator")
BINOM_RESTRICTED = demo_key("binom", "restricted user")
PEERCLICK = base("peerclick")
PC_TOKEN = demo_key("peerclick", "api-token of the demo account")
PC_OTHER = demo_key("peerclick", "api-token of a second account")


class Api:
    """Calls one mocked API with a key (`Authorization: Bearer` unless told otherwise); `key=None` sends none."""

    def __init__(
        self, client: Any, base: str, key: str | None, header: str = "Authorization", prefix: str = "Bearer "
    ) -> None:
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

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

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


class Adsterra:
    """Calls one Adsterra API with an `X-API-Key` token; `token=None` sends none. Paths take `{format}`."""

    def __init__(self, client: Any, base: str, token: str | None) -> None:
        self.client, self.base, self.token = client, base, token

    def request(self, method: str, path: str, *, token: str | None | bool = True, **kwargs: Any) -> httpx.Response:
        value = self.token if token is True else token
        headers = {**({"X-API-Key": value} if value else {}), **kwargs.pop("headers", {})}
        return self.client.request(method, self.base + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON body of a 200 for `path` with `.json`."""
        response = self.request(method, path.format(format="json"), **kwargs)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        return response.json()

    def formats(self, method: str, path: str, **kwargs: Any) -> dict[str, httpx.Response]:
        """The same request as .json, .xml and .csv: each a 200 with its own Content-Type."""
        responses = {format_: self.request(method, path.format(format=format_), **kwargs) for format_ in FORMATS}
        for format_, response in responses.items():
            assert response.status_code == 200, (format_, response.text)
        assert responses["json"].headers["content-type"] == "application/json"
        assert responses["xml"].headers["content-type"] == "application/xml"
        assert responses["csv"].headers["content-type"] == "text/csv; charset=utf-8"
        return responses


def assert_xml_is(text: str, body: Any) -> None:
    """The XML document carries exactly the JSON body: `<response>`, elements per key, `<item>` per entry."""
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "response"
    _assert_element_is(root, body, "response")


def _assert_element_is(element: ET.Element, value: Any, where: str) -> None:
    children = list(element)
    if isinstance(value, dict):
        assert [child.tag for child in children] == list(value), where
        for child, item in zip(children, value.values(), strict=True):
            _assert_element_is(child, item, f"{where}/{child.tag}")
    elif isinstance(value, list):
        assert [child.tag for child in children] == ["item"] * len(value), where
        for index, (child, item) in enumerate(zip(children, value, strict=True)):
            _assert_element_is(child, item, f"{where}[{index}]")
    else:
        assert not children, where
        assert _scalar_is(element.text or "", value), (where, element.text, value)


def assert_csv_is(text: str, columns: Sequence[str], entries: list[Any]) -> None:
    """The CSV document: the header `columns`, then one line per entry (a scalar entry fills the one column)."""
    assert text.endswith("\n")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == list(columns)
    assert len(rows) == len(entries) + 1
    for row, entry in zip(rows[1:], entries, strict=True):
        values = [entry.get(name) for name in columns] if isinstance(entry, dict) else [entry]
        assert all(_scalar_is(field, value) for field, value in zip(row, values, strict=True)), (row, entry)


def _scalar_is(text: str, value: Any) -> bool:
    """An XML text or CSV field holds `value`: empty for null or absent, numbers equal as numbers."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, int):
        return text == str(value)
    if isinstance(value, float):
        return float(text) == value
    return text == value


def make_app(**settings: Any) -> Any:
    return create_app(Settings(**{"clock_start": FROZEN_AT, **settings}))


# Loading a spec into connexion takes a while, so each worker builds each mock once and each test gets it reset
# by `fresh`, which leaves nothing of the previous test behind.
def fresh(app: Any) -> Any:
    """`app` as if just built: data reseeded, faults and log cleared, clock frozen at FROZEN_AT, rate limits as set."""
    state = app.state
    state.clock.freeze()  # a test may have let it run
    state.clock.set(FROZEN_AT)  # before reseeding: seeds date their history from "today"
    state.reset(state.settings.seed)  # records, faults, request log, rate-limit windows
    state.limiter.enforce = state.settings.enforce_rate_limits
    return app


@pytest.fixture(scope="session")
def _app_per_worker() -> Any:
    return make_app()


@pytest.fixture
def app(_app_per_worker: Any) -> Any:
    """The mock (seed 1, all APIs, clock frozen at FROZEN_AT) in its freshly seeded state.

    One app per test process, reset before each test: its whole mutable state is the MockState (store, data,
    clock, rate-limit windows), and building an app (loading and validating every spec) costs far more.
    """
    return fresh(_app_per_worker)


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


@pytest.fixture
def adv(client: Any) -> Adsterra:
    """The Adsterra Advertiser API as its demo account (campaign 1234567 and three more with fixed ids)."""
    return Adsterra(client, ADV, ADV_TOKEN)


@pytest.fixture
def pub(client: Any) -> Adsterra:
    """The Adsterra Publisher API as its demo account (domains 11104450 and 11561045)."""
    return Adsterra(client, PUB, PUB_TOKEN)


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


# Reads across every API that go through its stored records (lists, single records, reports built from them).
READS = [
    (f"{BT}/me", {"Authorization": f"Bearer {GROWTH_RW}"}),
    (f"{BT}/sites", {"Authorization": f"Bearer {GROWTH_RW}"}),
    (f"{BT}/placements", {"Authorization": f"Bearer {GROWTH_RW}"}),
    (f"{BT}/placements/plc_123/stats", {"Authorization": f"Bearer {GROWTH_RW}"}),
    ("/bannertrackr/api/track/pixel.gif?p=abc123def456", {}),
    (f"{BINOM}/campaign/1", {"api-key": BINOM_ADMIN}),
    (f"{BINOM}/stats/campaign?datePreset=last_7_days", {"api-key": BINOM_ADMIN}),
    (f"{BINOM}/offer/1", {"api-key": BINOM_ADMIN}),
    (f"{PEERCLICK}/campaign", {"api-token": PC_TOKEN}),
    (f"{PEERCLICK}/offer", {"api-token": PC_TOKEN}),
    (f"{PEERCLICK}/report?groupBy=campaign&from=2020-01-01", {"api-token": PC_TOKEN}),
    (f"{ADV}/campaigns.json", {"X-API-Key": ADV_TOKEN}),
    (f"{ADV}/stats.json?start_date=2026-06-01&finish_date=2026-06-15&group_by=campaign", {"X-API-Key": ADV_TOKEN}),
    (f"{PUB}/domains.json", {"X-API-Key": PUB_TOKEN}),
]


def no_later_call_fails(client: Any) -> None:
    """After an import: every API still answers reads of its records without a 5xx."""
    for path, headers in READS:
        response = client.get(path, headers=headers)
        assert response.status_code < 500, (path, response.text[:300])
    assert client.get("/__admin/state").status_code == 200
