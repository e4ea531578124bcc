"""Binom's numbers: info/stats totals rows, the drill-down report's arithmetic, periods, zones and determinism."""

from __future__ import annotations

from decimal import Decimal
from itertools import permutations
from typing import Any

import pytest

from mockserver.apis.binom.seed import TRACKER

from .conftest import BINOM, BINOM_RESTRICTED, Api

WEEK = {"datePreset": "last_7_days"}
ADDITIVE = ("clicks", "unique_campaign_clicks", "leads", "revenue", "cost", "profit")
KINDS = ("campaign", "offer", "landing", "traffic_source", "affiliate_network")


def get(binom: Api, path: str, **params: Any) -> Any:
    response = binom.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def number(text: str) -> Decimal:
    assert isinstance(text, str), text  # Binom sends metrics as strings
    return Decimal(text)


def ratio(numerator: Decimal, denominator: Decimal, scale: int = 1) -> Decimal:
    return (numerator * scale / denominator).quantize(Decimal("0.000001")) if denominator else Decimal(0)


def check_ratios(row: dict[str, str], clicks_key: str = "clicks") -> None:
    clicks, leads = number(row[clicks_key]), number(row["leads"])
    revenue, cost, profit = number(row["revenue"]), number(row["cost"]), number(row["profit"])
    assert profit == revenue - cost
    assert number(row["cr"]) == ratio(leads, clicks, 100)
    assert number(row["epc"]) == ratio(revenue, clicks) and number(row["cpc"]) == ratio(cost, clicks)
    assert number(row["roi"]) == ratio(profit, cost, 100)
    assert row["revenue"].count(".") == 1 and len(row["revenue"].split(".")[1]) == 2  # money: "696.00"


@pytest.mark.parametrize("kind", KINDS)
def test_stats_totals_row_is_the_sum_of_all_rows(binom: Api, kind: str) -> None:
    rows = get(binom, f"/stats/{kind}", limit=10000, **WEEK)
    *entities, totals = rows
    assert totals["id"] == "totals" and totals["total_count"] == str(len(entities))
    for metric in ("clicks", "unique_clicks", "leads", "bots", "revenue", "cost", "profit"):
        assert number(totals[metric]) == sum(number(row[metric]) for row in entities), metric
    for row in rows:
        check_ratios(row)
        assert int(row["unique_clicks"]) <= int(row["clicks"]) and int(row["leads"]) <= int(row["clicks"])
    assert all(row["id"].isdigit() and row["is_deleted"] == "" for row in entities)
    if kind in ("campaign", "offer", "landing"):
        assert all(int(row["lander_clicks"]) <= int(row["lander_views"]) <= int(row["clicks"]) for row in entities)


def test_stats_totals_cover_every_row_not_just_the_page(binom: Api) -> None:
    whole = get(binom, "/stats/campaign", limit=10000, **WEEK)
    page = get(binom, "/stats/campaign", limit=2, offset=1, **WEEK)
    assert page[:-1] == whole[1:3] and page[-1] == whole[-1]
    by_clicks = [int(row["clicks"]) for row in whole[:-1]]
    assert by_clicks == sorted(by_clicks, reverse=True)  # default sort: clicks, desc
    names = [row["name"] for row in get(binom, "/stats/campaign", sortColumn="name", sortType="asc", **WEEK)[:-1]]
    assert names == sorted(names, key=str.casefold)


def test_stats_with_no_visible_entity_is_an_empty_array(binom: Api) -> None:
    binom.state.store.table("binom", "users").update(TRACKER, 2, {"grants": {}})
    assert get(Api(binom.client, BINOM, BINOM_RESTRICTED, header="api-key", prefix=""), "/stats/campaign") == []


@pytest.mark.parametrize("kind", KINDS)
def test_info_rows_then_a_totals_row(binom: Api, kind: str) -> None:
    rows = get(binom, f"/info/{kind}", limit=10000, **WEEK)
    *entities, totals = rows
    assert totals["id"] == "totals" and totals["total_count"] == len(entities)
    assert isinstance(totals["total_count"], int) and all(isinstance(row["id"], int) for row in entities)
    assert int(totals["clicks"]) == sum(int(row["clicks"]) for row in entities)
    assert int(totals["clicks_last_hour"]) == sum(int(row["clicks_last_hour"]) for row in entities)
    assert round(totals["profit_last_hour"], 2) == round(sum(row["profit_last_hour"] for row in entities), 2)
    page = get(binom, f"/info/{kind}", limit=2, **WEEK)
    assert len(page) == min(2, len(entities)) + 1 and page[-1] == totals


