"""Binom tracking domains: the write body to a stored domain, and the captured `/domains` item as its GET shape."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from ...context import RequestContext
from ...state.store import DELETED, Record, View
from .periods import binom_datetime
from .seed import TRACKER


def write(ctx: RequestContext, body: dict[str, Any], current: View | None) -> Record:
    """A domain keeps the time it was added; `isDefault` is one domain's at a time (INVENTED: the last set wins)."""
    created = current["createdAt"] if current else binom_datetime(ctx.state.clock.now(), UTC)
    fields = {
        "name": body["name"], "domain": body["domain"].lower(), "indexPage": body.get("indexPage", "blank_page"),
        "isSsl": body.get("isSsl", False), "isDefault": body.get("isDefault", False), "createdAt": created,
    }  # fmt: skip
    if fields["isDefault"]:
        clear_default(ctx, current["id"] if current else None)
    return fields


def copy(ctx: RequestContext, record: View) -> Record:
    """A clone is a second name for the same host, added now, and never the default."""
    return {
        "name": f"{record['name']} (copy)", "domain": record["domain"], "indexPage": record["indexPage"],
        "isSsl": record["isSsl"], "isDefault": False,
        "createdAt": binom_datetime(ctx.state.clock.now(), UTC),
    }  # fmt: skip


def clear_default(ctx: RequestContext, keep: Any) -> None:
    table = ctx.table("domains")
    for other in list(table.rows(TRACKER, isDefault=True)):
        if other["id"] != keep:
            table.update(TRACKER, other["id"], {"isDefault": False})


def view(ctx: RequestContext, record: View) -> dict[str, Any]:
    """The captured item of `GET /domains`; `campaignsCount` counts the live campaigns using the domain."""
    campaigns = [row for row in ctx.table("campaigns").rows(TRACKER, domainUuid=record["id"]) if not row[DELETED]]
    return {
        "id": record["id"], "name": record["name"], "domain": record["domain"], "isBanned": False,
        "createdAt": record["createdAt"], "expiresAt": None, "indexPage": record["indexPage"], "isSsl": record["isSsl"],
        "certificateError": "", "checkError": "", "isDefault": record["isDefault"], "campaignsCount": len(campaigns),
        "campaignName": campaigns[0]["name"] if len(campaigns) == 1 else "",
    }  # fmt: skip
