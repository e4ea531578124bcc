"""Adsterra advertiser operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...context import RequestContext
from ...domain.kept import kept_read
from ...kit.formats import Document
from ...state.store import View
from ..adsterra_common import reports, tokens
from . import stats, views

ACTIVE, INACTIVE = 3, 1  # what {"active": true|false} sets (INVENTED mapping, see the spec's Mock notes)
NOT_FOUND = "Not found"
# The reads (`kept_read`): each a view of the caller's stored records in the format asked for, which is one of the
# arguments the key names; nothing in them is decided by the clock.


@kept_read()
def get_balance(ctx: RequestContext, format_: str) -> Document:
    return views.balance(ctx.owned("accounts", ctx.account_id, NOT_FOUND), format_)


@kept_read()
def list_campaigns(ctx: RequestContext, format_: str) -> Document:
    return views.campaigns(ctx.table("campaigns").rows(ctx.account_id), format_)


@kept_read()
def get_campaign(ctx: RequestContext, campaign_id: int, format_: str) -> Document:
    return views.campaign(_campaign(ctx, campaign_id), format_)


async def update_campaign(ctx: RequestContext, campaign_id: int, format_: str, body: dict[str, Any]) -> Document:
    _campaign(ctx, campaign_id)
    return views.campaign(
        _change(ctx, "campaigns", campaign_id, active=ACTIVE if body["active"] else INACTIVE), format_
    )


@kept_read()
def list_campaign_banners(ctx: RequestContext, campaign_id: int, format_: str) -> Document:
    _campaign(ctx, campaign_id)
    return views.banners(ctx.table("banners").rows(ctx.account_id, campaign_id=campaign_id), format_)


@kept_read()
def list_campaign_landings(ctx: RequestContext, campaign_id: int, format_: str) -> Document:
    _campaign(ctx, campaign_id)
    return views.landings(ctx.table("landings").rows(ctx.account_id, campaign_id=campaign_id), format_)


async def update_banner(ctx: RequestContext, banner_id: int, format_: str, body: dict[str, Any]) -> Document:
    ctx.owned("banners", banner_id, NOT_FOUND)
    return views.banner(_change(ctx, "banners", banner_id, active=ACTIVE if body["active"] else INACTIVE), format_)


@kept_read()
def list_banner_landings(ctx: RequestContext, banner_id: int, format_: str) -> Document:
    banner = ctx.owned("banners", banner_id, NOT_FOUND)
    return views.landings((ctx.owned("landings", landing, NOT_FOUND) for landing in banner["landing_ids"]), format_)


@kept_read()
def get_campaign_blacklist(ctx: RequestContext, campaign_id: int, format_: str) -> Document:
    return views.placement_ids(_campaign(ctx, campaign_id)["blacklist"], format_)


async def add_to_blacklist(ctx: RequestContext, format_: str, body: dict[str, Any]) -> Document:
    return _linking(ctx, body["campaign_id"], "blacklist", lambda ids: ids | set(body["placement_ids"]), format_)


async def replace_blacklist(ctx: RequestContext, format_: str, body: dict[str, Any]) -> Document:
    return _linking(ctx, body["campaign_id"], "blacklist", lambda ids: set(body["placement_ids"]), format_)


async def remove_from_blacklist(ctx: RequestContext, format_: str, body: dict[str, Any]) -> Document:
    return _linking(ctx, body["campaign_id"], "blacklist", lambda ids: ids - set(body["placement_ids"]), format_)


async def clean_blacklist(ctx: RequestContext, format_: str, body: dict[str, Any]) -> Document:
    return _linking(ctx, body["campaign_id"], "blacklist", lambda ids: set(), format_)


@kept_read()
def get_campaign_whitelist(ctx: RequestContext, campaign_id: int, format_: str) -> Document:
    return views.placement_ids(_campaign(ctx, campaign_id)["whitelist"], format_)


async def add_to_whitelist(ctx: RequestContext, format_: str, body: dict[str, Any]) -> Document:
    return _linking(ctx, body["campaign_id"], "whitelist", lambda ids: ids | set(body["placement_ids"]), format_)


async def replace_whitelist(ctx: RequestContext, format_: str, body: dict[str, Any]) -> Document:
    return _linking(ctx, body["campaign_id"], "whitelist", lambda ids: set(body["placement_ids"]), format_)


async def remove_from_whitelist(ctx: RequestContext, format_: str, body: dict[str, Any]) -> Document:
    return _linking(ctx, body["campaign_id"], "whitelist", lambda ids: ids - set(body["placement_ids"]), format_)


async def clean_whitelist(ctx: RequestContext, campaign_id: int, format_: str) -> Document:
    return _linking(ctx, campaign_id, "whitelist", lambda ids: set(), format_)


@kept_read()
def list_custom_bids(ctx: RequestContext, campaign_id: int, format_: str) -> Document:
    return views.custom_bids(dict(_campaign(ctx, campaign_id)["custom_bids"]), format_)


async def set_custom_bids(ctx: RequestContext, campaign_id: int, format_: str, body: dict[str, Any]) -> Document:
    return _bids(ctx, campaign_id, lambda bids: _entries(body), format_)


async def update_custom_bids(ctx: RequestContext, campaign_id: int, format_: str, body: dict[str, Any]) -> Document:
    return _bids(ctx, campaign_id, lambda bids: bids | _entries(body), format_)


async def remove_custom_bids(ctx: RequestContext, campaign_id: int, format_: str, placement_ids: list[int]) -> Document:
    return _bids(ctx, campaign_id, lambda bids: {p: bid for p, bid in bids.items() if p not in placement_ids}, format_)


async def clean_custom_bids(ctx: RequestContext, campaign_id: int, format_: str) -> Document:
    return _bids(ctx, campaign_id, lambda bids: {}, format_)


async def get_stats(
    ctx: RequestContext, format_: str, start_date: str, finish_date: str, campaign: int | None = None,
    banner: int | None = None, placement: int | None = None, country: str | None = None, group_by: Any = None,
) -> Document:  # fmt: skip
    # connexion passes one of group_by and group_by[] as `group_by`; the grouping is their union, from the raw query.
    grouped = reports.grouping(ctx, stats.DIMENSIONS)
    today, start, finish = (
        ctx.state.clock.today(),
        reports.day("start_date", start_date),
        reports.day("finish_date", finish_date),
    )
    filters = {"banner": banner, "placement": placement, "country": country}

    def compute() -> Document:
        days = reports.days(today, start, finish)
        campaigns = [row for row in ctx.table("campaigns").rows(ctx.account_id) if campaign in (None, row["id"])]
        return views.stats(stats.report(ctx.state.data, campaigns, days, grouped, filters), grouped, format_)

    # The days are a function of these three: named by them, not listed, in the key each request builds.
    return reports.kept(ctx, (format_, today, start, finish, tuple(grouped), campaign, *filters.values()), compute)


async def rotate_token(ctx: RequestContext, format_: str) -> Document:
    return tokens.rotated(ctx, format_)


def _campaign(ctx: RequestContext, campaign_id: int) -> View:
    return ctx.owned("campaigns", campaign_id, NOT_FOUND)


def _change(ctx: RequestContext, table: str, record_id: int, **changes: Any) -> View:
    """The caller's record, already found, with `changes` stored."""
    record = ctx.table(table).update(ctx.account_id, record_id, changes)
    assert record is not None
    return record


def _linking(
    ctx: RequestContext, campaign_id: int, name: str, change: Callable[[set[int]], set[int]], format_: str
) -> Document:
    """Black and white lists: the campaign's list after `change`, which answers in full."""
    placements = sorted(change(set(_campaign(ctx, campaign_id)[name])))
    _change(ctx, "campaigns", campaign_id, **{name: placements})
    return views.placement_ids(placements, format_)


def _bids(
    ctx: RequestContext, campaign_id: int, change: Callable[[dict[int, float]], dict[int, float]], format_: str
) -> Document:
    """Custom bids, stored as [placement_id, bid] pairs: the campaign's bids after `change`, in full."""
    bids = change(dict(_campaign(ctx, campaign_id)["custom_bids"]))
    _change(ctx, "campaigns", campaign_id, custom_bids=[[placement, bid] for placement, bid in sorted(bids.items())])
    return views.custom_bids(bids, format_)


def _entries(body: dict[str, Any]) -> dict[int, float]:
    # Later entries for the same placement win (dict insertion order).
    return {item["placement_id"]: item["bid"] for item in body["items"]}
