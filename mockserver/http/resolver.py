"""Maps each operationId of an API's spec to its handler and hands the handler the request context."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from connexion.resolver import Resolver
from starlette.datastructures import Headers, QueryParams

from .. import context
from ..api import ApiDefinition
from ..kit import spec
from ..kit.errors import ApiError
from ..kit.formats import respond
from . import framework, prefer

Handler = Callable[..., Awaitable[Any]]

# Context values connexion adds after security; handlers get the whole RequestContext instead.
_CONTEXT_KWARGS = ("user", "token_info")


def snake_case(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def endpoint(api: ApiDefinition, operation_id: str, handler: Handler) -> Callable[..., Awaitable[Any]]:
    """Wrap `handler(ctx, **params)` as a connexion view taking the validated params as keyword arguments.

    Between routing and the handler sit the mock's controls: injected faults and the `Prefer` header. They run here, after security and validation, so what they produce is still checked
    against the spec by response validation.
    """

    async def view(**params: Any) -> Any:
        for name in _CONTEXT_KWARGS:
            params.pop(name, None)
        ctx = context.of(framework.request_scope())
        assert ctx is not None
        if api.control:
            response = respond(await handler(ctx, **params))
        else:
            response = await _controlled(ctx, api, operation_id, handler, params)
        # Added here rather than by the gateway so that response validation sees the documented headers.
        response.headers.update(ctx.stamp_headers())
        ctx.sent(response.body, getattr(response, "source", None))  # validation.py skips parsing it back
        return response

    view.__name__ = handler.__name__
    return view


async def _controlled(ctx: Any, api: ApiDefinition, operation_id: str, handler: Handler, params: dict[str, Any]) -> Any:
    fault = ctx.state.faults.take(api.name, operation_id)
    if fault is not None:
        if fault.latencyMs:
            await asyncio.sleep(fault.latencyMs / 1000)
        if fault.status == 429:
            ctx.refuse()  # the same 429 as over the limit: Retry-After, body and X-RateLimit-* agree
        if fault.status is not None:
            raise ApiError(fault.status, HTTPStatus(fault.status).phrase, "Injected by the mock's fault controls")
    scope = framework.request_scope()
    query: bytes = scope["query_string"]
    # No preference stated: no Prefer header (ASGI names are lower case), no `__name` query (its underscores sent
    # as such or as %5F), so none of prefer's parsing.
    if (
        b"__" not in query
        and b"%5f" not in query.lower()
        and not any(name == b"prefer" for name, _ in scope["headers"])
    ):
        return respond(await handler(ctx, **params))
    preference = prefer.parse(Headers(scope=scope).get("prefer"), QueryParams(scope["query_string"]))
    if preference.code == 429 and "429" in spec.operation(api.spec_path, operation_id).get("responses", {}):
        ctx.refuse()
    if preference.any:
        return prefer.respond(spec.operation(api.spec_path, operation_id), preference, ctx.state.data.seed)
    return respond(await handler(ctx, **params))


def resolver_for(api: ApiDefinition) -> Resolver:
    """A connexion resolver for `api`; a missing handler fails at start-up, naming the operation."""

    def resolve(operation_id: str) -> Callable[..., Any]:
        name = snake_case(operation_id)
        handler = getattr(api.handlers, name, None)
        if handler is None:
            raise LookupError(f"{api.name}: operation {operation_id!r} has no handler {api.handlers.__name__}.{name}")
        return endpoint(api, operation_id, handler)

    return Resolver(resolve)
