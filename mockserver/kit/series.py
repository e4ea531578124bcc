"""Hourly traffic series: additive metrics generated per entity and day, split exactly into UTC hours, summed per range."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from .data import DataFactory, apportion

K = TypeVar("K", bound=Hashable)
Counts = dict[str, int]
HOUR = timedelta(hours=1)

# A typical day of ad traffic by UTC hour: low at night, peaks in the evening.
DIURNAL = (3, 2, 2, 2, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 8, 8, 8, 7, 5, 4)


class Series:
    """One entity's traffic: `day(d)` gives the day's additive totals; hours, ranges and buckets follow exactly.

    `metrics` lists (name, parent) pairs in order: a metric without a parent is split over the day's hours
    by `hours` (the hour-of-day weights); any other metric is split by its parent's hourly parts, so it can
    never exceed its parent in an hour (leads by clicks, conversions by clicks, ...). Every split is exact,
    so a range's total is the same whether it is summed by days, by hours or by any bucketing of them.
    `active` is the first and last day that can have traffic (None: never), so long ranges cost nothing.
    """

    def __init__(
        self,
        metrics: Sequence[tuple[str, str | None]],
        day: Callable[[date], Mapping[str, int]],
        active: tuple[date, date] | None,
        hours: Sequence[float] = DIURNAL,
    ) -> None:
        self.metrics = tuple(metrics)
        self._day = day
        self._active = active
        self._hours = tuple(hours)
        self._days: dict[date, Counts] = {}
        self._splits: dict[date, list[Counts]] = {}

    def zero(self) -> Counts:
        return dict.fromkeys((name for name, _ in self.metrics), 0)

    def day(self, day: date) -> Counts:
        if day not in self._days:
            inside = self._active is not None and self._active[0] <= day <= self._active[1]
            values = self._day(day) if inside else {}
            self._days[day] = {name: int(values.get(name, 0)) for name, _ in self.metrics}
        return self._days[day]

    def hours(self, day: date) -> list[Counts]:
        """The day's 24 UTC hours; their sum is `day(day)` exactly."""
        if day not in self._splits:
            totals = self.day(day)
            parts: dict[str, list[int]] = {}
            for name, parent in self.metrics:
                parts[name] = apportion(totals[name], parts[parent] if parent else self._hours)
            self._splits[day] = [{name: parts[name][hour] for name, _ in self.metrics} for hour in range(24)]
        return self._splits[day]

    def total(self, start: datetime, end: datetime) -> Counts:
        """Sum over the hours that begin in [start, end)."""
        result = self.zero()
        for _, counts in self._spans(start, end):
            _add(result, counts)
        return result

    def buckets(self, start: datetime, end: datetime, key: Callable[[datetime], K]) -> dict[K, Counts]:
        """Sums over the hours that begin in [start, end), grouped by `key(hour start)` (e.g. local day or hour)."""
        result: dict[K, Counts] = {}
        for first, counts in self._spans(start, end, whole_days=False):
            _add(result.setdefault(key(first), self.zero()), counts)
        return result

    def _spans(self, start: datetime, end: datetime, whole_days: bool = True) -> list[tuple[datetime, Counts]]:
        """(first hour, counts) for whole UTC days inside the range, and single hours at its edges."""
        spans: list[tuple[datetime, Counts]] = []
        if end <= start or self._active is None:
            return spans
        day = max(start.astimezone(UTC).date(), self._active[0])
        last = min((end - timedelta(microseconds=1)).astimezone(UTC).date(), self._active[1])
        while day <= last:
            midnight = datetime.combine(day, time(), tzinfo=UTC)
            if whole_days and start <= midnight and midnight + timedelta(days=1) <= end:
                spans.append((midnight, self.day(day)))
            elif any(self.day(day).values()):
                spans += [
                    (midnight + hour * HOUR, counts)
                    for hour, counts in enumerate(self.hours(day))
                    if start <= midnight + hour * HOUR < end
                ]
            day += timedelta(days=1)
        return spans


def campaign_series(
    data: DataFactory,
    name: str,
    campaign: Mapping[str, object],
    metrics: Sequence[tuple[str, str | None]],
    day: Callable[[date], Mapping[str, int]],
) -> Series:
    """A tracker campaign's series: active from its seeded traffic profile's start (if any), with its own daily rhythm."""
    profile = campaign.get("_traffic")
    active = (date.fromisoformat(profile["start"]), date.max) if isinstance(profile, dict) else None
    rng = data.derived(name, campaign["id"])
    return Series(metrics, day, active, [weight * rng.uniform(0.7, 1.3) for weight in DIURNAL])


def _add(into: Counts, counts: Mapping[str, int]) -> None:
    for name, value in counts.items():
        into[name] += value
