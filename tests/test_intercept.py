"""In-process use: the real services' URLs answered by the mock for requests and httpx, other hosts left alone."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

import mockserver
from mockserver.interception import MOCK_ORIGIN, Interceptor, Route, UnmockedHostError
from mockserver.pytest_plugin import MockServer

from .conftest import ADV_TOKEN, BINOM_ADMIN, GROWTH_RW, PC_TOKEN, PUB_TOKEN, STARTER_RW
from .test_seed_examples import EXAMPLES, assert_answers, campaign_link, with_credentials

# The BannerTrackr doc's Python example, as the doc has it but for the key: its placeholder, a real account's key
# on the real service, is the mock's demo key here. The base URL is the real one.
DOC_EXAMPLE = """
import requests

API_KEY = 'bt_live_your_key_here'
BASE_URL = 'https://bannertrackr.com/api/public/v1'

def get_stats(placement_id, from_date, to_date):
    response = requests.get(
        f'{BASE_URL}/placements/{placement_id}/stats',
        headers={'Authorization': f'Bearer {API_KEY}'},
        params={
            'from': from_date,
            'to': to_date,
            'breakdowns': 'true'
        }
    )
    response.raise_for_status()
    return response.json()

# Usage
stats = get_stats('plc_123', '2024-01-01', '2024-01-31')
print(f"CTR: {stats['data']['summary']['ctr']}%")
""".replace("bt_live_your_key_here", GROWTH_RW)

TRACKER = "https://tracker.example.com"  # a self-hosted Binom, named by the test
# One request of each API at its real URL (Binom at the tracker's), and what its answer must hold.
REAL_REQUESTS = {
    "bannertrackr": ("https://bannertrackr.com/api/public/v1/me", {"Authorization": f"Bearer {GROWTH_RW}"}),
    "bannertrackr tracking": ("https://bannertrackr.com/api/track/px/def456abc789", {}),
    "binom": (f"{TRACKER}/public/api/v1/stats/campaign?datePreset=last_7_days", {"api-key": BINOM_ADMIN}),
    "adsterra_advertiser": ("https://api3.adsterratools.com/advertiser/campaigns.json", {"X-API-Key": ADV_TOKEN}),
    "adsterra_publisher": (f"https://api3.adsterratools.com/publisher/{PUB_TOKEN}/domains.json", {}),
    "peerclick": ("https://api.peerclick.com/v1/report?groupBy=campaign&from=2020-01-01", {"api-token": PC_TOKEN}),
    "peerclick v1_1": ("https://api.peerclick.com/v1_1/campaign", {"api-token": PC_TOKEN}),
}


def test_the_bannertrackr_docs_python_example_prints_the_ctr_with_its_real_base_url() -> None:
    printed = io.StringIO()
    with mockserver.intercept() as mock, contextlib.redirect_stdout(printed):
        exec(compile(DOC_EXAMPLE, "bannertrackr-doc-example", "exec"), {})
        summary = httpx.get(
            "https://bannertrackr.com/api/public/v1/placements/plc_123/stats",
            params={"from": "2024-01-01", "to": "2024-01-31"},
            headers={"Authorization": f"Bearer {GROWTH_RW}"},
        ).json()["data"]["summary"]
    assert summary["ctr"] > 0
    assert printed.getvalue() == f"CTR: {summary['ctr']}%\n"
    assert [entry["path"] for entry in mock.requests(api="bannertrackr")] == ["/bannertrackr/api/public/v1/placements/plc_123/stats"] * 2  # fmt: skip


@pytest.mark.parametrize("client", ["requests", "httpx"])
@pytest.mark.parametrize("name", REAL_REQUESTS)
def test_one_request_of_each_api_by_its_real_url(intercepted: Interceptor, name: str, client: str) -> None:
    intercepted.add_host("binom", TRACKER)
    url, headers = REAL_REQUESTS[name]
    response: Any = (requests if client == "requests" else httpx).get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert str(response.url) == url  # the caller sees the URL it asked for
    if name == "bannertrackr tracking":  # a hit is logged as its operation, as any other request of the API
        assert response.headers["content-type"] == "image/gif"
    else:
        assert response.json()
    (logged,) = intercepted.requests()
    assert logged["api"] == name.split()[0] and logged["status"] == 200


def test_the_mocks_own_origin_answers_its_control_api_and_keys_it_creates_work(intercepted: Interceptor) -> None:
    created = requests.post(f"{intercepted.url}/__admin/apis/bannertrackr/accounts", json={"plan": "starter"})
    assert created.status_code == 201, created.text
    key = created.json()["keys"][0]["value"]
    me = requests.get("https://bannertrackr.com/api/public/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json()["data"]["plan"] == "starter"
    assert intercepted.base_url("bannertrackr") == f"{MOCK_ORIGIN}/bannertrackr/api/public/v1"


def test_auth_validation_and_errors_are_the_served_mocks(intercepted: Interceptor) -> None:
    me = "https://bannertrackr.com/api/public/v1/me"
    assert requests.get(me).json()["error"]  # 401 in BannerTrackr's body
    assert requests.get(me).status_code == 401
    bad = requests.get("https://bannertrackr.com/api/public/v1/sites?limit=0", headers={"Authorization": f"Bearer {GROWTH_RW}"})  # fmt: skip
    assert bad.status_code == 400 and set(bad.json()) == {"error", "hint"}
    adsterra = requests.get("https://api3.adsterratools.com/advertiser/campaigns.json", headers={"X-API-Key": "nope"})
    assert adsterra.status_code == 401 and set(adsterra.json()) == {"code", "message", "data"}


def test_rate_limits_count_on_the_fixtures_clock(intercepted: Interceptor) -> None:
    me, auth = "https://bannertrackr.com/api/public/v1/me", {"Authorization": f"Bearer {STARTER_RW}"}
    intercepted.clock.freeze()
    statuses = [requests.get(me, headers=auth).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    intercepted.clock.advance(60)
    assert requests.get(me, headers=auth).status_code == 200


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_starts_from_the_seeded_state(intercepted: Interceptor, attempt: int) -> None:
    sites, auth = "https://bannertrackr.com/api/public/v1/sites", {"Authorization": f"Bearer {GROWTH_RW}"}
    assert intercepted.requests() == []
    assert intercepted.clock.frozen is False
    assert len(httpx.get(sites, headers=auth).json()["data"]) == 5  # whatever the other attempt created is gone
    assert httpx.post(sites, headers=auth, json={"name": f"attempt {attempt}", "type": "website"}).status_code == 201
    assert len(httpx.get(sites, headers=auth).json()["data"]) == 6
    intercepted.clock.freeze()


def test_async_httpx_calls_are_answered_on_the_mocks_loop(intercepted: Interceptor) -> None:
    pixel = "https://bannertrackr.com/api/track/pixel.gif?p=def456abc789"
    stats = "https://bannertrackr.com/api/public/v1/placements/plc_456/stats"
    auth = {"Authorization": f"Bearer {GROWTH_RW}"}

    async def hits() -> tuple[int, list[int], int]:
        async with httpx.AsyncClient(headers=auth) as client:
            before = (await client.get(stats)).json()["data"]["summary"]["impressions"]
            answers = await asyncio.gather(*(client.get(pixel) for _ in range(50)))
            after = (await client.get(stats)).json()["data"]["summary"]["impressions"]
            return before, [answer.status_code for answer in answers], after

    before, statuses, after = asyncio.run(hits())
    assert statuses == [200] * 50 and after == before + 50
    logged = intercepted.requests(api="bannertrackr")
    assert [entry["operationId"] for entry in logged] == [
        "getPlacementStats",
        *["trackPixel"] * 50,
        "getPlacementStats",
    ]


def test_calls_from_many_threads_are_all_counted(intercepted: Interceptor) -> None:
    stats = "https://bannertrackr.com/api/public/v1/placements/plc_456/stats"
    auth = {"Authorization": f"Bearer {GROWTH_RW}"}
    before = requests.get(stats, headers=auth).json()["data"]["summary"]["impressions"]

    def hit() -> None:
        with requests.Session() as session:
            for _ in range(25):
                assert session.get("https://bannertrackr.com/api/track/px/def456abc789").status_code == 200

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert requests.get(stats, headers=auth).json()["data"]["summary"]["impressions"] == before + 100


def test_other_hosts_go_through_unchanged(intercepted: Interceptor, mockserver: MockServer) -> None:
    """A served mock on loopback is another host: what is sent to it lands in its state, not the in-process one's."""
    served, real = mockserver.base_url("bannertrackr"), "https://bannertrackr.com/api/public/v1"
    auth = {"Authorization": f"Bearer {GROWTH_RW}"}
    site = {"name": "sent to the served mock", "type": "website"}
    assert requests.post(f"{served}/sites", headers=auth, json=site).status_code == 201
    assert httpx.post(f"{served}/sites", headers=auth, json=site).status_code == 201
    assert len(httpx.get(f"{served}/sites", headers=auth).json()["data"]) == 7
    assert len(requests.get(f"{real}/sites", headers=auth).json()["data"]) == 5  # the in-process mock's, untouched
    assert [entry["method"] for entry in intercepted.requests()] == ["GET"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/api/public/v1/me",  # the API's path on another host
        "https://bannertrackr.com.example.org/api/public/v1/me",  # a name that only starts like the real one
        "http://bannertrackr.com/api/public/v1/me",  # the real host over another scheme
        "https://api3.adsterratools.com:8443/advertiser/campaigns.json",  # another port
    ],
)
def test_a_closed_world_refuses_every_other_url(intercepted: Interceptor, url: str) -> None:
    intercepted.closed = True
    with pytest.raises(UnmockedHostError, match="is refused: mockserver.intercept\\(closed=True\\) answers only"):
        requests.get(url)
    with pytest.raises(UnmockedHostError):
        httpx.get(url)

    async def get() -> None:
        async with httpx.AsyncClient() as client:
            await client.get(url)

    with pytest.raises(UnmockedHostError):
        asyncio.run(get())
    assert intercepted.requests() == []


