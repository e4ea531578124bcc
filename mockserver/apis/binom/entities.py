"""Binom's CRUD entities, one definition each: campaigns, offers, landings, traffic sources, affiliate networks,
rotations, groups, conversions and domains."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain.resources import Entity, Scheme, copied
from ...kit.errors import ApiError
from ...kit.formats import no_content
from ...state.store import DELETED, Hook, View, removing, unlinking
from . import access, clicks, conversions, domains, listings, views, writes
from .seed import API, TRACKER


def _live(ctx: RequestContext, entity: Entity, record_id: int) -> View:
    """A record that exists and is not deleted, or 404 (deleted entities are gone until restored)."""
    record = ctx.table(entity.table).get(TRACKER, record_id)
    if record is None or record[DELETED]:
        raise ApiError(404, f"{entity.what} {record_id} not found")
    return record


def _administrator(ctx: RequestContext, entity: Entity, verb: str, record: View | None) -> None:
    """Restricted users may read these entities; only the administrator writes them."""
    if verb != "read":
        access.require_admin(ctx, f"{verb} {entity.plural}")


def _granted(ctx: RequestContext, entity: Entity, verb: str, record: View | None) -> None:
    """A campaign is the administrator's to create, and a granted user's to read (or, with `modify`, to change)."""
    if record is None:
        access.require_admin(ctx, "create campaigns")
    else:
        access.require_campaign(ctx, record, write=verb != "read")


def _restorable(ctx: RequestContext, entity: Entity, record: View) -> None:
    """A campaign comes back only onto a live traffic source, and with a key no live campaign has taken since."""
    if entity.table == "campaigns":
        writes.restorable_campaign(ctx, record)


def _kept(ctx: RequestContext, params: dict[str, Any]) -> tuple[()] | None:
    """What a get or list answer depends on besides Binom's records, the caller (whose role and grants decide what it
    may read and each item's accessLevel) and the URL (a campaign's click link): nothing, but for a list `with_traffic`
    (the entities with clicks today, so the clock's hour and day decide it), which is computed afresh."""
    return None if params.get("status") == "with_traffic" else ()


SCHEME = Scheme(
    api=API,
    owner=lambda ctx: TRACKER,  # one tracker: its users share every entity, campaign grants aside
    find=_live,
    listing=lambda ctx, entity, params: listings.filtered(ctx, entity.kind, params),
    created=lambda ctx, entity, record: {"id": record["id"]},
    deleted=lambda ctx, entity, record: no_content(),
    stamp=lambda ctx, new: {DELETED: False} if new else {},
    allow=_administrator,
    soft_delete=True,
    restorable=_restorable,
    kept=_kept,
)


def _drop_from_paths(kind: str, field: str) -> Hook:
    """The cascade of deleting an offer or landing: it leaves every path of every campaign."""
    return lambda store, owner, removed: writes.drop_from_paths(
        store, owner, kind, lambda entry: entry.get(field) == removed["id"]
    )


# What deleting a record takes with it: a campaign cannot outlive its source; offers stay, without a network;
# campaigns keep their own paths when their rotation goes, and grouped records stay, ungrouped (both INVENTED).
_CAMPAIGNS_OF_SOURCE = removing(API, "campaigns", "trafficSourceId")
_NETWORK_OF_OFFERS = unlinking(API, ("offers",), "affiliateNetworkId")
_ROTATION_OF_CAMPAIGNS = unlinking(API, ("campaigns",), "rotationId")
_GROUP_OF_RECORDS = unlinking(API, ("campaigns", "offers", "landings"), "groupUuid")
_DOMAIN_OF_CAMPAIGNS = unlinking(API, ("campaigns",), "domainUuid")


def _campaign_copy(ctx: RequestContext, record: View) -> dict[str, object]:
    """A cloned campaign: same paths and settings under a fresh key, with no history (INVENTED)."""
    return copied(ctx, record) | {"key": ctx.state.data.token(20)}


def _uuid(ctx: RequestContext, table: object) -> str:
    return str(ctx.state.data.faker.uuid4())


CAMPAIGNS = Entity("campaigns", "campaign", "Campaign", writes.campaign, lambda ctx, record: views.campaign(record, clicks.link(ctx, record)),
                   allow=_granted, clone=_campaign_copy, unique="key")  # fmt: skip
OFFERS = Entity("offers", "offer", "Offer", lambda ctx, body, current: writes.offer(ctx, body["offer"]),
                lambda ctx, record: views.offer(record), cascades=(_drop_from_paths("offers", "offerId"),), clone=copied)  # fmt: skip
LANDINGS = Entity("landings", "landing", "Landing", lambda ctx, body, current: writes.landing(body),
                  lambda ctx, record: views.landing(record), cascades=(_drop_from_paths("landings", "id"),), clone=copied)  # fmt: skip
TRAFFIC_SOURCES = Entity(
    "traffic_sources", "traffic_source", "Traffic source", lambda ctx, body, current: writes.traffic_source(body),
    lambda ctx, record: views.traffic_source(record), cascades=(_CAMPAIGNS_OF_SOURCE,), clone=copied,
)  # fmt: skip
AFFILIATE_NETWORKS = Entity(
    "affiliate_networks", "affiliate_network", "Affiliate network", lambda ctx, body, current: writes.affiliate_network(body),
    lambda ctx, record: views.affiliate_network(record), cascades=(_NETWORK_OF_OFFERS,), clone=copied,
)  # fmt: skip
ROTATIONS = Entity("rotations", "rotation", "Rotation", lambda ctx, body, current: writes.rotation(body),
                   lambda ctx, record: views.rotation(record), cascades=(_ROTATION_OF_CAMPAIGNS,), clone=copied)  # fmt: skip
GROUPS = Entity("groups", "group", "Group", lambda ctx, body, current: {"name": body["name"]},
                lambda ctx, record: views.group(record), cascades=(_GROUP_OF_RECORDS,),
                new_id=_uuid, clone=copied)  # fmt: skip
CONVERSIONS = Entity("conversions", "conversion", "Conversion", conversions.write, conversions.view, clone=copied)
DOMAINS = Entity("domains", "domain", "Domain", domains.write, domains.view, cascades=(_DOMAIN_OF_CAMPAIGNS,),
                 new_id=_uuid, clone=domains.copy)  # fmt: skip
ENTITIES = (CAMPAIGNS, OFFERS, LANDINGS, TRAFFIC_SOURCES, AFFILIATE_NETWORKS, ROTATIONS, GROUPS, CONVERSIONS, DOMAINS)
