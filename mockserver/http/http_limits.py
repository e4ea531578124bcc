"""Size limits on the request target and headers, answered 414/431 in the API's error body before uvicorn's parser fails.

Left to itself, uvicorn (with httptools) takes headers of any size and gives up on a request target over 64 KiB
(the URL parser's offsets are 16-bit) with its own `400 text/plain "Invalid HTTP request received."`, outside any
API's error shape. This protocol counts the target and the headers as they arrive, and past the limit
the API's document states (`x-before-routing`) answers at once, in the error body of the API the path names, and
ends the connection (the rest of the request is read and dropped, so nothing reaches the app).
"""

from __future__ import annotations

import http
import uuid
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..api import ApiDefinition
from ..kit import errors, spec
from ..kit.errors import ApiError
from ..kit.spec import RequestLimits
from ..mockstate import MockState

# After refusing, the rest of the request is read and dropped for a while before closing: closing a socket with
# unread data makes the kernel send a reset, which can destroy the answer before the client reads it.
LINGER_SECONDS = 5.0
LINGER_BYTES = 4 * 1024 * 1024


class Limits:
    """Each API's limits as its document states them; for a path no API serves, or an API whose document states none
    (one defined outside the project), the strictest of them."""

    def __init__(self, apis: list[ApiDefinition]) -> None:
        stated = {api.name: spec.request_limits(spec.load(api.spec_path)) for api in apis}
        self._of = {name: found for name, found in stated.items() if found != RequestLimits()}
        targets = sorted((found.max_target_bytes, found.target_status) for found in self._of.values()
                         if found.max_target_bytes is not None)  # fmt: skip
        headers = sorted((found.max_header_bytes, found.header_status) for found in self._of.values()
                         if found.max_header_bytes is not None)  # fmt: skip
        self.strictest = RequestLimits(*(targets[0] if targets else (None, None)),
                                       *(headers[0] if headers else (None, None)))  # fmt: skip

    def of(self, api: ApiDefinition | None) -> RequestLimits:
        return self._of.get(api.name, self.strictest) if api is not None else self.strictest


def hint(limits: RequestLimits, status: int) -> str:
    if status == limits.target_status:
        return f"The request target (path and query) may be at most {limits.max_target_bytes} bytes; split long lists over requests"
    return f"The request headers may be at most {limits.max_header_bytes} bytes in all"


class _TooLarge(Exception):
    """Raised from a parser callback: httptools stops parsing, and uvicorn calls `send_400_response`."""


def protocol_for(state: MockState) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with the limits, answering in the error shapes of `state`'s APIs."""
    # An app that is no mock (a test's stand-in upstream) has no documents, so no limits but uvicorn's own.
    limits = Limits(list(getattr(state, "apis", {}).values()))
    # Below the strictest limits no request needs its API looked up: the common case costs one comparison.
    least = limits.strictest
    # A request's target and headers are never more bytes than its head on the wire: while the bytes received since
    # the last head was complete stay at or below this, nothing needs counting (so no per-header callback of ours
    # runs per request).
    stated = [n for n in (least.max_target_bytes, least.max_header_bytes) if n is not None]
    if not stated:
        return HttpToolsProtocol
    unchecked = min(stated)
    # uvicorn's own methods, called directly: `super()` builds a proxy object per call, and these run per request
    # (served, the protocol's share of a pixel hit; bench/tracking.py measures it).
    feed, headers_complete = HttpToolsProtocol.data_received, HttpToolsProtocol.on_headers_complete

    class LimitedHttpToolsProtocol(HttpToolsProtocol):
        # Bytes received since the last head was complete (its request's body, the next head so far, the rest of
        # the chunk it ended in): an upper bound on the current head's size, kept with one addition per chunk.
        _since = 0
        _chunk = 0  # the size of the chunk being parsed
        _refusal: int | None = None
        _dropped = 0

        def on_headers_complete(self) -> None:
            if self._since > unchecked:
                self._check()  # before the app is called with the request (and before uvicorn parses the target)
            self._since = self._chunk  # the next head, if it begins in this chunk, is at most the chunk
            headers_complete(self)

        def _check(self) -> None:
            """Refuse the request if its target or its headers so far, counted as on the wire, are over its API's
            limits (raised in a parser callback: httptools stops, and uvicorn calls `send_400_response`)."""
            header_bytes = sum(len(name) + len(value) + 4 for name, value in self.headers)  # ": " and CRLF
            refusal = limits.of(self._api()).refusal(len(self.url), header_bytes)
            if refusal is not None:
                self._refusal = refusal
                raise _TooLarge

        def _api(self) -> ApiDefinition | None:
            return state.router.api_for(self.url.split(b"?", 1)[0].decode("latin-1"))[0]

        def data_received(self, data: bytes) -> None:
            if self._refusal is None:
                self._chunk = size = len(data)
                self._since += size
                feed(self, data)
                # A head still arriving: refused as soon as what came of it is over the limit. (Past a complete
                # head, in a long body, this checks that head again, which passed: only bodies pay for it.)
                if self._since > unchecked and self._refusal is None:
                    try:
                        self._check()
                    except _TooLarge:
                        self.send_400_response("")
                return
            self._dropped += len(data)  # the refused request's remainder
            if self._dropped > LINGER_BYTES:
                self.transport.close()

        def send_400_response(self, msg: str) -> None:
            # uvicorn's answer to any parser error, here also to ours: a callback's exception stops the parser.
            if self._refusal is None:
                super().send_400_response(msg)
            else:
                self._refuse(self._refusal)

        def _refuse(self, status: int) -> None:
            # Behind requests still being answered (pipelined), HTTP answers in order: written now, the refusal
            # would be taken as their answer and cut them off. So it waits for the last of them (uvicorn's `cycle`
            # is the newest request's, pipelined or not), with nothing added to the requests that are not refused.
            last = self.cycle
            if last is None or last.response_complete:
                self._write_refusal(status)
                return
            answered = last.on_response

            def then_refuse() -> None:
                answered()
                self._unset_keepalive_if_required()  # the refusal ends the connection, not the keep-alive timer
                if not self.transport.is_closing():
                    self._write_refusal(status)

            last.on_response = then_refuse

        def _write_refusal(self, status: int) -> None:
            api = self._api()
            shape = api.errors if api is not None else errors.plain_shape()
            reply = errors.reply(shape, ApiError(status, shape.message_for(status), hint(limits.of(api), status)))
            headers = [*self.server_state.default_headers, *reply.raw_headers, (b"connection", b"close")]
            if api is not None and api.request_id_header is not None:
                headers.append((api.request_id_header.lower().encode(), str(uuid.uuid4()).encode()))
            head = f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n".encode()
            self.transport.write(head + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n"
                                 + reply.body)  # fmt: skip
            if self.transport.can_write_eof():
                self.transport.write_eof()  # the answer is complete; the client's close (or the timer) ends it
                self.loop.call_later(LINGER_SECONDS, self.transport.close)
            else:
                self.transport.close()

    return LimitedHttpToolsProtocol


def uvicorn_options(app: Any) -> dict[str, Any]:
    """What `uvicorn.run` / `uvicorn.Config` need besides host and port to serve a mock app with these limits."""
    return {"http": protocol_for(app.state)}
