"""BannerTrackr tracking URLs through HTTP, as browsers load them: what they answer, and what the stats then show."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from mockserver.apis.bannertrackr import tracking, traffic

from .agents import ANDROID_PHONE, ANDROID_TABLET, CHROME, CURL, GOOGLEBOT, IPAD, IPHONE
from .conftest import BT, GROWTH_RW, Api, make_app

TRACK = "/bannertrackr/api/track"
# What browsers send for an <img> load and for a followed link.
IMAGE_LOAD = {"Accept": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8", "Sec-Fetch-Dest": "image"}
NAVIGATION = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Sec-Fetch-Dest": "document"}
UTM = {"source": "newsletter", "medium": "email", "campaign": "spring 24", "term": None, "content": None}
ZERO = {"impressions": 0, "clicks": 0, "uniqueVisitors": 0, "ctr": 0}


class Browser:
    """One visitor (address, user agent, country) loading tracking URLs the way a browser does."""

    def __init__(
        self, client: Any, agent: str, ip: str, country: str | None = None, header: str = "CF-IPCountry"
    ) -> None:
        self.client = client
        self.headers = {"User-Agent": agent, "X-Forwarded-For": ip, **({header: country} if country else {})}

    def load_image(self, url: str) -> httpx.Response:
        """<img src=url>"""
        return self.client.get(_path(url), headers={**self.headers, **IMAGE_LOAD})

    def follow_link(self, url: str) -> httpx.Response:
        """<a href=url>, clicked (the redirect is not followed: it leaves the mock)."""
        return self.client.get(_path(url), headers={**self.headers, **NAVIGATION}, follow_redirects=False)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def stats(bt: Api, placement_id: str, **params: Any) -> dict[str, Any]:
    response = bt.get(f"/placements/{placement_id}/stats", params={"breakdowns": "true", **params})
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


@pytest.fixture
def placement(bt: Api) -> dict[str, Any]:
    """A new placement on the doc's site: no generated history, so every count comes from the hits."""
    body = {"siteId": "site_123", "name": "Tracked", "destinationUrl": "https://acme.com/spring?ref=nl", "utm": UTM}
    created = bt.post("/placements", json=body)
    assert created.status_code == 201, created.text
    return created.json()["data"]  # type: ignore[no-any-return]


def test_browsers_hits_show_up_in_the_stats_exactly(
    bt: Api, client: Any, placement: dict[str, Any], clock: Any
) -> None:
    urls = placement["trackingUrls"]
    alias = f"{TRACK}/px/{placement['pixelId']}"
    desktop_us = Browser(client, CHROME, "198.51.100.1", "US")
    iphone_gb = Browser(client, IPHONE, "198.51.100.2", "gb")
    ipad_de = Browser(client, IPAD, "198.51.100.3", "DE")
    android_tablet_fr = Browser(client, ANDROID_TABLET, "198.51.100.4", "FR", header="X-Country")
    android_phone = Browser(client, ANDROID_PHONE, "198.51.100.5")  # no country header
    same_ip_other_agent = Browser(client, CURL, "198.51.100.1", "US")
    crawler = Browser(client, GOOGLEBOT, "66.249.66.1", "US")

    for browser, url in [
        (desktop_us, urls["pixel"]), (desktop_us, urls["pixel"]), (desktop_us, urls["image"]),  # 3 views, 1 visitor
        (iphone_gb, alias), (ipad_de, urls["pixel"]), (android_tablet_fr, urls["image"]),
        (android_phone, urls["pixel"]), (same_ip_other_agent, urls["pixel"]), (crawler, urls["pixel"]),
    ]:  # fmt: skip
        view = browser.load_image(url)
        assert view.status_code == 200 and view.headers["Cache-Control"] == "no-store"
    for browser, url in [(desktop_us, urls["click"]), (iphone_gb, urls["image"]), (crawler, urls["click"])]:
        assert browser.follow_link(url).status_code == 302
    assert client.head(_path(urls["pixel"]), headers=desktop_us.headers).status_code == 200  # HEAD counts nothing

    data = stats(bt, placement["id"], **{"from": clock.today().isoformat()})
    today = {"impressions": 8, "clicks": 2, "uniqueVisitors": 6, "ctr": 25.0}
    assert data["daily"] == [{"date": clock.today().isoformat(), **today}]
    assert data["summary"] == today
    assert data["breakdowns"]["byDevice"] == [
        {"device": "desktop", "impressions": 4, "clicks": 1},
        {"device": "mobile", "impressions": 2, "clicks": 1},  # ties: by name
        {"device": "tablet", "impressions": 2, "clicks": 0},
    ]
    assert data["breakdowns"]["byCountry"] == [
        {"country": "US", "impressions": 4, "clicks": 1},
        {"country": "DE", "impressions": 1, "clicks": 0},
        {"country": "FR", "impressions": 1, "clicks": 0},
        {"country": "GB", "impressions": 1, "clicks": 1},
        {"country": "ZZ", "impressions": 1, "clicks": 0},
    ]


