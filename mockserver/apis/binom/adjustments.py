"""Binom click adjustments: a campaign's clicks cost set, or its clicks deleted, over a period, kept as records of
their own store table (the clicks' numbers are never edited in place), which every traffic sum applies, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...state.store import View
from .seed import TRACKER

if TYPE_CHECKING:
    from ...context import RequestContext

TABLE = "click_adjustments"
COST = "cost"  # the clicks of the period cost `cents` in all, spread over them by clicks
DELETE = "delete"  # the clicks of the period are gone from every sum

Piece = tuple[datetime, datetime, View | None]


def record(ctx: RequestContext, campaign_id: int, kind: str, start: datetime, end: datetime, cents: int = 0) -> None:
    table = ctx.table(TABLE)
    table.add(TRACKER, {"id": table.next_int_id(), "campaignId": campaign_id, "kind": kind, "start": start.isoformat(),
                        "end": end.isoformat(), "cents": cents})  # fmt: skip


def of(ctx: RequestContext, campaign_id: int) -> list[View]:
    """The campaign's adjustments in the order they were made."""
    return list(ctx.table(TABLE).rows(TRACKER, campaignId=campaign_id))


def pieces(adjustments: list[View], start: datetime, end: datetime) -> list[Piece]:
    """[start, end) cut at every adjustment's edges, each piece with the newest adjustment covering it (or None)."""
    if end <= start:
        return []
    spans = [(datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"]), row) for row in adjustments]
    cuts = sorted(
        {start, end, *(moment for first, after, _ in spans for moment in (first, after) if start < moment < end)}
    )
    result: list[Piece] = []
    for first, after in zip(cuts, cuts[1:], strict=False):
        newest: Any = None
        for low, high, row in spans:  # in creation order, so a later adjustment wins
            if low <= first and after <= high:
                newest = row
        result.append((first, after, newest))
    return result
