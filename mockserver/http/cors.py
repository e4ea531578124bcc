"""Cross-origin access for browser apps to the mocked APIs, as Prism allows by default; never to the control API."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ApiCors:
    """Any origin may call the mocked APIs and read their headers (X-RateLimit-*, Retry-After, ...).

    The control API is left out: on loopback it needs no token, so allowing other origins would let any web page
    the developer opens reset or export the mock.
    """

    def __init__(self, app: ASGIApp, closed_prefixes: tuple[str, ...] = (), **options: Any) -> None:
        self.app = app
        self.closed = closed_prefixes
        self.cors = CORSMiddleware(
            app, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"], expose_headers=["*"]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(scope["path"] == p or scope["path"].startswith(p + "/") for p in self.closed):
            await self.app(scope, receive, send)
        elif any(name == b"origin" for name, _ in scope["headers"]):  # ASGI header names are lower case
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, _vary_origin(send))


def _vary_origin(send: Send) -> Send:
    """All starlette's CORS layer does for a request without Origin (a preflight has one): `Vary: Origin` on the
    answer, so that no cache hands it to a cross-origin request. Without its request and header objects."""

    async def send_varying(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers", [])
            if any(name.lower() == b"vary" for name, _ in headers):
                vary = MutableHeaders(scope=message)  # starlette's own merging of an existing Vary
                vary["Vary"] = ", ".join([*vary.getlist("Vary"), "Origin"])
            else:
                message["headers"] = [*headers, (b"vary", b"Origin")]
        await send(message)

    return send_varying
