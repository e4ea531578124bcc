"""Binom operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...formats import no_content
from ...context import RequestContext
from ...store import Record
from . import access, listings, views, writes
from .periods import Period, period
from .report import report
from .resources import Resource, add, handlers, live


# ------------------------------------------------------------------ campaigns
async def create_campaign(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "create campaigns")
    record = writes.campaign(ctx, body, None)
    return {"id": add(ctx, "campaigns", record)["id"]}


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


# ----------------------------- offers, landings, traffic sources, affiliate networks
def _drop_from_paths(kind: str, field: str) -> Callable[[RequestContext, int], None]:
    """The cascade of deleting an offer or landing: it leaves every path of every campaign."""
    return lambda ctx, record_id: writes.drop_from_paths(ctx, kind, lambda entry: entry.get(field) == record_id)


def _delete_campaigns_of_source(ctx: RequestContext, source_id: int) -> None:
    for campaign in ctx.table("campaigns").rows(trafficSourceId=source_id):  # a campaign cannot outlive its source
        campaign["deleted"] = True


def _unlink_offers_of_network(ctx: RequestContext, network_id: int) -> None:
    for offer in ctx.table("offers").rows(affiliateNetworkId=network_id):  # offers stay, without a network
        offer["affiliateNetworkId"] = None


OFFERS = Resource("offers", "offer", "Offer", lambda ctx, body: writes.offer(ctx, body["offer"]), views.offer,
                  _drop_from_paths("offers", "offerId"))  # fmt: skip
LANDINGS = Resource("landings", "landing", "Landing", lambda ctx, body: writes.landing(body), views.landing,
                    _drop_from_paths("landings", "id"))  # fmt: skip
TRAFFIC_SOURCES = Resource("traffic_sources", "traffic_source", "Traffic source", lambda ctx, body: writes.traffic_source(body),
                           views.traffic_source, _delete_campaigns_of_source)  # fmt: skip
AFFILIATE_NETWORKS = Resource("affiliate_networks", "affiliate_network", "Affiliate network",
                              lambda ctx, body: writes.affiliate_network(body), views.affiliate_network, _unlink_offers_of_network)  # fmt: skip

create_offer, get_offer, update_offer, delete_offer, list_offers = handlers(OFFERS)
create_landing, get_landing, update_landing, delete_landing, list_landings = handlers(LANDINGS)
create_integrated_landing = create_landing  # the same record; the docs' integrated landing differs only in its body
create_traffic_source, get_traffic_source, update_traffic_source, delete_traffic_source, list_traffic_sources = handlers(TRAFFIC_SOURCES)
(create_affiliate_network, get_affiliate_network, update_affiliate_network, delete_affiliate_network,
 list_affiliate_networks) = handlers(AFFILIATE_NETWORKS)  # fmt: skip


# --------------------------------------------------------- info, stats, report
def _listing(build: Callable[..., Any], kind: str) -> Callable[..., Any]:
    """The info or stats list of one kind of entity over the requested period."""

    async def list_(ctx: RequestContext, **params: Any) -> Any:
        return build(ctx, kind, _period(ctx, params), params)

    list_.__name__ = list_.__qualname__ = f"list_{kind}_{build.__name__}"
    return list_


_KINDS = ("campaign", "offer", "landing", "traffic_source", "affiliate_network")
list_campaign_info, list_offer_info, list_landing_info, list_traffic_source_info, list_affiliate_network_info = (
    _listing(listings.info, kind) for kind in _KINDS)  # fmt: skip
list_campaign_stats, list_offer_stats, list_landing_stats, list_traffic_source_stats, list_affiliate_network_stats = (
    _listing(listings.stats, kind) for kind in _KINDS)  # fmt: skip


async def get_report(ctx: RequestContext, page: str, **params: Any) -> Any:
    return report(ctx, page, _period(ctx, params), params)


# -------------------------------------------------------------------- helpers
def _campaign(ctx: RequestContext, campaign_id: int, write: bool = False) -> Record:
    record = live(ctx, "campaigns", campaign_id, "Campaign")
    access.require_campaign(ctx, record, write)
    return record


def _period(ctx: RequestContext, params: dict[str, Any]) -> Period:
    return period(params["date_preset"], params.get("date_from"), params.get("date_to"), params.get("timezone"), ctx.state.clock.now())
