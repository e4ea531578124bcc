"""PeerClick write bodies: to stored records with the documented defaults, workspace and references checked first."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...kit.errors import ApiError
from ...state.store import Record, Store, View
from .seed import API
from .sessions import account

GLOBAL = {"code": "GLB"}


def owned(ctx: RequestContext, table: str, record_id: int, what: str) -> View:
    """The caller's record: 404 when there is none, 403 when it belongs to another account (the spec's choice)."""
    owner = ctx.table(table).owner_of(record_id)
    if owner is None:
        raise ApiError(404, f"{what} {record_id} not found")
    if owner != ctx.account_id:
        raise ApiError(403, f"Access to {what.lower()} {record_id} is denied")
    record = ctx.table(table).get(owner, record_id)
    assert record is not None
    return record


def campaign(ctx: RequestContext, body: dict[str, Any]) -> Record:
    _workspace(ctx, body["workspaceId"])
    owned(ctx, "traffic_sources", body["trafficSource"], "Traffic source")
    paths = [_path(ctx, path) for path in body["redirectTarget"]["path"]["defaultPaths"]]
    cost = body.get("costModel") or {}
    return {
        "name": body["name"], "workspaceId": body["workspaceId"], "trafficSource": body["trafficSource"],
        "costModel": {"type": cost.get("type", "AUTO"), "currency": cost.get("currency", "USD"), "value": cost.get("value")},
        "country": body.get("country") or GLOBAL, "domain": body.get("domain") or account(ctx)["domain"],
        "tags": body.get("tags", []), "redirectTarget": {"destination": "PATH", "path": {"defaultPaths": paths}},
    }  # fmt: skip


def offer(ctx: RequestContext, body: dict[str, Any]) -> Record:
    _workspace(ctx, body["workspaceId"])
    network = body.get("affiliateNetwork")
    if network is not None:
        owned(ctx, "affiliate_networks", network["id"], "Affiliate network")
    payout = body.get("payout") or {}
    return {
        "name": body["name"], "workspaceId": body["workspaceId"], "url": body["url"], "country": body.get("country") or GLOBAL,
        "affiliateNetwork": {"id": network["id"]} if network else None, "tags": body.get("tags", []),
        "payout": {"type": payout.get("type", "AUTO"), "value": payout.get("value"), "currency": payout.get("currency", "USD")},
    }  # fmt: skip


def lander(ctx: RequestContext, body: dict[str, Any]) -> Record:
    _workspace(ctx, body["workspaceId"])
    return {"name": body["name"], "workspaceId": body["workspaceId"], "url": body["url"],
            "numberOfOffers": body.get("numberOfOffers", 1), "country": body.get("country") or GLOBAL, "tags": body.get("tags", [])}  # fmt: skip


def traffic_source(ctx: RequestContext, body: dict[str, Any]) -> Record:
    _workspace(ctx, body["workspaceId"])
    variables = {
        variable["index"]: variable for variable in body.get("customVariables", [])
    }  # the last of an index wins
    return {
        "name": body["name"], "workspaceId": body["workspaceId"], "postbackUrl": body.get("postbackUrl"),
        "costParameter": body.get("costParameter"), "currency": body.get("currency", "USD"),
        "customVariables": [variables[index] for index in sorted(variables)],
    }  # fmt: skip


def affiliate_network(ctx: RequestContext, body: dict[str, Any]) -> Record:
    _workspace(ctx, body["workspaceId"])
    return {"name": body["name"], "workspaceId": body["workspaceId"], "postbackIpWhitelist": body.get("postbackIpWhitelist", []),
            "appendClickIdToOfferUrl": body.get("appendClickIdToOfferUrl", False)}  # fmt: skip


def drop_from_paths(store: Store, owner: str, kind: str, entity_id: int) -> None:
    """Cascade of deleting an offer or a lander: it leaves every path of the account's campaigns (rebuilt, not edited)."""
    campaigns = store.table(API, "campaigns")
    for record in list(campaigns.rows(owner)):
        target = record["redirectTarget"]
        paths = [
            {**path, kind: [entry for entry in path[kind] if entry["id"] != entity_id]}
            for path in target["path"]["defaultPaths"]
        ]
        campaigns.update(
            owner, record["id"], {"redirectTarget": {**target, "path": {**target["path"], "defaultPaths": paths}}}
        )


def _path(ctx: RequestContext, path: dict[str, Any]) -> dict[str, Any]:
    refs = {}
    for kind, table, what in (("offers", "offers", "Offer"), ("landers", "landers", "Lander")):
        refs[kind] = [{"id": entry["id"], "weight": entry.get("weight", 100)} for entry in path.get(kind, [])]
        for entry in refs[kind]:
            owned(ctx, table, entry["id"], what)
    return {"weight": path.get("weight", 100), "direct": path.get("direct", 1), **refs}


def _workspace(ctx: RequestContext, workspace_id: int) -> None:
    if workspace_id not in {workspace["id"] for workspace in account(ctx)["workspaces"]}:
        raise ApiError(403, f"Access to workspace {workspace_id} is denied")