def test_a_closed_world_still_answers_the_real_urls() -> None:
    with mockserver.intercept(closed=True, hosts={"binom": TRACKER + "/public/api/v1"}):
        assert requests.get(*REAL_REQUESTS["binom"][:1], headers=REAL_REQUESTS["binom"][1]).status_code == 200


def test_routes_match_origin_and_path_segments() -> None:
    route = Route("https://tracker.example.com", "/tracker", "/binom")
    assert (
        route.target("https://tracker.example.com", "/tracker/public/api/v1/info?x=1")
        == "/binom/public/api/v1/info?x=1"
    )
    assert route.target("https://tracker.example.com", "/trackers/public/api/v1/info") is None
    assert route.target("https://other.example.com", "/tracker/public/api/v1/info") is None


def test_a_tracker_below_a_path_and_a_default_port_are_its_own() -> None:
    with mockserver.intercept(hosts={"binom": "https://example.com:443/tracker/public/api/v1"}) as mock:
        assert mock.target("https://example.com/tracker/click?key=x") == f"{MOCK_ORIGIN}/binom/click?key=x"
        assert mock.target("https://example.com/click") is None
        with pytest.raises(ValueError, match="neither a bare host nor ends with '/public/api/v1'"):
            mock.add_host("binom", "https://example.com/api")
        with pytest.raises(LookupError, match="no mocked API is called 'binomm'"):
            mock.add_host("binomm", TRACKER)


