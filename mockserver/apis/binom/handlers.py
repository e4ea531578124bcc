"""Binom operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...context import RequestContext
from ...domain import resources
from . import apikeys, clicks, csvfiles, grants, listings, marks, presets, profit, protect, twofactor, userlog, users
from .entities import CAMPAIGNS, ENTITIES, LANDINGS, SCHEME
from .periods import Period, period
from .report import report

# --------------- campaigns, offers, landings, traffic sources, affiliate networks
globals().update(resources.handlers(SCHEME, ENTITIES))
# --- users, grants, keys, 2FA, the events log; report presets, filters and marks; Binom Protect; CSV exports
for _module in (users, grants, apikeys, twofactor, userlog, presets, marks, protect, csvfiles):
    globals().update(_module.HANDLERS)
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
        return profit.shown(ctx, build(ctx, kind, _period(ctx, params), params))

    list_.__name__ = list_.__qualname__ = f"list_{kind}_{build.__name__}"
    return list_


_KINDS = ("campaign", "offer", "landing", "traffic_source", "affiliate_network")
list_campaign_info, list_offer_info, list_landing_info, list_traffic_source_info, list_affiliate_network_info = (
    _listing(listings.info, kind) for kind in _KINDS)  # fmt: skip
list_campaign_stats, list_offer_stats, list_landing_stats, list_traffic_source_stats, list_affiliate_network_stats = (
    _listing(listings.stats, kind) for kind in _KINDS)  # fmt: skip


async def get_report(ctx: RequestContext, page: str, **params: Any) -> Any:
    return profit.shown(ctx, marks.marked(ctx, page, params, report(ctx, page, _period(ctx, params), params)))


# -------------------------------------------------------------------- helpers
def _period(ctx: RequestContext, params: dict[str, Any]) -> Period:
    return period(
        params["date_preset"],
        params.get("date_from"),
        params.get("date_to"),
        params.get("timezone"),
        ctx.state.clock.now(),
    )
