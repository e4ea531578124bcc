"""The request log as a client's record: query, masked headers, body excerpt, operation, validation outcome, filters,
near misses, and the coverage of operations and documented statuses (control API and pytest fixture)."""

from __future__ import annotations

from collections import deque
from typing import Any

import httpx
import pytest

from mockserver.http.recording import BODY_EXCERPT
from mockserver.pytest_plugin import MockServer

from .conftest import ADV_TOKEN, BT, GROWTH_RW, PUB, PUB_TOKEN, Api
from .test_readme import ROOT, blocks

README = ROOT / "README.md"

ADMIN = "/__admin"


def _log(client: Any, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{ADMIN}/requests", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_entry_keeps_query_masked_headers_a_bounded_body_and_its_operation(client: Any, bt: Api) -> None:
    name = "x" * (BODY_EXCERPT * 2)
    bt.post("/sites", json={"name": name, "type": "website"}, params={"dryRun": "1"}, headers={"X-Trace": "t-1"})
    bt.get("/sites", params={"limit": 2})
    listed, created = _log(client)
    assert listed["operationId"] == "listSites" and listed["query"] == {"limit": ["2"]} and listed["valid"] is True
    assert listed["body"] is None and listed["bodyBytes"] == 0
    assert created["operationId"] == "createSite" and created["query"] == {"dryRun": ["1"]}
    assert created["headers"]["authorization"] == "Bearer bt_liv…mo" and created["headers"]["x-trace"] == "t-1"
    assert len(created["body"]) == BODY_EXCERPT and created["bodyBytes"] > BODY_EXCERPT
    assert created["body"].startswith('{"name":"xxx')
    assert GROWTH_RW not in str(_log(client))


def test_a_token_in_the_path_is_masked_wherever_it_appears(client: Any) -> None:
    client.get(f"{PUB}/{PUB_TOKEN}/domains.json", headers={"X-Echo": PUB_TOKEN})
    (entry,) = _log(client)
    assert entry["status"] == 200 and entry["operationId"] is not None
    assert PUB_TOKEN not in str(entry) and "adster…01" in entry["path"] and entry["headers"]["x-echo"] == "adster…01"


def test_invalid_requests_are_near_misses_with_the_error_and_the_nearest_operation(client: Any, bt: Api) -> None:
    bt.get("/sites", params={"limit": "many"})
    bt.get("/sitez")
    bt.post("/sites", json={"name": "no type"})
    bt.get("/sites/nope")  # a valid request for a record that is not there: no near miss
    misses = client.get(f"{ADMIN}/requests/near-misses")
    assert misses.status_code == 200 and misses.headers["x-total-count"] == "3"
    found = [(entry["path"].removeprefix(BT), entry["nearest"], entry["valid"]) for entry in misses.json()]
    assert found == [("/sites", "createSite", False), ("/sitez", "listSites", False), ("/sites", "listSites", False)]
    assert "type" in misses.json()[0]["error"] and "limit" in misses.json()[2]["error"]
    assert [entry["status"] for entry in _log(client, valid="true")] == [404]


def test_filters_combine_and_count_what_matches(client: Any, bt: Api, clock: Any) -> None:
    for _ in range(3):
        bt.get("/me")
    clock.advance(120)
    bt.get("/sites")
    bt.get("/sites/nope")
    response = client.get(f"{ADMIN}/requests", params={"operationId": "getMe", "limit": 2})
    assert response.headers["x-total-count"] == "3" and len(response.json()) == 2
    assert [entry["status"] for entry in _log(client, method="GET", status=404)] == [404]
    later = _log(client, since="2026-06-15T12:01:00Z")
    assert [entry["operationId"] for entry in later] == ["getSite", "listSites"]
    assert len(_log(client, until="2026-06-15T12:01:00Z", api="bannertrackr")) == 3
    assert _log(client, api="binom") == []


@pytest.mark.parametrize("params", [{"operation": "getMe"}, {"since": "yesterday"}, {"status": "teapot"}])
def test_an_unknown_or_malformed_filter_is_a_400_not_every_request(client: Any, bt: Api, params: Any) -> None:
    bt.get("/me")
    response = client.get(f"{ADMIN}/requests", params=params)
    assert response.status_code == 400 and "error" in response.json()


def test_coverage_lists_exactly_the_operations_and_statuses_a_client_exercised(client: Any, bt: Api) -> None:
    bt.get("/me")
    bt.get("/me")
    bt.get("/sites/nope")
    bt.get("/sites", params={"limit": 0})
    bt.get("/nowhere")
    advertiser = client.get("/adsterra/advertiser/campaigns.json", headers={"X-API-Key": ADV_TOKEN})
    assert advertiser.status_code == 200
    report = client.get(f"{ADMIN}/coverage", params={"api": "bannertrackr"}).json()
    (api,) = report["apis"]
    hit = {entry["operationId"]: entry["exercised"] for entry in api["byOperation"] if entry["calls"]}
    assert hit == {"getMe": {"200": 2}, "getSite": {"404": 1}, "listSites": {"400": 1}}
    assert api["operations"]["covered"] == 3 and api["statuses"]["covered"] == 3 and api["unmatched"] == 1
    assert api["operations"]["total"] == len(api["byOperation"]) and api["requests"] == 5
    assert all(not entry["undocumented"] for entry in api["byOperation"])
    everything = client.get(f"{ADMIN}/coverage").json()["apis"]
    assert {entry["api"]: entry["operations"]["covered"] for entry in everything}["adsterra_advertiser"] == 1
    assert client.get(f"{ADMIN}/coverage", params={"api": "nope"}).status_code == 404


def test_coverage_survives_the_bounded_log_and_resets_with_the_mock(
    client: Any, bt: Api, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.state.log, "_entries", deque(maxlen=2))  # a tiny log: coverage must not depend on it
    for _ in range(5):
        bt.get("/me")
    me = next(entry for entry in client.get(f"{ADMIN}/coverage").json()["apis"][0]["byOperation"]
              if entry["operationId"] == "getMe")  # fmt: skip
    assert me["calls"] == 5 and len(_log(client)) == 2
    assert client.post(f"{ADMIN}/reset", headers={"X-Admin-Token": "x"}).status_code == 200
    assert all(
        entry["calls"] == 0 for api in client.get(f"{ADMIN}/coverage").json()["apis"] for entry in api["byOperation"]
    )


def test_the_coverage_page_is_linked_from_the_index_and_marks_what_was_seen(client: Any, bt: Api) -> None:
    bt.get("/me")
    assert '/__admin/coverage.html">API coverage</a>' in client.get("/").text
    page = client.get(f"{ADMIN}/coverage.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    row = next(line for line in page.text.split("<tr") if ">getMe<" in line)
    assert 'class="hit"' in row and '<span class="seen">200</span>' in row and '<span class="unseen">401</span>' in row


def test_the_fixture_verifies_calls_and_reports_coverage(mockserver: MockServer) -> None:
    key = mockserver.key("bannertrackr", "growth plan, read-write")
    with httpx.Client(base_url=mockserver.base_url("bannertrackr"), headers={"Authorization": f"Bearer {key}"}) as api:
        api.get("/me")
        api.post("/sites", json={"name": "shop", "type": "website"})
        api.post("/sites", json={"name": "typo"})
    assert [entry["status"] for entry in mockserver.requests("createSite")] == [201, 400]
    assert len(mockserver.assert_called("createSite", times=1, status=201)) == 1
    mockserver.assert_called("getMe")
    with pytest.raises(AssertionError, match="expected listSites at least once.*calls made: createSite, getMe"):
        mockserver.assert_called("listSites")
    with pytest.raises(AssertionError, match=r"near misses: POST .*/sites: .*type.*\(nearest: createSite\)"):
        mockserver.assert_called("createSite", times=3)
    (coverage,) = mockserver.coverage("bannertrackr")["apis"]
    assert coverage["operations"]["covered"] == 2


def test_the_readmes_verification_example_passes(mockserver: MockServer) -> None:
    block = next(block for block in blocks(README) if block.lang == "python" and "assert_called" in block.text)
    namespace: dict[str, Any] = {}
    exec(compile(block.text, block.where, "exec"), namespace)
    (test,) = [value for name, value in namespace.items() if name.startswith("test_")]
    test(mockserver)
