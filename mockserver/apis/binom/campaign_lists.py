"""Binom's other list answers over live records: campaign short info with links, campaigns by rotation, traffic
sources with their campaigns, and every affiliate network at once."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...domain.pagination import offset_page
from . import clicks, listings, views
from .entities import ROTATIONS, SCHEME


async def list_campaign_short_info(ctx: RequestContext, **params: Any) -> Any:
    campaigns = listings.visible_campaigns(ctx)
    if params.get("name"):
        campaigns = [row for row in campaigns if params["name"].casefold() in row["name"].casefold()]
    page, _ = offset_page(campaigns, params["limit"], params["offset"])
    return [{"id": row["id"], "name": row["name"], "key": row["key"], "link": clicks.link(ctx, row)} for row in page]


async def list_campaigns_by_rotation(ctx: RequestContext, rotation_id: int) -> Any:
    rotation = resources.found(ctx, SCHEME, ROTATIONS, rotation_id, "read")
    return [
        views.list_item("campaigns", row, listings.access_level(ctx, "campaign", row))
        for row in listings.visible_campaigns(ctx)
        if row["rotationId"] == rotation["id"]
    ]


async def list_traffic_sources_with_campaigns(ctx: RequestContext) -> Any:
    campaigns = listings.visible_campaigns(ctx)
    return [
        {"id": source["id"], "name": source["name"],
         "campaigns": [{"id": row["id"], "name": row["name"], "key": row["key"]} for row in campaigns
                       if row["trafficSourceId"] == source["id"]]}
        for source in listings.entities(ctx, "traffic_source")
    ]  # fmt: skip


async def list_all_affiliate_networks(ctx: RequestContext) -> Any:
    return [
        views.list_item("affiliate_networks", row, listings.access_level(ctx, "affiliate_network", row))
        for row in listings.entities(ctx, "affiliate_network")
    ]
