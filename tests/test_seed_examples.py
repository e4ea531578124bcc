"""Every example request of the five public docs the mock is built from works on it, on the default seed and clock.

Each row is a request one of the docs shows (a URL anatomy example, a listed endpoint with the parameters the doc
gives, a curl line, a request of a code example), written with the real service's base URL and the doc's key
placeholder, as the doc has it. The test changes only those two, to the mock's base URL and its demo credential,
sends it to a real `mockserver` (seed 1, the real clock) and asserts a 2xx with data: a non-empty list, rows or
object, as fits the endpoint. Where a doc leaves an id or a value open ("campaign ID", "Any fields from Create
Site"), the row fills in the doc's own example record or the mock's fixed demo record.

A request the mock cannot serve because its operation is not mocked yet is marked `xfail(strict=True)`, so that
the row fails, and is flipped, once someone implements it.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mockserver.pytest_plugin import MockServer

from .conftest import ADV_TOKEN, BINOM_ADMIN, GROWTH_RW, PC_TOKEN, PUB_TOKEN

# The real base URLs the docs use, and where the mock serves each.
BASES = {
    "https://bannertrackr.com": "/bannertrackr",
    "https://your-tracker.com": "/binom",
    "https://api3.adsterratools.com/advertiser": "/adsterra/advertiser",
    "https://api3.adsterratools.com/publisher": "/adsterra/publisher",
    "https://api.peerclick.com/v1": "/peerclick/v1",
}
# The docs' key placeholders, and the mock's demo credentials in their place.
KEYS = {
    "bt_live_your_key_here": GROWTH_RW,  # BannerTrackr: `Authorization: Bearer bt_live_your_key_here`
    "{token}": PUB_TOKEN,  # Adsterra Publisher: the token in the URI
}
HEADERS = {  # the credential header each API takes, for docs that name the header but show no value
    "https://your-tracker.com/public/api": {"api-key": BINOM_ADMIN},
    "https://api3.adsterratools.com/advertiser": {"X-API-Key": ADV_TOKEN},
    "https://api.peerclick.com/v1": {"api-token": PC_TOKEN},
}
BT_AUTH = {"Authorization": "Bearer bt_live_your_key_here"}
BT = "https://bannertrackr.com/api/public/v1"
BINOM = "https://your-tracker.com/public/api/v1"
ADV = "https://api3.adsterratools.com/advertiser"
PUB = "https://api3.adsterratools.com/publisher/{token}"
PC = "https://api.peerclick.com/v1"
NOT_MOCKED = "not mocked yet"

# The BannerTrackr doc's request bodies, as it shows them.
SITE = {"name": "My Newsletter", "type": "newsletter", "domain": "newsletter.example.com"}
PLACEMENT = {
    "siteId": "site_123", "name": "Header Banner", "destinationUrl": "https://example.com", "status": "active",
    "startDate": "2024-01-01", "endDate": "2024-03-31", "renewalDate": "2024-03-15", "rate": 500,
    "billingModel": "flat", "currency": "USD", "advertiserId": "adv_123",
    "utm": {"source": "newsletter", "medium": "email", "campaign": "spring-2024", "term": "banner", "content": "header"},
}  # fmt: skip
PLACEMENT_UPDATE = {name: value for name, value in PLACEMENT.items() if name != "siteId"}  # "except siteId"
# The Adsterra Advertiser doc names no body; these are the smallest its spec takes, on the demo campaign 1234567.
CAMPAIGN, BANNER = 1234567, 7654321
LINKING = {"campaign_id": CAMPAIGN, "placement_ids": [15413270]}
BIDS = {"items": [{"placement_id": 15413270, "bid": 0.9}]}
DOC_RANGE = "group_by=campaign&start_date=2024-12-01&finish_date=2025-01-15"  # the Advertiser article's example


def row(doc: str, method: str, url: str, expect: str = "", *, xfail: str = "", **kwargs: Any) -> Any:
    """One example: `expect` names what must be non-empty in the answer (a dotted JSON path, "" the whole body, or
    one of "csv", "xml", "image", "html", "redirect")."""
    marks = [pytest.mark.xfail(strict=True, reason=f"{xfail}: {NOT_MOCKED}")] if xfail else []
    return pytest.param(method, url, expect, kwargs, id=f"{doc}: {method} {url}", marks=marks)


EXAMPLES = [
    # BannerTrackr Developer API
    row("bannertrackr", "GET", f"{BT}/me", "data", headers=BT_AUTH),  # Quick Start curl, and "Get Current User"
    # Pagination: `abc123` stands for "nextCursor from previous response"; as a cursor the mock never issued it
    # names a position after every record, so the page is empty (spec: "a page (possibly empty), not an error").
    row("bannertrackr", "GET", f"{BT}/placements?limit=50&cursor=abc123", "pagination", headers=BT_AUTH),
    row("bannertrackr", "GET", f"{BT}/sites", "data", headers=BT_AUTH),
    row("bannertrackr", "GET", f"{BT}/sites?limit=50", "data", headers=BT_AUTH),
    row("bannertrackr", "GET", f"{BT}/sites/site_123", "data", headers=BT_AUTH),
    row("bannertrackr", "POST", f"{BT}/sites", "data", headers=BT_AUTH, json=SITE),
    row("bannertrackr", "PUT", f"{BT}/sites/site_123", "data", headers=BT_AUTH, json={"name": "My Newsletter"}),
    row("bannertrackr", "DELETE", f"{BT}/sites/site_123", "message", headers=BT_AUTH),
    row("bannertrackr", "GET", f"{BT}/placements", "data", headers=BT_AUTH),
    row("bannertrackr", "GET", f"{BT}/placements?siteId=site_123&status=active", "data", headers=BT_AUTH),
    row("bannertrackr", "GET", f"{BT}/placements/plc_123", "data", headers=BT_AUTH),
    row("bannertrackr", "POST", f"{BT}/placements", "data", headers=BT_AUTH, json=PLACEMENT),
    row("bannertrackr", "PUT", f"{BT}/placements/plc_123", "data", headers=BT_AUTH, json=PLACEMENT_UPDATE),
    row("bannertrackr", "DELETE", f"{BT}/placements/plc_123", "message", headers=BT_AUTH),
    row("bannertrackr", "GET", f"{BT}/placements/plc_123/stats", "data.daily", headers=BT_AUTH),  # the last 30 days
    # The JavaScript and Python examples: getStats('plc_123', '2024-01-01', '2024-01-31') with breakdowns.
    row("bannertrackr", "GET", f"{BT}/placements/plc_123/stats?from=2024-01-01&to=2024-01-31&breakdowns=true",
        "data.breakdowns.byCountry", headers=BT_AUTH),  # fmt: skip
    # Tracking URLs of the doc's placement (pixelId abc123def456), no key. (Its "Get Placement" example shortens
    # them to `...?p=abc123`, `img/abc123`, `click/abc123`, which contradicts the pixelId it shows; not rows here.)
    row("bannertrackr", "GET", "https://bannertrackr.com/api/track/pixel.gif?p=abc123def456", "image"),
    row("bannertrackr", "GET", "https://bannertrackr.com/api/track/img/abc123def456", "image"),
    row("bannertrackr", "GET", "https://bannertrackr.com/api/track/click/abc123def456", "redirect"),
    # Binom tracker API (v2)
    row("binom", "GET", "https://your-tracker.com/api/doc", "html"),  # the Swagger docs, no key
    row("binom", "GET", f"{BINOM}/campaign/5/link", "link"),  # "getting a campaign link" for campaign ID 5
    # The link that answer holds is the tracker's click URL (`/click?key=...`), served by the separate Click API.
    row("binom", "GET", "{campaign 5 link}", "redirect"),  # the click URL: 302 to the campaign's landing or offer
    # Adsterra Advertiser API (X-API-Key)
    row("adsterra advertiser", "GET", f"{ADV}/balance.json"),
    row("adsterra advertiser", "PATCH", f"{ADV}/banner/{BANNER}.json", json={"active": True}),
    row("adsterra advertiser", "GET", f"{ADV}/banner/{BANNER}/landings.json", "items"),
    row("adsterra advertiser", "GET", f"{ADV}/campaign/{CAMPAIGN}.json"),
    row("adsterra advertiser", "PATCH", f"{ADV}/campaign/{CAMPAIGN}.json", json={"active": False}),
    row("adsterra advertiser", "GET", f"{ADV}/campaign/{CAMPAIGN}/banners.json", "items"),
    row("adsterra advertiser", "GET", f"{ADV}/campaign/{CAMPAIGN}/landings.json", "items"),
    row("adsterra advertiser", "GET", f"{ADV}/campaign/{CAMPAIGN}/linking/blacklist.json", "placement_ids"),
    row("adsterra advertiser", "GET", f"{ADV}/campaigns.json", "items"),
    row("adsterra advertiser", "POST", f"{ADV}/linking/blacklist.json", "placement_ids", json=LINKING),
    row("adsterra advertiser", "POST", f"{ADV}/linking/blacklist/delete.json", "placement_ids", json=LINKING),
    row("adsterra advertiser", "POST", f"{ADV}/linking/blacklist/clean.json", json={"campaign_id": CAMPAIGN}),
    row("adsterra advertiser", "POST", f"{ADV}/linking/whitelist.json", "placement_ids", json=LINKING),
    row("adsterra advertiser", "POST", f"{ADV}/linking/whitelist/delete.json", json=LINKING),
    row("adsterra advertiser", "DELETE", f"{ADV}/campaign/{CAMPAIGN}/linking/whitelist.json"),
    row("adsterra advertiser", "GET", f"{ADV}/campaign/{CAMPAIGN}/linking/whitelist.json"),  # the campaign has none
    row("adsterra advertiser", "GET", f"{ADV}/campaign/{CAMPAIGN}/custom_bid.json", "items"),
    row("adsterra advertiser", "POST", f"{ADV}/campaign/{CAMPAIGN}/custom_bid.json", "items", json=BIDS),
    row("adsterra advertiser", "PATCH", f"{ADV}/campaign/{CAMPAIGN}/custom_bid.json", "items", json=BIDS),
    row("adsterra advertiser", "DELETE", f"{ADV}/campaign/{CAMPAIGN}/custom_bid.json?placement_ids=15413270"),
    row("adsterra advertiser", "POST", f"{ADV}/campaign/{CAMPAIGN}/custom_bid/clean.json"),
    # "First, we need to get the IDs of our campaigns", in each of the three formats ("specify the data format you
    # need in the URI: .../advertiser/stats.json" shows the suffix; a report needs its start_date and finish_date).
    row("adsterra advertiser", "GET", f"{ADV}/stats.json?{DOC_RANGE}", "items"),
    row("adsterra advertiser", "GET", f"{ADV}/stats.xml?{DOC_RANGE}", "xml"),
    row("adsterra advertiser", "GET", f"{ADV}/stats.csv?{DOC_RANGE}", "csv"),
    # Adsterra Publisher API (the token in the URI). The article spells the first path `/domains/{format}`,
    # a misprint for `/domains.{format}` (the 2.3.0 docs and every client; the spec says so).
    row("adsterra publisher", "GET", f"{PUB}/domains.json", "items"),
    row("adsterra publisher", "GET", f"{PUB}/domain/1385226/placements.json", "items"),  # "the first website"
    row("adsterra publisher", "GET", f"{PUB}/placements.json", "items"),
    # "use domain_id and placement_id to fetch this placement's stats": the article names no placement or dates;
    # the placement is the demo domain's first, the dates those of the Advertiser article's example.
    row("adsterra publisher", "GET",
        f"{PUB}/stats.json?domain_id=1385226&placement_id=13852261&start_date=2024-12-01&finish_date=2025-01-15", "items"),
    row("adsterra publisher", "GET",
        f"{PUB}/stats.csv?domain_id=1385226&placement_id=13852261&start_date=2024-12-01&finish_date=2025-01-15", "csv"),
    row("adsterra publisher", "GET", f"{PUB}/stats.json?start_date=2024-12-01&finish_date=2025-01-15&country=US", "items"),
    # PeerClick API
    row("peerclick", "GET", f"{PC}/report?groupBy=campaign&from=2020-01-01", "rows"),  # the URL anatomy example
    row("peerclick", "GET", f"{PC}/campaign", "campaigns"),  # directory suffixes
    row("peerclick", "GET", f"{PC}/offer", "offers"),
    row("peerclick", "GET", f"{PC}/campaign/1?withPages=1", "campaign.redirectTarget"),  # /campaign/{campaignId}
    row("peerclick", "POST", f"{PC}/auth/access/session", "token", headers={},  # "Create Key Token": no token yet,
        json={"accessId": "pc_demo_access_id", "accessKey": "pc_demo_access_key"}),  # the access key  # fmt: skip
]  # fmt: skip


def to_mock(mockserver: MockServer, url: str, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The doc's request with only the base URL and the credential changed to the mock's."""
    url, kwargs = with_credentials(url, kwargs)
    for real, mock in BASES.items():
        if url.startswith(real):
            return mockserver.url + mock + url[len(real) :], kwargs
    raise AssertionError(f"no base URL of the docs in {url}")


