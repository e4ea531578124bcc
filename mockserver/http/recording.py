"""What the request log and a HAR recording keep of each API request: query, masked headers, a body excerpt, its
operation and how it fitted the spec (the gateway notes the request, the error handlers a validation failure)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..kit import har, masking
from ..state import logentries
from ..state.logentries import BODY_EXCERPT
from ..state.requestlog import Pending

if TYPE_CHECKING:
    from ..api import ApiDefinition
    from ..context import RequestContext
    from ..mockstate import MockState

EXCHANGE = "mockserver.exchange"  # where a request's Exchange sits in its ASGI scope (shared by connexion's copies)
__all__ = ["BODY_EXCERPT", "Exchange", "Recorder", "log_answered", "note", "reject"]
# Refusals that mean "this request does not fit the spec", as opposed to auth (401/403) or the mock's own faults.
NOT_VALIDATION = frozenset({401, 403})


class Exchange:
    """One request as it passes: the Recorder fills in the bytes, `note` and `reject` what the pipeline learnt."""

    __slots__ = (
        "started", "wall", "body", "body_bytes", "keep_all", "status", "response_headers", "response_body", "noted",
        "api", "credential", "secrets", "timestamp", "method", "logged_path", "query_string", "headers",
        "duration_ms", "error", "path",
    )  # fmt: skip

    def __init__(self, *, keep_all: bool = False, path: str = "") -> None:
        self.started = time.perf_counter()
        self.wall = time.time()
        self.body = bytearray()  # the first BODY_EXCERPT bytes (all of them, `keep_all`)
        self.body_bytes = 0
        self.keep_all = keep_all  # a HAR recording keeps whole bodies, and the response's headers and body
        self.status = 0  # set by `note`: as the client got it
        self.response_headers: list[tuple[bytes, bytes]] = []
        self.response_body = bytearray()
        self.noted = False  # set by `note`, with what the log entry says of the request (below)
        self.api: ApiDefinition | None = None
        self.credential: str | None = None
        self.secrets: tuple[str, ...] = ()
        self.timestamp = 0.0
        self.method = ""
        self.logged_path = ""  # as the gateway routed it
        self.query_string = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.duration_ms = 0.0
        self.error: str | None = None  # set by `reject`
        self.path = path  # as the client sent it (the gateway rebases an alias to its API's base path)


def note(ctx: RequestContext, status: int) -> None:
    """The gateway's one logging call: `ctx`'s request is an API operation to log, as the pipeline saw it, answered
    with `status` (0: no answer began). The gateway sends what the Recorder passes on, nothing in between."""
    exchange: Exchange | None = ctx.scope.get(EXCHANGE)
    if exchange is None or ctx.api is None:
        return
    exchange.status = status
    scope = ctx.scope
    credential = ctx.principal.credential_id if ctx.principal else None
    exchange.api, exchange.credential = ctx.api, credential
    exchange.secrets = (credential,) if credential else ()
    exchange.timestamp = ctx.state.clock.time()  # one reading for both the entry's time and its timestamp
    # What the entry shows is worked out from these when it is read (`logentries.shown`): the values, as the request
    # had them.
    exchange.method, exchange.logged_path = scope["method"], scope["path"]
    exchange.query_string = scope.get("query_string", b"")
    exchange.headers = list(scope.get("headers", ()))
    exchange.noted = True


def log_answered(state: MockState, api: ApiDefinition, scope: Scope, status: int, started: float) -> None:
    """Log a request answered ahead of the Recorder (the gateway's `FastLane`, which no recording sees): the entry
    the Recorder makes of a noted request without a credential or body, its shown fields worked out when read.
    `started` is the `time.perf_counter()` reading the answer began at."""
    method, path = scope["method"], scope["path"]
    duration_ms = (time.perf_counter() - started) * 1000
    timestamp = state.clock.time()
    match = state.router.paths(api).match(method, path)  # below the API's base path: the lane takes no alias
    operation = match.operation_id if match is not None else None
    # The request's own header list and query, kept as they are: nothing changes them once it is answered.
    raw = logentries.raw(api.name, api.spec_path, api.base_path, method, path, status, None, timestamp, duration_ms,
                         scope["query_string"], scope["headers"], b"", 0, operation, None)  # fmt: skip
    state.log.add(Pending(api.name, method, status, operation, True, timestamp, raw))


def reject(scope: Scope, status: int, reason: str) -> None:
    """The error handlers' call: the request failed the spec's validation or routing (`reason` says how)."""
    exchange: Exchange | None = scope.get(EXCHANGE)
    if exchange is not None and status not in NOT_VALIDATION and status < 500:
        exchange.error = reason


class Recorder:
    """Outside the gateway: sees the bytes that come in and go out, and logs what the gateway noted."""

    def __init__(self, app: ASGIApp, state: MockState, recording: har.Writer | None = None) -> None:
        self.app = app
        self.state = state
        self.recording = recording

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = Exchange(keep_all=self.recording is not None, path=scope["path"])
        scope[EXCHANGE] = exchange

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                exchange.body_bytes += len(chunk)
                room = len(chunk) if exchange.keep_all else BODY_EXCERPT - len(exchange.body)
                exchange.body += chunk[: max(room, 0)]
            return message

        async def sending(message: Message) -> None:  # for a recording: what the log keeps comes from `note`
            if message["type"] == "http.response.start":
                exchange.response_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                exchange.response_body += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, receiving, sending if exchange.keep_all else send)
        finally:
            if exchange.noted and exchange.status:
                self._log(exchange, scope)

    def _log(self, exchange: Exchange, scope: Scope) -> None:
        api = exchange.api
        assert api is not None
        match = self.state.router.match(exchange.method, exchange.logged_path)[1]  # remembered per (method, path)
        operation = match.operation_id if match is not None else None
        exchange.duration_ms = (time.perf_counter() - exchange.started) * 1000
        valid = exchange.error is None
        raw = logentries.raw(api.name, api.spec_path, api.base_path, exchange.method, exchange.logged_path,
                             exchange.status, exchange.credential, exchange.timestamp, exchange.duration_ms,
                             exchange.query_string, exchange.headers, exchange.body, exchange.body_bytes, operation,
                             exchange.error)  # fmt: skip
        self.state.log.add(
            Pending(api.name, exchange.method, exchange.status, operation, valid, exchange.timestamp, raw)
        )
        if self.recording is not None:
            headers = logentries.masked_headers(api.spec_path, exchange.headers, exchange.secrets)
            query = logentries.masked_query(exchange.query_string, exchange.secrets)
            self.recording.add(
                har.Exchange(
                    started=exchange.wall, duration_ms=exchange.duration_ms, method=exchange.method,
                    url=_url(scope, masking.mask_secrets(exchange.path, exchange.secrets), query), request_headers=headers,
                    request_body=masking.mask_secrets(bytes(exchange.body).decode("utf-8", "replace"),
                                                      exchange.secrets).encode("utf-8"),
                    status=exchange.status,
                    response_headers=[(name.decode("latin-1"), value.decode("latin-1"))
                                      for name, value in exchange.response_headers],
                    response_body=bytes(exchange.response_body),
                )
            )  # fmt: skip


def _url(scope: Scope, path: str, query: list[tuple[str, str]]) -> str:
    host = next((value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"host"), "localhost")
    return f"{scope.get('scheme', 'http')}://{host}{path}" + (f"?{urlencode(query)}" if query else "")
