"""Binom traffic: each seeded campaign's daily clicks from the seed, split over its paths, landings, offers, geos and zones.

Everything a list, stats row or report shows is a sum over `Leaf`s: one per campaign x path x landing x offer x
country x zone that had clicks in the period. A campaign's period totals come from its `Series`, and are split
over its leaves once per request, the same way whatever is asked, so every grouping adds up to the same totals.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ...context import RequestContext
from ...kit.data import DataFactory, apportion
from ...kit.series import Series, campaign_series
from ...state.store import Record, View, Write
from . import adjustments
from .seed import TRACKER

SERIES_METRICS = (("clicks", None), ("unique", "clicks"), ("bots", "clicks"), ("leads", "clicks"))
CLICKS = "clicks"  # the clicks recorded through the click URL (clicks.py), counted on top of the seeded traffic
ADDITIVE = ("clicks", "unique", "bots", "leads", "lander_views", "lander_clicks", "revenue", "cost")


@dataclass(frozen=True)
class Route:
    """Where a share of a campaign's visitors goes: a path (1-based index), a landing (0 = direct), an offer."""

    path: int
    path_name: str
    landing: int
    offer: int  # 0: a direct URL or another campaign
    network: int  # the offer's affiliate network, 0 for none
    weight: float
    converts: bool


@dataclass
class Sums:
    """Additive metrics; money in cents, so sums are exact."""

    clicks: int = 0
    unique: int = 0
    bots: int = 0
    leads: int = 0
    lander_views: int = 0
    lander_clicks: int = 0
    revenue: int = 0
    cost: int = 0
    lead_seconds: int = 0  # leads x the campaign's mean time to convert, for a leads-weighted mean

    def add(self, other: Sums, sign: int = 1) -> None:
        """Add `other` (sign -1: take it away again, as a folded click's earlier state is)."""
        for name in (*ADDITIVE, "lead_seconds"):
            setattr(self, name, getattr(self, name) + sign * getattr(other, name))


@dataclass
class Leaf(Sums):
    campaign: Record = field(default_factory=dict)
    route: Route = field(default_factory=lambda: Route(0, "", 0, 0, 0, 0.0, False))
    country: str = ""
    tokens: tuple[str, ...] = ()


Label = tuple[str, str]  # (entity_id, name) of a report row, or any hashable grouping of leaves


@dataclass
class Node:
    label: Any  # a report row's (entity_id, name); a list's entity id
    sums: Sums = field(default_factory=Sums)
    children: dict[Hashable, Node] = field(default_factory=dict)
    metrics: dict[str, str] | None = None  # the row's metrics from `sums`, as a report writes them (None: not yet)


