"""A transparent ASGI wrapper that forwards every request as sent, unless a breakage rewrites a request or an answer.

The mutation catalogue (mutations.py) uses it to turn the mock into a realistically broken implementation, one
defect at a time, without touching the mock's code: what the contract suite sees is only what crosses the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode


@dataclass(frozen=True)
class Call:
    """A request as the wrapper sees it: method, path (under the API's mount), query pairs, lower-case headers."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str] = field(default_factory=dict)

    def param(self, name: str) -> str | None:
        return next((value for key, value in self.query if key == name), None)

    def with_query(self, **changes: str | None) -> Call:
        """The same call with query parameters set (None: removed)."""
        kept = [(key, value) for key, value in self.query if key not in changes]
        return replace(self, query=(*kept, *((key, value) for key, value in changes.items() if value is not None)))

    def with_header(self, name: str, value: str) -> Call:
        return replace(self, headers={**self.headers, name.lower(): value})


@dataclass
class Answer:
    """A response as the wrapper sees it; `headers` keep their order and repeats."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)

    def set_header(self, name: str, value: str | None) -> None:
        self.headers = [(key, old) for key, old in self.headers if key != name.lower()]
        if value is not None:
            self.headers.append((name.lower(), value))


@dataclass(frozen=True)
class Defect:
    """What a breakage changes: the request before it is forwarded, the answer after, or both.

    `request` returns the call to forward instead (or the same one; a DELETE forwarded as a GET deletes nothing);
    `respond` may change the answer in place, knowing the call as the client sent it. Either may be None.
    """

    request: Callable[[Call], Call] | None = None
    respond: Callable[[Call, Answer], None] | None = None


class Wrapper:
    """ASGI app in front of `app`; with no defect (or one that changes nothing) it is byte-for-byte transparent."""

    def __init__(self, app: Any, defect: Defect | None = None, mount: str = "") -> None:
        self.app, self.defect, self.mount = app, defect or Defect(), mount

    def __getattr__(self, name: str) -> Any:
        # Serving reads the mock's `state` (the size limits answer in each API's error body): the wrapped mock's.
        return getattr(self.app, name)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.mount):
            await self.app(scope, receive, send)
            return
        call = _call(scope, self.mount)  # as the client sent it: what `respond` is told
        if self.defect.request is not None:
            changed = self.defect.request(call)
            if changed != call:
                scope = _scope(scope, changed, self.mount)
        if self.defect.respond is None:
            await self.app(scope, receive, send)
            return
        answer = Answer(0, [], b"")

        async def collect(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer.status = message["status"]
                answer.headers = [
                    (key.decode("latin-1").lower(), value.decode("latin-1"))
                    for key, value in message.get("headers", [])
                ]
            elif message["type"] == "http.response.body":
                answer.body += message.get("body", b"")

        await self.app(scope, receive, collect)
        self.defect.respond(call, answer)
        answer.set_header("content-length", str(len(answer.body)))
        raw = [(key.encode("latin-1"), value.encode("latin-1")) for key, value in answer.headers]
        await send({"type": "http.response.start", "status": answer.status, "headers": raw})
        await send({"type": "http.response.body", "body": answer.body})


def _call(scope: dict[str, Any], mount: str) -> Call:
    query = tuple(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
    headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope.get("headers", [])}
    return Call(scope["method"], scope["path"][len(mount) :], query, headers)


def _scope(scope: dict[str, Any], call: Call, mount: str) -> dict[str, Any]:
    path = mount + call.path
    return {
        **scope,
        "method": call.method,
        "path": path,
        "raw_path": path.encode("utf-8"),
        "query_string": urlencode(call.query).encode("latin-1"),
        "headers": [(key.encode("latin-1"), value.encode("latin-1")) for key, value in call.headers.items()],
    }
