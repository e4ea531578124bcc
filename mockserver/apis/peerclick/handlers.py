"""PeerClick operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...context import RequestContext
from . import sessions, views, writes
from .report import report
from .resources import Resource, add, delete, handlers, listing, replace
from .sessions import DEFAULT_LIFETIME


# ----------------------------------------------------------------------- auth
async def create_access_session(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return sessions.access_session(ctx, body["accessId"], body["accessKey"], body.get("lifetime", DEFAULT_LIFETIME))


async def create_session(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return sessions.password_session(ctx, body["email"], body["password"])


# ------------------------------------------------------------------ campaigns
async def list_campaigns(ctx: RequestContext, offset: int = 0, limit: int = 100) -> Any:
    return listing(ctx, "campaigns", offset, limit)


async def create_campaign(ctx: RequestContext, body: dict[str, Any]) -> Any:
    record = writes.campaign(ctx, body) | {"key": ctx.state.data.token(8, "0123456789abcdef")}
    return views.envelope(ctx, "campaigns", add(ctx, "campaigns", record))


async def get_campaign(ctx: RequestContext, campaign_id: int, with_pages: int = 0) -> Any:
    return views.envelope(ctx, "campaigns", writes.owned(ctx, "campaigns", campaign_id, "Campaign"), pages=with_pages == 1)


async def update_campaign(ctx: RequestContext, campaign_id: int, body: dict[str, Any]) -> Any:
    return views.envelope(ctx, "campaigns", replace(ctx, "campaigns", campaign_id, "Campaign", writes.campaign, body))


async def delete_campaign(ctx: RequestContext, campaign_id: int) -> Any:
    return delete(ctx, "campaigns", campaign_id, "Campaign")


# ------------------------------- offers, landers, traffic sources, affiliate networks
def _remove_campaigns_of_source(ctx: RequestContext, source_id: int) -> None:
    for campaign in list(ctx.table("campaigns").rows(ctx.account_id, trafficSource=source_id)):
        ctx.table("campaigns").remove(ctx.account_id, campaign["id"])  # a campaign cannot outlive its source


def _unlink_offers_of_network(ctx: RequestContext, network_id: int) -> None:
    for offer in ctx.table("offers").rows(ctx.account_id):
        if offer["affiliateNetwork"] and offer["affiliateNetwork"]["id"] == network_id:
            offer["affiliateNetwork"] = None  # offers stay, without a network


def _drop_from_paths(table: str) -> Callable[[RequestContext, int], None]:
    return lambda ctx, record_id: writes.drop_from_paths(ctx, table, record_id)


OFFERS = Resource("offers", "Offer", "offer_id", writes.offer, _drop_from_paths("offers"))
LANDERS = Resource("landers", "Lander", "lander_id", writes.lander, _drop_from_paths("landers"))
TRAFFIC_SOURCES = Resource("traffic_sources", "Traffic source", "traffic_source_id", writes.traffic_source, _remove_campaigns_of_source)
AFFILIATE_NETWORKS = Resource("affiliate_networks", "Affiliate network", "affiliate_network_id", writes.affiliate_network,
                              _unlink_offers_of_network)  # fmt: skip

list_offers, create_offer, get_offer, update_offer, delete_offer = handlers(OFFERS)
list_landers, create_lander, get_lander, update_lander, delete_lander = handlers(LANDERS)
list_traffic_sources, create_traffic_source, get_traffic_source, update_traffic_source, delete_traffic_source = handlers(TRAFFIC_SOURCES)
(list_affiliate_networks, create_affiliate_network, get_affiliate_network, update_affiliate_network,
 delete_affiliate_network) = handlers(AFFILIATE_NETWORKS)  # fmt: skip


# --------------------------------------------------------------------- report
async def get_report(ctx: RequestContext, **params: Any) -> Any:
    sessions.charge_report(ctx)
    return report(ctx, params)
