"""PeerClick's CRUD entities, one definition each: campaigns, offers, landers, traffic sources, affiliate networks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...context import RequestContext
from ...domain.kept import nothing_else
from ...domain.pagination import offset_page
from ...domain.resources import Entity, Scheme, Write
from ...state.clock import iso
from ...state.store import Hook, Record, Store, View, removing
from . import views, writes
from .seed import API


def _listing(ctx: RequestContext, entity: Entity, params: dict[str, Any]) -> Any:
    rows = list(ctx.table(entity.table).rows(ctx.account_id))
    page, total = offset_page(rows, params.get("limit", 100), params.get("offset", 0))
    return views.listing(ctx, entity.table, page, total)


def _stamp(ctx: RequestContext, new: bool) -> Record:
    now = iso(ctx.state.clock.now())
    return {"createdAt": now, "updatedAt": now} if new else {"updatedAt": now}


SCHEME = Scheme(
    api=API,
    owner=lambda ctx: ctx.account_id,
    find=lambda ctx, entity, record_id: writes.owned(ctx, entity.table, record_id, entity.what),
    listing=_listing,
    created=lambda ctx, entity, record: views.envelope(ctx, entity.table, record),
    deleted=lambda ctx, entity, record: {"description": views.SUCCESS},
    stamp=_stamp,
    # A view is its record's fields, the names of the records it refers to (PeerClick's too) and, for a campaign,
    # its URL on the host the client addressed: nothing the clock decides.
    kept=nothing_else,
)


def _entity(table: str, kind: str, what: str, write: Write, *cascades: Hook) -> Entity:
    """Every PeerClick entity answers in its envelope and takes its id as `<kind>_id`."""

    def view(ctx: RequestContext, record: View) -> Any:
        return views.envelope(ctx, table, record)

    return Entity(table, kind, what, write, view, cascades, id_param=f"{kind}_id")


def _body_only(write: Callable[[RequestContext, dict[str, Any]], Record]) -> Write:
    return lambda ctx, body, current: write(ctx, body)  # a full replacement: the stored record does not matter


def _campaign(ctx: RequestContext, body: dict[str, Any], current: View | None) -> Record:
    """A new campaign gets its URL key; a replaced one keeps it."""
    fields = writes.campaign(ctx, body)
    return fields if current else fields | {"key": ctx.state.data.token(8, "0123456789abcdef")}


def _drop_from_paths(kind: str) -> Hook:
    return lambda store, owner, removed: writes.drop_from_paths(store, owner, kind, removed["id"])


def _unlink_offers_of_network(store: Store, owner: str, network: View) -> None:
    offers = store.table(API, "offers")
    for offer in list(offers.rows(owner)):
        if offer["affiliateNetwork"] and offer["affiliateNetwork"]["id"] == network["id"]:
            offers.update(owner, offer["id"], {"affiliateNetwork": None})  # offers stay, without a network


CAMPAIGNS = _entity("campaigns", "campaign", "Campaign", _campaign)
OFFERS = _entity("offers", "offer", "Offer", _body_only(writes.offer), _drop_from_paths("offers"))
LANDERS = _entity("landers", "lander", "Lander", _body_only(writes.lander), _drop_from_paths("landers"))
# Deleting a traffic source deletes its campaigns: a campaign cannot outlive its source.
TRAFFIC_SOURCES = _entity("traffic_sources", "traffic_source", "Traffic source", _body_only(writes.traffic_source),
                          removing(API, "campaigns", "trafficSource"))  # fmt: skip
AFFILIATE_NETWORKS = _entity("affiliate_networks", "affiliate_network", "Affiliate network", _body_only(writes.affiliate_network),
                             _unlink_offers_of_network)  # fmt: skip
ENTITIES = (CAMPAIGNS, OFFERS, LANDERS, TRAFFIC_SOURCES, AFFILIATE_NETWORKS)
