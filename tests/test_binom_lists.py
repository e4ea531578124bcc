"""Binom's other read operations through HTTP: short info, campaigns by rotation or source, network list and presets,
source templates, rotation info and stats, the user report, the groupings lists and trends."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import Api
from .test_binom import error, restricted

WEEK = {"datePreset": "last_7_days", "timezone": "UTC"}
# The series counts of trend rows add up to the period's stats (each row splits them over routes on its own).
COUNTS = ("clicks", "unique_clicks", "leads", "bots")


def test_short_info_lists_visible_campaigns_with_their_links(binom: Api) -> None:
    admin = binom.get("/campaign/short/info").json()
    assert [item["id"] for item in admin] == list(range(1, 10))  # 10 is deleted
    assert admin[0]["link"] == binom.get("/campaign/1/link").json()["link"]
    assert [item["id"] for item in restricted(binom).get("/campaign/short/info").json()] == [1, 2, 3]
    error(binom.get("/campaign/short/info", params={"name": ""}), 400, "Webmozart.Assert.InvalidArgumentException")


def test_campaigns_by_rotation_and_traffic_sources_with_campaigns(binom: Api) -> None:
    assert [item["id"] for item in binom.get("/campaign/by_rotation/1/list").json()] == [4]  # the seed's rotation 1
    assert binom.get("/campaign/by_rotation/2/list").json() == []
    error(binom.get("/campaign/by_rotation/99/list"), 404, "NotFound")
    sources = binom.get("/campaign/traffic_source/list").json()
    listed = sorted(campaign["id"] for source in sources for campaign in source["campaigns"])
    assert listed == list(range(1, 10))
    mine = restricted(binom).get("/campaign/traffic_source/list").json()
    assert sorted(campaign["id"] for source in mine for campaign in source["campaigns"]) == [1, 2, 3]


def test_network_list_all_presets_and_source_templates_create_as_they_are(binom: Api) -> None:
    filtered = binom.get("/affiliate_network/list/filtered", params={"limit": 1000}).json()
    assert binom.get("/affiliate_network/list/all").json() == filtered
    preset = binom.get("/affiliate_network/preset/catalog").json()[0]
    assert binom.post("/affiliate_network", json=preset).status_code == 200  # a preset is a valid create body
    template = binom.get("/traffic_source_templates").json()[0]
    body = {name: template[name] for name in ("name", "s2sMode", "postbackUrl")}
    assert binom.post("/traffic_source", json=body).status_code == 200


@pytest.mark.parametrize("kind", ["info", "stats"])
def test_rotation_rows_are_the_traffic_of_their_campaigns(binom: Api, kind: str) -> None:
    rows = {str(row["id"]): row for row in binom.get(f"/{kind}/rotation", params=WEEK).json()}
    campaign = {str(row["id"]): row for row in binom.get(f"/{kind}/campaign", params=WEEK).json()}
    assert rows["1"]["clicks"] == campaign["4"]["clicks"] and rows["2"]["clicks"] == "0"
    assert rows["totals"]["clicks"] == rows["1"]["clicks"]


def test_the_user_campaign_report_is_the_callers_campaigns(binom: Api) -> None:
    body = restricted(binom).get("/report/user/campaign", params=WEEK).json()
    assert [row["entity_id"] for row in body["report"]] == ["1", "2", "3"] or sorted(
        row["entity_id"] for row in body["report"]) == ["1", "2", "3"]  # fmt: skip
    assert sum(int(row["clicks"]) for row in body["report"]) == int(body["totals"]["clicks"])
    assert len(binom.get("/report/user/campaign", params=WEEK).json()["report"]) == 9


@pytest.mark.parametrize("page", ["campaign", "offer", "landing", "traffic_source", "affiliate_network", "rotation"])
def test_every_listed_grouping_is_taken_by_the_report(binom: Api, page: str) -> None:
    groupings = binom.get(f"/report/{page}/groupings").json()
    assert {"key": "geoCountry", "name": "Country"} in groupings and len(groupings) == 39
    for grouping in groupings if page == "rotation" else groupings[:9]:  # the tokens once: they are alike
        response = binom.get(f"/report/{page}", params={"groupings[]": grouping["key"], **WEEK})
        assert response.status_code == 200, (grouping, response.text)
    multiple = binom.get("/report/groupings/multiple").json()
    assert multiple == binom.get("/report/campaign/groupings/multiple").json()
    assert multiple["maxLevels"] == 3 and multiple["groupings"] == groupings


def test_trends_add_up_to_the_stats_of_the_same_period(binom: Api) -> None:
    totals = binom.get("/stats/campaign", params=WEEK).json()[-1]
    rows = binom.get("/trends", params=WEEK).json()["stats"]
    assert [row["key"] for row in rows] == list(range(7))
    for metric in COUNTS:
        assert sum(Decimal(row[metric]) for row in rows) == Decimal(totals[metric]), metric
    hours = binom.get("/trends", params={"datePreset": "yesterday"}).json()["stats"]
    assert [row["date"] for row in hours[:2]] == ["00:00 - 01:00", "01:00 - 02:00"] and len(hours) == 24
    one = binom.get("/trends", params={**WEEK, "campaignId": 4}).json()["stats"]
    assert sum(int(row["clicks"]) for row in one) == int(binom.get("/stats/rotation", params=WEEK).json()[0]["clicks"])
    error(restricted(binom).get("/trends", params={"campaignId": 5}), 403, "AccessDenied")


def test_restricted_users_see_rotations_without_the_traffic_of_campaigns_not_granted(binom: Api) -> None:
    user = restricted(binom)
    assert user.get("/campaign/by_rotation/1/list").json() == []  # campaign 4 is not granted
    assert {row["id"]: row["clicks"] for row in user.get("/stats/rotation", params=WEEK).json()}["1"] == "0"
    assert {row["id"]: row["clicks"] for row in user.get("/info/rotation", params=WEEK).json()}[1] == "0"
    assert user.get("/affiliate_network/list/all").json()[0]["accessLevel"] == "read"
