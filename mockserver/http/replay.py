"""`serve --replay FILE.har`: a request that matches a recorded one (method, path, query, body) gets the recorded answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import context
from ..kit import har
from . import recording


class Replay:
    """Inside the gateway, so replayed answers are logged and count for coverage like any other.

    Recorded answers are used in the order they were recorded; once a request's are used up, its last one keeps
    answering, so a client that polls sees the final state. Requests the recording never saw go on to the mock.
    """

    def __init__(self, app: ASGIApp, path: Path) -> None:
        self.app = app
        self.entries = [(har.Key.of_entry(entry), entry) for entry in har.read(path)]
        self.used: set[int] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ctx = context.of(scope)
        if scope["type"] != "http" or ctx is None or not ctx.operation or ctx.api is None or ctx.api.control:
            await self.app(scope, receive, send)
            return
        messages, body = await _read(receive)
        exchange: recording.Exchange | None = scope.get(recording.EXCHANGE)
        path = exchange.path if exchange is not None and exchange.path else scope["path"]
        key = har.Key.of(scope["method"], path, scope.get("query_string", b"").decode("latin-1"), body)
        entry = self._take(key)
        if entry is None:
            await self.app(scope, _replaying(messages, receive), send)
            return
        headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in
                   har.pairs(entry["response"].get("headers", []))]  # fmt: skip
        await send({"type": "http.response.start", "status": int(entry["response"]["status"]), "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else har.response_body(entry)}
        )

    def _take(self, key: har.Key) -> dict[str, Any] | None:
        last = None
        for index, (recorded, entry) in enumerate(self.entries):
            if key.matches(recorded):
                if index not in self.used:
                    self.used.add(index)
                    return entry
                last = entry
        return last


async def _read(receive: Receive) -> tuple[list[Message], bytes]:
    messages, body = [], b""
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    return messages, body


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """The body already read, handed on to the app, then whatever else comes."""
    pending = list(messages)

    async def replaying_receive() -> Message:
        return pending.pop(0) if pending else await receive()

    return replaying_receive
