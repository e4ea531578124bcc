"""Binom's `/info/*` and `/stats/*` lists: one row per entity from the period's traffic, then the totals row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ...context import RequestContext
from ...domain.pagination import offset_page
from ...state.store import Record
from . import access, clicks, trees, views
from .periods import Period, binom_datetime, period
from .seed import TRACKER
from .traffic import Leaf, Route, Sums, Traffic


@dataclass(frozen=True)
class Kind:
    table: str
    of_route: Callable[[Record, Route], int]  # the entity of this kind that a campaign's route sends traffic through
    lander: bool  # stats rows carry lander metrics


KINDS = {
    "campaign": Kind("campaigns", lambda campaign, route: int(campaign["id"]), lander=True),
    "offer": Kind("offers", lambda campaign, route: route.offer, lander=True),
    "landing": Kind("landings", lambda campaign, route: route.landing, lander=True),
    "traffic_source": Kind("traffic_sources", lambda campaign, route: int(campaign["trafficSourceId"]), lander=False),
    "affiliate_network": Kind("affiliate_networks", lambda campaign, route: route.network, lander=False),
    "rotation": Kind("rotations", lambda campaign, route: int(campaign["rotationId"] or 0), lander=False),
    "group": Kind("groups", lambda campaign, route: campaign["groupUuid"], lander=False),  # with_traffic: by campaign
    "domain": Kind("domains", lambda campaign, route: campaign["domainUuid"], lander=False),
    "conversion": Kind("conversions", lambda campaign, route: 0, lander=False),  # a type, not a route: no traffic
}


def visible_campaigns(ctx: RequestContext) -> list[Record]:
    """Live campaigns the caller may see: everything for the administrator, the granted ones otherwise."""
    return [
        campaign
        for campaign in ctx.table("campaigns").rows(TRACKER)
        if not campaign["deleted"] and access.visible(ctx, campaign)
    ]


def entities(ctx: RequestContext, kind: str, status: str = "all") -> list[Record]:
    """The entities a list shows: live ones (or only deleted ones for status=deleted) the caller may see."""
    rows = ctx.table(KINDS[kind].table).rows(TRACKER)
    chosen = [row for row in rows if row["deleted"] is (status == "deleted")]
    if kind == "campaign":
        chosen = [row for row in chosen if access.visible(ctx, row)]
    return chosen


def sums_by_entity(kind: str, leaves: list[Leaf]) -> dict[int, Sums]:
    result: dict[int, Sums] = {}
    for leaf in leaves:
        result.setdefault(KINDS[kind].of_route(leaf.campaign, leaf.route), Sums()).add(leaf)
    return result


def _kept_sums(
    ctx: RequestContext, kind: str, start: datetime, end: datetime, traffic: Traffic | None = None
) -> dict[Any, Sums]:
    """The period's sums per entity of `kind`, from a tree kept across recorded clicks (`trees.grouped`)."""
    assert ctx.principal is not None
    of_route = KINDS[kind].of_route
    tree = trees.grouped(ctx, ("by entity", kind, ctx.principal.credential_id), lambda: visible_campaigns(ctx),
                         start, end, [lambda leaf: of_route(leaf.campaign, leaf.route)], traffic=traffic)  # fmt: skip
    return {label: node.sums for label, node in tree.root.children.items()}