class Traffic:
    """Per-request access to traffic: series and routes are built once and reused by every question asked."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        self._series: dict[int, Series] = {}
        self._routes: dict[int, list[Route]] = {}
        self._route_keys: dict[int, dict[tuple[int, int, int], Route]] = {}
        self._covered: dict[Any, int] = {}

    def series(self, campaign: Record) -> Series:
        if campaign["id"] not in self._series:
            data = self.ctx.state.data
            # A campaign's seeded series depends on nothing but the seed, its id and its traffic profile, so it is
            # remembered with the days and hours it has generated: a report computed again after a write (a click,
            # a cost update) does not draw the same days anew.
            profile = campaign.get("_traffic")
            self._series[campaign["id"]] = data.remembered(
                ("binom-series", campaign["id"], repr(profile)),
                lambda: campaign_series(data, "binom-hours", {"id": campaign["id"], "_traffic": profile},
                                        SERIES_METRICS, lambda day: _day(data, campaign["id"], profile, day)),
            )  # fmt: skip
        return self._series[campaign["id"]]

    def routes(self, campaign: Record) -> list[Route]:
        if campaign["id"] not in self._routes:
            self._routes[campaign["id"]] = _routes(self.ctx, campaign)
        return self._routes[campaign["id"]]

    def leaves(self, campaigns: Iterable[Record], start: datetime, end: datetime) -> list[Leaf]:
        """The campaigns' traffic in [start, end), with their cost updates and click deletions applied."""
        result: list[Leaf] = []
        for campaign in campaigns:
            changes = adjustments.of(self.ctx, campaign["id"])
            if not changes:
                result += self._plain(campaign, start, end)
                continue
            for first, after, newest in adjustments.pieces(changes, start, end):
                leaves = self._plain(campaign, first, after)
                if newest is None:
                    result += leaves
                elif newest["kind"] == adjustments.COST:
                    result += self._costed(campaign, changes, newest, leaves)
        return result

    def _plain(self, campaign: Record, start: datetime, end: datetime) -> list[Leaf]:
        totals = self.series(campaign).total(start, end)
        return (self._split(campaign, totals) if totals["clicks"] else []) + self._recorded(campaign, start, end)

    def _costed(self, campaign: Record, changes: list[View], update: View, leaves: list[Leaf]) -> list[Leaf]:
        """The leaves of a piece whose newest adjustment is a cost update: their share of its cost, by clicks."""
        key = (campaign["id"], update["id"])
        if key not in self._covered:  # the clicks the update still sets the cost of (later ones may cover some)
            start, end = datetime.fromisoformat(update["start"]), datetime.fromisoformat(update["end"])
            self._covered[key] = sum(
                leaf.clicks
                for first, after, newest in adjustments.pieces(changes, start, end)
                if newest is not None and newest["id"] == update["id"]
                for leaf in self._plain(campaign, first, after)
            )
        clicks = sum(leaf.clicks for leaf in leaves)
        cents = round(update["cents"] * clicks / self._covered[key]) if self._covered[key] else 0
        for leaf, cost in zip(leaves, apportion(cents, [leaf.clicks for leaf in leaves]), strict=True):
            leaf.cost = cost
        return leaves

    def _recorded(self, campaign: Record, start: datetime, end: datetime) -> list[Leaf]:
        """One leaf per click recorded on the campaign in [start, end): its route, country and conversion."""
        return [
            self.click_leaf(campaign, click)
            for click in self.ctx.table(CLICKS).rows(TRACKER, campaignId=campaign["id"])
            if start <= datetime.fromisoformat(click["time"]) < end
        ]

    def click_leaf(self, campaign: Record, click: View) -> Leaf:
        """A recorded click's leaf (one click, its conversion) on its campaign's route."""
        routes = self._route_keys.get(campaign["id"])
        if routes is None:
            routes = self._route_keys[campaign["id"]] = {
                (route.path, route.landing, route.offer): route for route in self.routes(campaign)
            }
        route = routes.get((click["path"], click["landing"], click["offer"]))
        if route is None:
            offer = self.ctx.table("offers").get(TRACKER, click["offer"]) if click["offer"] else None
            route = Route(click["path"], f"Path {click['path']}", click["landing"], click["offer"],
                          (offer["affiliateNetworkId"] or 0) if offer else 0, 0.0, True)  # fmt: skip
        leaf = Leaf(campaign=campaign, route=route, country=click["country"], clicks=1, unique=1,
                    leads=int(click["converted"]), lander_views=int(bool(click["landing"])),
                    lander_clicks=int(click["landerClicked"]), revenue=click["payout"],
                    tokens=tuple(click["tokens"].values())[:3])  # fmt: skip
        leaf.cost = _cost(campaign, leaf)
        return leaf

    def first_click(self, campaign: Record) -> datetime | None:
        """When the campaign's traffic began: the first hour with clicks on its first day."""
        profile = campaign.get("_traffic")
        if not profile:
            return None
        first = date.fromisoformat(profile["start"])
        hours = self.series(campaign).hours(first)
        hour = next((number for number, counts in enumerate(hours) if counts["clicks"]), 0)
        return datetime(first.year, first.month, first.day, hour, tzinfo=UTC)

    def _split(self, campaign: Record, totals: dict[str, int]) -> list[Leaf]:
        profile = campaign["_traffic"]
        offers = self.ctx.table("offers")
        leaves = [
            Leaf(campaign=campaign, route=route, country=country, tokens=tuple(zone[:3]))
            for route in self.routes(campaign)
            for country, _ in profile["countries"]
            for zone in profile["zones"]
        ]
        weights = [
            route.weight * country_weight * zone[3]
            for route in self.routes(campaign)
            for _, country_weight in profile["countries"]
            for zone in profile["zones"]
        ]
        clicks = apportion(totals["clicks"], weights)
        converting = [count if leaf.route.converts else 0 for leaf, count in zip(leaves, clicks, strict=True)]
        views = [count if leaf.route.landing else 0 for leaf, count in zip(leaves, clicks, strict=True)]
        parts = {
            "clicks": clicks,
            "unique": apportion(totals["unique"], clicks),
            "bots": apportion(totals["bots"], clicks),
            "leads": apportion(totals["leads"] if any(converting) else 0, converting),
            "lander_views": views,
            "lander_clicks": apportion(int(sum(views) * profile["landerCtr"]), views),
        }
        kept = []
        for index, leaf in enumerate(leaves):
            for name, values in parts.items():
                setattr(leaf, name, values[index])
            if not leaf.clicks:
                continue
            offer = offers.get(TRACKER, leaf.route.offer) if leaf.route.offer else None
            leaf.revenue = leaf.leads * round(offer["amount"] * 100) if offer else 0
            leaf.cost = _cost(campaign, leaf)
            leaf.lead_seconds = leaf.leads * profile["timeToConvert"]
            kept.append(leaf)
        return kept