def test_days_and_unique_visitors_follow_the_mock_clock(
    bt: Api, client: Any, placement: dict[str, Any], clock: Any
) -> None:
    first_day = clock.today()
    regular, newcomer = Browser(client, CHROME, "198.51.100.1", "US"), Browser(client, IPHONE, "198.51.100.9", "US")
    for _ in range(3):
        regular.load_image(placement["trackingUrls"]["pixel"])
    regular.follow_link(placement["trackingUrls"]["click"])
    clock.advance(86_400)
    regular.load_image(placement["trackingUrls"]["image"])
    newcomer.load_image(placement["trackingUrls"]["pixel"])
    data = stats(bt, placement["id"], **{"from": first_day.isoformat()})
    assert data["daily"] == [
        {"date": first_day.isoformat(), "impressions": 3, "clicks": 1, "uniqueVisitors": 1, "ctr": 33.33},
        {"date": clock.today().isoformat(), "impressions": 2, "clicks": 0, "uniqueVisitors": 2, "ctr": 0},
    ]
    # The doc's rule: summary sums the days, unique visitors included (the regular counts once per day).
    assert data["summary"] == {"impressions": 5, "clicks": 1, "uniqueVisitors": 3, "ctr": 20.0}


def test_hits_add_to_the_generated_history(bt: Api, client: Any, clock: Any) -> None:
    active = next(p for p in bt.all("/placements") if p["status"] == "active" and p["destinationUrl"])
    period = {"from": (clock.today().replace(day=1)).isoformat()}
    before = stats(bt, active["id"], **period)
    visitor = Browser(client, IPHONE, "198.51.100.7", "JP")
    for _ in range(5):
        visitor.load_image(active["trackingUrls"]["pixel"])
    visitor.follow_link(active["trackingUrls"]["click"])
    after = stats(bt, active["id"], **period)
    assert after["daily"][:-1] == before["daily"][:-1]  # earlier days untouched
    old, new = before["daily"][-1], after["daily"][-1]
    assert new["impressions"] == old["impressions"] + 5 and new["clicks"] == old["clicks"] + 1
    assert new["uniqueVisitors"] == old["uniqueVisitors"] + 1
    assert new["ctr"] == round(new["clicks"] / new["impressions"] * 100, 2)
    summary = after["summary"]
    assert (
        summary["impressions"]
        == sum(row["impressions"] for row in after["daily"])
        == before["summary"]["impressions"] + 5
    )
    devices = {row["device"]: row for row in after["breakdowns"]["byDevice"]}
    old_devices = {row["device"]: row for row in before["breakdowns"]["byDevice"]}
    assert devices["mobile"]["impressions"] == old_devices["mobile"]["impressions"] + 5
    assert len(after["breakdowns"]["byCountry"]) <= 10