def with_credentials(url: str, kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The doc's request with only its key placeholder changed to the mock's demo credential (the URL stays)."""
    given = kwargs.pop("headers", None)  # a row's own headers (the doc's); else the API's credential header
    headers = dict(given) if given is not None else next((h for b, h in HEADERS.items() if url.startswith(b)), {})
    for placeholder, key in KEYS.items():
        url = url.replace(placeholder, key)
        headers = {name: value.replace(placeholder, key) for name, value in headers.items()}
    return url, {**kwargs, "headers": headers}


def campaign_link(mockserver: MockServer) -> str:
    """The click URL the Binom doc's campaign-link example answers, on the mock's stand-in for the tracker host."""
    url, kwargs = to_mock(mockserver, f"{BINOM}/campaign/5/link", {})
    link = httpx.get(url, **kwargs).json()["link"]
    return "https://your-tracker.com" + link[link.index("/click") :]


def non_empty(body: Any, path: str) -> Any:
    for name in filter(None, path.split(".")):
        assert isinstance(body, dict) and name in body, (path, body)
        body = body[name]
    return body


@pytest.mark.parametrize(("method", "url", "expect", "kwargs"), EXAMPLES)
def test_every_example_request_of_the_docs_answers_data(
    mockserver: MockServer, method: str, url: str, expect: str, kwargs: dict[str, Any]
) -> None:
    if url == "{campaign 5 link}":
        url = campaign_link(mockserver)
    url, kwargs = to_mock(mockserver, url, dict(kwargs))
    assert_answers(httpx.request(method, url, follow_redirects=expect != "redirect", timeout=30, **kwargs), expect)


def assert_answers(response: httpx.Response, expect: str) -> None:
    """A 2xx with data, as `expect` names it (see `row`)."""
    if expect == "redirect":  # a click URL answers with the redirect to the placement's destination
        assert response.status_code == 302 and response.headers["location"].startswith("https://"), response.text
        return
    assert 200 <= response.status_code < 300, (response.status_code, response.text[:500])
    content_type = response.headers["content-type"]
    if expect == "image":
        assert content_type.startswith("image/") and response.content
    elif expect == "html":
        assert content_type.startswith("text/html") and "swagger" in response.text.lower()
    elif expect == "csv":
        assert content_type.startswith("text/csv") and len(response.text.splitlines()) > 1  # rows under the header
    elif expect == "xml":
        assert content_type == "application/xml" and "<item>" in response.text
    else:
        assert content_type == "application/json"
        assert non_empty(response.json(), expect), response.text[:500]
