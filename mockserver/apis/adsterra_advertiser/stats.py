"""Adsterra advertiser statistics: a seeded day per campaign, split over banner x placement x country, then rolled up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ...kit.data import DataFactory
from ...state.store import Record
from ..adsterra_common import reports
from ..adsterra_common.reports import MONEY_UNIT, Fact, money, ratio

DIMENSIONS = ("date", "campaign", "banner", "placement", "country")  # also the order of the CSV columns
SEED_NAME = "adsterra-advertiser-stats"  # names the seeded draws of one record and day, and their memo
METRICS = ("impressions", "conversions", "clicks", "ctr", "cpm", "spent")


def facts(data: DataFactory, campaign: Record, day: date) -> Iterator[Fact]:
    """The campaign's traffic on `day` at the finest grain; the same numbers for the same seed, whatever was asked."""
    profile = campaign["_traffic"]
    rng = data.derived(SEED_NAME, campaign["id"], day.isoformat())
    volume = profile["volume"] * rng.uniform(0.7, 1.3)
    for banner, banner_share in profile["banners"]:
        for placement, placement_share in profile["placements"]:
            for country, country_share in profile["countries"]:
                impressions = int(volume * banner_share * placement_share * country_share * rng.uniform(0.5, 1.5))
                clicks = min(impressions, int(impressions * profile["ctr"] * rng.uniform(0.6, 1.4) + rng.random()))
                conversions = min(clicks, int(clicks * profile["cr"] * rng.uniform(0.5, 1.5) + rng.random()))
                spent = round(impressions * profile["cpm"] * rng.uniform(0.9, 1.1) * MONEY_UNIT / 1000)
                keys = (day.isoformat(), campaign["id"], banner, placement, country)
                yield keys, (impressions, conversions, clicks, spent)


def metrics(counts: tuple[int, ...]) -> dict[str, Any]:
    impressions, conversions, clicks, spent = counts
    return {
        "impressions": impressions,
        "conversions": conversions,
        "clicks": clicks,
        "ctr": ratio(clicks, impressions, 100),
        "cpm": ratio(spent, impressions, 1000 / MONEY_UNIT),
        "spent": money(spent),
    }


def report(
    data: DataFactory, campaigns: Iterable[Record], days: list[date], grouped: list[str], filters: dict[str, Any]
) -> list[dict[str, Any]]:
    """Rows of the campaigns' facts on `days` that match every filter (dimension -> value), grouped by `grouped`."""
    return reports.report(data, SEED_NAME, facts, campaigns, days, DIMENSIONS, grouped, filters, metrics)
