"""Binom operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ...context import RequestContext
from ...domain import resources
from . import clicks, listings, traffic
from .entities import CAMPAIGNS, ENTITIES, LANDINGS, SCHEME
from .periods import Period, period
from .report import report

# --------------- campaigns, offers, landings, traffic sources, affiliate networks
globals().update(resources.handlers(SCHEME, ENTITIES))
create_integrated_landing = resources.operations(
    SCHEME, LANDINGS
).create  # the docs' integrated landing differs only in its body


async def get_campaign_url(ctx: RequestContext, id_: int) -> Any:
    return {"link": clicks.link(ctx, resources.found(ctx, SCHEME, CAMPAIGNS, id_, "read"))}


# ------------------------------------------- the click URL on the tracker's root
async def track_click(ctx: RequestContext, **params: Any) -> Any:
    return await clicks.click(ctx, **params)


# --------------------------------------------------------- info, stats, report
def _listing(build: Callable[..., Any], kind: str) -> Callable[..., Any]:
    """The info or stats list of one kind of entity over the requested period."""

    async def list_(ctx: RequestContext, **params: Any) -> Any:
        period_ = _period(ctx, params)
        # /info also shows the current hour (and today's last lead), whatever the period.
        hour = ctx.state.clock.now().replace(minute=0, second=0, microsecond=0)
        recent = traffic.window(ctx, hour, hour + timedelta(hours=1)) if build is listings.info else None
        return _kept(ctx, (build.__name__, kind, traffic.window(ctx, period_.start, period_.end), hour, recent), params,
                     lambda: build(ctx, kind, period_, params))  # fmt: skip

    list_.__name__ = list_.__qualname__ = f"list_{kind}_{build.__name__}"
    return list_


_KINDS = ("campaign", "offer", "landing", "traffic_source", "affiliate_network")
list_campaign_info, list_offer_info, list_landing_info, list_traffic_source_info, list_affiliate_network_info = (
    _listing(listings.info, kind) for kind in _KINDS)  # fmt: skip
list_campaign_stats, list_offer_stats, list_landing_stats, list_traffic_source_stats, list_affiliate_network_stats = (
    _listing(listings.stats, kind) for kind in _KINDS)  # fmt: skip


async def get_report(ctx: RequestContext, page: str, **params: Any) -> Any:
    period_ = _period(ctx, params)
    return _kept(ctx, ("report", page, traffic.window(ctx, period_.start, period_.end)), params,
                 lambda: report(ctx, page, period_, params))  # fmt: skip


# -------------------------------------------------------------------- helpers
def _kept(ctx: RequestContext, what: tuple[Any, ...], params: dict[str, Any], compute: Callable[[], Any]) -> Any:
    """A report or list from traffic, computed again only after a write to Binom's records: `what` names the period
    as its traffic sees it, and the caller and every parameter are part of the key (the user's grants decide which
    campaigns count)."""
    assert ctx.principal is not None
    key = (*what, ctx.principal.credential_id, json.dumps(params, sort_keys=True, default=repr))
    return ctx.state.store.kept("binom", key, compute)


def _period(ctx: RequestContext, params: dict[str, Any]) -> Period:
    return period(
        params["date_preset"],
        params.get("date_from"),
        params.get("date_to"),
        params.get("timezone"),
        ctx.state.clock.now(),
    )
