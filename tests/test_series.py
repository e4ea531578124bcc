"""Exact splitting and hourly series: the arithmetic every generated report relies on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mockserver.kit.data import DataFactory, apportion
from mockserver.kit.series import Series

METRICS = (("clicks", None), ("leads", "clicks"))
DAY = date(2026, 6, 10)


def series(active: tuple[date, date] | None = (DAY, DAY + timedelta(days=5))) -> Series:
    data = DataFactory(7)

    def day(when: date) -> dict[str, int]:
        rng = data.derived("test", when.isoformat())
        clicks = rng.randint(500, 5000)
        return {"clicks": clicks, "leads": clicks // rng.randint(10, 50)}

    return Series(METRICS, day, active)


def test_apportion_is_exact_and_proportional() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]  # ties go to the earlier weight
    assert apportion(7, [0.5, 0.25, 0.25]) == [3, 2, 2]  # 3.5, 1.75, 1.75: the largest remainders win
    parts = apportion(1001, [3.3, 0, 7.1, 0.2])
    assert sum(parts) == 1001 and parts[1] == 0
    assert apportion(0, []) == [] and apportion(0, [0, 0]) == [0, 0]
    with pytest.raises(ValueError):
        apportion(1, [0, 0])


def test_a_child_metric_never_exceeds_its_parent_anywhere() -> None:
    for total in (1, 5, 97, 1000):
        clicks = apportion(1000, [1, 0, 3, 0.5, 2])
        leads = apportion(min(total, 1000), clicks)
        assert all(lead <= click for lead, click in zip(leads, clicks, strict=True))


def test_hours_add_up_to_the_day_and_children_stay_below_parents() -> None:
    traffic = series()
    hours = traffic.hours(DAY)
    assert len(hours) == 24
    assert {name: sum(hour[name] for hour in hours) for name in ("clicks", "leads")} == traffic.day(DAY)
    assert all(hour["leads"] <= hour["clicks"] for hour in hours)


def test_range_totals_do_not_depend_on_how_they_are_cut() -> None:
    traffic = series()
    start = datetime(2026, 6, 10, 5, tzinfo=UTC)
    end = datetime(2026, 6, 13, 17, tzinfo=UTC)
    whole = traffic.total(start, end)
    by_day = traffic.buckets(start, end, lambda hour: hour.date())
    by_hour = traffic.buckets(start, end, lambda hour: hour)
    for buckets in (by_day, by_hour):
        assert {name: sum(bucket[name] for bucket in buckets.values()) for name in whole} == whole
    assert len(by_hour) == 3 * 24 + 12  # 05:00 on the 10th up to 17:00 on the 13th


def test_nothing_outside_the_active_days_or_an_empty_range() -> None:
    traffic = series()
    before = datetime(2026, 6, 1, tzinfo=UTC)
    assert traffic.total(before, datetime(2026, 6, 10, tzinfo=UTC)) == {"clicks": 0, "leads": 0}
    assert traffic.total(datetime(2026, 6, 12, tzinfo=UTC), datetime(2026, 6, 11, tzinfo=UTC))["clicks"] == 0
    assert series(None).total(before, datetime(2030, 1, 1, tzinfo=UTC)) == {"clicks": 0, "leads": 0}
    # A range of decades costs only the active days.
    assert traffic.total(datetime(1970, 1, 2, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC))["clicks"] == sum(
        traffic.day(DAY + timedelta(days=n))["clicks"] for n in range(6)
    )
