"""Rate limits: the limiter on its own, and BannerTrackr's per-plan read/write windows through HTTP on the test clock."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mockserver.state.clock import Clock
from mockserver.state.ratelimit import RateLimiter

from .conftest import (
    ADV,
    ADV_TOKEN,
    BINOM,
    BINOM_ADMIN,
    BT,
    FROZEN_AT,
    GROWTH_RW,
    PC_TOKEN,
    PEERCLICK,
    PRO_RO,
    PRO_RW,
    STARTER_RW,
    Api,
    make_app,
)


def test_limiter_counts_within_a_window_and_resets_at_its_end() -> None:
    clock = Clock(frozen_at=1_800_000_020.5)  # 20.5 s into a minute
    limiter = RateLimiter(clock)
    quotas = [limiter.charge("k", 3) for _ in range(4)]
    assert [q.remaining for q in quotas] == [2, 1, 0, 0]
    assert [q.exceeded for q in quotas] == [False, False, False, True]
    assert quotas[-1].reset == 1_800_000_060 and quotas[-1].retry_after == 40
    clock.advance(39.5)
    assert limiter.charge("k", 3).remaining == 2  # new window
    assert limiter.charge("other", 3).remaining == 2  # buckets are independent


def test_limiter_not_enforcing_reports_but_never_refuses() -> None:
    limiter = RateLimiter(Clock(frozen_at=1_800_000_000), enforce=False)
    quotas = [limiter.charge("k", 1) for _ in range(3)]
    assert not any(q.exceeded for q in quotas)
    assert quotas[-1].remaining == 0


def test_headers_on_every_response_including_errors(bt: Api) -> None:
    for response in (bt.get("/me"), bt.get("/sites/nope"), bt.get("/me", key=None), bt.post("/sites", json={})):
        assert response.headers["X-RateLimit-Limit"].isdigit(), response
        assert int(response.headers["X-RateLimit-Remaining"]) <= int(response.headers["X-RateLimit-Limit"])
        assert int(response.headers["X-RateLimit-Reset"]) == (int(FROZEN_AT) // 60 + 1) * 60


def test_starter_read_limit_then_429_then_next_window(bt: Api, clock: object) -> None:
    starter = Api(bt.client, bt.base, STARTER_RW)
    remaining = [int(starter.get("/me").headers["X-RateLimit-Remaining"]) for _ in range(60)]
    assert remaining == list(range(59, -1, -1))
    refused = starter.get("/me")
    assert refused.status_code == 429
    assert refused.json() == {"error": "Rate limit exceeded", "hint": "Retry after 30 seconds"}
    assert refused.headers["Retry-After"] == "30"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    # Writes have their own bucket (10/min on Starter), so they still go through.
    assert starter.post("/sites", json={"name": "still ok", "type": "website"}).status_code == 201
    # Other keys are unaffected.
    assert bt.get("/me").status_code == 200
    clock.advance(30)  # type: ignore[attr-defined]
    again = starter.get("/me")
    assert again.status_code == 200
    assert again.headers["X-RateLimit-Remaining"] == "59"


def test_growth_write_limit_is_30_per_minute(bt: Api) -> None:
    statuses = [bt.put("/sites/site_123", json={"name": f"n{i}"}).status_code for i in range(31)]
    assert statuses == [200] * 30 + [429]
    assert bt.put("/sites/site_123", json={"name": "x"}).headers["X-RateLimit-Limit"] == "30"
    assert bt.get("/sites/site_123").json()["data"]["name"] == "n29"  # the refused write changed nothing


def test_disabled_enforcement_never_answers_429() -> None:
    starter = Api(make_app(enforce_rate_limits=False).test_client(), BT, STARTER_RW)
    assert {starter.get("/me").status_code for _ in range(70)} == {200}


def test_growth_limits_match_the_doc(bt: Api) -> None:
    assert bt.get("/me", key=GROWTH_RW).headers["X-RateLimit-Limit"] == "120"
    assert bt.get("/me", key=PRO_RO).headers["X-RateLimit-Limit"] == "300"


def test_a_path_no_operation_matches_charges_the_callers_key_not_an_anonymous_bucket(bt: Api) -> None:
    """Unknown paths are checked as the real API does, key first: the key's own window, continuing, on a 404."""
    pro = Api(bt.client, bt.base, PRO_RW)
    before = int(pro.post("/sites", json={"name": "a", "type": "website"}).headers["X-RateLimit-Remaining"])
    missed = pro.post("/sites/site_x/nothing/here", json={})
    assert missed.status_code == 404 and missed.json()["error"] == "Not found"
    assert (missed.headers["X-RateLimit-Limit"], missed.headers["X-RateLimit-Remaining"]) == ("60", str(before - 1))
    assert pro.get("/no/such/path").headers["X-RateLimit-Limit"] == "300"  # reads: the key's read window
    # Without a valid key it is the client's anonymous bucket, which keys' windows never share.
    for key in (None, "bt_live_unknown"):
        assert bt.get("/no/such/path", key=key).headers["X-RateLimit-Limit"] == "60"
    assert bt.get("/no/such/path", key=None).headers["X-RateLimit-Remaining"] == "57"


# (path, credential header, value) of a read on each API that documents 429.
FORCED = [
    (f"{BT}/me", "Authorization", f"Bearer {GROWTH_RW}"),
    (f"{PEERCLICK}/campaign", "api-token", PC_TOKEN),
    (f"{BINOM}/campaign/1", "api-key", BINOM_ADMIN),
    (f"{ADV}/campaigns.json", "X-API-Key", ADV_TOKEN),
]


@pytest.mark.parametrize(("path", "header", "value"), FORCED, ids=[path.split("/")[1] for path, _, _ in FORCED])
@pytest.mark.parametrize("how", ["prefer", "fault"])
def test_a_forced_429_is_what_a_real_one_would_be(client: Any, path: str, header: str, value: str, how: str) -> None:
    if how == "fault":
        api = path.split("/")[1] if "adsterra" not in path else "adsterra_advertiser"
        assert client.post("/__admin/faults", json={"api": api, "status": 429, "count": 1}).status_code == 201
    refused = client.get(path, headers={header: value, **({"Prefer": "code=429"} if how == "prefer" else {})})
    assert refused.status_code == 429, refused.text
    wait = int(refused.headers["Retry-After"])
    assert wait > 0  # Retry-After: 0 makes a client that honours it loop
    said = re.findall(r"[Rr]etry after (\d+) seconds?", refused.text)
    assert set(said) <= {str(wait)}, refused.text  # the body, where it says when, says the same
    if "X-RateLimit-Limit" in refused.headers:
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert int(refused.headers["X-RateLimit-Reset"]) == int(FROZEN_AT) + wait or path.startswith("/peerclick")
