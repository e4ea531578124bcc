"""Errors: one exception type for handlers, and the translation of connexion's own errors into each API's error body.

    ApiError            raised by handlers, auth and rate limiting; carries status, message, hint, extra
                        fields and headers. Rendered in the error shape of the API that served the request.
    connexion problems  (validation 400, missing credentials 401, router 404/405, 415, response
                        validation 500) are caught by `install` and rendered the same way.
    reply               the same rendering as a finished Reply, for the gateway (outside connexion's error handling).

An API whose statuses differ from these (e.g. validation failures as 422) says so in its ErrorShape's `statuses`.

Each API declares its shape as an `ErrorShape` (BannerTrackr {"error","hint"}, Adsterra {"code","message","data"}, ...);
this module never knows the shapes, only how to ask for one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from connexion.lifecycle import ConnexionResponse

from .formats import JSON, Reply


class ApiError(Exception):
    """An HTTP error with a message for the client; `extra` adds API-specific fields (e.g. `limit`, `current`)."""

    def __init__(
        self,
        status: int,
        message: str,
        hint: str | None = None,
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status  # connexion's security layer reads `.status` to pick the most specific error
        self.message = message
        self.hint = hint
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class ErrorShape:
    """How one API spells an error: `body(status, message, hint, extra)` returns the JSON body."""

    body: Callable[[int, str, str | None, Mapping[str, Any]], dict[str, Any]]
    # What to say when connexion rejects a request before any handler runs, per status.
    messages: Mapping[int, str] = field(default_factory=dict)
    # Statuses this API answers instead of the shared layers' ones, e.g. {400: 422} where the API reports
    # validation failures as 422: connexion's problems and the shared modules' ApiErrors are renamed on the way out.
    statuses: Mapping[int, int] = field(default_factory=dict)

    def status(self, status: int) -> int:
        return self.statuses.get(status, status)

    def message_for(self, status: int) -> str:
        status = self.status(status)
        return self.messages.get(status) or HTTPStatus(status).phrase


def plain_shape() -> ErrorShape:
    """The shape used outside any API (unknown paths, the index page)."""
    return ErrorShape(body=lambda status, message, hint, extra: {"error": message, **({"hint": hint} if hint else {})})


def reply(shape: ErrorShape, error: ApiError) -> Reply:
    """The error as a finished response in `shape` (what the gateway sends for fast routes)."""
    status = shape.status(error.status)
    body = json.dumps(shape.body(status, error.message, error.hint, error.extra)).encode()
    return Reply(status, JSON, body, error.headers)


def render(shape: ErrorShape, error: ApiError) -> ConnexionResponse:
    return reply(shape, error).response()
