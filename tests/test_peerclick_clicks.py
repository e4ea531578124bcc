"""PeerClick's tracking through HTTP: the campaign URL records a click and redirects, the postback records a
conversion on it, and `/report` shows both on top of the seeded traffic."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .conftest import Api
from .test_peerclick import CAMPAIGN, OFFER, error

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "CF-IPCountry": "DE"}


def _direct_campaign(peerclick: Api) -> dict[str, Any]:
    offer = peerclick.post("/offer", json=OFFER).json()["offer"]
    path = {"weight": 100, "direct": 1, "offers": [{"id": offer["id"], "weight": 100}], "landers": []}
    body = {**CAMPAIGN, "redirectTarget": {"destination": "PATH", "path": {"defaultPaths": [path]}}}
    return dict(peerclick.post("/campaign", json=body).json()["campaign"])


def _report(peerclick: Api, campaign_id: int) -> dict[str, Any]:
    params = {"groupBy": "campaign", "from": "2020-01-01", "campaignId": campaign_id}
    response = peerclick.get("/report", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _click(peerclick: Api, url: str, **headers: str) -> Any:
    return peerclick.client.get(
        urlsplit(url).path, params={"zoneid": "4711"}, headers={**BROWSER, **headers}, follow_redirects=False
    )


def test_click_redirects_to_the_offer_and_the_postback_shows_in_the_report(peerclick: Api) -> None:
    campaign = _direct_campaign(peerclick)
    assert campaign["url"].startswith("http") and "/peerclick/v1/click/" in campaign["url"]
    assert _report(peerclick, campaign["id"])["totalRows"] == 0  # created through the API: no seeded traffic

    response = _click(peerclick, campaign["url"])
    assert response.status_code == 302, response.text
    assert response.headers["Cache-Control"] == "no-store"
    location = response.headers["Location"]
    assert location.startswith("https://offers.example.com/?click_id=")
    cid = location.rsplit("=", 1)[1]
    assert len(cid) == 32

    report = _report(peerclick, campaign["id"])
    assert report["totalRows"] == 1 and len(report["rows"]) == 1
    row = report["rows"][0]
    assert (row["campaignId"], row["visits"], row["clicks"], row["conversions"], row["revenue"]) == (
        campaign["id"],
        1,
        1,
        0,
        0,
    )

    answer = peerclick.client.get("/peerclick/v1/postback", params={"cid": cid, "payout": "3.25", "status": "sale"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["conversion"] == {"cid": cid, "campaignId": campaign["id"], "payout": 3.25, "status": "sale"}

    report = _report(peerclick, campaign["id"])
    row = report["rows"][0]
    assert (row["visits"], row["clicks"], row["conversions"], row["revenue"]) == (1, 1, 1, 3.25)
    assert row["cost"] == 0.01 and row["profit"] == 3.24  # CPC 0.01 per visit
    assert report["totals"]["revenue"] == 3.25 and report["totals"]["conversions"] == 1


def test_clicks_are_split_by_device_country_and_token(peerclick: Api) -> None:
    campaign = _direct_campaign(peerclick)
    _click(peerclick, campaign["url"])
    _click(peerclick, campaign["url"], **{"User-Agent": "Mozilla/5.0 (Windows NT 10.0)", "CF-IPCountry": "FR"})
    params = {"groupBy": ["device", "country"], "from": "2020-01-01", "campaignId": campaign["id"]}
    rows = peerclick.get("/report", params=params).json()["rows"]
    assert sorted((row["device"], row["countryCode"], row["visits"]) for row in rows) == [
        ("desktop", "FR", 1),
        ("mobile", "DE", 1),
    ]
    source = peerclick.get("/report", params={**params, "groupBy": "custom-variable-1"}).json()["rows"]
    assert [(row["customVariable1"], row["visits"]) for row in source] == [("4711", 2)]  # the seeded source's zoneid


def test_crawlers_are_redirected_but_not_counted(peerclick: Api) -> None:
    campaign = _direct_campaign(peerclick)
    response = _click(peerclick, campaign["url"], **{"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    assert response.status_code == 302
    assert _report(peerclick, campaign["id"])["totalRows"] == 0


def test_seeded_campaigns_add_clicks_to_their_history(peerclick: Api) -> None:
    campaign = peerclick.get("/campaign/1").json()["campaign"]
    before = _report(peerclick, 1)["totals"]
    assert _click(peerclick, campaign["url"]).status_code == 302
    after = _report(peerclick, 1)
    assert after["totals"]["visits"] == before["visits"] + 1
    assert sum(row["visits"] for row in after["rows"]) == after["totals"]["visits"]


def test_unknown_campaign_key_and_click_id_are_404(peerclick: Api) -> None:
    assert "not found" in error(peerclick.client.get("/peerclick/v1/click/nope"), 404, "NOT_FOUND")
    answer = peerclick.client.get("/peerclick/v1/postback", params={"cid": "nope", "payout": "1"})
    assert error(answer, 404, "NOT_FOUND").startswith("Click nope not found")
    assert error(peerclick.client.get("/peerclick/v1/postback"), 400, "BAD_REQUEST")


def test_a_lander_path_passes_the_click_id_to_the_lander(peerclick: Api) -> None:
    campaign = peerclick.post("/campaign", json=CAMPAIGN).json()["campaign"]  # one path, through lander 1
    lander = peerclick.get("/lander/1").json()["lander"]
    location = _click(peerclick, campaign["url"]).headers["Location"]
    assert location.startswith(lander["url"])
    answer = peerclick.client.get("/peerclick/v1/postback", params={"cid": location.rsplit("cid=", 1)[1]})
    assert answer.status_code == 200 and answer.json()["conversion"]["status"] == "approved"
    offer = peerclick.get("/offer/1").json()["offer"]
    assert answer.json()["conversion"]["payout"] == (offer["payout"]["value"] or 0)  # no payout sent: the offer's
