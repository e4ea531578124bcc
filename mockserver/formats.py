"""Turns what a handler returns into a response with an explicit Content-Type (the one place bodies are serialised)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from connexion.lifecycle import ConnexionResponse

JSON = "application/json"


@dataclass(frozen=True)
class Reply:
    """A finished response: status, content type, body bytes and extra headers, with nothing left to serialise.

    Fast routes (`api.FastRoute`) return these and the gateway sends them as they are; the connexion handler of
    the same operation returns the same object, which `respond` turns into a ConnexionResponse. Constant replies
    (a tracking pixel) are built once, so the hot path allocates nothing for them.
    """

    status: int
    content_type: str
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The ASGI header list: Content-Type, Content-Length, then `headers`."""
        return [
            (b"content-type", self.content_type.encode("latin-1")),
            (b"content-length", str(len(self.body)).encode()),
            *((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers.items()),
        ]

    def response(self) -> ConnexionResponse:
        return ConnexionResponse(
            status_code=self.status,
            body=self.body,
            content_type=self.content_type,
            mimetype=self.content_type.split(";", 1)[0],
            headers=dict(self.headers),
        )


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> ConnexionResponse:
    # Explicit content type: connexion answers 500 when an operation declares several and the handler names none.
    return ConnexionResponse(
        status_code=status,
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        content_type=JSON,
        mimetype=JSON,
        headers=headers or {},
    )


def respond(result: Any) -> ConnexionResponse:
    """A handler returns a body (200), a (body, status) pair, a Reply, or a finished ConnexionResponse."""
    if isinstance(result, ConnexionResponse):
        return result
    if isinstance(result, Reply):
        return result.response()
    if isinstance(result, tuple):
        body, status = result
        return json_response(body, status)
    return json_response(result)