@pytest.mark.parametrize(
    "change", [{"status": "paused"}, {"startDate": "2026-01-01", "endDate": "2026-06-01"}], ids=["paused", "expired"]
)
def test_paused_or_expired_placements_serve_but_count_nothing(
    bt: Api, client: Any, placement: dict[str, Any], change: dict[str, Any]
) -> None:
    assert bt.put(f"/placements/{placement['id']}", json=change).json()["data"]["status"] in ("paused", "expired")
    visitor, urls = Browser(client, CHROME, "198.51.100.1", "US"), placement["trackingUrls"]
    assert visitor.load_image(urls["pixel"]).headers["Content-Type"] == "image/gif"
    assert visitor.load_image(urls["image"]).headers["Content-Type"] == "image/png"
    assert visitor.follow_link(urls["click"]).headers["Location"].startswith("https://acme.com/spring")
    assert visitor.follow_link(urls["image"]).status_code == 302
    assert stats(bt, placement["id"])["summary"] == ZERO
    if change.get("status") == "paused":  # resumed: counts again
        bt.put(f"/placements/{placement['id']}", json={"status": "active"})
        visitor.load_image(urls["pixel"])
        assert stats(bt, placement["id"])["summary"]["impressions"] == 1


def test_pixel_and_image_bodies(client: Any, placement: dict[str, Any]) -> None:
    visitor = Browser(client, CHROME, "198.51.100.1")
    gif = visitor.load_image(placement["trackingUrls"]["pixel"])
    assert gif.content[:6] == b"GIF89a" and gif.content[6:10] == b"\x01\x00\x01\x00" and len(gif.content) == 43
    assert visitor.load_image(f"{TRACK}/px/{placement['pixelId']}").content == gif.content
    png = visitor.load_image(placement["trackingUrls"]["image"])
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and png.content[16:24] == (468).to_bytes(4, "big") + (60).to_bytes(
        4, "big"
    )


def test_smart_image_tells_clicks_from_views(bt: Api, client: Any, placement: dict[str, Any]) -> None:
    image = _path(placement["trackingUrls"]["image"])
    agent = {"User-Agent": CHROME}
    cases = [
        ({"Sec-Fetch-Dest": "image", "Accept": "text/html"}, 200),  # Sec-Fetch-Dest decides when present
        ({"Sec-Fetch-Dest": "iframe"}, 302),
        ({"Accept": "text/html,*/*"}, 302),  # no Sec-Fetch-Dest: Accept decides
        ({"Accept": "image/*"}, 200),
        ({}, 200),  # e.g. an email client's image proxy
    ]
    for headers, status in cases:
        assert client.get(image, headers={**agent, **headers}, follow_redirects=False).status_code == status, headers
    assert stats(bt, placement["id"])["summary"] == {"impressions": 3, "clicks": 2, "uniqueVisitors": 1, "ctr": 66.67}


def test_click_redirects_to_the_destination_with_utm(bt: Api, client: Any, placement: dict[str, Any]) -> None:
    response = Browser(client, CHROME, "198.51.100.1").follow_link(placement["trackingUrls"]["click"])
    location = "https://acme.com/spring?ref=nl&utm_source=newsletter&utm_medium=email&utm_campaign=spring+24"
    assert (response.status_code, response.headers["Location"]) == (302, location)
    assert (
        response.headers["Content-Type"] == "text/html; charset=utf-8"
        and "no-store" == response.headers["Cache-Control"]
    )
    assert "X-RateLimit-Limit" not in response.headers


@pytest.mark.parametrize(
    "suffix",
    [
        "?url=https://evil.example/", "?redirect=//evil.example", "?next=https%3A%2F%2Fevil.example",
        "?utm_source=evil&destinationUrl=https://evil.example", "/https://evil.example", "%2F%2Fevil.example",
        "/..%2F..%2Fevil.example", "@evil.example",
    ],
)  # fmt: skip
def test_no_open_redirect(client: Any, placement: dict[str, Any], suffix: str) -> None:
    clean = Browser(client, CHROME, "198.51.100.1").follow_link(placement["trackingUrls"]["click"]).headers["Location"]
    for kind in ("click", "img"):
        response = client.get(
            f"{TRACK}/{kind}/{placement['pixelId']}{suffix}", headers=NAVIGATION, follow_redirects=False
        )
        assert response.status_code in (302, 404), response.text
        assert response.headers.get("Location") in (None, clean)
        assert "evil" not in response.text


