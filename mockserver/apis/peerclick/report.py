"""PeerClick's `/report`: flat rows per combination of the `groupBy` dimensions, totals and column mappings."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from ...context import RequestContext
from ...domain.pagination import offset_page
from ...kit import countries
from ...state.clock import clamped_date, localized, zone
from ...state.store import Record, Write
from . import clicks
from .traffic import ADDITIVE, Leaf, Traffic

METRICS = (
    "visits",
    "clicks",
    "conversions",
    "revenue",
    "cost",
    "profit",
    "roi",
    "ctr",
    "cr",
    "cv",
    "epv",
    "cpv",
    "epc",
    "cpa",
    "ap",
)
MONEY = ("revenue", "cost", "profit", "epv", "cpv", "epc", "cpa", "ap")
PERCENT = ("roi", "ctr", "cr", "cv")
# Filter parameter -> what a leaf is filtered on.
FILTERS: dict[str, Callable[[Leaf], int]] = {
    "campaign_id": lambda leaf: int(leaf.campaign["id"]),
    "offer_id": lambda leaf: leaf.route.offer,
    "lander_id": lambda leaf: leaf.route.lander,
    "traffic_source_id": lambda leaf: int(leaf.campaign["trafficSource"]),
}


@dataclass
class Grouped:
    """A report's sums per row (the `groupBy` columns' values) over [start, end], before sorting and paging: kept
    across recorded clicks and postbacks, which add their leaf to it (`_fold`); any other write drops it."""

    account: str
    start: datetime
    end: datetime
    up_to_now: bool  # a click at `end` itself is in
    campaigns: dict[Any, Record]
    bucket: Callable[[datetime], Hashable] | None
    columns: list[Callable[[Leaf], dict[str, Any]]]
    keep: Callable[[Leaf], bool]
    groups: dict[tuple[Any, ...], dict[str, int]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ADDITIVE, 0))

    def row(self, leaf: Leaf) -> tuple[Any, ...] | None:
        """The row `leaf` adds to, as its columns' values (None: a filter leaves it out)."""
        return tuple(value for column in self.columns for value in column(leaf).items()) if self.keep(leaf) else None

    def take(self, leaf: Leaf, sign: int = 1) -> None:
        values = self.row(leaf)
        if values is None:
            return
        sums = self.groups.get(values) or self.groups.setdefault(values, dict.fromkeys(ADDITIVE, 0))
        for name in ADDITIVE:
            sums[name] += sign * leaf.counts[name]
            self.totals[name] += sign * leaf.counts[name]


