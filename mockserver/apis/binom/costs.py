"""Binom's `PUT`/`DELETE /clicks/campaign/{id}`: set what a campaign's clicks of a period cost, or delete them.

Both are recorded as click adjustments (adjustments.py) that `/info`, `/stats`, `/report` and `/trends` apply;
recorded clicks a deletion covers are also removed from the clicks table.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ...context import RequestContext
from ...domain import resources
from . import adjustments, views
from .entities import CAMPAIGNS, SCHEME
from .periods import Period, period
from .seed import TRACKER
from .traffic import CLICKS, Traffic


async def update_campaign_clicks_cost(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
    campaign = resources.found(ctx, SCHEME, CAMPAIGNS, id_, "edit")
    span = _period(ctx, body.get("datePreset", "today"), body.get("dateFrom"), body.get("dateTo"), body.get("timezone"))
    cents = int((Decimal(str(body["cost"])) * 100).to_integral_value())
    clicks = _clicks(ctx, campaign, span)
    if span.end > span.start:
        adjustments.record(ctx, campaign["id"], adjustments.COST, span.start, span.end, cents)
    return {"campaignId": campaign["id"], "clicks": str(clicks), "cost": views.money(cents if clicks else 0)}


async def delete_campaign_clicks(ctx: RequestContext, id_: int, **params: Any) -> Any:
    campaign = resources.found(ctx, SCHEME, CAMPAIGNS, id_, "edit")
    span = _period(ctx, params["date_preset"], params.get("date_from"), params.get("date_to"), params.get("timezone"))
    clicks = _clicks(ctx, campaign, span)
    if span.end > span.start:
        adjustments.record(ctx, campaign["id"], adjustments.DELETE, span.start, span.end)
        table = ctx.table(CLICKS)
        for click in list(table.rows(TRACKER, campaignId=campaign["id"])):
            if span.start <= datetime.fromisoformat(click["time"]) < span.end:
                table.remove(TRACKER, click["id"])
    return {"campaignId": campaign["id"], "clicks": str(clicks)}


def _clicks(ctx: RequestContext, campaign: Any, span: Period) -> int:
    return sum(leaf.clicks for leaf in Traffic(ctx).leaves([campaign], span.start, span.end))


def _period(ctx: RequestContext, preset: str, date_from: str | None, date_to: str | None, zone: str | None) -> Period:
    return period(preset, date_from, date_to, zone, ctx.state.clock.now())
