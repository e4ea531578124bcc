"""Binom's `GET /trends`: the period's traffic as a series of rows, hour by hour for a day or less, else day by day."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...state.clock import localized
from . import listings, views
from .entities import CAMPAIGNS, SCHEME
from .periods import Period
from .seed import TRACKER
from .traffic import CLICKS, Sums, Traffic

HOURLY_UP_TO = timedelta(days=1)  # INVENTED: the captured rows are hours ("00:00 - 01:00"); longer periods go by day


def trends(ctx: RequestContext, period: Period, campaign_id: int | None) -> dict[str, Any]:
    if campaign_id is not None:
        campaigns = [resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "read")]
    else:
        campaigns = listings.visible_campaigns(ctx)
    traffic = Traffic(ctx)
    rows = []
    for key, (first, after, label) in enumerate(_buckets(ctx, traffic, campaigns, period)):
        sums = Sums()
        for leaf in traffic.leaves(campaigns, first, after):
            sums.add(leaf)
        rows.append({"key": key, "date": label} | views.stats_metrics(sums, lander=True))
    return {"stats": rows}


def _buckets(
    ctx: RequestContext, traffic: Traffic, campaigns: list[Any], period: Period
) -> list[tuple[datetime, datetime, str]]:
    """[first, after, label] of each row: hours of the period, or its days from the first day with traffic."""
    if period.end <= period.start:
        return []
    if period.end - period.start <= HOURLY_UP_TO + timedelta(hours=1):  # a local day may have 25 hours
        hours = []
        first = period.start
        while first < period.end:
            after = min(first + timedelta(hours=1), period.end)
            local = first.astimezone(period.tz)
            hours.append((first, after, f"{local:%H}:00 - {(local + timedelta(hours=1)):%H}:00"))
            first = after
        return hours
    starts = [moment for moment in (traffic.first_click(campaign) for campaign in campaigns) if moment is not None]
    recorded = [datetime.fromisoformat(row["time"]) for campaign in campaigns
                for row in ctx.table(CLICKS).rows(TRACKER, campaignId=campaign["id"])]  # fmt: skip
    if not starts and not recorded:
        return []
    begin = max(period.start, min(starts + recorded))
    day = begin.astimezone(period.tz).date()
    days = []
    while True:
        first = max(localized(datetime.combine(day, time()), period.tz), period.start)
        if first >= period.end:
            return days
        after = min(localized(datetime.combine(day + timedelta(days=1), time()), period.tz), period.end)
        days.append((first, after, day.isoformat()))
        day += timedelta(days=1)