def test_as_a_decorator_each_call_starts_from_the_seed() -> None:
    sites, auth = "https://bannertrackr.com/api/public/v1/sites", {"Authorization": f"Bearer {GROWTH_RW}"}

    @mockserver.intercept(seed=1)
    def create_one() -> int:
        assert requests.post(sites, headers=auth, json={"name": "one more", "type": "website"}).status_code == 201
        return len(requests.get(sites, headers=auth).json()["data"])

    @mockserver.intercept()
    async def count() -> int:
        async with httpx.AsyncClient() as client:
            return len((await client.get(sites, headers=auth)).json()["data"])

    patched = (httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request, requests.Session.get_adapter)  # fmt: skip
    assert [create_one(), create_one(), asyncio.run(count())] == [6, 6, 5]
    # Outside the calls the libraries are as they were: nothing intercepted, nothing refused.
    assert (httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request, requests.Session.get_adapter) == patched  # fmt: skip


def test_while_active_the_libraries_transports_are_diverted() -> None:
    before = httpx.HTTPTransport.handle_request
    with mockserver.intercept():
        assert httpx.HTTPTransport.handle_request is not before
    assert httpx.HTTPTransport.handle_request is before


def test_the_readmes_in_process_examples_pass_as_a_test_file(tmp_path: Path) -> None:
    """README's `# test_in_process.py` block, as a user's test file: its pytest run passes every test in it."""
    from .test_readme import ROOT, blocks

    (block,) = [
        b for b in blocks(ROOT / "README.md") if b.lang == "python" and b.text.startswith("# test_in_process.py")
    ]
    (tmp_path / "test_in_process.py").write_text(block.text)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", "test_in_process.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"\b3 passed\b", run.stdout), run.stdout