def test_placement_without_destination_has_no_click(bt: Api, client: Any, placement: dict[str, Any]) -> None:
    bt.put(f"/placements/{placement['id']}", json={"destinationUrl": None})
    visitor = Browser(client, CHROME, "198.51.100.1")
    for url in (placement["trackingUrls"]["click"], placement["trackingUrls"]["image"]):
        response = visitor.follow_link(url)
        assert response.status_code == 404 and "Location" not in response.headers
        assert response.json() == {
            "error": "Destination not set",
            "hint": "Set the placement's destinationUrl to an http(s) URL",
        }
    assert visitor.load_image(placement["trackingUrls"]["image"]).status_code == 200  # the image still serves
    assert stats(bt, placement["id"])["summary"]["clicks"] == 0


@pytest.mark.parametrize(
    "url", ["/pixel.gif?p=nope1234", "/px/nope1234", "/img/nope1234", "/click/nope1234", "/px/plc_123"]
)
def test_unknown_pixel_is_404_in_the_apis_error_shape(client: Any, url: str) -> None:
    response = client.get(TRACK + url, headers=NAVIGATION if "click" in url else IMAGE_LOAD, follow_redirects=False)
    assert response.status_code == 404
    assert response.json() == {
        "error": "Pixel not found",
        "hint": "Use a tracking URL from the placement's trackingUrls",
    }
    assert "X-RateLimit-Limit" not in response.headers


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/pixel.gif", 400), ("/pixel.gif?p=", 400), ("/pixel.gif?p=" + "a" * 65, 400), ("/px/" + "a" * 65, 400),
        ("/pixel.gif?p=%F0%9F%92%A5", 404), ("/px/%00", 404), ("/click/%E2%80%AE", 404), ("/px/a%2Fb", 404),
        ("/px/", 404), ("/nope", 404), ("/px/abc123def456/extra", 404),
    ],
)  # fmt: skip
def test_odd_tracking_requests_are_4xx_never_500(client: Any, url: str, status: int) -> None:
    response = client.get(TRACK + url)
    assert response.status_code == status, response.text
    assert set(response.json()) <= {"error", "hint"}


