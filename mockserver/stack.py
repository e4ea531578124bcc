"""Connexion's per-request work that is the same for every request of an operation, done once: the view's
decorators, parameter name conversion, and the Swagger UI router pass for requests the gateway knows are operations."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from starlette.types import Receive, Scope, Send


class _ParameterDecorator(AsyncParameterDecorator):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Turning `siteId` into `site_id` runs regular expressions, for every parameter of every request.
        self.sanitize_fn = lru_cache(maxsize=4096)(self.sanitize_fn)


class _OnceDecorator(StarletteDecorator):
    """connexion's StarletteDecorator, whose wrapper decorates the view anew on every call (inspecting its signature
    each time); this one decorates it once. What differs per request is read from connexion's context as before."""

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _ParameterDecorator

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        decorated = self.decorate(function)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = self.framework.get_request(uri_parser=self.uri_parser, scope=scope, receive=receive)
            return await decorated(request)

        return wrapper


class _Operation(AsyncOperation):
    """An operation whose decorated view is built when it is registered (connexion builds it per request)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decorated = _OnceDecorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)

    @property
    def fn(self) -> Callable[..., Any]:
        return self._decorated


class _Api(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return _Operation.from_operation(operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)


class _App(AsyncASGIApp):
    api_cls = _Api


class _SwaggerUI(SwaggerUIMiddleware):
    """Serves each API's spec and Swagger UI; requests the gateway found to be operations skip its router (which
    would find nothing and pass them on)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ctx = scope.get("mockserver")
        if ctx is not None and ctx.operation:
            await self.app(scope.copy(), receive, send)
        else:
            await super().__call__(scope, receive, send)


def middlewares() -> list[Any]:
    """connexion's middleware stack with our Swagger UI layer, for AsyncApp(middlewares=...)."""
    return [_SwaggerUI if layer is SwaggerUIMiddleware else layer for layer in ConnexionMiddleware.default_middlewares]


def install(app: AsyncApp) -> None:
    """Swap the app's innermost ASGI app for ours; call before the first `add_api`."""
    inner = _App()
    app._middleware_app = inner
    app.middleware.app = inner
