"""Adsterra publisher statistics: a seeded day per placement, split over country x sub id, then rolled up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ...kit.data import DataFactory
from ...state.store import Record
from ..adsterra_common import reports
from ..adsterra_common.reports import MONEY_UNIT, Fact, money, ratio

DIMENSIONS = ("date", "domain", "placement", "country", "placement_sub_id")  # also the order of the CSV columns
SEED_NAME = "adsterra-publisher-stats"  # names the seeded draws of one record and day, and their memo
METRICS = ("impression", "clicks", "ctr", "cpm", "revenue")


def facts(data: DataFactory, placement: Record, day: date) -> Iterator[Fact]:
    """The placement's traffic on `day` at the finest grain; the same numbers for the same seed, whatever was asked."""
    profile = placement["_traffic"]
    rng = data.derived(SEED_NAME, placement["id"], day.isoformat())
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
    return reports.report(data, SEED_NAME, facts, placements, days, DIMENSIONS, grouped, filters, metrics)
