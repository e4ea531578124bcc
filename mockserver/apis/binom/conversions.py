"""Binom conversions (INVENTED shape: a named conversion type, the postback status it stands for, its payout share)."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...state.store import Record, View


def write(ctx: RequestContext, body: dict[str, Any], current: View | None) -> Record:
    return {"name": body["name"], "status": body.get("status", ""), "payoutPercent": body.get("payoutPercent", 100)}


def view(ctx: RequestContext, record: View) -> dict[str, Any]:
    return {
        "id": record["id"],
        "name": record["name"],
        "status": record["status"],
        "payoutPercent": record["payoutPercent"],
    }
