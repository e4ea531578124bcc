"""Cross-origin access for browser apps to the mocked APIs, as Prism allows by default; never to the control API."""

from __future__ import annotations

from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


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
        else:
            await self.cors(scope, receive, send)
