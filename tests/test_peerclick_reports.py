"""PeerClick's report: flat rows whose sums are the totals in any grouping, the documented formulas, ranges and zones."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api

FROM = {"from": "2026-06-01"}
ADDITIVE = ("visits", "clicks", "conversions", "revenue", "cost", "profit")
MONEY = ("revenue", "cost", "profit")


def report(peerclick: Api, group_by: list[str] | str, **params: Any) -> dict[str, Any]:
    response = peerclick.get("/report", params={"groupBy": group_by, "limit": 10000, **FROM, **params})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def summed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        name: round(sum(row[name] for row in rows), 2) if name in MONEY else sum(row[name] for row in rows)
        for name in ADDITIVE
    }


def check_formulas(row: dict[str, Any]) -> None:
    def ratio(numerator: float, denominator: float, scale: int = 1) -> float:
        return round(numerator * scale / denominator, 4) if denominator else 0

    assert row["profit"] == round(row["revenue"] - row["cost"], 2)
    assert row["ctr"] == ratio(row["clicks"], row["visits"], 100) and row["cr"] == ratio(
        row["conversions"], row["clicks"], 100
    )
    assert row["cv"] == ratio(row["conversions"], row["visits"], 100) and row["roi"] == ratio(
        row["profit"], row["cost"], 100
    )
    assert row["epv"] == ratio(row["revenue"], row["visits"]) and row["cpv"] == ratio(row["cost"], row["visits"])
    assert row["epc"] == ratio(row["revenue"], row["clicks"]) and row["cpa"] == ratio(row["cost"], row["conversions"])
    assert row["ap"] == ratio(row["revenue"], row["conversions"])
    assert row["conversions"] <= row["clicks"] <= row["visits"]


def test_totals_are_the_sum_of_the_rows_and_follow_the_formulas(peerclick: Api) -> None:
    body = report(peerclick, ["campaign", "country"])
    assert body["totalRows"] == len(body["rows"]) > 5
    assert {name: body["totals"][name] for name in ADDITIVE} == summed(body["rows"])
    for row in [*body["rows"], body["totals"]]:
        check_formulas(row)
    assert all({"campaignId", "campaignName", "countryCode", "countryName"} <= set(row) for row in body["rows"])


@pytest.mark.parametrize(
    "group_by",
    [
        ["offer"],
        ["lander", "device"],
        ["traffic-source", "affiliate-network", "isp"],
        ["day"],
        ["hour", "os"],
        ["day", "hour", "browser"],
        ["custom-variable-1"],
        ["custom-variable-7", "campaign"],
    ],
)
def test_totals_do_not_depend_on_group_by(peerclick: Api, group_by: list[str]) -> None:
    reference = report(peerclick, "campaign")["totals"]
    body = report(peerclick, group_by)
    assert body["totals"] == reference
    assert {name: body["totals"][name] for name in ADDITIVE} == summed(body["rows"])


def test_time_dimensions_are_local_days_and_hours(peerclick: Api) -> None:
    days = report(peerclick, "day", timezone="America/New_York", to="2026-06-08")["rows"]
    assert sorted(row["day"] for row in days) == [f"2026-06-0{n}" for n in range(1, 8)]  # `to` is exclusive
    hours = report(peerclick, "hour", tz="Asia/Kolkata")["rows"]
    assert sorted(row["hour"] for row in hours) == list(range(24))
    utc = report(peerclick, "day", to="2026-06-08")["totals"]
    assert report(peerclick, "day", timezone="America/New_York", to="2026-06-08")["totals"] != utc  # other hours


def test_range_edges(peerclick: Api) -> None:
    def visits(**params: Any) -> int:
        return int(report(peerclick, "campaign", **params)["totals"]["visits"])

    whole = visits(**{"from": "2026-06-14", "to": "2026-06-15"})
    halves = visits(**{"from": "2026-06-14", "to": "2026-06-14T12:00"}) + visits(
        **{"from": "2026-06-14T12:00", "to": "2026-06-15"}
    )
    assert whole == halves > 0
    assert visits(**{"from": "2026-06-14T02:00Z", "to": "2026-06-15T00:00:00Z"}, timezone="Asia/Tokyo") == visits(
        **{"from": "2026-06-14T02:00", "to": "2026-06-15"}
    )  # Z means UTC whatever the zone
    assert visits(**{"from": "2026-06-15", "to": "2026-06-14"}) == 0  # no rows, not 400
    assert visits(**{"from": "2026-02-30", "to": "2026-03-02"}) == visits(**{"from": "2026-02-28", "to": "2026-03-02"})
    assert visits(**{"from": "2026-06-15"}) == visits(
        **{"from": "2026-06-15", "to": "2027-01-01"}
    )  # `to` defaults to now
    assert visits(timezone="Nowhere/Special") == visits()  # unknown zones fall back to UTC


def test_columns_sort_paging_and_mappings(peerclick: Api) -> None:
    body = report(peerclick, ["campaign"], columns=["visits", "roi"], sort="roi", direction="asc")
    assert all(set(row) == {"campaignId", "campaignName", "visits", "roi"} for row in body["rows"])
    assert [row["roi"] for row in body["rows"]] == sorted(row["roi"] for row in body["rows"])
    assert len(body["totals"]) == 15  # totals always hold every metric
    assert body["columnMappings"] == [
        {"key": "campaignId", "label": "Campaign ID", "type": "INTEGER"}, {"key": "campaignName", "label": "Campaign", "type": "STRING"},
        {"key": "visits", "label": "Visits", "type": "INTEGER"}, {"key": "roi", "label": "ROI", "type": "PERCENTAGE"},
    ]  # fmt: skip
    page = peerclick.get("/report", params={"groupBy": "campaign", **FROM, "limit": 2, "offset": 1}).json()
    whole = report(peerclick, "campaign")
    assert (
        page["rows"] == whole["rows"][1:3]
        and page["totalRows"] == whole["totalRows"]
        and page["totals"] == whole["totals"]
    )
    assert [row["visits"] for row in whole["rows"]] == sorted((row["visits"] for row in whole["rows"]), reverse=True)


def test_filters(peerclick: Api) -> None:
    rows = report(peerclick, ["campaign", "offer"])["rows"]
    campaign, offer = rows[0]["campaignId"], next(row["offerId"] for row in rows if "offerId" in row)
    only = report(peerclick, ["campaign", "offer"], campaignId=campaign)["rows"]
    assert only and {row["campaignId"] for row in only} == {campaign}
    assert {row.get("offerId") for row in report(peerclick, "offer", offerId=offer)["rows"]} == {offer}
    assert report(peerclick, "campaign", campaignId=999)["rows"] == []


def test_rows_without_an_entity_leave_out_its_id(peerclick: Api) -> None:
    rows = report(peerclick, "lander")["rows"]
    direct = [row for row in rows if "landerId" not in row]
    assert direct and all(row["landerName"] == "" for row in direct)  # direct paths have no lander
    assert any("landerId" in row for row in rows)


def test_deleted_campaigns_and_new_ones(peerclick: Api) -> None:
    before = report(peerclick, "campaign")
    gone = before["rows"][0]["campaignId"]
    peerclick.delete(f"/campaign/{gone}")
    after = report(peerclick, "campaign")
    assert gone not in [row["campaignId"] for row in after["rows"]]
    assert after["totals"]["visits"] == before["totals"]["visits"] - before["rows"][0]["visits"]
    created = peerclick.post("/campaign", json={"name": "new", "workspaceId": 1, "trafficSource": 2,
                                                "redirectTarget": {"destination": "PATH", "path": {"defaultPaths": [{"offers": [{"id": 2}]}]}}})  # fmt: skip
    assert report(peerclick, "campaign", campaignId=created.json()["campaign"]["id"])["rows"] == []  # no history yet


@pytest.mark.parametrize("params", [{}, {"groupBy": "campaign"}, {"groupBy": "week", **FROM}, {"groupBy": ["day", "day"], **FROM},
                                    {"groupBy": ["campaign", "offer", "lander", "day"], **FROM}, {"groupBy": "campaign", "from": "yesterday"},
                                    {"groupBy": "campaign", **FROM, "columns": "spend"}, {"groupBy": "campaign", **FROM, "sort": "name"}])  # fmt: skip
def test_bad_report_parameters_are_400(peerclick: Api, params: dict[str, Any]) -> None:
    response = peerclick.get("/report", params=params)
    assert response.status_code == 400 and response.json()["code"] == "BAD_REQUEST"


def test_same_seed_same_numbers(peerclick: Api) -> None:
    def numbers(seed: int) -> Any:
        peerclick.state.reseed(seed)
        return report(peerclick, ["campaign", "day"])

    first = report(peerclick, ["campaign", "day"])
    assert numbers(1) == first
    assert numbers(2)["totals"] != first["totals"]


def test_a_kept_report_follows_the_clock_without_any_write(peerclick: Api) -> None:
    """Reports are kept until a write; a report up to now must still take in the hours the clock has moved on by."""
    before = report(peerclick, "campaign", **{"from": "2026-06-15"})
    peerclick.state.clock.advance(3 * 3600)
    moved = report(peerclick, "campaign", **{"from": "2026-06-15"})
    peerclick.state.store.wrote("peerclick")  # drop what was kept: computed afresh
    assert moved == report(peerclick, "campaign", **{"from": "2026-06-15"}) != before
