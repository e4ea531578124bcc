"""Placement statistics: the doc's arithmetic, defaults, breakdowns, date validation and determinism."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from mockserver.apis.bannertrackr.stats import ctr

from .conftest import BT, GROWTH_RW, Api, make_app


def stats(bt: Api, placement: str = "plc_123", **params: Any) -> dict[str, Any]:
    response = bt.get(f"/placements/{placement}/stats", params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def test_ctr_rule() -> None:
    assert ctr(1500, 50000) == 3.0
    assert ctr(1, 3) == 33.33
    assert ctr(0, 0) == 0.0


def test_doc_example_period_has_consistent_numbers(bt: Api) -> None:
    data = stats(bt, **{"from": "2024-01-01", "to": "2024-01-31", "breakdowns": "true"})
    assert data["placementId"] == "plc_123" and data["period"] == {"from": "2024-01-01", "to": "2024-01-31"}
    daily = data["daily"]
    assert [row["date"] for row in daily] == [(date(2024, 1, 1) + timedelta(days=n)).isoformat() for n in range(31)]
    summary = data["summary"]
    for metric in ("impressions", "clicks", "uniqueVisitors"):
        assert summary[metric] == sum(row[metric] for row in daily) > 0
    for row in [*daily, summary]:
        assert row["ctr"] == (round(row["clicks"] / row["impressions"] * 100, 2) if row["impressions"] else 0)
        assert row["clicks"] <= row["impressions"] and row["uniqueVisitors"] <= row["impressions"]
    by_device, by_country = data["breakdowns"]["byDevice"], data["breakdowns"]["byCountry"]
    assert {row["device"] for row in by_device} == {"desktop", "mobile", "tablet"}
    for breakdown in (by_device,):
        assert sum(row["impressions"] for row in breakdown) == summary["impressions"]
        assert sum(row["clicks"] for row in breakdown) == summary["clicks"]
    assert len(by_country) == 10
    assert [row["impressions"] for row in by_country] == sorted(
        (row["impressions"] for row in by_country), reverse=True
    )
    assert sum(row["impressions"] for row in by_country) <= summary["impressions"]


def test_breakdowns_only_when_asked(bt: Api) -> None:
    assert "breakdowns" not in stats(bt, **{"from": "2024-01-01", "to": "2024-01-02"})
    assert "breakdowns" not in stats(bt, **{"from": "2024-01-01", "to": "2024-01-02", "breakdowns": "false"})


def test_defaults_are_the_last_30_days_to_today(bt: Api, clock: Any) -> None:
    data = stats(bt)
    today = clock.today()
    assert data["period"] == {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}
    assert len(data["daily"]) == 31


def test_no_traffic_outside_the_placements_dates(bt: Api, clock: Any) -> None:
    # plc_123 ran 2024-01-01 .. 2024-03-31 (the doc's dates).
    assert stats(bt, **{"from": "2023-12-01", "to": "2023-12-31"})["summary"]["impressions"] == 0
    assert stats(bt, **{"from": "2024-04-01", "to": "2024-04-30"})["summary"]["impressions"] == 0
    future = clock.today() + timedelta(days=1)
    assert (
        stats(bt, **{"from": future.isoformat(), "to": (future + timedelta(days=5)).isoformat()})["summary"]["ctr"] == 0
    )


def test_new_placement_has_no_history(bt: Api) -> None:
    placement = bt.post("/placements", json={"siteId": "site_123", "name": "fresh"}).json()["data"]
    assert stats(bt, placement["id"])["summary"] == {"impressions": 0, "clicks": 0, "uniqueVisitors": 0, "ctr": 0}


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"from": "2024-02-01", "to": "2024-01-01"}, "Invalid date range"),
        ({"from": "2023-01-01", "to": "2024-01-02"}, "Date range too large"),
        ({"from": "2024-13-01"}, "Validation error"),
        ({"to": "yesterday"}, "Validation error"),
        ({"breakdowns": "maybe"}, "Validation error"),
    ],
)
def test_bad_periods_are_400(bt: Api, params: dict[str, str], error: str) -> None:
    response = bt.get("/placements/plc_123/stats", params=params)
    assert (response.status_code, response.json()["error"]) == (400, error)


def test_366_days_is_the_longest_period(bt: Api) -> None:
    assert len(stats(bt, **{"from": "2024-01-01", "to": "2024-12-31"})["daily"]) == 366


def test_same_seed_same_numbers() -> None:
    def numbers(seed: int) -> Any:
        api = Api(make_app(seed=seed).test_client(), BT, GROWTH_RW)
        return stats(api, **{"from": "2024-01-01", "to": "2024-01-31", "breakdowns": "true"})

    assert numbers(3) == numbers(3)
    assert numbers(3)["summary"] != numbers(4)["summary"]
