"""BannerTrackr's tracking URLs (pixel, image, click): the code behind both their fast routes and their operations."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import parse_qsl

from ...api import FastRoute
from ...context import RequestContext
from ...kit import visitors
from ...kit.errors import ApiError
from ...kit.formats import Reply
from ...state.store import OWNER, Record
from . import images, redirect, traffic, views

MAX_ID_LENGTH = 64  # the spec's maxLength for pixel ids
NO_STORE = {"Cache-Control": "no-store"}  # every view and click must reach the tracker, not a cache
PIXEL = Reply(200, "image/gif", images.PIXEL_GIF, NO_STORE)
BANNER = Reply(200, "image/png", images.BANNER_PNG, NO_STORE)
NAVIGATIONS = (b"document", b"iframe", b"frame")  # Sec-Fetch-Dest values of a followed link


async def pixel(ctx: RequestContext, pixel_id: str) -> Reply:
    _count(ctx, _placement(ctx, pixel_id), "impressions")
    return PIXEL


async def image(ctx: RequestContext, pixel_id: str) -> Reply:
    """The smart image: the banner for an <img>, a click for an <a href> (same URL, as the public doc has it)."""
    placement = _placement(ctx, pixel_id)
    if _is_navigation(dict(ctx.scope["headers"])):
        return _click(ctx, placement)
    _count(ctx, placement, "impressions")
    return BANNER


async def click(ctx: RequestContext, pixel_id: str) -> Reply:
    return _click(ctx, _placement(ctx, pixel_id))


def _click(ctx: RequestContext, placement: Record) -> Reply:
    location = redirect.destination(placement)
    if location is None:
        raise ApiError(404, "Destination not set", "Set the placement's destinationUrl to an http(s) URL")
    _count(ctx, placement, "clicks")
    page = f'<!doctype html><title>Redirecting</title><a href="{escape(location)}">Continue</a>'.encode()
    return Reply(302, "text/html; charset=utf-8", page, {"Location": location, **NO_STORE})


def _placement(ctx: RequestContext, pixel_id: str) -> Record:
    pixel_row = ctx.table("pixels").lookup_credential(pixel_id)  # a pixel id in a URL is all a hit carries
    if pixel_row is None:
        raise ApiError(404, "Pixel not found", "Use a tracking URL from the placement's trackingUrls")
    placement = ctx.table("placements").get(pixel_row[OWNER], pixel_row["placementId"])
    assert placement is not None, "pixels are deleted with their placement"
    return placement


def _count(ctx: RequestContext, placement: Record, metric: str) -> None:
    """Record the hit unless it must not count: HEAD, a paused or expired placement, a crawler."""
    scope, clock = ctx.scope, ctx.state.clock
    # views.status, without reading the clock for the placements that have no end (most): every hit asks this
    if scope["method"] != "GET" or placement["status"] != "active":
        return
    if placement["endDate"] and views.status(placement, clock.now()) != "active":
        return
    visitor = visitors.identify(dict(scope["headers"]), (scope.get("client") or ("",))[0])
    if visitor is not None:
        traffic.record(ctx.table(traffic.TABLE), placement, traffic.day_number(clock.time()), metric, visitor)


def _is_navigation(headers: dict[bytes, bytes]) -> bool:
    """A followed link rather than an image load: by Sec-Fetch-Dest when the browser sends it, else by Accept."""
    dest = headers.get(b"sec-fetch-dest")
    if dest is not None:
        return dest.strip().lower() in NAVIGATIONS
    return b"text/html" in headers.get(b"accept", b"").lower()


# ---- fast routes: the gateway answers these before connexion; unusual requests are left to it (None).


# `p=<id>` alone, in characters no query parsing changes (no `%`, `+`, `&`): the id is what parse_qsl would give.
_PLAIN_QUERY = re.compile(rb"p=([A-Za-z0-9._~-]{1,%d})" % MAX_ID_LENGTH)


async def _pixel_by_query(ctx: RequestContext, match: re.Match[str]) -> Reply | None:
    query: bytes = ctx.scope["query_string"]
    plain = _PLAIN_QUERY.fullmatch(query)
    if plain is not None:  # what trackingUrls hand out: no parsing needed
        return await pixel(ctx, plain[1].decode("ascii"))
    # Parsed as Starlette parses it, so connexion would see the same value.
    ids = [value for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True) if name == "p"]
    if len(ids) != 1 or not 1 <= len(ids[0]) <= MAX_ID_LENGTH:
        return None  # missing, repeated, empty or too long: connexion validates it and answers 400
    return await pixel(ctx, ids[0])


async def _pixel_by_path(ctx: RequestContext, match: re.Match[str]) -> Reply:
    return await pixel(ctx, match["id"])


async def _image(ctx: RequestContext, match: re.Match[str]) -> Reply:
    return await image(ctx, match["id"])


async def _click_route(ctx: RequestContext, match: re.Match[str]) -> Reply:
    return await click(ctx, match["id"])


_ID = rf"(?P<id>[^/]{{1,{MAX_ID_LENGTH}}})"  # longer ids go to connexion, which answers 400
FAST_ROUTES = (
    FastRoute(re.compile(r"/api/track/pixel\.gif"), _pixel_by_query),
    FastRoute(re.compile(rf"/api/track/px/{_ID}"), _pixel_by_path),
    FastRoute(re.compile(rf"/api/track/img/{_ID}"), _image),
    FastRoute(re.compile(rf"/api/track/click/{_ID}"), _click_route),
)