def test_info_and_stats_agree_on_clicks(binom: Api) -> None:
    info = {row["id"]: row["clicks"] for row in get(binom, "/info/offer", limit=10000, **WEEK)[:-1]}
    stats = {int(row["id"]): row["clicks"] for row in get(binom, "/stats/offer", limit=10000, **WEEK)[:-1]}
    assert info == stats


def test_report_totals_do_not_depend_on_the_groupings(binom: Api) -> None:
    seen = []
    for levels in [["campaign"], ["offer", "geoCountry"], ["token_1", "landing", "path"], ["affiliate_network", "rotation", "rule"],
                   ["traffic_source", "token_2"], ["token_30"]]:  # fmt: skip
        seen.append(get(binom, "/report/campaign", **{"groupings[]": levels, "limit": 10000}, **WEEK)["totals"])
    assert all({k: v for k, v in totals.items() if k != "total_count"} == {k: v for k, v in seen[0].items() if k != "total_count"}
               for totals in seen)  # fmt: skip
    stats = get(binom, "/stats/campaign", limit=10000, **WEEK)[-1]
    assert (seen[0]["clicks"], seen[0]["leads"], seen[0]["revenue"], seen[0]["cost"]) == (stats["clicks"], stats["leads"],
                                                                                           stats["revenue"], stats["cost"])  # fmt: skip


def test_report_rows_are_depth_first_and_parents_sum_their_children(binom: Api) -> None:
    report = get(binom, "/report/offer", **{"groupings[]": ["offer", "geoCountry", "token_1"], "limit": 10000}, **WEEK)
    rows = report["report"]
    assert rows[0]["level"] == "1" and {row["level"] for row in rows} == {"1", "2", "3"}

    def children(index: int) -> list[dict[str, str]]:
        level, found = int(rows[index]["level"]), []
        for row in rows[index + 1 :]:
            if int(row["level"]) <= level:
                break
            if int(row["level"]) == level + 1:
                found.append(row)
        return found

    for index, row in enumerate(rows):
        check_ratios(row)
        if row["level"] != "3":
            kids = children(index)
            assert kids, row
            for metric in ADDITIVE:
                assert number(row[metric]) == sum(number(kid[metric]) for kid in kids), (metric, row)
    tops = [row for row in rows if row["level"] == "1"]
    assert report["totals"]["total_count"] == str(len(tops))
    for metric in ADDITIVE:
        assert number(report["totals"][metric]) == sum(number(row[metric]) for row in tops)
    check_ratios(report["totals"])
    assert all("affiliateNetworkName" in row for row in tops)  # rows grouped by offer name their network
    assert all(
        len(row["entity_id"]) == 2 and row["name"] for row in rows if row["level"] == "2"
    )  # country code and name


def test_report_paging_counts_level_one_rows_with_their_subtrees(binom: Api) -> None:
    params = {"groupings[]": ["campaign", "offer"], **WEEK}
    whole = get(binom, "/report/campaign", limit=10000, **params)
    page = get(binom, "/report/campaign", limit=2, offset=1, **params)
    tops = [index for index, row in enumerate(whole["report"]) if row["level"] == "1"]
    assert page["report"] == whole["report"][tops[1] : tops[3]]
    assert page["totals"] == whole["totals"]  # totals cover every level-1 row, not the page


def test_report_sorting_filters_and_name_filter(binom: Api) -> None:
    params = {"groupings[]": ["offer"], "limit": 10000, **WEEK}
    rows = get(binom, "/report/campaign", sortColumn="revenue", sortType="asc", **params)["report"]
    assert [number(row["revenue"]) for row in rows] == sorted(number(row["revenue"]) for row in rows)
    offer = rows[-1]["entity_id"]
    only = get(binom, "/report/campaign", **{"filters[offer_id][]": offer}, **params)
    assert [row["entity_id"] for row in only["report"]] == [offer] and only["totals"]["clicks"] == rows[-1]["clicks"]
    by_offer_page = get(binom, "/report/offer", **{"ids[]": offer}, **params)
    assert by_offer_page["totals"] == only["totals"]
    word = rows[0]["name"].split()[0]
    named = get(binom, "/report/campaign", nameFilter=word.lower(), **params)
    assert {row["name"] for row in named["report"]} == {
        row["name"] for row in rows if word.lower() in row["name"].lower()
    }
    error = binom.get("/report/offer", params={**params, "ids[]": 999})
    assert error.status_code == 404 and error.json()["errors"]["detail"] == "Offer 999 not found"


def test_report_needs_groupings_and_limits_them(binom: Api) -> None:
    for params in ({}, {"groupings[]": ["offer", "offer"]}, {"groupings[]": ["campaign", "offer", "landing", "path"]},
                   {"groupings[]": ["country"]}):  # fmt: skip
        assert binom.get("/report/campaign", params=params).status_code == 400


