"""Binom operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

from typing import Any

from ...errors import ApiError
from ...formats import no_content
from ...gateway import RequestContext
from ...store import Record
from . import access, listings, views, writes
from .periods import Period, period
from .report import report
from .seed import TRACKER


# ------------------------------------------------------------------ campaigns
async def create_campaign(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "create campaigns")
    record = writes.campaign(ctx, body, None)
    return {"id": _add(ctx, "campaigns", record)["id"]}


async def get_campaign(ctx: RequestContext, id_: int) -> Any:
    return views.campaign(_campaign(ctx, id_))


async def update_campaign(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
    record = _campaign(ctx, id_, write=True)
    record.update(writes.campaign(ctx, body, record))
    return views.campaign(record)


async def delete_campaign(ctx: RequestContext, id_: int) -> Any:
    _campaign(ctx, id_, write=True)["deleted"] = True
    return no_content()


async def get_campaign_url(ctx: RequestContext, id_: int) -> Any:
    return {"link": views.link(_campaign(ctx, id_))}


async def list_campaigns(ctx: RequestContext, **params: Any) -> Any:
    return listings.filtered(ctx, "campaign", params)


# --------------------------------------------------------------------- offers
async def create_offer(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "create offers")
    return {"id": _add(ctx, "offers", writes.offer(ctx, body["offer"]))["id"]}


async def get_offer(ctx: RequestContext, id_: int) -> Any:
    return views.offer(_live(ctx, "offers", id_, "Offer"))


async def update_offer(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
    record = _live(ctx, "offers", id_, "Offer")
    access.require_admin(ctx, "edit offers")
    record.update(writes.offer(ctx, body["offer"]))
    return views.offer(record)


async def delete_offer(ctx: RequestContext, id_: int) -> Any:
    record = _live(ctx, "offers", id_, "Offer")
    access.require_admin(ctx, "delete offers")
    record["deleted"] = True
    writes.drop_from_paths(ctx, "offers", lambda entry: entry.get("offerId") == id_)
    return no_content()


async def list_offers(ctx: RequestContext, **params: Any) -> Any:
    return listings.filtered(ctx, "offer", params)


# ------------------------------------------------------------------- landings
async def create_landing(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "create landings")
    return {"id": _add(ctx, "landings", writes.landing(body))["id"]}


async def create_integrated_landing(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "create landings")
    return {"id": _add(ctx, "landings", writes.landing(body))["id"]}


async def get_landing(ctx: RequestContext, id_: int) -> Any:
    return views.landing(_live(ctx, "landings", id_, "Landing"))


async def update_landing(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
    record = _live(ctx, "landings", id_, "Landing")
    access.require_admin(ctx, "edit landings")
    record.update(writes.landing(body))
    return views.landing(record)


async def delete_landing(ctx: RequestContext, id_: int) -> Any:
    record = _live(ctx, "landings", id_, "Landing")
    access.require_admin(ctx, "delete landings")
    record["deleted"] = True
    writes.drop_from_paths(ctx, "landings", lambda entry: entry.get("id") == id_)
    return no_content()


async def list_landings(ctx: RequestContext, **params: Any) -> Any:
    return listings.filtered(ctx, "landing", params)


# ------------------------------------------------------------ traffic sources
async def create_traffic_source(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "create traffic sources")
    return {"id": _add(ctx, "traffic_sources", writes.traffic_source(body))["id"]}


async def get_traffic_source(ctx: RequestContext, id_: int) -> Any:
    return views.traffic_source(_live(ctx, "traffic_sources", id_, "Traffic source"))


async def update_traffic_source(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
    record = _live(ctx, "traffic_sources", id_, "Traffic source")
    access.require_admin(ctx, "edit traffic sources")
    record.update(writes.traffic_source(body))
    return views.traffic_source(record)


async def delete_traffic_source(ctx: RequestContext, id_: int) -> Any:
    record = _live(ctx, "traffic_sources", id_, "Traffic source")
    access.require_admin(ctx, "delete traffic sources")
    record["deleted"] = True
    for campaign in ctx.table("campaigns").rows(trafficSourceId=id_):  # a campaign cannot outlive its source
        campaign["deleted"] = True
    return no_content()


async def list_traffic_sources(ctx: RequestContext, **params: Any) -> Any:
    return listings.filtered(ctx, "traffic_source", params)


# --------------------------------------------------------- affiliate networks
async def create_affiliate_network(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "create affiliate networks")
    return {"id": _add(ctx, "affiliate_networks", writes.affiliate_network(body))["id"]}


async def get_affiliate_network(ctx: RequestContext, id_: int) -> Any:
    return views.affiliate_network(_live(ctx, "affiliate_networks", id_, "Affiliate network"))


async def update_affiliate_network(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
    record = _live(ctx, "affiliate_networks", id_, "Affiliate network")
    access.require_admin(ctx, "edit affiliate networks")
    record.update(writes.affiliate_network(body))
    return views.affiliate_network(record)


async def delete_affiliate_network(ctx: RequestContext, id_: int) -> Any:
    record = _live(ctx, "affiliate_networks", id_, "Affiliate network")
    access.require_admin(ctx, "delete affiliate networks")
    record["deleted"] = True
    for offer in ctx.table("offers").rows(affiliateNetworkId=id_):  # offers stay, without a network
        offer["affiliateNetworkId"] = None
    return no_content()


async def list_affiliate_networks(ctx: RequestContext, **params: Any) -> Any:
    return listings.filtered(ctx, "affiliate_network", params)


# --------------------------------------------------------- info, stats, report
async def list_campaign_info(ctx: RequestContext, **params: Any) -> Any:
    return listings.info(ctx, "campaign", _period(ctx, params), params)


async def list_offer_info(ctx: RequestContext, **params: Any) -> Any:
    return listings.info(ctx, "offer", _period(ctx, params), params)


async def list_landing_info(ctx: RequestContext, **params: Any) -> Any:
    return listings.info(ctx, "landing", _period(ctx, params), params)


async def list_traffic_source_info(ctx: RequestContext, **params: Any) -> Any:
    return listings.info(ctx, "traffic_source", _period(ctx, params), params)


async def list_affiliate_network_info(ctx: RequestContext, **params: Any) -> Any:
    return listings.info(ctx, "affiliate_network", _period(ctx, params), params)


async def list_campaign_stats(ctx: RequestContext, **params: Any) -> Any:
    return listings.stats(ctx, "campaign", _period(ctx, params), params)


async def list_offer_stats(ctx: RequestContext, **params: Any) -> Any:
    return listings.stats(ctx, "offer", _period(ctx, params), params)


async def list_landing_stats(ctx: RequestContext, **params: Any) -> Any:
    return listings.stats(ctx, "landing", _period(ctx, params), params)


async def list_traffic_source_stats(ctx: RequestContext, **params: Any) -> Any:
    return listings.stats(ctx, "traffic_source", _period(ctx, params), params)


async def list_affiliate_network_stats(ctx: RequestContext, **params: Any) -> Any:
    return listings.stats(ctx, "affiliate_network", _period(ctx, params), params)


async def get_report(ctx: RequestContext, page: str, **params: Any) -> Any:
    return report(ctx, page, _period(ctx, params), params)


# -------------------------------------------------------------------- helpers
def _add(ctx: RequestContext, table: str, record: Record) -> Record:
    return ctx.table(table).add(TRACKER, {"id": ctx.table(table).next_int_id(), **record, "deleted": False})


def _live(ctx: RequestContext, table: str, record_id: int, what: str) -> Record:
    """A record that exists and is not deleted, or 404 (deleted entities are gone until restored)."""
    record = ctx.table(table).get(TRACKER, record_id)
    if record is None or record["deleted"]:
        raise ApiError(404, f"{what} {record_id} not found")
    return record


def _campaign(ctx: RequestContext, campaign_id: int, write: bool = False) -> Record:
    record = _live(ctx, "campaigns", campaign_id, "Campaign")
    access.require_campaign(ctx, record, write)
    return record


def _period(ctx: RequestContext, params: dict[str, Any]) -> Period:
    return period(params["date_preset"], params.get("date_from"), params.get("date_to"), params.get("timezone"), ctx.state.clock.now())
