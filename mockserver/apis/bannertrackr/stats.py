"""BannerTrackr placement statistics: deterministic daily traffic per placement and the doc's arithmetic over it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import Any

from ...kit.data import DataFactory
from ...state.clock import parse_datetime

DEVICES = ("desktop", "mobile", "tablet")
COUNTRIES = ("US", "GB", "DE", "FR", "CA", "AU", "NL", "IN", "BR", "ES", "IT", "SE", "PL", "JP")
TOP_COUNTRIES = 10


@dataclass
class Day:
    impressions: int = 0
    clicks: int = 0
    unique_visitors: int = 0
    by_device: Counter[tuple[str, str]] = field(default_factory=Counter)  # (device, "impressions"|"clicks") -> n
    by_country: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, other: Day | None) -> Day:
        """This day plus `other`'s counts (e.g. recorded hits on top of the generated history); changes and returns self."""
        if other is not None:
            self.impressions += other.impressions
            self.clicks += other.clicks
            self.unique_visitors += other.unique_visitors
            self.by_device.update(other.by_device)  # Counter.update adds
            self.by_country.update(other.by_country)
        return self


def ctr(clicks: int, impressions: int) -> float:
    """The doc's rule: clicks / impressions * 100, two decimals, 0 without impressions."""
    return round(clicks / impressions * 100, 2) if impressions else 0.0


def traffic_profile(rng: Random) -> dict[str, Any]:
    """Stored on a seeded placement: its typical day. API-created placements have none (no history)."""
    weights = [rng.uniform(0.2, 1.0) for _ in COUNTRIES]
    return {
        "impressions": rng.randint(200, 4000),
        "ctr": rng.uniform(0.005, 0.06),
        "devices": [rng.uniform(0.45, 0.65), rng.uniform(0.25, 0.45), rng.uniform(0.02, 0.1)],
        "countries": [w * w for w in weights],  # squared: a few countries dominate, as in real traffic
    }


def _split(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of `total` by `weights`, so the parts add up exactly."""
    scale = sum(weights)
    raw = [total * w / scale for w in weights]
    parts = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def active_days(placement: dict[str, Any]) -> tuple[date, date | None]:
    """First and last day a placement can have traffic (last None = still running)."""
    first = _day(placement["startDate"] or placement["createdAt"])
    last = _day(placement["endDate"]) if placement["endDate"] else None
    return first, last


def seeded_day(data: DataFactory, placement: dict[str, Any], day: date, today: date) -> Day:
    profile = placement.get("_traffic")
    first, last = active_days(placement)
    if profile is None or day < first or day > today or (last is not None and day > last):
        return Day()
    rng = data.derived("bannertrackr-stats", placement["id"], day.isoformat())
    impressions = int(profile["impressions"] * rng.uniform(0.6, 1.4))
    clicks = min(impressions, int(impressions * profile["ctr"] * rng.uniform(0.7, 1.3)))
    result = Day(impressions, clicks, int(impressions * rng.uniform(0.6, 0.85)))
    for metric, total in (("impressions", impressions), ("clicks", clicks)):
        for device, n in zip(DEVICES, _split(total, profile["devices"]), strict=True):
            result.by_device[device, metric] += n
        for country, n in zip(COUNTRIES, _split(total, profile["countries"]), strict=True):
            result.by_country[country, metric] += n
    return result


def report(days: list[tuple[date, Day]], breakdowns: bool) -> dict[str, Any]:
    """The `daily`, `summary` and optional `breakdowns` parts of the stats response."""
    total = Day()
    daily = []
    for day, counts in days:
        total.impressions += counts.impressions
        total.clicks += counts.clicks
        total.unique_visitors += counts.unique_visitors
        total.by_device.update(counts.by_device)
        total.by_country.update(counts.by_country)
        daily.append(_row(counts) | {"date": day.isoformat()})
    body: dict[str, Any] = {"summary": _row(total), "daily": daily}
    if breakdowns:
        body["breakdowns"] = {
            "byDevice": [_pair("device", name, total.by_device) for name in _by_impressions(total.by_device, DEVICES)],
            "byCountry": [_pair("country", name, total.by_country) for name in _top_countries(total.by_country)],
        }
    return body


def _row(counts: Day) -> dict[str, Any]:
    return {
        "impressions": counts.impressions,
        "clicks": counts.clicks,
        "uniqueVisitors": counts.unique_visitors,
        "ctr": ctr(counts.clicks, counts.impressions),
    }


def _pair(kind: str, name: str, counter: Counter[tuple[str, str]]) -> dict[str, Any]:
    return {kind: name, "impressions": counter[name, "impressions"], "clicks": counter[name, "clicks"]}


def _by_impressions(counter: Counter[tuple[str, str]], names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda name: (-counter[name, "impressions"], name))


def _top_countries(counter: Counter[tuple[str, str]]) -> list[str]:
    seen = {name for name, _ in counter if counter[name, "impressions"] > 0}
    return _by_impressions(counter, seen)[:TOP_COUNTRIES]


def _day(timestamp: str) -> date:
    return parse_datetime(timestamp).date()


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