def _cost(campaign: Record, leaf: Leaf) -> int:
    """The leaf's cost in cents under the campaign's cost model (INVENTED: no currency conversion)."""
    amount = campaign["amount"]
    per_unit = {
        "CPC": leaf.clicks * amount * 100,
        "CPM": leaf.clicks * amount / 10,  # per 1000 clicks, in cents
        "CPA": leaf.leads * amount * 100,
        "REVSHARE": leaf.revenue * amount / 100,
    }
    return round(per_unit[campaign["costModel"]])


def _routes(ctx: RequestContext, campaign: Record) -> list[Route]:
    """The campaign's default paths as weighted routes; rules are stored but get no traffic (INVENTED)."""
    weighted: dict[tuple[int, int, int], Route] = {}
    networks = {offer["id"]: offer["affiliateNetworkId"] or 0 for offer in ctx.table("offers").rows(TRACKER)}
    paths = [
        (index, path) for index, path in enumerate(campaign["customRotation"].get("defaultPaths", []), 1) if _on(path)
    ]
    path_total = sum(path["weight"] for _, path in paths)
    for index, path in paths:
        landings = [(landing["id"], landing["weight"]) for landing in path.get("landings", []) if _on(landing)] or [
            (0, 1)
        ]
        offers = [(offer, weight, converts) for offer, weight, converts in _offers(ctx, path)] or [(0, 1, False)]
        landing_total = sum(weight for _, weight in landings)
        offer_total = sum(weight for _, weight, _ in offers)
        for landing, landing_weight in landings:
            for offer, offer_weight, converts in offers:
                share = path["weight"] / path_total * landing_weight / landing_total * offer_weight / offer_total
                key = (index, landing, offer)
                previous = weighted.get(key)
                weighted[key] = Route(index, path.get("name") or f"Path {index}", landing, offer, networks.get(offer, 0),
                                      share + (previous.weight if previous else 0.0), converts)  # fmt: skip
    return list(weighted.values()) or [Route(0, "No path", 0, 0, 0, 1.0, False)]


def _offers(ctx: RequestContext, path: Record) -> list[tuple[int, float, bool]]:
    """(offer id or 0, weight, can convert) of the path's live offer entries; entries pointing nowhere get nothing."""
    result = []
    for entry in path.get("offers", []):
        if not _on(entry):
            continue
        if entry.get("offerId"):
            offer = ctx.table("offers").get(TRACKER, entry["offerId"])
            if offer is not None and not offer["deleted"]:
                result.append((offer["id"], entry["weight"], True))
        elif entry.get("campaignId") or entry.get("directUrl"):
            result.append((0, entry["weight"], True))
    return result


def _day(data: DataFactory, campaign_id: int, profile: Record, day: date) -> dict[str, int]:
    rng = data.derived("binom-traffic", campaign_id, day.isoformat())
    clicks = int(profile["clicks"] * rng.uniform(0.6, 1.4))
    return {
        "clicks": clicks,
        "unique": int(clicks * profile["unique"] * rng.uniform(0.97, 1.0)),
        "bots": int(clicks * profile["bots"] * rng.uniform(0.5, 1.5)),
        "leads": min(clicks, int(clicks * profile["cr"] * rng.uniform(0.6, 1.4))),
    }


def _on(item: Record) -> bool:
    return bool(item.get("enabled", True)) and item.get("weight", 100) > 0


def window(ctx: RequestContext, start: datetime, end: datetime) -> Hashable:
    """What of [start, end) a traffic answer depends on, for `Store.kept`: the hours beginning in it (the seeded
    series) and which of the recorded clicks fall in it (their times, sorted, change only with a write)."""
    times = click_times(ctx)
    return hour_ceiling(start), hour_ceiling(end), bisect.bisect_left(times, start), bisect.bisect_left(times, end)


def clicks_between(ctx: RequestContext, start: datetime, end: datetime) -> int:
    """How many recorded clicks happened in [start, end)."""
    times = click_times(ctx)
    return bisect.bisect_left(times, end) - bisect.bisect_left(times, start) if start < end else 0


def click_times(ctx: RequestContext) -> list[datetime]:
    """Every recorded click's time, sorted: kept across clicks and postbacks, which add theirs (`_fold_time`)."""
    return ctx.state.store.folded("binom", ("click times",), lambda: _click_times(ctx), _fold_time)


def _click_times(ctx: RequestContext) -> list[datetime]:
    return sorted(datetime.fromisoformat(click["time"]) for click in ctx.table(CLICKS).rows(TRACKER))


def _fold_time(times: list[datetime], write: Write) -> bool:
    if write.table != CLICKS:
        return True  # the times are the clicks' alone
    if write.old is None and write.new is not None:
        bisect.insort(times, datetime.fromisoformat(write.new["time"]))
        return True
    return write.old is not None and write.new is not None and write.old["time"] == write.new["time"]


def hour_ceiling(moment: datetime) -> datetime:
    """The first UTC hour beginning at or after `moment`: the hours a series sums from or to."""
    hour = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return hour if hour == moment else hour + timedelta(hours=1)
