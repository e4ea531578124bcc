"""PeerClick operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...clock import iso
from ...gateway import RequestContext
from ...pagination import offset_page
from ...store import Record
from . import sessions, views, writes
from .report import report
from .sessions import DEFAULT_LIFETIME


# ----------------------------------------------------------------------- auth
async def create_access_session(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return sessions.access_session(ctx, body["accessId"], body["accessKey"], body.get("lifetime", DEFAULT_LIFETIME))


async def create_session(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return sessions.password_session(ctx, body["email"], body["password"])


# ------------------------------------------------------------------ campaigns
async def list_campaigns(ctx: RequestContext, offset: int = 0, limit: int = 100) -> Any:
    return _list(ctx, "campaigns", offset, limit)


async def create_campaign(ctx: RequestContext, body: dict[str, Any]) -> Any:
    record = writes.campaign(ctx, body) | {"key": ctx.state.data.token(8, "0123456789abcdef")}
    return views.envelope(ctx, "campaigns", _add(ctx, "campaigns", record))


async def get_campaign(ctx: RequestContext, campaign_id: int, with_pages: int = 0) -> Any:
    return views.envelope(ctx, "campaigns", writes.owned(ctx, "campaigns", campaign_id, "Campaign"), pages=with_pages == 1)


async def update_campaign(ctx: RequestContext, campaign_id: int, body: dict[str, Any]) -> Any:
    return views.envelope(ctx, "campaigns", _replace(ctx, "campaigns", campaign_id, "Campaign", writes.campaign, body))


async def delete_campaign(ctx: RequestContext, campaign_id: int) -> Any:
    return _delete(ctx, "campaigns", campaign_id, "Campaign")


# --------------------------------------------------------------------- offers
async def list_offers(ctx: RequestContext, offset: int = 0, limit: int = 100) -> Any:
    return _list(ctx, "offers", offset, limit)


async def create_offer(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return views.envelope(ctx, "offers", _add(ctx, "offers", writes.offer(ctx, body)))


async def get_offer(ctx: RequestContext, offer_id: int) -> Any:
    return views.envelope(ctx, "offers", writes.owned(ctx, "offers", offer_id, "Offer"))


async def update_offer(ctx: RequestContext, offer_id: int, body: dict[str, Any]) -> Any:
    return views.envelope(ctx, "offers", _replace(ctx, "offers", offer_id, "Offer", writes.offer, body))


async def delete_offer(ctx: RequestContext, offer_id: int) -> Any:
    answer = _delete(ctx, "offers", offer_id, "Offer")
    writes.drop_from_paths(ctx, "offers", offer_id)
    return answer


# -------------------------------------------------------------------- landers
async def list_landers(ctx: RequestContext, offset: int = 0, limit: int = 100) -> Any:
    return _list(ctx, "landers", offset, limit)


async def create_lander(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return views.envelope(ctx, "landers", _add(ctx, "landers", writes.lander(ctx, body)))


async def get_lander(ctx: RequestContext, lander_id: int) -> Any:
    return views.envelope(ctx, "landers", writes.owned(ctx, "landers", lander_id, "Lander"))


async def update_lander(ctx: RequestContext, lander_id: int, body: dict[str, Any]) -> Any:
    return views.envelope(ctx, "landers", _replace(ctx, "landers", lander_id, "Lander", writes.lander, body))


async def delete_lander(ctx: RequestContext, lander_id: int) -> Any:
    answer = _delete(ctx, "landers", lander_id, "Lander")
    writes.drop_from_paths(ctx, "landers", lander_id)
    return answer


# ------------------------------------------------------------ traffic sources
async def list_traffic_sources(ctx: RequestContext, offset: int = 0, limit: int = 100) -> Any:
    return _list(ctx, "traffic_sources", offset, limit)


async def create_traffic_source(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return views.envelope(ctx, "traffic_sources", _add(ctx, "traffic_sources", writes.traffic_source(ctx, body)))


async def get_traffic_source(ctx: RequestContext, traffic_source_id: int) -> Any:
    return views.envelope(ctx, "traffic_sources", writes.owned(ctx, "traffic_sources", traffic_source_id, "Traffic source"))


async def update_traffic_source(ctx: RequestContext, traffic_source_id: int, body: dict[str, Any]) -> Any:
    record = _replace(ctx, "traffic_sources", traffic_source_id, "Traffic source", writes.traffic_source, body)
    return views.envelope(ctx, "traffic_sources", record)


async def delete_traffic_source(ctx: RequestContext, traffic_source_id: int) -> Any:
    answer = _delete(ctx, "traffic_sources", traffic_source_id, "Traffic source")
    for campaign in list(ctx.table("campaigns").rows(ctx.account_id, trafficSource=traffic_source_id)):
        ctx.table("campaigns").remove(ctx.account_id, campaign["id"])  # a campaign cannot outlive its source
    return answer


# --------------------------------------------------------- affiliate networks
async def list_affiliate_networks(ctx: RequestContext, offset: int = 0, limit: int = 100) -> Any:
    return _list(ctx, "affiliate_networks", offset, limit)


async def create_affiliate_network(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return views.envelope(ctx, "affiliate_networks", _add(ctx, "affiliate_networks", writes.affiliate_network(ctx, body)))


async def get_affiliate_network(ctx: RequestContext, affiliate_network_id: int) -> Any:
    record = writes.owned(ctx, "affiliate_networks", affiliate_network_id, "Affiliate network")
    return views.envelope(ctx, "affiliate_networks", record)


async def update_affiliate_network(ctx: RequestContext, affiliate_network_id: int, body: dict[str, Any]) -> Any:
    record = _replace(ctx, "affiliate_networks", affiliate_network_id, "Affiliate network", writes.affiliate_network, body)
    return views.envelope(ctx, "affiliate_networks", record)


async def delete_affiliate_network(ctx: RequestContext, affiliate_network_id: int) -> Any:
    answer = _delete(ctx, "affiliate_networks", affiliate_network_id, "Affiliate network")
    for offer in ctx.table("offers").rows(ctx.account_id):
        if offer["affiliateNetwork"] and offer["affiliateNetwork"]["id"] == affiliate_network_id:
            offer["affiliateNetwork"] = None  # offers stay, without a network
    return answer


# --------------------------------------------------------------------- report
async def get_report(ctx: RequestContext, **params: Any) -> Any:
    sessions.charge_report(ctx)
    return report(ctx, params)


# -------------------------------------------------------------------- helpers
def _list(ctx: RequestContext, table: str, offset: int, limit: int) -> Any:
    page, total = offset_page(list(ctx.table(table).rows(ctx.account_id)), limit, offset)
    return views.listing(ctx, table, page, total)


def _add(ctx: RequestContext, table: str, record: Record) -> Record:
    now = iso(ctx.state.clock.now())
    return ctx.table(table).add(ctx.account_id, {"id": ctx.table(table).next_int_id(), **record, "createdAt": now, "updatedAt": now})


def _replace(
    ctx: RequestContext, table: str, record_id: int, what: str, write: Callable[[RequestContext, dict[str, Any]], Record],
    body: dict[str, Any],
) -> Record:
    """Full replacement: the body is checked as a whole before the stored record changes."""
    record = writes.owned(ctx, table, record_id, what)
    record.update(write(ctx, body), updatedAt=iso(ctx.state.clock.now()))
    return record


def _delete(ctx: RequestContext, table: str, record_id: int, what: str) -> Any:
    writes.owned(ctx, table, record_id, what)
    ctx.table(table).remove(ctx.account_id, record_id)
    return {"description": views.SUCCESS}
