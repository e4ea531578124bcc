"""BannerTrackr operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ...context import RequestContext
from ...domain.pagination import cursor_page
from ...kit.errors import ApiError
from ...state.clock import iso, parse_datetime
from ...state.store import Parent, ParentMissing, View
from . import stats, tracking, traffic, views
from .plans import PLANS, add_within, enforce

MAX_STATS_DAYS = 366
DATE_FIELDS = ("startDate", "endDate", "renewalDate")
PLACEMENT_DEFAULTS: dict[str, Any] = {
    "destinationUrl": None, "hostedImageUrl": None, "status": "active", "startDate": None, "endDate": None,
    "renewalDate": None, "rate": None, "billingModel": None, "currency": "USD", "advertiserId": None,
    "utm": dict.fromkeys(views.UTM_FIELDS),
}  # fmt: skip


async def get_me(ctx: RequestContext) -> Any:
    return {"data": views.me(ctx, _account(ctx))}


async def list_sites(ctx: RequestContext, limit: int = 50, cursor: str | None = None) -> Any:
    def compute() -> Any:
        rows, next_cursor = cursor_page(ctx.table("sites").rows(ctx.account_id), limit, cursor)
        return views.listing([views.site(ctx, row) for row in rows], next_cursor)

    return ctx.kept_json(("listSites", limit, cursor), compute)


async def create_site(ctx: RequestContext, body: dict[str, Any]) -> Any:
    limit = PLANS[_account(ctx)["plan"]].sites
    enforce("Site", ctx.table("sites").count(ctx.account_id), limit)
    now = iso(ctx.state.clock.now())
    site_id = ctx.state.data.new_id("site_", ctx.table("sites"))
    record = add_within(
        "Site", ctx.table("sites"), ctx.account_id,
        {"id": site_id, "domain": None, **body, "createdAt": now, "updatedAt": now}, limit,
    )  # fmt: skip
    return {"data": views.site(ctx, record)}, 201


async def get_site(ctx: RequestContext, site_id: str) -> Any:
    return ctx.kept_json(
        ("getSite", site_id), lambda: {"data": views.site(ctx, ctx.owned("sites", site_id, "Site not found"))}
    )


async def update_site(ctx: RequestContext, site_id: str, body: dict[str, Any] | None = None) -> Any:
    ctx.owned("sites", site_id, "Site not found")
    record = ctx.table("sites").update(
        ctx.account_id, site_id, {**(body or {}), "updatedAt": iso(ctx.state.clock.now())}
    )
    return {"data": views.site(ctx, record)}


async def delete_site(ctx: RequestContext, site_id: str) -> Any:
    ctx.owned("sites", site_id, "Site not found")
    # The doc: with its placements and their tracking data (cascades.py); counted as the removal writes.
    _, placements = ctx.table("sites").remove_counting(ctx.account_id, site_id, "placements")
    return {"success": True, "message": "Site deleted", "deletedPlacements": placements}


async def list_placements(
    ctx: RequestContext,
    limit: int = 50,
    cursor: str | None = None,
    site_id: str | None = None,
    status: str | None = None,
) -> Any:
    if site_id is not None:
        ctx.owned("sites", site_id, "Site not found")
    now = ctx.state.clock.now()

    def compute() -> Any:
        rows = ctx.table("placements").rows(ctx.account_id, **({"siteId": site_id} if site_id is not None else {}))
        if status:
            rows = (row for row in rows if views.status(row, now) == status)
        page, next_cursor = cursor_page(rows, limit, cursor)
        return views.listing([views.placement(ctx, row, now) for row in page], next_cursor)

    return ctx.kept_json(("listPlacements", limit, cursor, site_id, status, _ended(ctx, now)), compute)


def _ended(ctx: RequestContext, now: datetime) -> int:
    """How many of the caller's placements have ended by `now`. Which of them report `expired` (views.status) follows
    from it while no write changes them, so a kept answer that shows statuses names it in its key."""
    assert ctx.api is not None
    ends = ctx.state.store.kept(
        ctx.api.name, ("placement ends", ctx.account_id),
        lambda: sorted(parse_datetime(row["endDate"]) for row in ctx.table("placements").rows(ctx.account_id)
                       if row["endDate"]),
    )  # fmt: skip
    return bisect_left(ends, now)  # those whose end is before `now`, as views.status compares


async def create_placement(ctx: RequestContext, body: dict[str, Any]) -> Any:
    fields = dict(body)
    site = ctx.owned("sites", fields.pop("siteId"), "Site not found")
    record = _merge(ctx, PLACEMENT_DEFAULTS, fields)
    limit = PLANS[_account(ctx)["plan"]].placements
    enforce("Placement", ctx.table("placements").count(ctx.account_id), limit)
    now = iso(ctx.state.clock.now())
    pixel_id = ctx.state.data.new_id("", ctx.table("pixels"), length=12)
    record |= {
        "id": ctx.state.data.new_id("plc_", ctx.table("placements")),
        "siteId": site["id"],
        "pixelId": pixel_id,
        "createdAt": now,
        "updatedAt": now,
    }
    try:  # each add checks, as it writes, that what it hangs on is still there: another worker may delete the site
        stored = add_within(
            "Placement", ctx.table("placements"), ctx.account_id, record, limit, Parent("sites", site["id"])
        )
        ctx.table("pixels").add(
            ctx.account_id, {"id": pixel_id, "placementId": record["id"]}, parent=Parent("placements", record["id"])
        )
    except ParentMissing:
        raise ApiError(404, "Site not found") from None
    return {"data": views.placement(ctx, stored)}, 201


async def get_placement(ctx: RequestContext, placement_id: str) -> Any:
    now = ctx.state.clock.now()

    def compute() -> Any:
        return {"data": views.placement(ctx, ctx.owned("placements", placement_id, "Placement not found"), now)}

    return ctx.kept_json(("getPlacement", placement_id, _ended(ctx, now)), compute)


async def update_placement(ctx: RequestContext, placement_id: str, body: dict[str, Any] | None = None) -> Any:
    merged = _merge(ctx, ctx.owned("placements", placement_id, "Placement not found"), body or {})
    record = ctx.table("placements").update(
        ctx.account_id, placement_id, {**merged, "updatedAt": iso(ctx.state.clock.now())}
    )
    return {"data": views.placement(ctx, record)}


async def delete_placement(ctx: RequestContext, placement_id: str) -> Any:
    ctx.owned("placements", placement_id, "Placement not found")
    ctx.table("placements").remove(ctx.account_id, placement_id)  # with its pixel and tracking data (cascades.py)
    return {"success": True, "message": "Placement deleted"}


async def get_placement_stats(
    ctx: RequestContext, placement_id: str, from_: str | None = None, to: str | None = None, breakdowns: bool = False
) -> Any:
    record = ctx.owned("placements", placement_id, "Placement not found")
    today = ctx.state.clock.today()
    last = _date("to", to) if to else today
    first = _date("from", from_) if from_ else last - timedelta(days=30)
    if first > last:
        raise ApiError(400, "Invalid date range", "'from' must not be after 'to'")
    if (last - first).days >= MAX_STATS_DAYS:
        raise ApiError(400, "Date range too large", f"Request at most {MAX_STATS_DAYS} days at a time")

    def days() -> dict[date, stats.Day]:
        recorded = traffic.recorded(ctx.table(traffic.TABLE), ctx.account_id, record["id"])
        return {
            day: stats.seeded_day(ctx.state.data, record, day, today).add(recorded.get(day))
            for day in stats.days_between(first, last)
        }

    def compute() -> Any:
        # The period's per-day sums, kept across tracking hits, which add themselves to them (traffic.fold).
        kept = ctx.state.store.folded(
            ctx.api.name, ("placement days", ctx.account_id, record["id"], today, first, last), days, traffic.fold,
            topic=record["id"],
        )  # fmt: skip
        period = {"from": first.isoformat(), "to": last.isoformat()}
        body = {"placementId": record["id"], "placementName": record["name"], "period": period}
        return {"data": body | stats.report(list(kept.items()), breakdowns)}

    # Until the next write to BannerTrackr's records (a tracking hit is one): all else it depends on is in the key.
    key = ("placement stats", ctx.account_id, record["id"], today, first, last, breakdowns)
    return ctx.state.store.kept(ctx.api.name, key, compute)


# The tracking URLs: the gateway answers them itself (tracking.FAST_ROUTES); these serve whatever it leaves to
# connexion, with the same code, so both ways give the same answer.


async def track_pixel(ctx: RequestContext, p: str) -> Any:
    return await tracking.pixel(ctx, p)


async def track_pixel_path(ctx: RequestContext, pixel_id: str) -> Any:
    return await tracking.pixel(ctx, pixel_id)


async def track_image(ctx: RequestContext, pixel_id: str) -> Any:
    return await tracking.image(ctx, pixel_id)


async def track_click(ctx: RequestContext, pixel_id: str) -> Any:
    return await tracking.click(ctx, pixel_id)


def _account(ctx: RequestContext) -> View:
    account = ctx.table("accounts").get(ctx.account_id, ctx.account_id)  # an account owns itself
    assert account is not None
    return account


def _merge(ctx: RequestContext, current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`current` with `changes` applied (null clears a field), validated as a whole before anything is stored."""
    merged = dict(current)
    for name, value in changes.items():
        if name == "utm":
            merged["utm"] = {**current["utm"], **value} if value is not None else dict.fromkeys(views.UTM_FIELDS)
        elif name in DATE_FIELDS:
            merged[name] = None if value is None else _timestamp(name, value)
        else:
            merged[name] = value
    if (
        merged["advertiserId"] is not None
        and ctx.table("advertisers").get(ctx.account_id, merged["advertiserId"]) is None
    ):
        raise ApiError(400, "Advertiser not found", "advertiserId must reference an advertiser in your account")
    if (
        merged["startDate"]
        and merged["endDate"]
        and parse_datetime(merged["endDate"]) < parse_datetime(merged["startDate"])
    ):
        raise ApiError(400, "endDate is before startDate", "Set endDate on or after startDate")
    return merged


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:  # the spec's format: date is enforced by validation; this keeps the handler safe alone
        raise ApiError(400, f"Invalid '{name}' date", "Use YYYY-MM-DD") from None


def _timestamp(name: str, value: str) -> str:
    """ISO 8601 date or date-time -> UTC timestamp; a bare date is the start of that day (the end, for endDate)."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            end_of_day = (23, 59, 59) if name == "endDate" else (0, 0, 0)
            return iso(datetime(day.year, day.month, day.day, *end_of_day, tzinfo=UTC))
        moment = parse_datetime(value)
    except ValueError:
        raise ApiError(400, f"Invalid {name}", f"{name} must be an ISO 8601 date (YYYY-MM-DD) or date-time") from None
    try:
        return iso(moment)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 has no UTC equivalent: keep its own offset
        return moment.isoformat(timespec="seconds")
