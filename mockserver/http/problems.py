"""Connexion's own errors, and any a handler did not expect, answered in the error body of the API they happened in."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from .. import context
from ..kit.errors import ApiError, ErrorShape, plain_shape, render
from . import recording

log = logging.getLogger(__name__)


def _shape_of(request: ConnexionRequest) -> ErrorShape:
    ctx = context.of(request.scope)
    return ctx.api.errors if ctx is not None and ctx.api is not None else plain_shape()


def _from_problem(request: ConnexionRequest, exc: Exception) -> ApiError:
    status = int(getattr(exc, "status_code", 0) or getattr(exc, "status", 0) or 500)
    detail = getattr(exc, "detail", None)
    hint = detail if isinstance(detail, str) and detail and detail != HTTPStatus(status).phrase else None
    headers = dict(getattr(exc, "headers", None) or {})
    if status == 405:
        # Starlette lists only the first matching route's methods; the spec knows them all.
        ctx = context.of(request.scope)
        if ctx is not None and ctx.api is not None:
            headers["Allow"] = ", ".join(ctx.state.router.allowed_methods(ctx.api, request.url.path)) or headers.get(
                "Allow", ""
            )
    if status >= 500:
        log.error("server error on %s %s: %s", request.method, request.url.path, exc)
    return ApiError(status, _shape_of(request).message_for(status), hint, headers=headers)


async def _api_error(request: ConnexionRequest, exc: ApiError) -> ConnexionResponse:
    return render(_shape_of(request), exc)


async def _problem(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    # Keeps exc.headers: a 405 must carry `Allow`.
    error = _from_problem(request, exc)
    recording.reject(request.scope, error.status, error.hint or error.message)  # the log's validation outcome
    return render(_shape_of(request), error)


async def _undecodable(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    # connexion lets a non-UTF-8 JSON body escape as UnicodeDecodeError (a 500); it is the client's fault.
    recording.reject(request.scope, 400, "Request body is not valid UTF-8")
    return render(
        _shape_of(request), ApiError(400, _shape_of(request).message_for(400), "Request body is not valid UTF-8")
    )


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
