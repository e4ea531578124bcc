"""PeerClick's JSON shapes: entities with their references named, in the `{"description": "Success", ...}` envelopes."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...state.store import Record

SUCCESS = "Success"
BASE_PATH = "/peerclick/v1"  # where the campaign URL is served (the definition's base_path)
FIELDS = {
    "campaigns": ("id", "name", "workspaceId", "trafficSource", "costModel", "country", "domain", "tags", "createdAt", "updatedAt"),
    "offers": ("id", "name", "workspaceId", "url", "country", "payout", "tags", "createdAt", "updatedAt"),
    "landers": ("id", "name", "workspaceId", "url", "numberOfOffers", "country", "tags", "createdAt", "updatedAt"),
    "traffic_sources": ("id", "name", "workspaceId", "postbackUrl", "costParameter", "currency", "customVariables", "createdAt",
                        "updatedAt"),
    "affiliate_networks": ("id", "name", "workspaceId", "postbackIpWhitelist", "appendClickIdToOfferUrl", "createdAt", "updatedAt"),
}  # fmt: skip
# Envelope keys: the confirmed `offer` and `campaign`, and the same pattern for the rest.
SINGULAR = {"campaigns": "campaign", "offers": "offer", "landers": "lander", "traffic_sources": "trafficSource",
            "affiliate_networks": "affiliateNetwork"}  # fmt: skip
PLURAL = {"campaigns": "campaigns", "offers": "offers", "landers": "landers", "traffic_sources": "trafficSources",
          "affiliate_networks": "affiliateNetworks"}  # fmt: skip


def entity(ctx: RequestContext, table: str, record: Record, pages: bool = True) -> dict[str, Any]:
    body = {name: record[name] for name in FIELDS[table]}
    if table == "campaigns":
        body["url"] = f"{ctx.base_url}{BASE_PATH}/click/{record['key']}"  # INVENTED: the mock serves the campaign URL
        if pages:  # INVENTED meaning of withPages=1: the redirect paths, each reference with its name
            body["redirectTarget"] = _named_paths(ctx, record["redirectTarget"])
    elif table == "offers":
        body["affiliateNetwork"] = _named(ctx, "affiliate_networks", record["affiliateNetwork"])
    return body


def envelope(ctx: RequestContext, table: str, record: Record, pages: bool = True) -> dict[str, Any]:
    return {"description": SUCCESS, SINGULAR[table]: entity(ctx, table, record, pages)}


def listing(ctx: RequestContext, table: str, records: list[Record], total: int) -> dict[str, Any]:
    return {
        "description": SUCCESS,
        PLURAL[table]: [entity(ctx, table, record, pages=False) for record in records],
        "total": total,
    }


def _named(ctx: RequestContext, table: str, ref: dict[str, Any] | None) -> dict[str, Any] | None:
    record = ctx.table(table).get(ctx.account_id, ref["id"]) if ref else None
    return {"id": record["id"], "name": record["name"]} if record else None


def _named_paths(ctx: RequestContext, target: dict[str, Any]) -> dict[str, Any]:
    def named(table: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**entry, "name": ctx.table(table).get(ctx.account_id, entry["id"])["name"]} for entry in entries]  # type: ignore[index]

    paths = [{**path, "offers": named("offers", path["offers"]), "landers": named("landers", path["landers"])}
             for path in target["path"]["defaultPaths"]]  # fmt: skip
    return {"destination": target["destination"], "path": {"defaultPaths": paths}}
