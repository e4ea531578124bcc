"""Maps each operationId of an API's spec to its handler and hands the handler the request context."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from connexion import request
from connexion.resolver import Resolver

from .api import ApiDefinition
from .formats import respond

Handler = Callable[..., Awaitable[Any]]

# Context values connexion adds after security; handlers get the whole RequestContext instead.
_CONTEXT_KWARGS = ("user", "token_info")


def snake_case(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def endpoint(handler: Handler) -> Callable[..., Awaitable[Any]]:
    """Wrap `handler(ctx, **params)` as a connexion view taking the validated params as keyword arguments."""

    async def view(**params: Any) -> Any:
        for name in _CONTEXT_KWARGS:
            params.pop(name, None)
        ctx = request.scope["mockserver"]
        response = respond(await handler(ctx, **params))
        # Added here rather than by the gateway so that response validation sees the documented headers.
        response.headers.update(ctx.rate_headers())
        response.headers.update(ctx.request_id_headers())
        return response

    view.__name__ = handler.__name__
    return view


def resolver_for(api: ApiDefinition) -> Resolver:
    """A connexion resolver for `api`; a missing handler fails at start-up, naming the operation."""

    def resolve(operation_id: str) -> Callable[..., Any]:
        name = snake_case(operation_id)
        handler = getattr(api.handlers, name, None)
        if handler is None:
            raise LookupError(f"{api.name}: operation {operation_id!r} has no handler {api.handlers.__name__}.{name}")
        return endpoint(handler)

    return Resolver(resolve)