def report(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    tz = zone(params.get("timezone") or params.get("tz"))
    now = ctx.state.clock.now()
    start = _moment(params["from_"], tz)
    end = min(_moment(params["to"], tz), now) if params.get("to") else now
    # Until the next write to PeerClick's records, the answer depends besides them only on the parameters and on
    # which hours and which recorded clicks [start, end] takes in (the clock moves `end`, not the answer).
    window = (hour_ceiling(start), hour_ceiling(end), *clicks.window(ctx, start, end, up_to_now=end == now))
    key = ("report", ctx.account_id, window, json.dumps(params, sort_keys=True, default=repr))
    return ctx.state.store.kept(
        "peerclick", key, lambda: _rendered(_kept(ctx, params, tz, start, end, end == now), params)
    )


def _kept(
    ctx: RequestContext, params: dict[str, Any], tz: tzinfo, start: datetime, end: datetime, up_to_now: bool
) -> Grouped:
    """The sums kept for the whole hour `end` falls in (the series sum whole hours): they hold what [start, end]
    holds unless a recorded click lies after `end` in that hour (then they are computed for this request alone)."""
    hour = hour_ceiling(end)
    key = ("report sums", ctx.account_id, start, hour, up_to_now, json.dumps(params, sort_keys=True, default=repr))
    grouped: Grouped = ctx.state.store.folded(
        "peerclick", key, lambda: _grouped(ctx, params, tz, start, hour, up_to_now), _fold
    )
    if clicks.window(ctx, start, end, up_to_now=up_to_now) != clicks.window(ctx, start, hour, up_to_now=up_to_now):
        grouped = _grouped(ctx, params, tz, start, end, up_to_now)
    return grouped


def _grouped(
    ctx: RequestContext, params: dict[str, Any], tz: tzinfo, start: datetime, end: datetime, up_to_now: bool
) -> Grouped:
    dimensions = params["group_by"]
    traffic = Traffic(ctx)
    campaigns = list(ctx.table("campaigns").rows(ctx.account_id))
    filters = [(of_leaf, params[name]) for name, of_leaf in FILTERS.items() if params.get(name) is not None]
    network = params.get("affiliate_network_id")

    def keep(leaf: Leaf) -> bool:
        return all(of_leaf(leaf) == wanted for of_leaf, wanted in filters) and (
            network is None or _network(ctx, leaf.route.offer) == network
        )

    bucket = _bucketing(dimensions, tz)
    grouped = Grouped(ctx.account_id, start, end, up_to_now, {campaign["id"]: campaign for campaign in campaigns},
                      bucket, _columns(ctx, dimensions), keep)  # fmt: skip
    for leaf in traffic.leaves(campaigns, start, end, bucket) + clicks.leaves(
        ctx, campaigns, start, end, bucket, up_to_now=up_to_now
    ):
        grouped.take(leaf)
    return grouped


def _fold(grouped: Grouped, write: Write) -> bool:
    """A recorded click (added) or its postback (updated) changes its own leaf only: take the old one away, add the
    new one. Another account's clicks change nothing here; any other write drops the sums."""
    if write.table != clicks.TABLE or write.new is None:
        return False
    if write.owner != grouped.account:
        return True
    leaves = []
    for sign, record in ((-1, write.old), (1, write.new)):
        if record is not None:
            leaf = clicks.click_leaf(
                grouped.campaigns, record, grouped.start, grouped.end, grouped.bucket, grouped.up_to_now
            )
            if leaf is not None:
                leaves.append((sign, leaf))
    if len(leaves) == 2 and grouped.row(leaves[0][1]) != grouped.row(leaves[1][1]):
        return False  # the click moved to another row: the old one would keep an empty row a fresh report has not
    for sign, leaf in leaves:
        grouped.take(leaf, sign)
    return True


def _rendered(grouped: Grouped, params: dict[str, Any]) -> dict[str, Any]:
    selected = params.get("columns") or list(METRICS)
    rows = [(dict(values), metrics(sums)) for values, sums in grouped.groups.items()]
    rows = _sorted(rows, params["sort"], params["direction"])
    page, count = offset_page(rows, params["limit"], params["offset"])
    return {
        "totalRows": count,
        "rows": [dims | {name: values[name] for name in selected} for dims, values in page],
        "totals": metrics(grouped.totals),
        "columnMappings": _mappings(params["group_by"], selected),
    }


def metrics(sums: dict[str, int]) -> dict[str, Any]:
    """Every metric of a row from its additive sums (money in cents): ratios to 4 places, zero divisors give 0."""
    visits, clicks, conversions = sums["visits"], sums["clicks"], sums["conversions"]
    revenue, cost = sums["revenue"] / 100, sums["cost"] / 100
    profit = (sums["revenue"] - sums["cost"]) / 100

    def ratio(numerator: float, denominator: float, scale: int = 1) -> float:
        return round(numerator * scale / denominator, 4) if denominator else 0

    return {
        "visits": visits, "clicks": clicks, "conversions": conversions, "revenue": revenue, "cost": cost, "profit": profit,
        "roi": ratio(profit, cost, 100), "ctr": ratio(clicks, visits, 100), "cr": ratio(conversions, clicks, 100),
        "cv": ratio(conversions, visits, 100), "epv": ratio(revenue, visits), "cpv": ratio(cost, visits),
        "epc": ratio(revenue, clicks), "cpa": ratio(cost, conversions), "ap": ratio(revenue, conversions),
    }  # fmt: skip


def hour_ceiling(moment: datetime) -> datetime:
    """The first UTC hour beginning at or after `moment`: the hours a series sums from or to."""
    hour = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return hour if hour == moment else hour + timedelta(hours=1)


def _moment(text: str, tz: tzinfo) -> datetime:
    """`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS][Z]` (pattern already enforced): in `tz`, or UTC with `Z`."""
    day, _, clock = text.partition("T")
    year, month, number = (int(part) for part in day.split("-"))
    parts = [int(part) for part in clock.rstrip("Z").split(":")] if clock else []
    moment = datetime.combine(clamped_date(max(year, 1), month, number), time(*parts))
    return localized(moment, UTC if clock.endswith("Z") else tz)


def _bucketing(dimensions: list[str], tz: tzinfo) -> Callable[[datetime], Hashable] | None:
    """Time buckets the dimensions need: per local day and/or hour of day; none without `day` or `hour`."""
    if "day" not in dimensions and "hour" not in dimensions:
        return None

    def bucket(hour_start: datetime) -> Hashable:
        local = hour_start.astimezone(tz)
        return (local.date().isoformat() if "day" in dimensions else None, local.hour if "hour" in dimensions else None)

    return bucket


def _columns(ctx: RequestContext, dimensions: list[str]) -> list[Callable[[Leaf], dict[str, Any]]]:
    """Per dimension, the row columns a leaf gives (an id is left out where there is no entity: direct, none)."""

    def entity(prefix: str, table: str, of_leaf: Callable[[Leaf], int]) -> Callable[[Leaf], dict[str, Any]]:
        def columns(leaf: Leaf) -> dict[str, Any]:
            record = ctx.table(table).get(ctx.account_id, of_leaf(leaf)) if of_leaf(leaf) else None
            return {f"{prefix}Id": record["id"], f"{prefix}Name": record["name"]} if record else {f"{prefix}Name": ""}

        return columns

    def variable(index: int) -> Callable[[Leaf], dict[str, Any]]:
        def columns(leaf: Leaf) -> dict[str, Any]:
            source = ctx.table("traffic_sources").get(ctx.account_id, leaf.campaign["trafficSource"])
            defined = source is not None and any(item["index"] == index for item in source["customVariables"])
            return {f"customVariable{index}": leaf.segment["variables"][index - 1] if defined else ""}

        return columns

    by_name: dict[str, Callable[[Leaf], dict[str, Any]]] = {
        "campaign": entity("campaign", "campaigns", lambda leaf: int(leaf.campaign["id"])),
        "offer": entity("offer", "offers", lambda leaf: leaf.route.offer),
        "lander": entity("lander", "landers", lambda leaf: leaf.route.lander),
        "traffic-source": entity("trafficSource", "traffic_sources", lambda leaf: int(leaf.campaign["trafficSource"])),
        "affiliate-network": entity(
            "affiliateNetwork", "affiliate_networks", lambda leaf: _network(ctx, leaf.route.offer)
        ),
        "country": lambda leaf: {
            "countryCode": leaf.segment["country"],
            "countryName": countries.name(leaf.segment["country"]),
        },
        "day": lambda leaf: {"day": leaf.bucket[0]},  # type: ignore[index]
        "hour": lambda leaf: {"hour": leaf.bucket[1]},  # type: ignore[index]
        **{name: (lambda leaf, name=name: {name: leaf.segment[name]}) for name in ("device", "os", "browser", "isp")},
        **{f"custom-variable-{index}": variable(index) for index in range(1, 11)},
    }
    return [by_name[name] for name in dimensions]


def _network(ctx: RequestContext, offer_id: int) -> int:
    offer = ctx.table("offers").get(ctx.account_id, offer_id) if offer_id else None
    return int(offer["affiliateNetwork"]["id"]) if offer and offer["affiliateNetwork"] else 0


def _sorted(
    rows: list[tuple[dict[str, Any], dict[str, Any]]], column: str, direction: str
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """By `sort` (a metric or a dimension column; rows without that column last), ties by the dimension columns."""
    rows = sorted(
        rows,
        key=lambda row: tuple((0, value) if isinstance(value, int) else (1, str(value)) for value in row[0].values()),
    )
    if column in METRICS:
        return sorted(rows, key=lambda row: row[1][column], reverse=direction == "desc")
    present = [row for row in rows if row[0].get(column) is not None]
    missing = [row for row in rows if row[0].get(column) is None]
    return sorted(present, key=lambda row: row[0][column], reverse=direction == "desc") + missing


def _mappings(dimensions: list[str], selected: list[str]) -> list[dict[str, str]]:
    labels = {"traffic-source": "Traffic source", "affiliate-network": "Affiliate network"}
    mappings = []
    for name in dimensions:
        label = labels.get(name, name.replace("-", " ").capitalize())
        if name in ("campaign", "offer", "lander", "traffic-source", "affiliate-network"):
            prefix = {"traffic-source": "trafficSource", "affiliate-network": "affiliateNetwork"}.get(name, name)
            mappings += [{"key": f"{prefix}Id", "label": f"{label} ID", "type": "INTEGER"},
                         {"key": f"{prefix}Name", "label": label, "type": "STRING"}]  # fmt: skip
        elif name == "country":
            mappings += [{"key": "countryCode", "label": "Country code", "type": "STRING"},
                         {"key": "countryName", "label": "Country", "type": "STRING"}]  # fmt: skip
        elif name.startswith("custom-variable-"):
            mappings.append({"key": f"customVariable{name.rsplit('-', 1)[1]}", "label": label, "type": "STRING"})
        else:
            mappings.append(
                {"key": name, "label": label, "type": {"day": "DATE", "hour": "INTEGER"}.get(name, "STRING")}
            )
    for name in selected:
        kind = "MONEY" if name in MONEY else "PERCENTAGE" if name in PERCENT else "INTEGER"
        mappings.append({"key": name, "label": name.upper() if len(name) <= 3 else name.capitalize(), "type": kind})
    return mappings
