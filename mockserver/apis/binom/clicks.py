"""Binom's click URL on the tracker's root: a campaign click, a landing's click to the offer, the postback and the
click update.

Each click is a record of the `clicks` table (written with `add` and `update` only), and `traffic.Traffic` adds
the recorded clicks to the seeded traffic, so `/info`, `/stats` and `/report` count them with their totals.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from ...context import RequestContext
from ...kit import visitors
from ...kit.errors import ApiError
from ...kit.formats import Reply
from ...state.store import Record
from .seed import TRACKER, TRACKING_DOMAIN
from .traffic import CLICKS as TABLE
from .traffic import Traffic

CLICK_PATH = "/binom/click"  # the mock's stand-in for https://<tracker-domain>/click
# The rest of the query are the click's tokens (and, on a click update, its events `event1`..`event30`).
CONTROL = ("key", "lp", "clickid", "cnv_id", "payout", "cnv_status", "upd_clickid", "upd_key")
EVENT = re.compile(r"^event([1-9]|[12][0-9]|30)$")
NO_STORE = {"Cache-Control": "no-store"}


def link(ctx: RequestContext, campaign: Record) -> str:
    """The campaign's click URL on this mock."""
    return f"{ctx.base_url}{CLICK_PATH}?key={campaign['key']}"


async def click(ctx: RequestContext, **params: Any) -> Reply:
    if params.get("upd_clickid"):
        return _update(ctx, params["upd_clickid"])
    if params.get("cnv_id"):
        return _postback(ctx, params["cnv_id"], params.get("payout"), params.get("cnv_status"))
    if params.get("lp"):
        return _landing_click(ctx, params.get("clickid"))
    if params.get("key"):
        return _campaign_click(ctx, params["key"])
    raise ApiError(
        400,
        "Validation failed",
        "Send key=<campaign key>, lp=1&clickid=<click id>, cnv_id=<click id> or upd_clickid=<click id>",
    )


def _campaign_click(ctx: RequestContext, key: str) -> Reply:
    campaign = next((row for row in ctx.table("campaigns").rows(TRACKER, key=key) if not row["deleted"]), None)
    if campaign is None:
        raise ApiError(404, "Campaign not found", "Use the link of GET /campaign/{id}/link")
    table = ctx.table(TABLE)
    number = table.count(TRACKER, campaignId=campaign["id"]) + 1
    rng = ctx.state.data.derived("binom-click", campaign["id"], number)  # deterministic per seed and click number
    routes = Traffic(ctx).routes(campaign)
    route = rng.choices(routes, weights=[route.weight for route in routes])[0]
    click_id = f"{campaign['id']}{rng.getrandbits(64):016x}"
    scope = ctx.scope
    headers = dict(scope["headers"])
    visitor = visitors.identify(headers, (scope.get("client") or ("",))[0])
    if route.landing:
        landing = ctx.table("landings").get(TRACKER, route.landing)
        assert landing is not None
        base = landing["url"] or f"https://{TRACKING_DOMAIN}/{landing['location']}"  # INVENTED integrated lander URL
        location = _with_query(base, {"clickid": click_id})
    else:
        location = _offer_url(ctx, route.offer, click_id)
    if visitor is not None and scope["method"] == "GET":  # crawlers and HEAD are redirected, not counted
        tokens = {name: value for name, value in _query(ctx) if name not in CONTROL}
        table.add(TRACKER, {
            "id": click_id, "campaignId": campaign["id"], "path": route.path, "landing": route.landing,
            "offer": route.offer, "country": visitor.country, "device": visitor.device, "visitor": visitor.id,
            "tokens": tokens, "time": ctx.state.clock.now().isoformat(), "landerClicked": False,
            "converted": False, "payout": 0, "status": None, "events": {},
        })  # fmt: skip
    return _redirect(location)


def _landing_click(ctx: RequestContext, click_id: str | None) -> Reply:
    record = _click(ctx, click_id)
    location = _offer_url(ctx, record["offer"], record["id"])
    if record["landing"] and not record["landerClicked"]:
        ctx.table(TABLE).update(TRACKER, record["id"], {"landerClicked": True})
    return _redirect(location)


def _postback(ctx: RequestContext, click_id: str, payout: str | None, status: str | None) -> Reply:
    record = _click(ctx, click_id)
    if payout is None:
        offer = ctx.table("offers").get(TRACKER, record["offer"]) if record["offer"] else None
        cents = round(offer["amount"] * 100) if offer else 0  # INVENTED: no payout means the offer's payout
    else:
        try:
            cents = int((Decimal(str(payout)) * 100).to_integral_value())
        except InvalidOperation:
            raise ApiError(400, "Validation failed", "payout must be a number, e.g. payout=1.5") from None
    ctx.table(TABLE).update(TRACKER, record["id"], {"converted": True, "payout": cents, "status": status})
    return Reply(200, "text/plain; charset=utf-8", b"OK", NO_STORE)  # INVENTED body: the real one was not captured


def _update(ctx: RequestContext, click_id: str) -> Reply:
    """The click's tokens and events as the query sends them, the others kept (INVENTED: the tracker's update key is
    empty, Binom's default, so `upd_key` is not checked)."""
    record = _click(ctx, click_id)
    sent = [(name, value) for name, value in _query(ctx) if name not in CONTROL]
    tokens = dict(record["tokens"]) | {name: value for name, value in sent if not EVENT.match(name)}
    events = dict(record.get("events") or {}) | {name: value for name, value in sent if EVENT.match(name)}
    ctx.table(TABLE).update(TRACKER, record["id"], {"tokens": tokens, "events": events})
    return Reply(200, "text/plain; charset=utf-8", b"OK", NO_STORE)


def _click(ctx: RequestContext, click_id: str | None) -> Record:
    record = ctx.table(TABLE).get(TRACKER, click_id) if click_id else None
    if record is None:
        raise ApiError(404, "Click not found", "Pass the clickid the campaign click appended to the landing URL")
    return record


def _offer_url(ctx: RequestContext, offer_id: int, click_id: str) -> str:
    offer = ctx.table("offers").get(TRACKER, offer_id) if offer_id else None
    if offer is None or offer["deleted"]:
        raise ApiError(404, "Offer not found", "The campaign's path has no live offer")
    return str(offer["url"]).replace("{clickid}", quote(click_id, safe=""))


def _with_query(url: str, extra: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(extra)


def _query(ctx: RequestContext) -> list[tuple[str, str]]:
    return parse_qsl(ctx.scope["query_string"].decode("latin-1"), keep_blank_values=True)


def _redirect(location: str) -> Reply:
    page = f'<!doctype html><title>Redirecting</title><a href="{escape(location)}">Continue</a>'.encode()
    return Reply(302, "text/html; charset=utf-8", page, {"Location": location, **NO_STORE})
