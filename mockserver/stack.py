"""Connexion's innermost layer (the view decorators) built once per operation instead of once per request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.operations import AbstractOperation


class _OnceDecorator(StarletteDecorator):
    """connexion's StarletteDecorator, whose wrapper decorates the view anew on every call (inspecting its signature
    each time); this one decorates it once. What differs per request is read from connexion's context as before."""

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


def install(app: AsyncApp) -> None:
    """Swap the app's innermost ASGI app for ours; call before the first `add_api`."""
    inner = _App()
    app._middleware_app = inner
    app.middleware.app = inner
