"""PeerClick's tracking side: the campaign URL (a click, then a redirect) and the postback (a conversion on a click).

Both are stored as records of the `clicks` table (id = the click id `cid`); a postback replaces the click's
`conversion` through `update`, so an earlier view keeps its values. `/report` adds them to the seeded traffic
as leaves of their own (`leaves`), so its totals stay the sum of its rows.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from ...context import RequestContext
from ...kit import visitors
from ...kit.errors import ApiError
from ...kit.formats import Reply
from ...state.store import OWNER, Record, View, Write
from .traffic import Leaf, Route, _cost, _routes

TABLE = "clicks"
NO_STORE = {"Cache-Control": "no-store"}


def click(ctx: RequestContext, campaign_key: str) -> Reply:
    """A visit of a campaign URL: a click record (unless a crawler or HEAD), then 302 to a lander or offer."""
    campaign = ctx.table("campaigns").find_credential(lambda record: record.get("key") == campaign_key)
    if campaign is None:
        raise ApiError(404, f"Campaign {campaign_key} not found", "Use the url of a campaign")
    owner = str(campaign[OWNER])
    cid = ctx.state.data.token(32, "0123456789abcdef")
    route = _route(ctx, campaign, cid)
    location = _location(ctx, owner, route, cid)
    if location is None:
        raise ApiError(404, f"Campaign {campaign['id']} has no destination", "Give its paths an offer or a lander")
    headers = {bytes(name).lower(): bytes(value) for name, value in ctx.scope["headers"]}
    visitor = visitors.identify(headers, (ctx.scope.get("client") or ("",))[0])  # None for a crawler
    if ctx.scope["method"] == "GET" and visitor is not None:
        ctx.table(TABLE).add(owner, _record(ctx, owner, campaign, route, cid, visitor))
    page = f'<!doctype html><title>Redirecting</title><a href="{escape(location)}">Continue</a>'.encode()
    return Reply(302, "text/html; charset=utf-8", page, {"Location": location, **NO_STORE})


def postback(ctx: RequestContext, cid: str, payout: float | None, status: str | None) -> dict[str, Any]:
    """A conversion on click `cid`: its payout (default: the offer's fixed payout, else 0) and status."""
    table = ctx.table(TABLE)
    owner = table.owner_of(cid)
    stored = table.get(owner, cid) if owner is not None else None
    if owner is None or stored is None:
        raise ApiError(404, f"Click {cid} not found", "Use the cid of a click on a campaign URL")
    if payout is None:
        offer = ctx.table("offers").get(owner, stored["offerId"]) if stored["offerId"] else None
        payout = (offer["payout"]["value"] or 0) if offer else 0
    conversion = {"payout": round(payout * 100), "status": status or "approved", "time": ctx.state.clock.time()}
    table.update(owner, cid, {"conversion": conversion})
    return {"description": "Success", "conversion": {"cid": cid, "campaignId": stored["campaignId"],
            "payout": conversion["payout"] / 100, "status": conversion["status"]}}  # fmt: skip


def window(ctx: RequestContext, start: datetime, end: datetime, *, up_to_now: bool) -> tuple[int, int]:
    """Which of the account's recorded clicks `leaves` takes in for [start, end], as positions in their times sorted
    (which change only with a write): for a report kept until then (`Store.kept`)."""
    times = ctx.state.store.folded(
        "peerclick", ("click times", ctx.account_id),
        lambda: sorted(r["time"] for r in ctx.table(TABLE).rows(ctx.account_id)), _times_folder(ctx.account_id),
    )  # fmt: skip
    last = bisect.bisect_right(times, end.timestamp()) if up_to_now else bisect.bisect_left(times, end.timestamp())
    return bisect.bisect_left(times, start.timestamp()), last


def _times_folder(account: str) -> Callable[[list[float], Write], bool]:
    def fold(times: list[float], write: Write) -> bool:
        """A click of the account adds its time; a postback keeps it; no other write changes them but a removal."""
        if write.table != TABLE or write.owner != account:
            return True
        if write.old is None and write.new is not None:
            bisect.insort(times, write.new["time"])
            return True
        return write.old is not None and write.new is not None and write.old["time"] == write.new["time"]

    return fold


def leaves(
    ctx: RequestContext, campaigns: Iterable[View], start: datetime, end: datetime,
    bucket: Callable[[datetime], Hashable] | None, up_to_now: bool = False,
) -> list[Leaf]:  # fmt: skip
    """The account's clicks in [start, end) (up to now: [start, end]) of the campaigns still there, one leaf each."""
    by_id = {campaign["id"]: campaign for campaign in campaigns}
    result = []
    for record in ctx.table(TABLE).rows(ctx.account_id):
        leaf = click_leaf(by_id, record, start, end, bucket, up_to_now)
        if leaf is not None:
            result.append(leaf)
    return result


def click_leaf(
    by_id: Mapping[Any, View], record: View, start: datetime, end: datetime,
    bucket: Callable[[datetime], Hashable] | None, up_to_now: bool,
) -> Leaf | None:  # fmt: skip
    """A recorded click's leaf, if it is in [start, end) (up to now: [start, end]) on one of the campaigns."""
    campaign = by_id.get(record["campaignId"])
    first, last = start.timestamp(), end.timestamp()
    if campaign is None or not first <= record["time"] <= last or (record["time"] == last and not up_to_now):
        return None
    hour = datetime.fromtimestamp(record["time"] // 3600 * 3600, UTC)
    conversion = record["conversion"]
    revenue = conversion["payout"] if conversion else 0
    counts = {"visits": 1, "clicks": 1, "conversions": 1 if conversion else 0, "revenue": revenue,
              "cost": _cost(campaign, {"cpv": 0}, 1, 1 if conversion else 0, revenue)}  # fmt: skip
    route = Route(record["path"], record["landerId"], record["offerId"], 1.0)
    return Leaf(campaign, route, record["segment"], bucket(hour) if bucket else None, counts)


def _route(ctx: RequestContext, campaign: View, cid: str) -> Route:
    routes = _routes(dict(campaign))
    return ctx.state.data.derived("peerclick-click", cid).choices(routes, [route.weight for route in routes])[0]


def _location(ctx: RequestContext, owner: str, route: Route, cid: str) -> str | None:
    """The lander's URL with `cid=<click id>` added, or the offer's with `{clickid}` replaced by it (a direct path)."""
    if route.lander:
        lander = ctx.table("landers").get(owner, route.lander)
        if lander is None:
            return None
        url = str(lander["url"])
        return f"{url}{'&' if '?' in url else '?'}cid={cid}"
    offer = ctx.table("offers").get(owner, route.offer) if route.offer else None
    return str(offer["url"]).replace("{clickid}", cid) if offer else None


def _record(
    ctx: RequestContext, owner: str, campaign: View, route: Route, cid: str, visitor: visitors.Visitor
) -> Record:
    query = dict(parse_qsl(ctx.scope["query_string"].decode("latin-1"), keep_blank_values=True))
    source = ctx.table("traffic_sources").get(owner, campaign["trafficSource"])
    parameters = {item["index"]: item["parameter"] for item in (source["customVariables"] if source else [])}
    variables = [query.get(parameters[index], "") if index in parameters else "" for index in range(1, 11)]
    segment = {"country": visitor.country, "device": visitor.device, "os": "", "browser": "", "isp": "", "variables": variables}  # fmt: skip
    return {"id": cid, "campaignId": campaign["id"], "path": route.path, "landerId": route.lander,
            "offerId": route.offer, "time": ctx.state.clock.time(), "tokens": query, "segment": segment,
            "conversion": None}  # fmt: skip
