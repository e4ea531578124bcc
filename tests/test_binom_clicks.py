"""Binom's click URL on a served mock: campaign click, landing click and postback, then the report counts them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from mockserver.pytest_plugin import MockServer

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "X-Country": "DE"}
TODAY = {"datePreset": "today", "timezone": "UTC"}


def api(mockserver: MockServer) -> httpx.Client:
    key = mockserver.key("binom", "administrator")
    return httpx.Client(base_url=mockserver.base_url("binom"), headers={"api-key": key})


def totals(binom: httpx.Client, campaign: int) -> dict[str, Any]:
    params = {"groupings[]": "campaign", "ids[]": campaign, "limit": 1000, **TODAY}
    response = binom.get("/report/campaign", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert sum(Decimal(row["clicks"]) for row in body["report"]) == Decimal(body["totals"]["clicks"])
    return dict(body["totals"])


def landing_campaign(mockserver: MockServer, binom: httpx.Client) -> tuple[int, httpx.Response, dict[str, Any]]:
    """The first campaign whose first click goes to a landing, its report before the click, and that click."""
    for campaign in range(1, 10):
        link = binom.get(f"/campaign/{campaign}/link").json()["link"]
        assert link.startswith(mockserver.url + "/binom/click?key="), link
        before = totals(binom, campaign)
        response = httpx.get(link + "&zone=12345", headers=BROWSER)
        assert response.status_code == 302, response.text
        if "clickid=" in response.headers["location"]:
            return campaign, response, before
    raise AssertionError("no seeded campaign sends its first click to a landing")


def test_click_landing_click_and_postback_show_in_the_report(mockserver: MockServer) -> None:
    with api(mockserver) as binom:
        campaign, click, before = landing_campaign(mockserver, binom)
        click_id = parse_qs(urlsplit(click.headers["location"]).query)["clickid"][0]
        offer = httpx.get(mockserver.url + "/binom/click", params={"lp": 1, "clickid": click_id}, headers=BROWSER)
        assert offer.status_code == 302 and offer.headers["location"].startswith("https://"), offer.text
        assert click_id in offer.headers["location"]  # the offer URL's {clickid} token
        postback = httpx.get(mockserver.url + "/binom/click", params={"cnv_id": click_id, "payout": "2.50",
                                                                      "cnv_status": "sale"})  # fmt: skip
        assert postback.status_code == 200, postback.text
        after = totals(binom, campaign)
    assert int(after["clicks"]) == int(before["clicks"]) + 1
    assert int(after["leads"]) == int(before["leads"]) + 1
    assert Decimal(after["revenue"]) == Decimal(before["revenue"]) + Decimal("2.50")


def test_crawlers_are_redirected_but_not_counted(mockserver: MockServer) -> None:
    with api(mockserver) as binom:
        link = binom.get("/campaign/1/link").json()["link"]
        before = totals(binom, 1)
        response = httpx.get(link, headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
        assert response.status_code == 302
        assert totals(binom, 1) == before


def test_unknown_key_and_click_are_404_in_binoms_error_body(mockserver: MockServer) -> None:
    for params in ({"key": "no-such-key"}, {"lp": 1, "clickid": "nope"}, {"cnv_id": "nope", "payout": 1}):
        response = httpx.get(mockserver.url + "/binom/click", params=params)
        assert response.status_code == 404, response.text
        assert response.json()["errors"]["status"] == 404
    response = httpx.get(mockserver.url + "/binom/click")
    assert response.status_code == 400 and response.json()["errors"]["status"] == 400


def test_the_campaign_names_the_same_click_url_as_its_link(mockserver: MockServer) -> None:
    with api(mockserver) as binom:
        for campaign in (1, 2):
            link = binom.get(f"/campaign/{campaign}/link").json()["link"]
            assert binom.get(f"/campaign/{campaign}").json()["link"] == link