@pytest.mark.parametrize("levels", list(permutations(["campaign", "offer", "geoCountry"], 2)))
def test_every_order_of_two_groupings_splits_the_same_clicks(binom: Api, levels: tuple[str, str]) -> None:
    report = get(binom, "/report/campaign", **{"groupings[]": list(levels), "limit": 10000}, **WEEK)
    assert sum(int(row["clicks"]) for row in report["report"] if row["level"] == "2") == int(report["totals"]["clicks"])


def test_periods_presets_custom_ranges_and_zones(binom: Api) -> None:
    def clicks(**params: Any) -> int:
        return int(get(binom, "/stats/campaign", **params)[-1]["clicks"])

    today, yesterday = clicks(datePreset="today"), clicks(datePreset="yesterday")
    assert clicks(datePreset="last_2_days") == today + yesterday
    assert clicks() == today  # the default preset is today
    # custom_time: inclusive to the second; "the 14th" equals yesterday (the clock is frozen on 2026-06-15 12:00:30 UTC).
    assert clicks(datePreset="custom_time", dateFrom="2026-06-14 00:00:00", dateTo="2026-06-14 23:59:59") == yesterday
    assert clicks(datePreset="custom_time", dateFrom="2026-06-15 00:00:00") == today  # dateTo defaults to now
    assert (
        clicks(datePreset="custom_time", dateFrom="2026-06-15 00:00:00", dateTo="2026-06-14 00:00:00") == 0
    )  # empty, not 400
    assert clicks(datePreset="custom_time", dateFrom="2026-02-30 00:00:00", dateTo="2026-03-01 23:59:59") == clicks(
        datePreset="custom_time", dateFrom="2026-02-28 00:00:00", dateTo="2026-03-01 23:59:59"
    )  # the 30th is clamped
    assert clicks(datePreset="yesterday", timezone="Asia/Tokyo") != yesterday  # a day in Tokyo is other hours
    assert clicks(datePreset="yesterday", timezone="Nowhere/Special") == yesterday  # unknown zones fall back to UTC
    assert clicks(datePreset="all_time") >= clicks(datePreset="this_year") >= clicks(datePreset="last_30_days") > 0
    assert clicks(datePreset="custom_time", dateFrom="1999-01-01 00:00:00", dateTo="1999-12-31 23:59:59") == 0
    report = get(binom, "/report/campaign", **{"groupings[]": "campaign", "datePreset": "custom_time",
                                               "dateFrom": "2026-06-15 00:00:00", "dateTo": "2026-06-14 00:00:00"})  # fmt: skip
    assert report["report"] == [] and report["totals"]["clicks"] == "0" and report["totals"]["total_count"] == "0"


@pytest.mark.parametrize("params", [{"datePreset": "forever"}, {"datePreset": "custom_time", "dateFrom": "2026-06-15"},
                                    {"timezone": "Europe/../etc"}, {"sortColumn": "visits"}, {"groupBy": "name"}])  # fmt: skip
def test_bad_stats_parameters_are_400(binom: Api, params: dict[str, str]) -> None:
    assert binom.get("/stats/campaign", params=params).status_code == 400


def test_numbers_are_deterministic_per_seed(binom: Api) -> None:
    params = {"groupings[]": ["campaign", "offer"], "limit": 10000, **WEEK}

    def report(seed: int) -> Any:
        binom.state.reseed(seed)
        return get(binom, "/report/campaign", **params)

    first = get(binom, "/report/campaign", **params)
    assert report(1) == first
    assert report(2)["totals"] != first["totals"]


def test_a_new_campaign_has_no_history(binom: Api) -> None:
    created = binom.post("/campaign", json={"name": "new", "trafficSourceId": 2, "amount": 0.01}).json()["id"]
    report = get(binom, "/report/campaign", **{"groupings[]": "campaign", "ids[]": created, "datePreset": "all_time"})
    assert report["report"] == [] and report["totals"]["clicks"] == "0"
    info = get(binom, "/info/campaign", name="new", datePreset="all_time")
    assert info[0]["first_click_time"] is None and info[0]["clicks"] == "0"


def test_a_kept_report_follows_the_clock_without_any_write(binom: Api) -> None:
    """Reports, stats and info are kept until a write; ones up to now must still take in the hours the clock moved."""
    params = {"datePreset": "today", "groupings[]": "campaign"}
    paths = ("/report/campaign", "/stats/campaign", "/info/campaign")
    before = [get(binom, path, **params) for path in paths]
    binom.state.clock.advance(3 * 3600)
    moved = [get(binom, path, **params) for path in paths]
    binom.state.store.wrote("binom")  # drop what was kept: computed afresh
    assert moved == [get(binom, path, **params) for path in paths]
    assert all(then != now for then, now in zip(before, moved, strict=True))
