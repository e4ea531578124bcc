"""Adsterra publisher operations (GET only, plus the mock's token rotation): one function per operationId.

The legacy operations take the token from the path (2.3.0 docs) and answer exactly as their X-API-Key twins.
"""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain.kept import kept_read
from ...kit.formats import Document
from ..adsterra_common import reports, tokens
from . import stats, views
from .seed import OWNER_TYPE

NOT_FOUND = "Not found"
# The record reads (`kept_read`): views of the caller's stored records in the format asked for (an argument, so in
# the key); the clock decides nothing in them. The stats are kept by `reports.kept`, keyed by the day.


@kept_read()
def list_domains(ctx: RequestContext, format_: str) -> Document:
    return views.domains(ctx.table("domains").rows(ctx.account_id), format_)


@kept_read()
def list_domain_placements(ctx: RequestContext, domain_id: int, format_: str) -> Document:
    ctx.owned("domains", domain_id, NOT_FOUND)
    return views.placements(
        ctx.table("placements").rows(ctx.account_id, domain_id=domain_id), format_, with_domain=False
    )


@kept_read()
def list_placements(ctx: RequestContext, format_: str) -> Document:
    return views.placements(ctx.table("placements").rows(ctx.account_id), format_, with_domain=True)


@kept_read()
def list_smart_links(
    ctx: RequestContext, format_: str, status: int | None = None, traffic_type: int | None = None
) -> Document:
    filters = {name: value for name, value in (("status", status), ("traffic_type", traffic_type)) if value is not None}
    return views.smart_links(ctx.table("smart_links").rows(ctx.account_id, **filters), format_)


async def get_stats(
    ctx: RequestContext, format_: str, start_date: str, finish_date: str, domain: int | None = None,
    placement: int | None = None, country: str | None = None, placement_sub_id: str | None = None, group_by: Any = None,
    domain_id: int | None = None, placement_id: int | None = None,
) -> Document:  # fmt: skip
    domain, placement = _aliased(domain, domain_id), _aliased(placement, placement_id)
    # connexion passes one of group_by and group_by[] as `group_by`; the grouping is their union, from the raw query.
    grouped = reports.grouping(ctx, stats.DIMENSIONS)
    today, start, finish = (
        ctx.state.clock.today(),
        reports.day("start_date", start_date),
        reports.day("finish_date", finish_date),
    )
    filters = {"domain": domain, "placement": placement, "country": country, "placement_sub_id": placement_sub_id}

    def compute() -> Document:
        days = reports.days(today, start, finish)
        rows = stats.report(ctx.state.data, ctx.table("placements").rows(ctx.account_id), days, grouped, filters)
        return views.stats(rows, grouped, format_)

    # The days are a function of these three: named by them, not listed, in the key each request builds.
    return reports.kept(ctx, (format_, today, start, finish, tuple(grouped), *filters.values()), compute)


# No record has this id: the filter value when a filter and its alias disagree, so that both apply and nothing matches.
NO_RECORD = -1


def _aliased(value: int | None, alias: int | None) -> int | None:
    """A filter given as `domain` or as `domain_id` (the help article's name for it), or as both, which both apply."""
    if value is not None and alias is not None and value != alias:
        return NO_RECORD
    return value if value is not None else alias


async def list_domains_legacy(ctx: RequestContext, token: str, format_: str) -> Document:
    tokens.check(ctx, token, OWNER_TYPE)
    return await list_domains(ctx, format_=format_)


async def list_domain_placements_legacy(ctx: RequestContext, token: str, domain_id: int, format_: str) -> Document:
    tokens.check(ctx, token, OWNER_TYPE)
    return await list_domain_placements(ctx, domain_id=domain_id, format_=format_)


async def list_placements_legacy(ctx: RequestContext, token: str, format_: str) -> Document:
    tokens.check(ctx, token, OWNER_TYPE)
    return await list_placements(ctx, format_=format_)


async def get_stats_legacy(ctx: RequestContext, token: str, format_: str, **params: Any) -> Document:
    tokens.check(ctx, token, OWNER_TYPE)
    return await get_stats(ctx, format_, **params)


async def rotate_token(ctx: RequestContext, format_: str) -> Document:
    return tokens.rotated(ctx, format_)
