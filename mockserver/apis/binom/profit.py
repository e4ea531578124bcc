"""Binom's hide_profit: a restricted user with it set gets `/info`, `/stats` and `/report` answers without money made."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from . import access

# What would tell the user the tracker's earnings (cost and clicks stay: the user buys the traffic).
HIDDEN = frozenset({"revenue", "profit", "roi", "epc", "profit_last_hour"})


def shown(ctx: RequestContext, answer: Any) -> Any:
    """`answer` as the caller may see it: unchanged, or without the HIDDEN fields at any depth."""
    return _without(answer) if access.user(ctx).get("hideProfit") else answer


def _without(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _without(item) for name, item in value.items() if name not in HIDDEN}
    if isinstance(value, list):
        return [_without(item) for item in value]
    return value
