"""The mock control API through HTTP: reset and seed, state round trips, accounts and keys, clock, faults, log, Prefer."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mockserver.cli import main

from .conftest import BT, GROWTH_RW, STARTER_RW, Api, make_app

ADMIN = "/__admin"
JSON = {"Content-Type": "application/json"}  # what lets a body-less control call through (not a plain form)


@pytest.fixture
def admin(client: Any) -> Any:
    return client


def tables(client: Any) -> Any:
    return client.get(f"{ADMIN}/state").json()["tables"]


def test_reset_restores_the_seeded_state_exactly(admin: Any, bt: Api) -> None:
    seeded = tables(admin)
    bt.post("/sites", json={"name": "extra", "type": "website"})
    bt.delete("/sites/site_123")
    assert tables(admin) != seeded
    assert admin.post(f"{ADMIN}/reset", headers=JSON).json() == {"seed": 1}
    assert tables(admin) == seeded


def test_reseed_changes_the_data_and_is_reproducible(admin: Any) -> None:
    seeded = tables(admin)
    assert admin.post(f"{ADMIN}/seed", json={"seed": 2}).json() == {"seed": 2}
    other = tables(admin)
    assert other != seeded
    admin.post(f"{ADMIN}/seed", json={"seed": 1})
    assert tables(admin) == seeded
    assert tables(make_app(seed=2).test_client()) == other


def test_export_import_round_trip_is_exact(admin: Any, bt: Api) -> None:
    bt.post("/sites", json={"name": "kept", "type": "newsletter"})
    exported = admin.get(f"{ADMIN}/state").json()
    bt.delete("/sites/site_123")
    bt.post("/sites", json={"name": "dropped", "type": "website"})
    assert admin.put(f"{ADMIN}/state", json=exported).json()["records"] > 0
    assert admin.get(f"{ADMIN}/state").json() == exported
    # ids created after an import continue as they would have in the exported run
    fresh = make_app().test_client()
    fresh.put(f"{ADMIN}/state", json=exported)
    new_here = bt.post("/sites", json={"name": "next", "type": "website"}).json()["data"]["id"]
    new_there = Api(fresh, BT, GROWTH_RW).post("/sites", json={"name": "next", "type": "website"}).json()["data"]["id"]
    assert new_here == new_there


@pytest.mark.parametrize(
    "body",
    [
        {"version": 2, "seed": 1, "seq": 0, "tables": {}},
        {"version": 1, "seed": 1, "seq": 0, "tables": {"x": {"y": [{"id": 5}]}}},
    ],
)
def test_import_rejects_what_is_not_an_export_and_changes_nothing(admin: Any, body: Any) -> None:
    before = tables(admin)
    response = admin.put(f"{ADMIN}/state", json=body)
    assert response.status_code == 400 and "error" in response.json()
    assert tables(admin) == before


def test_accounts_and_keys_with_plan_and_scope(admin: Any, bt: Api) -> None:
    created = admin.post(f"{ADMIN}/apis/bannertrackr/accounts", json={"plan": "starter", "name": "CI"})
    assert created.status_code == 201
    account, keys = created.json()["account"], created.json()["keys"]
    assert account["plan"] == "starter" and [key["scope"] for key in keys] == ["read_write", "read_only"]
    read_write, read_only = (key["value"] for key in keys)
    assert bt.get("/me", key=read_write).json()["data"]["id"] == account["id"]
    assert bt.get("/sites", key=read_write).json()["data"] == []  # a new account owns nothing
    assert bt.post("/sites", key=read_only, json={"name": "x", "type": "website"}).status_code == 403
    # Starter allows 2 keys: a third is the plan-limit 403
    third = admin.post(f"{ADMIN}/apis/bannertrackr/accounts/{account['id']}/keys", json={"scope": "read_only"})
    assert third.status_code == 403 and third.json()["error"] == "API key limit reached"
    assert admin.post(f"{ADMIN}/apis/bannertrackr/keys/{read_only}/revoke", headers=JSON).json()["status"] == "revoked"
    assert bt.get("/me", key=read_only).status_code == 401
    rotated = admin.post(f"{ADMIN}/apis/bannertrackr/keys/{read_write}/rotate", headers=JSON).json()
    assert rotated["scope"] == "read_write" and rotated["value"] != read_write
    assert bt.get("/me", key=read_write).status_code == 401
    assert bt.get("/me", key=rotated["value"]).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/apis/nope/accounts", {}, 404),
        ("/apis/admin/accounts", {}, 404),
        ("/apis/bannertrackr/accounts", {"plan": "platinum"}, 400),
        ("/apis/bannertrackr/accounts/user_nope/keys", {}, 404),
        ("/apis/bannertrackr/keys/bt_live_nope/revoke", None, 404),
    ],
)
def test_account_errors(admin: Any, path: str, body: Any, status: int) -> None:
    response = admin.post(ADMIN + path, json=body, headers=JSON)
    assert response.status_code == status and "error" in response.json()


def test_request_log_masks_keys_and_counts_requests(admin: Any, bt: Api) -> None:
    bt.get("/me")
    bt.get("/sites/nope")
    bt.get("/me", key=None)
    log = admin.get(f"{ADMIN}/requests", params={"limit": 2}).json()
    assert [(entry["status"], entry["key"]) for entry in log] == [(401, None), (404, "bt_liv…mo")]
    assert GROWTH_RW not in str(admin.get(f"{ADMIN}/requests").json())
    assert next(api for api in admin.get(f"{ADMIN}/apis").json() if api["name"] == "bannertrackr")["requests"] == 3
    assert admin.get(f"{ADMIN}/requests", params={"api": "nope"}).json() == []


def test_clock_controls_cross_a_rate_limit_window_and_move_today(admin: Any, bt: Api) -> None:
    starter = Api(bt.client, BT, STARTER_RW)
    for _ in range(60):
        starter.get("/me")
    assert starter.get("/me").status_code == 429
    clock = admin.post(f"{ADMIN}/clock/advance", json={"seconds": 30}).json()
    assert clock["frozen"] is True and clock["time"] == "2026-06-15T12:01:00Z"
    assert starter.get("/me").status_code == 200
    admin.put(f"{ADMIN}/clock", json={"time": "2027-01-01T08:00:00Z"})
    assert bt.get("/placements/plc_123/stats").json()["data"]["period"]["to"] == "2027-01-01"
    running = admin.put(f"{ADMIN}/clock", json={"frozen": False}).json()
    assert running["frozen"] is False
    time.sleep(0.01)
    assert admin.get(f"{ADMIN}/clock").json()["timestamp"] > running["timestamp"]


def test_reset_restores_the_clock_and_null_or_delete_go_back_to_real_time(admin: Any) -> None:
    started = admin.get(f"{ADMIN}/clock").json()
    admin.post(f"{ADMIN}/clock/advance", json={"seconds": 3600})
    admin.put(f"{ADMIN}/clock", json={"frozen": False})
    assert admin.post(f"{ADMIN}/reset", json={}).status_code == 200
    assert admin.get(f"{ADMIN}/clock").json() == started  # frozen again, at the configured start
    real = admin.put(f"{ADMIN}/clock", json={"time": None})
    assert real.status_code == 200 and real.json()["frozen"] is False
    assert abs(real.json()["timestamp"] - time.time()) < 60
    admin.put(f"{ADMIN}/clock", json={"time": "2030-01-01T00:00:00Z", "frozen": True})
    deleted = admin.delete(f"{ADMIN}/clock", headers=JSON)
    assert deleted.status_code == 200 and deleted.json()["frozen"] is False
    assert abs(deleted.json()["timestamp"] - time.time()) < 60


def test_forced_status_for_the_next_n_requests(admin: Any, bt: Api) -> None:
    fault = admin.post(
        f"{ADMIN}/faults", json={"api": "bannertrackr", "operationId": "getMe", "status": 500, "count": 2}
    )
    assert fault.status_code == 201
    assert [bt.get("/me").status_code for _ in range(3)] == [500, 500, 200]
    assert bt.get("/sites").status_code == 200  # other operations are untouched
    assert admin.get(f"{ADMIN}/faults").json() == []


def test_forced_429_carries_retry_after_and_fraction_picks_a_share(admin: Any, bt: Api) -> None:
    assert (
        admin.post(f"{ADMIN}/faults", json={"api": "bannertrackr", "status": 429, "fraction": 0.5}).status_code == 201
    )
    statuses = [bt.get("/sites").status_code for _ in range(40)]
    assert 5 < statuses.count(429) < 35 and set(statuses) == {200, 429}
    refused = next(r for r in (bt.get("/me") for _ in range(20)) if r.status_code == 429)
    assert refused.headers["Retry-After"] == "30"  # to the end of the window, as over a real limit
    assert admin.post(f"{ADMIN}/reset", headers=JSON).status_code == 200
    assert {bt.get("/sites").status_code for _ in range(10)} == {200}  # reset clears faults


def test_latency_fault_delays_the_answer(admin: Any, bt: Api) -> None:
    admin.post(f"{ADMIN}/faults", json={"api": "bannertrackr", "operationId": "getMe", "latencyMs": 150})
    started = time.perf_counter()
    assert bt.get("/me").status_code == 200
    assert time.perf_counter() - started >= 0.15


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"api": "bannertrackr", "status": 503}, 400),  # BannerTrackr documents no 503: it would break the contract
        ({"api": "bannertrackr", "operationId": "trackPixel", "status": 429}, 400),  # tracking has no rate limits
        ({"api": "nope", "status": 500}, 404),
        ({"api": "bannertrackr", "operationId": "nope"}, 404),
        ({"api": "bannertrackr", "status": 500, "surprise": 1}, 400),
    ],
)
def test_fault_validation(admin: Any, body: Any, status: int) -> None:
    assert admin.post(f"{ADMIN}/faults", json=body).status_code == status


def test_prefer_code_example_and_dynamic(bt: Api) -> None:
    not_found = bt.get("/sites/site_123", headers={"Prefer": "code=404"})
    assert not_found.status_code == 404 and not_found.json() == {"error": "Site not found"}
    limited = bt.get("/me", headers={"Prefer": "code=429"})
    assert limited.status_code == 429 and limited.headers["Retry-After"].isdigit()
    dynamic = bt.get("/sites/site_123", headers={"Prefer": "dynamic=true"})
    assert dynamic.status_code == 200 and set(dynamic.json()["data"]) >= {"id", "name", "type", "placementCount"}
    assert bt.get("/sites/site_123", headers={"Prefer": "code=418"}).status_code == 400
    assert bt.get("/sites/site_123", headers={"Prefer": "code=abc"}).status_code == 400
    assert bt.get("/sites/site_123").json()["data"]["name"] == "My Newsletter"  # no Prefer: the real state


def test_prefer_seed_and_prisms_query_forms(bt: Api) -> None:
    def dynamic(**kwargs: Any) -> Any:
        response = bt.get("/sites/site_123", **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    default = dynamic(headers={"Prefer": "dynamic=true"})
    assert dynamic(headers={"Prefer": "dynamic=true"}) == default  # the mock's seed: the same every time
    seeded = dynamic(headers={"Prefer": "dynamic=true, seed=7"})
    assert seeded == dynamic(params={"__dynamic": "true", "__seed": "7"}) and seeded != default
    assert bt.get("/sites/site_123", params={"__code": "404"}).json() == {"error": "Site not found"}
    for spelled in ("%5F%5Fcode=404", "_%5fcode=404"):  # the underscores percent-encoded mean the same
        assert bt.get(f"/sites/site_123?{spelled}").status_code == 404
    # the query form wins over the header; a bad value is a 400 either way
    assert bt.get("/sites/site_123", params={"__code": "404"}, headers={"Prefer": "code=200"}).status_code == 404
    assert bt.get("/sites/site_123", params={"__seed": "-1", "__dynamic": "true"}).status_code == 400
    for huge in ({"Prefer": "seed=" + "9" * 5000}, {"Prefer": "code=" + "4" * 5000}):
        refused = bt.get("/sites/site_123", headers=huge)
        assert refused.status_code == 400 and refused.json()["error"] == "Invalid Prefer header"
    assert bt.get("/sites/site_123", params={"__code": "4" * 5000}).status_code == 400


def test_prefer_named_example(bt: Api) -> None:
    forbidden = bt.post(
        "/sites", json={"name": "x", "type": "website"}, headers={"Prefer": "code=403, example=planLimit"}
    )
    if forbidden.status_code == 400:  # the spec names its examples; list them in the error
        pytest.fail(forbidden.json()["hint"])
    assert forbidden.status_code == 403 and set(forbidden.json()) == {"error", "limit", "current", "upgradeUrl"}


def test_admin_token_required_off_loopback(bt: Api) -> None:
    client = make_app(admin_token="s3cret").test_client()
    refused = client.post(f"{ADMIN}/reset")
    assert refused.status_code == 401 and refused.json()["error"] == "Admin token required"
    assert client.post(f"{ADMIN}/reset", headers={"X-Admin-Token": "wrong"}).status_code == 401
    assert client.post(f"{ADMIN}/reset", headers={"X-Admin-Token": "s3cret"}).status_code == 200
    assert Api(client, BT, GROWTH_RW).get("/me").status_code == 200  # the mocked APIs do not need it
    # compare_digest refuses non-ASCII text (a 500 before); the bytes are compared instead
    odd = client.post(f"{ADMIN}/reset", headers={"X-Admin-Token": "s3crét".encode("latin-1")})
    assert odd.status_code == 401 and odd.json()["error"] == "Admin token required"


# What a web page the developer opens could send: nothing of it may steer or read the mock.
CROSS_SITE = [
    ("POST", "/reset", {"Origin": "http://evil.example"}),  # fetch(), or a form in a modern browser
    ("POST", "/reset", {"Origin": "null"}),  # a sandboxed iframe or a file:// page
    ("POST", "/reset", {"Origin": "http://localhost:3000"}),  # another local dev server: another origin
    ("POST", "/reset", {"Origin": "http://localhost:3000", "Content-Type": "application/json"}),
    ("POST", "/reset", {"Content-Type": "application/x-www-form-urlencoded"}),  # a form from a browser without Origin
    ("POST", "/reset", {"Content-Type": "text/plain"}),
    ("POST", "/reset", {"Content-Type": "multipart/form-data; boundary=x"}),
    ("POST", "/reset", {}),  # a body-less POST (sendBeacon, an old browser's form)
    ("DELETE", "/faults", {}),
    ("GET", "/state", {"Host": "evil.example"}),  # DNS rebinding: evil.example now resolves to 127.0.0.1
    ("GET", "/state", {"Host": "evil.example:8000", "Origin": "http://evil.example:8000"}),
    ("GET", "/ui/", {"Host": "evil.example"}),
    ("GET", "/state", {"Sec-Fetch-Site": "cross-site"}),  # <script src>, <img>, a link: no Origin on a GET
    ("GET", "/state", {"Sec-Fetch-Site": "same-site"}),
    ("OPTIONS", "/reset", {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}),
]


@pytest.mark.parametrize(("method", "path", "headers"), CROSS_SITE, ids=[f"{m} {p} {h}" for m, p, h in CROSS_SITE])
def test_the_control_api_refuses_what_a_web_page_could_send(
    admin: Any, bt: Api, method: str, path: str, headers: Any
) -> None:
    bt.post("/sites", json={"name": "kept", "type": "website"})
    before = admin.get(f"{ADMIN}/state").json()
    refused = admin.request(
        method, ADMIN + path, headers=headers, content=b"seed=2" if "form" in str(headers) else None
    )
    assert refused.status_code == 403, refused.text
    assert set(refused.json()) == {"error", "hint"} and refused.json()["error"] == "Forbidden"
    assert "tables" not in refused.text and "access-control-allow-origin" not in refused.headers
    assert admin.get(f"{ADMIN}/state").json() == before  # nothing changed


ALLOWED = [
    ("POST", "/reset", {"Content-Type": "application/json"}),  # curl -H 'Content-Type: application/json'
    ("POST", "/reset", {"X-Admin-Token": "anything"}),  # a custom header: no form can send it
    ("POST", "/reset", {"Origin": "http://testserver"}),  # its own Swagger UI (the test client is "testserver")
    ("GET", "/state", {"Host": "localhost:8000"}),
    ("GET", "/state", {"Host": "127.0.0.1:8000"}),
    ("GET", "/state", {"Host": "[::1]:8000"}),
    ("GET", "/state", {"Sec-Fetch-Site": "same-origin"}),
    ("GET", "/state", {"Sec-Fetch-Site": "none"}),  # typed into the address bar
]


@pytest.mark.parametrize(("method", "path", "headers"), ALLOWED, ids=[f"{m} {p} {h}" for m, p, h in ALLOWED])
def test_the_control_api_answers_its_own_clients(admin: Any, method: str, path: str, headers: Any) -> None:
    assert admin.request(method, ADMIN + path, headers=headers).status_code == 200


def test_allowed_host_names_another_address_of_the_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    apps: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: apps.append(app))
    main(["serve", "--allowed-host", "mock.test", "--host", "devbox.local", "--admin-token", "t"])
    client = apps[0].test_client()
    for host, status in (("mock.test", 200), ("devbox.local:8000", 200), ("evil.example", 403)):
        assert client.get(f"{ADMIN}/clock", headers={"Host": host, "X-Admin-Token": "t"}).status_code == status, host


def test_cli_makes_a_token_when_bound_beyond_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    apps: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: apps.append(app))
    main(["serve", "--host", "0.0.0.0"])
    token = apps[0].state.settings.admin_token
    assert token and f"admin token: {token}" in capsys.readouterr().out
    main(["serve", "--host", "127.0.0.1"])
    assert apps[1].state.settings.admin_token is None


def test_admin_ui_and_index(client: Any, bt: Api) -> None:
    bt.get("/me")
    assert client.get(f"{ADMIN}/ui/").status_code == 200
    index = client.get("/").text
    assert 'data-api="bannertrackr">1<' in index and "/__admin/ui/" in index
