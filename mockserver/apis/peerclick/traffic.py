"""PeerClick traffic: each seeded campaign's daily visits and money from the seed, split over paths and audience segments.

A campaign's additive metrics (visits, clicks, conversions, revenue, cost) are generated per day and hour by its
`Series`, so a period's totals never depend on how a report groups them. Within each time bucket the report asks
for (the whole period, or each day or hour), those totals are split exactly over the campaign's `Leaf`s: one per
path x lander x offer x audience segment.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...context import RequestContext
from ...kit.data import apportion
from ...kit.series import Series, campaign_series
from ...state.store import Record

SERIES_METRICS = (
    ("visits", None),
    ("clicks", "visits"),
    ("conversions", "clicks"),
    ("revenue", "conversions"),
    ("cost", "visits"),
)
ADDITIVE = tuple(name for name, _ in SERIES_METRICS)


@dataclass(frozen=True)
class Route:
    """A share of a campaign's visits: a path (1-based), a lander (0 = direct) and an offer (0 = none left)."""

    path: int
    lander: int
    offer: int
    weight: float


@dataclass
class Leaf:
    campaign: Record
    route: Route
    segment: dict[str, Any]
    bucket: Hashable
    counts: dict[str, int]  # ADDITIVE metrics; money in cents


class Traffic:
    """Per-request access to traffic: series, routes and payouts are built once and reused."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        self._series: dict[int, Series] = {}
        self._routes: dict[int, list[Route]] = {}
        self._payouts: dict[int, int] = {}

    def leaves(
        self, campaigns: Iterable[Record], start: datetime, end: datetime, bucket: Callable[[datetime], Hashable] | None
    ) -> list[Leaf]:
        """Leaves with traffic in [start, end), per `bucket(hour start)` (None: one bucket for the whole range)."""
        result: list[Leaf] = []
        for campaign in campaigns:
            series = self.series(campaign)
            if bucket is None:
                buckets: dict[Hashable, dict[str, int]] = {None: series.total(start, end)}
            else:
                buckets = dict(series.buckets(start, end, bucket))
            for key, totals in buckets.items():
                if totals["visits"]:
                    result += self._split(campaign, key, totals)
        return result

    def series(self, campaign: Record) -> Series:
        if campaign["id"] not in self._series:
            data = self.ctx.state.data
            self._series[campaign["id"]] = campaign_series(
                data, "peerclick-hours", campaign, SERIES_METRICS, lambda day: self._day(campaign, day)
            )
        return self._series[campaign["id"]]

    def routes(self, campaign: Record) -> list[Route]:
        if campaign["id"] not in self._routes:
            self._routes[campaign["id"]] = _routes(campaign)
        return self._routes[campaign["id"]]

    def payout(self, offer_id: int) -> int:
        """What one conversion of an offer earns, in cents (AUTO without a value: a seeded network payout)."""
        if offer_id not in self._payouts:
            offer = self.ctx.table("offers").get(self.ctx.account_id, offer_id) if offer_id else None
            value = offer["payout"]["value"] if offer else None
            if offer is None or (value is None and offer["payout"]["type"] == "MANUAL"):
                self._payouts[offer_id] = 0
            elif value is not None:
                self._payouts[offer_id] = round(value * 100)
            else:
                self._payouts[offer_id] = self.ctx.state.data.derived("peerclick-payout", offer_id).randint(100, 1000)
        return self._payouts[offer_id]

    def _day(self, campaign: Record, day: date) -> dict[str, int]:
        profile = campaign["_traffic"]
        rng = self.ctx.state.data.derived("peerclick-traffic", campaign["id"], day.isoformat())
        visits = int(profile["visits"] * rng.uniform(0.6, 1.4))
        clicks = min(visits, int(visits * profile["ctr"] * rng.uniform(0.9, 1.1)))
        converting = [route for route in self.routes(campaign) if route.offer]
        conversions = min(clicks, int(clicks * profile["cr"] * rng.uniform(0.6, 1.4))) if converting else 0
        weight = sum(route.weight for route in converting)
        payout = sum(route.weight * self.payout(route.offer) for route in converting) / weight if converting else 0
        revenue = round(conversions * payout)
        return {"visits": visits, "clicks": clicks, "conversions": conversions, "revenue": revenue,
                "cost": _cost(campaign, profile, visits, conversions, revenue)}  # fmt: skip

    def _split(self, campaign: Record, key: Hashable, totals: dict[str, int]) -> list[Leaf]:
        pairs = [(route, segment) for route in self.routes(campaign) for segment in campaign["_traffic"]["segments"]]
        visits = apportion(totals["visits"], [route.weight * segment["weight"] for route, segment in pairs])
        clicks = apportion(totals["clicks"], visits)
        conversions = _split(
            totals["conversions"],
            [count if route.offer else 0 for (route, _), count in zip(pairs, clicks, strict=True)],
            clicks,
        )
        revenue = _split(totals["revenue"], [count * self.payout(route.offer) for (route, _), count in zip(pairs, conversions, strict=True)],
                         conversions, visits)  # fmt: skip
        by = {"CPA": conversions, "REVSHARE": revenue}.get(campaign["costModel"]["type"], visits)
        cost = _split(totals["cost"], by, visits)
        leaves = []
        for index, (route, segment) in enumerate(pairs):
            counts = {"visits": visits[index], "clicks": clicks[index], "conversions": conversions[index],
                      "revenue": revenue[index], "cost": cost[index]}  # fmt: skip
            if any(counts.values()):
                leaves.append(Leaf(campaign, route, segment, key, counts))
        return leaves


def _split(total: int, *weight_options: list[int]) -> list[int]:
    """Split by the first weights that are not all zero (a bucket's few clicks may all have missed the offers)."""
    for weights in weight_options:
        if any(weights):
            return apportion(total, weights)
    return apportion(total, weight_options[-1])


def _cost(campaign: Record, profile: dict[str, Any], visits: int, conversions: int, revenue: int) -> int:
    """A day's cost in cents under the campaign's cost model (CPC is per visit, as trackers count clicks)."""
    model, value = campaign["costModel"]["type"], campaign["costModel"]["value"] or 0
    cents = {
        "AUTO": visits * profile["cpv"] * 100,  # INVENTED: the traffic source reports its cost
        "CPC": visits * value * 100,
        "CPM": visits * value / 10,
        "CPA": conversions * value * 100,
        "REVSHARE": revenue * value / 100,
    }[model]
    return round(cents)


def _routes(campaign: Record) -> list[Route]:
    """The campaign's paths as weighted routes: direct paths (or no landers) skip the lander; no offers: offer 0."""
    weighted: dict[tuple[int, int, int], float] = {}
    paths = [
        (index, path)
        for index, path in enumerate(campaign["redirectTarget"]["path"]["defaultPaths"], 1)
        if path["weight"] > 0
    ]
    path_total = sum(path["weight"] for _, path in paths)
    for index, path in paths:
        landers = (
            []
            if path["direct"]
            else [(entry["id"], entry["weight"]) for entry in path["landers"] if entry["weight"] > 0]
        )
        offers = [(entry["id"], entry["weight"]) for entry in path["offers"] if entry["weight"] > 0]
        landers, offers = landers or [(0, 1)], offers or [(0, 1)]
        lander_total, offer_total = sum(weight for _, weight in landers), sum(weight for _, weight in offers)
        for lander, lander_weight in landers:
            for offer, offer_weight in offers:
                share = path["weight"] / path_total * lander_weight / lander_total * offer_weight / offer_total
                weighted[index, lander, offer] = weighted.get((index, lander, offer), 0.0) + share
    return [Route(path, lander, offer, weight) for (path, lander, offer), weight in weighted.items()] or [
        Route(0, 0, 0, 1.0)
    ]