def filtered(ctx: RequestContext, kind: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """A `/<kind>/list/filtered` answer: plain items without a totals row (with_traffic means clicks today)."""
    sums: dict[int, Sums] = {}
    if params["status"] == "with_traffic":
        today = period("today", None, None, None, ctx.state.clock.now())
        sums = sums_by_entity(kind, Traffic(ctx).leaves(visible_campaigns(ctx), today.start, today.end))
    page, _ = offset_page(
        _filtered(ctx, kind, params["status"], params.get("name"), sums), params["limit"], params["offset"]
    )
    return [views.list_item(KINDS[kind].table, record, access_level(ctx, kind, record)) for record in page]


def access_level(ctx: RequestContext, kind: str, record: Record) -> str:
    """What the caller may do with a listed entity: a campaign's grant (or `full`), otherwise read or full."""
    level = access.campaign_level(ctx, record["id"]) if kind == "campaign" else None
    return level or access.entity_level(ctx)


def info(ctx: RequestContext, kind: str, period: Period, params: dict[str, Any]) -> list[dict[str, Any]]:
    """`/info/<kind>` rows (sorted, paged) and the totals row over every matching row."""
    traffic = Traffic(ctx)
    campaigns = visible_campaigns(ctx)
    now = ctx.state.clock.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    in_period = _kept_sums(ctx, kind, period.start, period.end, traffic)
    last_hour = _kept_sums(ctx, kind, hour, hour + timedelta(hours=1), traffic)
    first_clicks = _first_clicks(kind, traffic, campaigns)
    rows = []
    for record in _filtered(ctx, kind, params["status"], params.get("name"), in_period):
        sums, recent = in_period.get(record["id"], Sums()), last_hour.get(record["id"], Sums())
        first = first_clicks.get(record["id"])
        rows.append((sums, recent, {
            "id": record["id"], "name": record["name"], "is_deleted": record["deleted"],
            "mean_time_to_convert": round(sums.lead_seconds / sums.leads) if sums.leads else None,
            "seconds_since_last_lead": _since_last_lead(ctx, kind, record, sums, recent),
            "clicks_last_hour": str(recent.clicks), "leads_last_hour": str(recent.leads),
            "profit_last_hour": float(Decimal(recent.revenue - recent.cost) / 100),
            "first_click_time": binom_datetime(first, period.tz) if first else None,
            "clicks": str(sums.clicks), "is_noted": False,
        } | _info_extra(ctx, kind, record)))  # fmt: skip
    total, recent_total = Sums(), Sums()
    for sums, recent, _ in rows:
        total.add(sums)
        recent_total.add(recent)
    page, count = offset_page(
        _sorted([row for *_, row in rows], params["sort_column"], params["sort_type"]),
        params["limit"],
        params["offset"],
    )
    return [*page, {
        "id": "totals", "total_count": count, "clicks": str(total.clicks), "clicks_last_hour": str(recent_total.clicks),
        "leads_last_hour": str(recent_total.leads), "profit_last_hour": float(Decimal(recent_total.revenue - recent_total.cost) / 100),
        "mean_time_to_convert": round(total.lead_seconds / total.leads) if total.leads else None,
    }]  # fmt: skip


def stats(ctx: RequestContext, kind: str, period: Period, params: dict[str, Any]) -> list[dict[str, Any]]:
    """`/stats/<kind>` rows (sorted, paged), then the totals row; `[]` when no entity is listed."""
    by_entity = _kept_sums(ctx, kind, period.start, period.end)
    rows, total = [], Sums()
    for record in entities(ctx, kind):
        sums = by_entity.get(record["id"], Sums())
        total.add(sums)
        rows.append({"id": str(record["id"]), "name": record["name"]} | views.stats_metrics(sums, KINDS[kind].lander)
                    | {"is_deleted": "", "is_noted": False} | _stats_extra(ctx, kind, record))  # fmt: skip
    if not rows:
        return []
    page, count = offset_page(
        _sorted(rows, params["sort_column"], params["sort_type"]), params["limit"], params["offset"]
    )
    totals_metrics = views.stats_metrics(total, lander=True)
    return [*page, {"id": "totals", "total_count": str(count)} | totals_metrics]


def _filtered(ctx: RequestContext, kind: str, status: str, name: str | None, sums: dict[int, Sums]) -> list[Record]:
    """`status` (all and active: live; with_traffic: clicks in the period; deleted) and `name` (substring)."""
    records = entities(ctx, kind, status)
    if status == "with_traffic":
        records = [record for record in records if sums.get(record["id"], Sums()).clicks]
    if name:
        records = [record for record in records if name.casefold() in record["name"].casefold()]
    return records


def _sorted(rows: list[dict[str, Any]], column: str, direction: str) -> list[dict[str, Any]]:
    """By `column` (numbers numerically, nulls last), ties by id ascending."""
    rows = sorted(rows, key=lambda row: int(row["id"]))
    present = [row for row in rows if row.get(column) is not None]
    missing = [row for row in rows if row.get(column) is None]
    key = (
        (lambda row: str(row[column]).casefold())
        if column in ("name", "first_click_time")
        else (lambda row: Decimal(str(row[column])))
    )
    return sorted(present, key=key, reverse=direction == "desc") + missing


def _since_last_lead(ctx: RequestContext, kind: str, record: Record, sums: Sums, recent: Sums) -> str | None:
    """INVENTED: null without leads in the period; under an hour when the last hour had leads, else under a day."""
    if not sums.leads:
        return None
    rng = ctx.state.data.derived("binom-last-lead", kind, record["id"], ctx.state.clock.today().isoformat())
    return str(rng.randint(1, 3599) if recent.leads else rng.randint(3600, 86399))


def _first_clicks(kind: str, traffic: Traffic, campaigns: list[Record]) -> dict[int, datetime]:
    """Per entity, the earliest first click of the visible campaigns whose traffic reaches it."""
    result: dict[int, datetime] = {}
    for campaign in campaigns:
        first = traffic.first_click(campaign)
        if first is None:
            continue
        for route in traffic.routes(campaign):
            entity = KINDS[kind].of_route(campaign, route)
            result[entity] = min(result.get(entity, first), first)
    return result


def _group_name(ctx: RequestContext, record: Record) -> str | None:
    group = ctx.table("groups").get(TRACKER, record["groupUuid"]) if record.get("groupUuid") else None
    return group["name"] if group else None


def _network_name(ctx: RequestContext, offer: Record) -> str | None:
    network = (
        ctx.table("affiliate_networks").get(TRACKER, offer["affiliateNetworkId"])
        if offer["affiliateNetworkId"]
        else None
    )
    return network["name"] if network and not network["deleted"] else None


def _counts(ctx: RequestContext, kind: str, record: Record) -> str:
    """Live campaigns of a traffic source (visible to the caller) or live offers of a network, as a string."""
    if kind == "traffic_source":
        return str(sum(1 for campaign in visible_campaigns(ctx) if campaign["trafficSourceId"] == record["id"]))
    return str(
        sum(
            1
            for offer in ctx.table("offers").rows(TRACKER)
            if not offer["deleted"] and offer["affiliateNetworkId"] == record["id"]
        )
    )


def _info_extra(ctx: RequestContext, kind: str, record: Record) -> dict[str, Any]:
    if kind == "campaign":
        return {"current_cpc": record["amount"] if record["costModel"] == "CPC" else 0, "group_name": _group_name(ctx, record),
                "link": clicks.link(ctx, record), "is_domain_banned": False}  # fmt: skip
    if kind == "offer":
        return {"country": "" if record["countryCode"] == "GLOBAL" else record["countryCode"], "url": record["url"],
                "group_name": _group_name(ctx, record), "affiliate_network": _network_name(ctx, record)}  # fmt: skip
    if kind == "landing":
        return {"language": record["languageCode"], "location": views.landing_location(record), "group_name": _group_name(ctx, record),
                "is_integrated": record["location"] is not None, "is_domain_banned": False}  # fmt: skip
    if kind == "rotation":  # INVENTED: a rotation's info counts its campaigns, as a traffic source's does
        return {"campaigns": str(sum(1 for row in visible_campaigns(ctx) if row["rotationId"] == record["id"]))}
    return {("campaigns" if kind == "traffic_source" else "offers"): _counts(ctx, kind, record)}


def _stats_extra(ctx: RequestContext, kind: str, record: Record) -> dict[str, Any]:
    if kind == "campaign":
        source = ctx.table("traffic_sources").get(TRACKER, record["trafficSourceId"])
        return {
            "group_name": _group_name(ctx, record),
            "traffic_source": source["name"] if source else "",
            "is_domain_banned": False,
        }
    if kind == "offer":
        return {"country": "" if record["countryCode"] == "GLOBAL" else record["countryCode"], "group_name": _group_name(ctx, record),
                "affiliate_network": _network_name(ctx, record), "payout": views.payout(record), "url": record["url"]}  # fmt: skip
    if kind == "landing":
        return {"language": record["languageCode"], "group_name": _group_name(ctx, record), "is_integrated": record["location"] is not None,
                "url": views.landing_location(record), "is_domain_banned": False}  # fmt: skip
    if kind == "affiliate_network":
        return {"offers": _counts(ctx, kind, record)}
    return {}
