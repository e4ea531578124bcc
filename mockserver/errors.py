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
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from . import context
from .formats import JSON, Reply

log = logging.getLogger(__name__)


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


def _shape_of(request: ConnexionRequest) -> ErrorShape:
    ctx = context.of(request.scope)
    return ctx.api.errors if ctx is not None and ctx.api is not None else plain_shape()


def _from_problem(request: ConnexionRequest, exc: Exception) -> ApiError:
    status = int(getattr(exc, "status_code", None) or getattr(exc, "status", 500))
    detail = getattr(exc, "detail", None)
    hint = detail if isinstance(detail, str) and detail and detail != HTTPStatus(status).phrase else None
    headers = dict(getattr(exc, "headers", None) or {})
    if status == 405:
        # Starlette lists only the first matching route's methods; the spec knows them all.
        ctx = context.of(request.scope)
        if ctx is not None and ctx.api is not None:
            headers["Allow"] = ", ".join(ctx.state.router.allowed_methods(ctx.api, request.url.path)) or headers.get("Allow", "")
    if status >= 500:
        log.error("server error on %s %s: %s", request.method, request.url.path, exc)
    return ApiError(status, _shape_of(request).message_for(status), hint, headers=headers)


async def _api_error(request: ConnexionRequest, exc: ApiError) -> ConnexionResponse:
    return render(_shape_of(request), exc)


async def _problem(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    # Keeps exc.headers: a 405 must carry `Allow`.
    return render(_shape_of(request), _from_problem(request, exc))


async def _undecodable(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    # connexion lets a non-UTF-8 JSON body escape as UnicodeDecodeError (a 500); it is the client's fault.
    return render(_shape_of(request), ApiError(400, _shape_of(request).message_for(400), "Request body is not valid UTF-8"))


async def _unhandled(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return render(_shape_of(request), ApiError(500, _shape_of(request).message_for(500)))


def install(app: Any) -> None:
    """Register the handlers on a connexion app; every error then leaves in its API's shape."""
    app.add_error_handler(ApiError, _api_error)
    app.add_error_handler(ProblemException, _problem)
    app.add_error_handler(HTTPException, _problem)
    app.add_error_handler(UnicodeDecodeError, _undecodable)
    app.add_error_handler(Exception, _unhandled)
