"""Binom operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ...context import RequestContext
from ...domain import resources
from . import (
    apikeys,
    clicks,
    csvfiles,
    grants,
    listings,
    marks,
    presets,
    profit,
    protect,
    traffic,
    trends,
    twofactor,
    userlog,
    users,
)
from .bulk import (  # noqa: F401
    change_campaign_cost,
    change_campaign_domain,
    change_campaign_group,
    change_campaign_settings,
    change_campaign_traffic_distribution,
    delete_campaign_owner,
    modify_campaign,
    pause_campaign_landing,
    pause_campaign_offer,  # fmt: skip
    pause_campaign_path,
    set_campaign_owner,
    switch_campaign_domain,
)
from .campaign_lists import (  # noqa: F401
    list_all_affiliate_networks,
    list_campaign_short_info,
    list_campaigns_by_rotation,
    list_traffic_sources_with_campaigns,  # fmt: skip
)
from .catalogs import (  # noqa: F401
    list_affiliate_network_groupings,
    list_affiliate_network_presets,
    list_campaign_groupings,
    list_campaign_multiple_groupings,
    list_landing_groupings,
    list_multiple_groupings,
    list_offer_groupings,
    list_rotation_groupings,
    list_traffic_source_groupings,
    list_traffic_source_templates,  # fmt: skip
)
from .costs import delete_campaign_clicks, update_campaign_clicks_cost  # noqa: F401
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
        period_ = _period(ctx, params)
        # /info also shows the current hour (and today's last lead), whatever the period.
        hour = ctx.state.clock.now().replace(minute=0, second=0, microsecond=0)
        recent = traffic.window(ctx, hour, hour + timedelta(hours=1)) if build is listings.info else None
        return profit.shown(ctx, _kept(ctx, (build.__name__, kind, traffic.window(ctx, period_.start, period_.end), hour, recent), params,
                     lambda: build(ctx, kind, period_, params)))  # fmt: skip

    list_.__name__ = list_.__qualname__ = f"list_{kind}_{build.__name__}"
    return list_


_KINDS = ("campaign", "offer", "landing", "traffic_source", "affiliate_network", "rotation")
(list_campaign_info, list_offer_info, list_landing_info, list_traffic_source_info, list_affiliate_network_info,
 list_rotation_info) = (_listing(listings.info, kind) for kind in _KINDS)  # fmt: skip
(list_campaign_stats, list_offer_stats, list_landing_stats, list_traffic_source_stats, list_affiliate_network_stats,
 list_rotation_stats) = (_listing(listings.stats, kind) for kind in _KINDS)  # fmt: skip


async def get_report(ctx: RequestContext, page: str, **params: Any) -> Any:
    period_ = _period(ctx, params)
    kept = _kept(ctx, ("report", page, traffic.window(ctx, period_.start, period_.end)), params,
                 lambda: report(ctx, page, period_, params))  # fmt: skip
    return profit.shown(ctx, marks.marked(ctx, page, params, kept))


async def get_user_campaign_report(ctx: RequestContext, **params: Any) -> Any:
    """The caller's own campaigns, one row each (INVENTED: `/report/campaign` grouped by campaign)."""
    return report(ctx, "campaign", _period(ctx, params), params | {"groupings": ["campaign"]})


async def get_trends(ctx: RequestContext, **params: Any) -> Any:
    return trends.trends(ctx, _period(ctx, params), params.get("campaign_id"))


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
