"""BannerTrackr's JSON representations of stored records (the shapes the spec's schemas describe)."""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter
from typing import Any

from ...context import RequestContext
from ...state.clock import parse_datetime
from ...state.store import OWNER, Record
from .plans import PLANS

UTM_FIELDS = ("source", "medium", "campaign", "term", "content")
PLACEMENT_FIELDS = (
    "id", "name", "pixelId", "destinationUrl", "hostedImageUrl", "status", "startDate", "endDate", "renewalDate",
    "rate", "billingModel", "currency",
)  # fmt: skip
ADVERTISER_FIELDS = ("id", "name", "email", "companyName")
# A list view builds dozens of these per request.
_placement_fields = itemgetter(*PLACEMENT_FIELDS)
_advertiser_fields = itemgetter(*ADVERTISER_FIELDS)


def me(ctx: RequestContext, account: Record) -> dict[str, Any]:
    plan = PLANS[account["plan"]]
    owner = account["id"]
    return {
        "id": account["id"],
        "email": account["email"],
        "name": account["name"],
        "plan": plan.name,
        "createdAt": account["createdAt"],
        "usage": {
            "sites": ctx.table("sites").count(owner),
            "sitesLimit": plan.sites,
            "placements": ctx.table("placements").count(owner),
            "placementsLimit": plan.placements,
            "apiKeys": ctx.table("keys").count(owner, status="active"),
            "apiKeysLimit": plan.api_keys,
        },
        "limits": {
            "impressionsPerMonth": plan.impressions_per_month,
            "clicksPerMonth": plan.clicks_per_month,
            "apiRequestsPerMinute": plan.reads_per_minute or 0,
        },
    }


def site(ctx: RequestContext, record: Record) -> dict[str, Any]:
    return {
        "id": record["id"],
        "name": record["name"],
        "type": record["type"],
        "domain": record["domain"],
        "placementCount": ctx.table("placements").count(record[OWNER], siteId=record["id"]),
        "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"],
    }


def status(record: Record, now: datetime) -> str:
    """Stored status, except that a placement past its endDate reports `expired` (whatever it was)."""
    end = record["endDate"]
    if end and parse_datetime(end) < now:
        return "expired"
    return str(record["status"])


def placement(ctx: RequestContext, record: Record, now: datetime | None = None) -> dict[str, Any]:
    """`now` (the mock clock's) may be given once for a whole list."""
    owner = record[OWNER]
    site_record = ctx.table("sites").get(owner, record["siteId"])
    assert site_record is not None, "placements are deleted with their site"
    advertiser = ctx.table("advertisers").get(owner, record["advertiserId"]) if record["advertiserId"] else None
    assert ctx.api is not None
    track = f"{ctx.base_url}{ctx.api.base_path}/api/track"
    pixel = record["pixelId"]
    utm = record["utm"]
    body = dict(zip(PLACEMENT_FIELDS, _placement_fields(record), strict=True))
    body["status"] = status(record, now or ctx.state.clock.now())
    body["utm"] = {name: utm.get(name) for name in UTM_FIELDS}
    body["site"] = {"id": site_record["id"], "name": site_record["name"]}
    body["advertiser"] = (
        None if advertiser is None else dict(zip(ADVERTISER_FIELDS, _advertiser_fields(advertiser), strict=True))
    )
    body["trackingUrls"] = {
        "pixel": f"{track}/pixel.gif?p={pixel}",
        "image": f"{track}/img/{pixel}",
        "click": f"{track}/click/{pixel}",
    }
    body["createdAt"] = record["createdAt"]
    body["updatedAt"] = record["updatedAt"]
    return body


def listing(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {"data": items, "pagination": {"nextCursor": next_cursor, "hasMore": next_cursor is not None}}
