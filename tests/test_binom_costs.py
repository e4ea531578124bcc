"""Binom's `PUT`/`DELETE /clicks/campaign/{id}` through HTTP: costs and deletions reach info, stats and reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .conftest import Api
from .test_binom import error, restricted

YESTERDAY = {"datePreset": "yesterday", "timezone": "UTC"}
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "X-Country": "US"}


def stats(binom: Api, **period: Any) -> dict[str, dict[str, Any]]:
    body = binom.get("/stats/campaign", params={"limit": 1000, **(period or YESTERDAY)}).json()
    rows, totals = body[:-1], body[-1]
    for metric in ("clicks", "cost", "revenue", "profit"):  # the totals row stays the sum of the rows
        assert sum(Decimal(row[metric]) for row in rows) == Decimal(totals[metric]), metric
    return {row["id"]: row for row in rows} | {"totals": totals}


def report_totals(binom: Api, campaign: int, **period: Any) -> dict[str, Any]:
    params = {"groupings[]": ["offer", "geoCountry"], "ids[]": campaign, "limit": 1000, **(period or YESTERDAY)}
    body = binom.get("/report/campaign", params=params).json()
    tops = [row for row in body["report"] if row["level"] == "1"]
    assert sum(Decimal(row["cost"]) for row in tops) == Decimal(body["totals"]["cost"])
    return dict(body["totals"])


def test_a_cost_update_sets_the_cost_of_that_days_clicks_everywhere(binom: Api) -> None:
    before, week_before = stats(binom), stats(binom, datePreset="last_7_days")
    day_before = stats(binom, datePreset="custom_time", dateFrom="2000-01-01 00:00:00", dateTo=_two_days_ago(binom))
    response = binom.put("/clicks/campaign/1", json={"cost": 123.45, **YESTERDAY})
    assert response.status_code == 200, response.text
    assert response.json() == {"campaignId": 1, "clicks": before["1"]["clicks"], "cost": "123.45"}
    after = stats(binom)
    assert after["1"]["cost"] == "123.45" and after["1"]["clicks"] == before["1"]["clicks"]
    assert Decimal(after["1"]["profit"]) == Decimal(after["1"]["revenue"]) - Decimal("123.45")
    assert {key: row for key, row in after.items() if key not in ("1", "totals")} == {
        key: row for key, row in before.items() if key not in ("1", "totals")}  # fmt: skip
    assert Decimal(report_totals(binom, 1)["cost"]) == Decimal("123.45")
    week = stats(binom, datePreset="last_7_days")
    # the other six days as before, but for cents: each piece of a period rounds its own costs
    expected = Decimal(week_before["1"]["cost"]) - Decimal(before["1"]["cost"]) + Decimal("123.45")
    assert abs(Decimal(week["1"]["cost"]) - expected) < Decimal("0.50")
    # days outside the update keep their cost
    earlier = {"datePreset": "custom_time", "dateFrom": "2000-01-01 00:00:00", "dateTo": _two_days_ago(binom)}
    assert stats(binom, **earlier)["1"]["cost"] == day_before["1"]["cost"]


def _two_days_ago(binom: Api) -> str:
    from datetime import timedelta

    return f"{binom.state.clock.today() - timedelta(days=2)} 23:59:59"


def test_the_latest_update_wins_and_a_period_without_clicks_costs_nothing(binom: Api) -> None:
    assert binom.put("/clicks/campaign/1", json={"cost": 100, **YESTERDAY}).status_code == 200
    assert binom.put("/clicks/campaign/1", json={"cost": 10, **YESTERDAY}).status_code == 200
    assert stats(binom)["1"]["cost"] == "10.00"
    empty = {"cost": 5, "datePreset": "custom_time", "dateFrom": "2001-01-01 00:00:00", "dateTo": "2001-01-31 23:59:59"}
    assert binom.put("/clicks/campaign/1", json=empty).json() == {"campaignId": 1, "clicks": "0", "cost": "0.00"}


def test_deleting_clicks_removes_them_from_stats_info_and_reports(binom: Api) -> None:
    before = stats(binom)
    response = binom.delete("/clicks/campaign/1", params=YESTERDAY)
    assert response.status_code == 200, response.text
    assert response.json() == {"campaignId": 1, "clicks": before["1"]["clicks"]}
    after = stats(binom)
    assert after["1"]["clicks"] == "0" and after["1"]["cost"] == "0.00" and after["1"]["revenue"] == "0.00"
    assert int(after["totals"]["clicks"]) == int(before["totals"]["clicks"]) - int(before["1"]["clicks"])
    assert after["2"] == before["2"]
    assert report_totals(binom, 1)["clicks"] == "0"
    info = {row["id"]: row for row in binom.get("/info/campaign", params=YESTERDAY).json()[:-1]}
    assert info[1]["clicks"] == "0"
    assert binom.delete("/clicks/campaign/1", params=YESTERDAY).json()["clicks"] == "0"  # nothing left to delete


def test_deleting_recorded_clicks_removes_them_from_the_tracker(binom: Api) -> None:
    link = binom.get("/campaign/1/link").json()["link"]
    click = binom.client.get(link.replace("http://testserver", ""), headers=BROWSER, follow_redirects=False)
    assert click.status_code == 302
    clicks = list(binom.state.store.table("binom", "clicks").rows("tracker", campaignId=1))
    assert len(clicks) == 1
    binom.state.clock.advance(60)  # the frozen clock's "today" ends at now, exclusive: let the click be in it
    today = {"datePreset": "today", "timezone": "UTC"}
    counted = int(stats(binom, **today)["1"]["clicks"])
    assert binom.delete("/clicks/campaign/1", params=today).json()["clicks"] == str(counted)
    assert list(binom.state.store.table("binom", "clicks").rows("tracker", campaignId=1)) == []
    postback = binom.client.get("/binom/click", params={"cnv_id": clicks[0]["id"], "payout": 1})
    error(postback, 404, "NotFound")


def test_restricted_users_need_a_modify_grant(binom: Api) -> None:
    user = restricted(binom)
    assert user.put("/clicks/campaign/1", json={"cost": 1, **YESTERDAY}).status_code == 200  # modify
    for campaign in (3, 5):  # read only, not granted
        error(user.put(f"/clicks/campaign/{campaign}", json={"cost": 1, **YESTERDAY}), 403, "AccessDenied")
        error(user.delete(f"/clicks/campaign/{campaign}", params=YESTERDAY), 403, "AccessDenied")
    assert stats(binom)["3"] == stats(binom)["3"] and binom.state.store.table("binom", "click_adjustments").count(
        "tracker", campaignId=3) == 0  # fmt: skip
    error(binom.put("/clicks/campaign/10", json={"cost": 1}), 404, "NotFound")  # deleted
    error(binom.put("/clicks/campaign/1", json={"cost": -1}), 400, "Webmozart.Assert.InvalidArgumentException")
