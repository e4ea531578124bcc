"""Binom write bodies: flat (and wrapped) bodies to stored records, defaults filled, references checked before storing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...context import RequestContext
from ...kit.errors import ApiError
from ...state.store import Record, Store, View
from .seed import API, DEFAULT_SETTINGS, TRACKER

PATH_DEFAULTS: dict[str, Any] = {"enabled": True, "weight": 100}
OFFER_ENTRY_DEFAULTS: dict[str, Any] = {"offerId": 0, "campaignId": 0, "directUrl": "", "enabled": True, "weight": 100}
CAMPAIGN_DEFAULTS: dict[str, Any] = {
    "groupUuid": None, "costModel": "CPC", "currency": "USD", "hideReferrerType": "NONE", "domainUuid": None,
    "distributionType": "NORMAL", "rotationId": None, "tokens": [],
}  # fmt: skip


def campaign(ctx: RequestContext, body: dict[str, Any], current: View | None) -> Record:
    """The stored form of a flat campaign body (either cost variant; `amount` wins when both are sent)."""
    fields = {name: body.get(name, default) for name, default in CAMPAIGN_DEFAULTS.items()}
    rotation = body.get("customRotation") or {}
    fields |= {
        "name": body["name"],
        "trafficSourceId": body["trafficSourceId"],
        "amount": body["amount"] if "amount" in body else body["cost"],
        "isAuto": body.get("isAuto", body.get("isAutoCost", False)),
        "customRotation": {
            "defaultPaths": [_path(path) for path in rotation.get("defaultPaths", [])],
            "rules": [
                {**rule, "enabled": rule.get("enabled", True), "paths": [_path(path) for path in rule.get("paths", [])]}
                for rule in rotation.get("rules", [])
            ],
        },  # fmt: skip
        "campaignSettings": DEFAULT_SETTINGS | (body.get("campaignSettings") or {}),
    }
    require(ctx, "traffic_sources", fields["trafficSourceId"], "Traffic source")
    if fields["rotationId"] is not None:
        require(ctx, "rotations", fields["rotationId"], "Rotation")
    if fields["domainUuid"] is not None:
        require(ctx, "domains", fields["domainUuid"], "Domain")
    for path in _all_paths(fields):
        for landing in path["landings"]:
            if landing["id"]:
                require(ctx, "landings", landing["id"], "Landing")
        for entry in path["offers"]:
            if entry["offerId"]:
                require(ctx, "offers", entry["offerId"], "Offer")
            if entry["campaignId"]:
                require(ctx, "campaigns", entry["campaignId"], "Campaign")
    fields["key"] = body.get("key") or (current["key"] if current else ctx.state.data.token(20))
    _unique_key(ctx, fields["key"], current)
    return fields


def offer(ctx: RequestContext, fields: dict[str, Any]) -> Record:
    """The stored form of the `offer` object of a wrapped offer body."""
    if fields.get("affiliateNetworkId") is not None:
        require(ctx, "affiliate_networks", fields["affiliateNetworkId"], "Affiliate network")
    return {
        "name": fields["name"], "url": fields["url"], "countryCode": fields["countryCode"].upper(),
        "currency": fields.get("currency", "USD"), "amount": fields.get("amount", 0), "isAuto": fields.get("isAuto", False),
        "isUpsell": fields.get("isUpsell", False), "groupUuid": fields.get("groupUuid"),
        "affiliateNetworkId": fields.get("affiliateNetworkId"),
    }  # fmt: skip


def landing(body: dict[str, Any]) -> Record:
    """A landing is integrated (hosted on the tracker, `path`) or not (`url`); with both it is integrated."""
    integrated = "path" in body
    return {
        "name": body["name"], "groupUuid": body.get("groupUuid"), "languageCode": body.get("languageCode", ""),
        "url": None if integrated else body["url"], "location": body["path"] if integrated else None,
    }  # fmt: skip


def traffic_source(body: dict[str, Any]) -> Record:
    return {"name": body["name"], "s2sMode": body.get("s2sMode", "FIRST"), "postbackUrl": body.get("postbackUrl")}


def affiliate_network(body: dict[str, Any]) -> Record:
    return {"name": body["name"], "postbackUrl": body.get("postbackUrl"), "offerParameter": body.get("offerParameter")}


def rotation(body: dict[str, Any]) -> Record:
    return {"name": body["name"]}


def restorable_campaign(ctx: RequestContext, record: View) -> None:
    require(ctx, "traffic_sources", record["trafficSourceId"], "Traffic source")
    _unique_key(ctx, record["key"], record)


def drop_from_paths(store: Store, owner: str, kind: str, matches: Callable[[dict[str, Any]], bool]) -> None:
    """Cascade of deleting an offer or landing: it leaves every path of every campaign (paths rebuilt, not edited)."""
    campaigns = store.table(API, "campaigns")
    for record in list(campaigns.rows(owner)):

        def kept(path: dict[str, Any]) -> dict[str, Any]:
            return {**path, kind: [entry for entry in path[kind] if not matches(entry)]}

        rotation = record["customRotation"]
        rotation = {**rotation, "defaultPaths": [kept(path) for path in rotation["defaultPaths"]],
                    "rules": [{**rule, "paths": [kept(path) for path in rule["paths"]]} for rule in rotation["rules"]]}  # fmt: skip
        campaigns.update(owner, record["id"], {"customRotation": rotation})


def _path(path: dict[str, Any]) -> dict[str, Any]:
    stored = {
        "name": path.get("name", ""),
        **{name: path.get(name, default) for name, default in PATH_DEFAULTS.items()},
    }
    stored["landings"] = [{**PATH_DEFAULTS, **landing} for landing in path.get("landings", [])]
    stored["offers"] = [{**OFFER_ENTRY_DEFAULTS, **entry} for entry in path.get("offers", [])]
    return stored


def _all_paths(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    rotation = record["customRotation"]
    return [*rotation["defaultPaths"], *(path for rule in rotation["rules"] for path in rule["paths"])]


def require(ctx: RequestContext, table: str, record_id: Any, what: str) -> None:
    """A live record of `table`, or the 404 naming it; the request's writes check it again as they commit (the same
    404 if another request deleted it meanwhile)."""

    def missing() -> ApiError:
        return ApiError(404, f"{what} {record_id} not found")

    if ctx.table(table).require(TRACKER, record_id, missing) is None:
        raise missing()


def _unique_key(ctx: RequestContext, key: str, current: View | None) -> None:
    for other in ctx.table("campaigns").rows(TRACKER, key=key):
        if not other["deleted"] and (current is None or other["id"] != current["id"]):
            raise ApiError(409, "Campaign key is already in use", f"Key {key!r} belongs to campaign {other['id']}")