def test_every_path_of_a_mocked_host_is_the_mocks_and_its_own_origin_serves_its_pages(intercepted: Interceptor) -> None:
    intercepted.closed = True  # so that nothing could reach the real hosts
    for nowhere in ("https://api3.adsterratools.com/nowhere", "https://bannertrackr.com/pricing"):
        answer = requests.get(nowhere)
        assert answer.status_code == 404 and answer.headers["content-type"] == "application/json", nowhere
    assert intercepted.target("https://your-tracker.com/public/api/v1/info/campaign") == f"{MOCK_ORIGIN}/binom/public/api/v1/info/campaign"  # fmt: skip
    ui = httpx.get(f"{intercepted.url}/bannertrackr/ui/")
    assert ui.status_code == 200 and "swagger" in ui.text.lower()


def test_a_nested_context_answers_first_and_an_own_transport_is_kept(intercepted: Interceptor) -> None:
    me, auth = "https://bannertrackr.com/api/public/v1/me", {"Authorization": f"Bearer {GROWTH_RW}"}
    with mockserver.intercept() as inner:
        assert httpx.get(me, headers=auth).status_code == 200
    assert len(inner.requests()) == 1 and intercepted.requests() == []
    assert httpx.get(me, headers=auth).status_code == 200 and len(intercepted.requests()) == 1  # the outer again
    own = httpx.MockTransport(lambda request: httpx.Response(418))
    with httpx.Client(transport=own) as client:
        assert client.get(me).status_code == 418
    assert len(intercepted.requests()) == 1


@pytest.mark.parametrize(("method", "url", "expect", "kwargs"), EXAMPLES)
def test_every_example_request_of_the_docs_answers_at_its_real_url(
    intercepted: Interceptor, method: str, url: str, expect: str, kwargs: dict[str, Any]
) -> None:
    """tests/test_seed_examples.py's rows with the real base URLs as the docs have them: only the key changes."""
    intercepted.closed = True  # none of them may reach a real service
    if url == "{campaign 5 link}":
        url = campaign_link(intercepted)
    url, kwargs = with_credentials(url, dict(kwargs))
    assert_answers(httpx.request(method, url, follow_redirects=expect != "redirect", timeout=30, **kwargs), expect)
    assert url.startswith(("https://bannertrackr.com/", "https://your-tracker.com/", "https://api3.adsterratools.com/", "https://api.peerclick.com/"))  # fmt: skip
