"""Adsterra publisher statistics: a seeded day per placement, split over country x sub id, then rolled up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ...data import DataFactory
from ...store import Record
from ..adsterra_common.reports import MONEY_UNIT, Fact, daily_facts, money, ratio, rollup

DIMENSIONS = ("date", "domain", "placement", "country", "placement_sub_id")  # also the order of the CSV columns
METRICS = ("impression", "clicks", "ctr", "cpm", "revenue")


def facts(data: DataFactory, placement: Record, day: date) -> list[Fact]:
    """The placement's traffic on `day` at the finest grain; the same numbers for the same seed, whatever was asked."""
    return daily_facts(data, "adsterra-publisher-stats", placement, day, _generate)


def _generate(data: DataFactory, placement: Record, day: date) -> Iterator[Fact]:
    profile = placement["_traffic"]
    rng = data.derived("adsterra-publisher-stats", placement["id"], day.isoformat())
    volume = profile["volume"] * rng.uniform(0.7, 1.3)
    for country, country_share in profile["countries"]:
        for sub_id, sub_id_share in profile["sub_ids"]:
            impressions = int(volume * country_share * sub_id_share * rng.uniform(0.5, 1.5))
            clicks = min(impressions, int(impressions * profile["ctr"] * rng.uniform(0.6, 1.4) + rng.random()))
            revenue = round(impressions * profile["cpm"] * rng.uniform(0.8, 1.2) * MONEY_UNIT / 1000)
            keys = (day.isoformat(), placement["domain_id"], placement["id"], country, sub_id)
            yield keys, (impressions, clicks, revenue)


def metrics(counts: tuple[int, ...]) -> dict[str, Any]:
    impressions, clicks, revenue = counts
    return {
        "impression": impressions,
        "clicks": clicks,
        "ctr": ratio(clicks, impressions, 100),
        "cpm": ratio(revenue, impressions, 1000 / MONEY_UNIT),
        "revenue": money(revenue),
    }


def report(
    data: DataFactory, placements: Iterable[Record], days: list[date], grouped: list[str], filters: dict[str, Any]
) -> list[dict[str, Any]]:
    """Rows of the placements' facts on `days` that match every filter (dimension -> value), grouped by `grouped`."""
    wanted = [(DIMENSIONS.index(name), value) for name, value in filters.items() if value is not None]
    selected = (
        fact
        for placement in placements
        for day in days
        for fact in facts(data, placement, day)
        if all(fact[0][index] == value for index, value in wanted)
    )
    return rollup(selected, DIMENSIONS, grouped, metrics)
