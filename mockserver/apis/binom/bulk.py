"""Binom's changes to several campaigns at once (settings, cost, domain, group, distribution, domain switch), and the
campaign edits that are not a whole PUT: partial modify, owner, pausing a landing, offer or path.

A bulk change is all or nothing: every campaign is found (404) and writable by the caller (403), and every
referenced record exists (404), before the first one is changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...kit.errors import ApiError
from ...state.store import DELETED, Record, View
from . import access, writes
from .entities import CAMPAIGNS, SCHEME
from .seed import TRACKER

# The fields of a stored campaign that its flat write body carries (what `PATCH /campaign/modify/{id}` starts from).
FLAT = ("name", "key", "trafficSourceId", "amount", "isAuto", "customRotation", "campaignSettings",
        *writes.CAMPAIGN_DEFAULTS)  # fmt: skip


def _campaigns(ctx: RequestContext, ids: list[int]) -> list[View]:
    return [resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "edit") for campaign_id in ids]


def _apply(ctx: RequestContext, campaigns: list[View], changes: Callable[[View], Mapping[str, Any]]) -> dict[str, Any]:
    table = ctx.table(CAMPAIGNS.table)
    for campaign in campaigns:
        table.update(TRACKER, campaign["id"], changes(campaign))
    return {"campaignIds": [campaign["id"] for campaign in campaigns]}


async def change_campaign_settings(ctx: RequestContext, body: dict[str, Any]) -> Any:
    campaigns = _campaigns(ctx, body["campaignIds"])
    settings = body["campaignSettings"]
    return _apply(ctx, campaigns, lambda campaign: {"campaignSettings": {**campaign["campaignSettings"], **settings}})


async def change_campaign_cost(ctx: RequestContext, body: dict[str, Any]) -> Any:
    campaigns = _campaigns(ctx, body["campaignIds"])
    changes = {name: body[name] for name in ("costModel", "amount", "currency", "isAuto") if name in body}
    return _apply(ctx, campaigns, lambda campaign: changes)


async def change_campaign_domain(ctx: RequestContext, body: dict[str, Any]) -> Any:
    campaigns = _campaigns(ctx, body["campaignIds"])
    if body["domainUuid"] is not None:
        writes.require(ctx, "domains", body["domainUuid"], "Domain")
    return _apply(ctx, campaigns, lambda campaign: {"domainUuid": body["domainUuid"]})


async def change_campaign_group(ctx: RequestContext, body: dict[str, Any]) -> Any:
    campaigns = _campaigns(ctx, body["campaignIds"])
    if body["groupUuid"] is not None:
        writes.require(ctx, "groups", body["groupUuid"], "Group")
    return _apply(ctx, campaigns, lambda campaign: {"groupUuid": body["groupUuid"]})


async def change_campaign_traffic_distribution(ctx: RequestContext, body: dict[str, Any]) -> Any:
    campaigns = _campaigns(ctx, body["campaignIds"])
    return _apply(ctx, campaigns, lambda campaign: {"distributionType": body["distributionType"]})


async def switch_campaign_domain(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "switch the domain of every campaign")
    for name in ("fromDomainUuid", "toDomainUuid"):
        writes.require(ctx, "domains", body[name], "Domain")
    moved = [
        row for row in ctx.table(CAMPAIGNS.table).rows(TRACKER, domainUuid=body["fromDomainUuid"]) if not row[DELETED]
    ]
    return _apply(ctx, moved, lambda campaign: {"domainUuid": body["toDomainUuid"]})


async def modify_campaign(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
    """The stored campaign as a flat body, the sent fields on top, checked as a whole like a PUT."""
    current = resources.found(ctx, SCHEME, CAMPAIGNS, id_, "edit")
    flat = {name: current[name] for name in FLAT} | body
    if "cost" in body and "amount" not in body:  # the Python client's cost variant replaces the stored amount
        flat["amount"] = body["cost"]
    if "isAutoCost" in body and "isAuto" not in body:
        flat["isAuto"] = body["isAutoCost"]
    changes = writes.campaign(ctx, flat, current)
    limit = resources.unique_limit(SCHEME, CAMPAIGNS, {**current, **changes})  # the key, checked again as it writes
    with resources.taken(CAMPAIGNS, lambda: writes.campaign(ctx, flat, current)):
        stored = ctx.table(CAMPAIGNS.table).update(TRACKER, current["id"], changes, limit=limit)
    assert stored is not None
    return CAMPAIGNS.view(ctx, stored)


async def set_campaign_owner(ctx: RequestContext, campaign_id: int, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "change campaign owners")
    campaign = resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "edit")
    if ctx.table("users").get(TRACKER, body["userId"]) is None:
        raise ApiError(404, f"User {body['userId']} not found")
    ctx.table(CAMPAIGNS.table).update(TRACKER, campaign["id"], {"ownerId": body["userId"]})
    return {"campaignId": campaign["id"], "ownerId": body["userId"]}


async def delete_campaign_owner(ctx: RequestContext, campaign_id: int) -> Any:
    access.require_admin(ctx, "change campaign owners")
    campaign = resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "edit")
    ctx.table(CAMPAIGNS.table).update(TRACKER, campaign["id"], {"ownerId": None})
    return {"campaignId": campaign["id"], "ownerId": None}


async def pause_campaign_landing(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return _pause(ctx, body["campaignId"], "landings", lambda entry: entry["id"] == body["landingId"],
                  f"Landing {body['landingId']}")  # fmt: skip


async def pause_campaign_offer(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return _pause(ctx, body["campaignId"], "offers", lambda entry: entry["offerId"] == body["offerId"],
                  f"Offer {body['offerId']}")  # fmt: skip


async def pause_campaign_path(ctx: RequestContext, body: dict[str, Any]) -> Any:
    current = resources.found(ctx, SCHEME, CAMPAIGNS, body["campaignId"], "edit")
    paths = current["customRotation"]["defaultPaths"]
    if not 1 <= body["path"] <= len(paths):
        raise ApiError(
            404, f"Path {body['path']} not found", f"Campaign {current['id']} has {len(paths)} default paths"
        )
    changed = [{**path, "enabled": False} if number == body["path"] else path for number, path in enumerate(paths, 1)]
    return _store_rotation(ctx, current, {**current["customRotation"], "defaultPaths": changed})


def _pause(ctx: RequestContext, campaign_id: int, kind: str, matches: Callable[[Record], bool], what: str) -> Any:
    """Every entry of `kind` that `matches`, in every default and rule path, disabled (404 if there is none)."""
    current = resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "edit")
    rotation = current["customRotation"]
    found = False

    def paused(path: Record) -> Record:
        nonlocal found
        entries = []
        for entry in path[kind]:
            if matches(entry):
                found, entry = True, {**entry, "enabled": False}
            entries.append(entry)
        return {**path, kind: entries}

    changed = {**rotation, "defaultPaths": [paused(path) for path in rotation["defaultPaths"]],
               "rules": [{**rule, "paths": [paused(path) for path in rule["paths"]]} for rule in rotation["rules"]]}  # fmt: skip
    if not found:
        raise ApiError(404, f"{what} not found in campaign {current['id']}", "Pause one of the campaign's own paths")
    return _store_rotation(ctx, current, changed)


def _store_rotation(ctx: RequestContext, current: View, rotation: Record) -> Any:
    stored = ctx.table(CAMPAIGNS.table).update(TRACKER, current["id"], {"customRotation": rotation})
    assert stored is not None
    return CAMPAIGNS.view(ctx, stored)
