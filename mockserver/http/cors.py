"""Cross-origin access for browser apps to the mocked APIs, as Prism allows by default; never to the control API."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Where ApiCors leaves word, in a request's scope, that the gateway is to put `Vary: Origin` on the answer it sends
# (`with_vary_origin`), so that a request without Origin costs no wrapper around `send`.
VARY_LATER = "mockserver.vary_origin"


class ApiCors:
    """Any origin may call the mocked APIs and read their headers (X-RateLimit-*, Retry-After, ...).

    The control API is left out: on loopback it needs no token, so allowing other origins would let any web page
    the developer opens reset or export the mock. With `leave_vary`, a request without Origin gets its
    `Vary: Origin` from the gateway (VARY_LATER): only where nothing between the two reads the answer's headers
    (a HAR recording does).
    """

    def __init__(
        self, app: ASGIApp, closed_prefixes: tuple[str, ...] = (), *, leave_vary: bool = False, **options: Any
    ) -> None:
        self.app = app
        self.closed = closed_prefixes
        self._closed_paths = frozenset(closed_prefixes)
        self._closed_under = tuple(prefix + "/" for prefix in closed_prefixes)
        self.leave_vary = leave_vary
        self.cors = CORSMiddleware(
            app, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"], expose_headers=["*"]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in self._closed_paths or path.startswith(self._closed_under):
            await self.app(scope, receive, send)
            return
        for name, _ in scope["headers"]:
            if name == b"origin":  # ASGI header names are lower case
                await self.cors(scope, receive, send)
                return
        if self.leave_vary:
            scope[VARY_LATER] = True
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, varying(send))


def with_vary_origin(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """All starlette's CORS layer does for a request without Origin (a preflight has one): `Vary: Origin` on the
    answer, so that no cache hands it to a cross-origin request. A new list; starlette's own merging of an existing
    Vary."""
    for name, _ in headers:
        if name.lower() == b"vary":
            message: Message = {"headers": list(headers)}
            vary = MutableHeaders(scope=message)
            vary["Vary"] = ", ".join([*vary.getlist("Vary"), "Origin"])
            return message["headers"]  # type: ignore[no-any-return]
    return [*headers, (b"vary", b"Origin")]


# id of a header list -> (that list, it with `Vary: Origin`): the constant answers' lists (a tracking pixel's) are
# the same object on every request, so theirs is built once; the list is held, so its id cannot be reused meanwhile.
_VARIED: dict[int, tuple[list[tuple[bytes, bytes]], list[tuple[bytes, bytes]]]] = {}
VARIED_KEPT = 64  # distinct lists kept; past it the cache starts again (answers built per request come and go)


def with_vary_origin_kept(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`with_vary_origin`, built once per header list that is sent again (callers never change what it returns)."""
    kept = _VARIED.get(id(headers))
    if kept is not None and kept[0] is headers:
        return kept[1]
    if len(_VARIED) >= VARIED_KEPT:
        _VARIED.clear()
    varied = with_vary_origin(headers)
    _VARIED[id(headers)] = (headers, varied)
    return varied


def varying(send: Send) -> Send:
    """`send` with `Vary: Origin` put on the answer (`with_vary_origin`), without starlette's request and header
    objects."""

    async def send_varying(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = with_vary_origin(message.get("headers", []))
        await send(message)

    return send_varying