@pytest.mark.parametrize(
    "headers",
    [
        [(b"user-agent", b"\xff\xfe\x00garbage"), (b"cf-ipcountry", b"\xc3\xa9\xc3\xa9")],
        [(b"user-agent", b"x" * 8000), (b"x-forwarded-for", b",,,")],
        [(b"x-forwarded-for", b"not an ip"), (b"x-country", b"12"), (b"sec-fetch-dest", b"\xff")],
        [(b"user-agent", b""), (b"user-agent", IPHONE.encode()), (b"accept", b"text/html")],
    ],
)
def test_odd_headers_still_serve_and_count(
    bt: Api, client: Any, placement: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> None:
    for url in placement["trackingUrls"].values():
        assert client.get(_path(url), headers=headers, follow_redirects=False).status_code in (200, 302)
    summary = stats(bt, placement["id"])["summary"]
    assert summary["impressions"] + summary["clicks"] == 3


def test_tracking_is_not_rate_limited_and_has_no_rate_headers(bt: Api, client: Any, placement: dict[str, Any]) -> None:
    remaining = int(bt.get("/me").headers["X-RateLimit-Remaining"])
    for _ in range(150):  # more than any plan's read limit
        response = client.get(_path(placement["trackingUrls"]["pixel"]))
        assert response.status_code == 200 and not any(h.lower().startswith("x-ratelimit") for h in response.headers)
    assert int(bt.get("/me").headers["X-RateLimit-Remaining"]) == remaining - 1


def test_other_methods_are_405_with_allow(client: Any, placement: dict[str, Any]) -> None:
    response = client.post(f"{TRACK}/click/{placement['pixelId']}")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD"


def test_deleting_a_placement_or_site_deletes_its_traffic(
    bt: Api, client: Any, app: Any, placement: dict[str, Any]
) -> None:
    table = app.state.store.table("bannertrackr", traffic.TABLE)
    on_site = [p for p in bt.all("/placements", siteId="site_123") if p["status"] == "active"]
    for tracked in on_site:
        Browser(client, CHROME, "198.51.100.1").load_image(tracked["trackingUrls"]["pixel"])
    assert {p["id"] for p in on_site} <= {row["id"] for owner in table.owners() for row in table.rows(owner)}
    assert bt.delete(f"/placements/{placement['id']}").status_code == 200
    assert placement["id"] not in table and client.get(_path(placement["trackingUrls"]["pixel"])).status_code == 404
    assert bt.delete("/sites/site_123").status_code == 200
    assert not {p["id"] for p in on_site} & {row["id"] for owner in table.owners() for row in table.rows(owner)}


ORIGIN = {"Origin": "http://localhost:5173"}  # a web app on its own dev server


def _logged(client: Any) -> list[dict[str, Any]]:
    """The request log's tracking entries, without what differs between two runs (the time it took)."""
    entries = client.get("/__admin/requests", params={"api": "bannertrackr"}).json()
    return [{**entry, "durationMs": None} for entry in entries if entry["path"].startswith(TRACK)]


def test_fast_routes_answer_exactly_as_connexion_would() -> None:
    """The gateway's fast routes (answered ahead of the pipeline, or inside it with an Origin) and the spec's
    connexion operations share their code: same answers, same counts, same request log entries."""
    requests = [
        ("GET", "/pixel.gif?p=abc123def456", IMAGE_LOAD), ("GET", "/px/abc123def456", {}), ("HEAD", "/px/abc123def456", {}),
        ("GET", "/img/abc123def456", IMAGE_LOAD), ("GET", "/img/abc123def456", NAVIGATION), ("GET", "/click/abc123def456", {}),
        ("GET", "/px/nope", {}), ("GET", "/click/nope", {}), ("GET", "/pixel.gif?p=a&p=b", {}), ("GET", "/pixel.gif", {}),
        ("GET", "/px/abc123def456", ORIGIN), ("GET", "/pixel.gif?p=abc123def456", {**ORIGIN, **IMAGE_LOAD}),
        ("OPTIONS", "/px/abc123def456", {**ORIGIN, "Access-Control-Request-Method": "GET"}),
        ("GET", "/px/abc123def456", {"Prefer": "code=404"}), ("GET", "/px/abc123def456?__code=404", {}),
        ("GET", "/pixel.gif?p=abc123def456&ref=nl", {}), ("GET", "/pixel.gif?p=abc123def456+", {}),
        ("GET", "/pixel.gif?p=ab%63123def456", {}),
    ]  # fmt: skip
    answers = []
    for fast in (True, False):
        api = Api(make_app(fast_routes=fast).test_client(), BT, GROWTH_RW)
        body = {"siteId": "site_123", "name": "x", "destinationUrl": "https://a.example/?q=1", "utm": UTM}
        created = api.post("/placements", json=body).json()["data"]
        seen: list[Any] = []
        for method, url, headers in requests:
            url = TRACK + url.replace("abc123def456", created["pixelId"])
            response = api.client.request(
                method, url, headers={"User-Agent": IPHONE, **headers}, follow_redirects=False
            )
            seen.append((response.status_code, response.content, dict(response.headers)))
        answers.append([*seen, stats(api, created["id"]), _logged(api.client)])
    assert answers[0] == answers[1]
    logged = answers[0][-1]
    # Every request above but the preflight (CORS answers it, as it does for any operation) is in the log.
    assert len(logged) == len(requests) - 1 and {entry["operationId"] for entry in logged} == {
        "trackPixel", "trackPixelPath", "trackImage", "trackClick"
    }  # fmt: skip


def test_a_hit_is_logged_as_its_operation(client: Any, placement: dict[str, Any]) -> None:
    """What the log shows of a hit: its operation, path, query and headers, as of any request of the API."""
    Browser(client, IPHONE, "198.51.100.7", "DE").load_image(placement["trackingUrls"]["pixel"])
    (entry,) = _logged(client)
    query = urlsplit(placement["trackingUrls"]["pixel"]).query
    assert entry | {"time": None, "headers": None} == {
        "time": None, "api": "bannertrackr", "method": "GET", "path": f"{TRACK}/pixel.gif", "status": 200, "key": None,
        "durationMs": None, "query": {"p": [query.removeprefix("p=")]}, "headers": None, "body": None, "bodyBytes": 0,
        "operationId": "trackPixel", "valid": True, "error": None, "nearest": None,
    }  # fmt: skip
    assert entry["headers"]["cf-ipcountry"] == "DE" and entry["headers"]["user-agent"] == IPHONE
    coverage = client.get("/__admin/coverage", params={"api": "bannertrackr"}).json()
    assert "trackPixel" in json.dumps(coverage)


def test_injected_faults_apply_to_hits(bt: Api, client: Any, placement: dict[str, Any]) -> None:
    """A fault set for BannerTrackr hits its tracking URLs too: the faulted hits answer its status and count
    nothing; once its count is spent, hits answer and count again."""
    fault = {"api": "bannertrackr", "status": 500, "count": 2}
    assert client.post("/__admin/faults", json=fault).status_code == 201
    visitor = Browser(client, IPHONE, "198.51.100.8", "US")
    statuses = [visitor.load_image(placement["trackingUrls"]["pixel"]).status_code for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert stats(bt, placement["id"])["summary"]["impressions"] == 1
    assert [entry["status"] for entry in _logged(client)] == [200, 500, 500]  # newest first


def test_a_recording_keeps_the_hits(tmp_path: Any) -> None:
    """With `serve --record`, a hit is in the HAR file, with its answer, and in the log."""
    from mockserver.background import serve_in_thread
    from mockserver.kit import har

    recording = tmp_path / "hits.har"
    app = make_app(record=recording)
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as http:
        pixel = http.get(f"{TRACK}/px/def456abc789", headers={"User-Agent": IPHONE, **IMAGE_LOAD})
        assert pixel.status_code == 200
        assert [entry["operationId"] for entry in _logged(http)] == ["trackPixelPath"]
    (entry,) = har.read(recording)
    assert entry["request"]["url"].endswith(f"{TRACK}/px/def456abc789") and entry["response"]["status"] == 200
    assert {"name": "content-type", "value": "image/gif"} in entry["response"]["headers"]


def test_recorded_traffic_is_part_of_the_store(bt: Api, client: Any, app: Any, placement: dict[str, Any]) -> None:
    """Export (as JSON, as the admin API and the state file write it) and load carry it, a reseed drops it."""
    visitor = Browser(client, IPHONE, "198.51.100.1", "US")
    visitor.load_image(placement["trackingUrls"]["pixel"])
    snapshot, counted = json.loads(json.dumps(app.state.store.export())), stats(bt, placement["id"])
    visitor.load_image(placement["trackingUrls"]["pixel"])
    app.state.store.load(snapshot)
    assert stats(bt, placement["id"]) == counted
    visitor.load_image(placement["trackingUrls"]["pixel"])  # the same visitor: still one unique
    assert stats(bt, placement["id"])["summary"] == {"impressions": 2, "clicks": 0, "uniqueVisitors": 1, "ctr": 0}
    app.state.reseed(app.state.settings.seed)
    assert len(app.state.store.table("bannertrackr", traffic.TABLE)) == 0


def test_a_bug_on_the_fast_path_is_a_500_in_the_apis_error_shape(
    client: Any, placement: dict[str, Any], monkeypatch: Any
) -> None:
    async def broken(ctx: Any, pixel_id: str) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(tracking, "pixel", broken)
    response = client.get(f"{TRACK}/px/{placement['pixelId']}")
    assert (response.status_code, response.json()) == (500, {"error": "Internal server error"})
