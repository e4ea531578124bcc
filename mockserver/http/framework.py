"""The one seam to connexion's internals: every private name the mock relies on is used here, and listed in RELIES_ON."""

from __future__ import annotations

import codecs
import contextlib
import copy
import inspect
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator, Mapping, MutableMapping
from functools import cache, lru_cache
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import _context, _receive, _scope
from connexion.context import (
    _operation as _operation_var,
)  # the variable behind that proxy, which ContextOperation sets
from connexion.context import operation as _operation
from connexion.datastructures import MediaTypeDict
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    AsyncParameterDecorator,
    _get_body_argument,
    _get_query_defaults,
    _get_val_from_param,
    unwrap_decorators,
)
from connexion.decorators.response import AsyncResponseDecorator
from connexion.exceptions import OAuthProblem, OAuthResponseProblem
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.json_schema import NullableTypeValidator
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware.abstract import ROUTING_CONTEXT, RoutedMiddleware
from connexion.middleware.context import ContextOperation
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.request_validation import RequestValidationOperation
from connexion.middleware.response_validation import ResponseValidationOperation
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.security import SecurityOperation
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from connexion.security import NO_VALUE, ApiKeySecurityHandler, BearerSecurityHandler
from connexion.spec import OpenAPISpecification
from connexion.utils import deep_merge, inspect_function_arguments, is_json_mimetype, split_content_type
from connexion.utils import is_null as is_null  # connexion's reading of a null parameter value
from connexion.utils import is_nullable as is_nullable  # ... and of `nullable` on a parameter
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator, JSONResponseBodyValidator, ParameterValidator
from connexion.validators import TextResponseBodyValidator as _TextResponseBodyValidator
from jsonschema import Draft4Validator
from jsonschema.validators import extend
from starlette._exception_handler import _lookup_exception_handler
from starlette._utils import is_async_callable
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.responses import Response as StarletteResponse
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# What this module uses of connexion beyond its public app API: dotted name -> the parameters it must take (None: it
# must exist). tests/test_framework.py checks each, so a connexion upgrade that moves one fails there, by name.
RELIES_ON: dict[str, tuple[str, ...] | None] = {
    "connexion.apps.asynchronous.AsyncApi.make_operation": ("self", "operation"),
    "connexion.apps.asynchronous.AsyncASGIApp.api_cls": None,
    "connexion.apps.asynchronous.AsyncOperation.from_operation": None,
    "connexion.apps.asynchronous.AsyncOperation.fn": None,
    "connexion.apps.asynchronous.AsyncOperation._fn": None,
    "connexion.apps.asynchronous.AsyncOperation.pythonic_params": None,
    "connexion.apps.asynchronous.AsyncOperation.jsonifier": None,
    "connexion.apps.abstract.AbstractApp._middleware_app": None,
    "connexion.apps.abstract.AbstractApp.middleware": None,
    "connexion.context._receive": None,
    "connexion.context._operation": None,  # what ContextOperation sets, and _ViewStep in its place
    "connexion.context._context": None,  # what connexion's `context` proxy reads: security's user and token_info
    "connexion.decorators.parameter._get_body_argument": (
        "body",
        "operation",
        "arguments",
        "has_kwargs",
        "sanitize",
        "content_type",
    ),
    "connexion.decorators.parameter._get_query_defaults": ("query_definitions",),
    "connexion.decorators.parameter._get_val_from_param": ("value", "param_definitions"),
    "connexion.decorators.parameter.unwrap_decorators": ("function",),
    "connexion.decorators.parameter.CONTEXT_NAME": None,
    "connexion.decorators.response.AsyncResponseDecorator.build_framework_response": ("self", "handler_response"),
    "connexion.frameworks.starlette.Starlette.connexion_to_framework_response": ("response",),
    "connexion.lifecycle.ConnexionRequest.get_body": ("self",),
    "connexion.lifecycle.ConnexionRequest.mimetype": None,
    "connexion.lifecycle.ConnexionRequest.path_params": None,
    "connexion.lifecycle.ConnexionRequest.query_params": None,
    "connexion.operations.AbstractOperation.method": None,
    "connexion.utils.deep_merge": ("a", "b"),
    "connexion.utils.is_json_mimetype": ("mimetype",),
    "connexion.lifecycle.ConnexionRequest.content_type": None,
    "connexion.context._scope": None,
    "connexion.datastructures.MediaTypeDict": None,
    "connexion.decorators.StarletteDecorator.decorate": ("self", "function"),
    "connexion.decorators.StarletteDecorator._parameter_decorator_cls": None,
    "connexion.decorators.StarletteDecorator.framework": None,
    "connexion.decorators.StarletteDecorator.uri_parser": None,
    "connexion.decorators.parameter": None,  # the logger quiet_unknown_parameters quiets
    "connexion.decorators.parameter.AsyncParameterDecorator.sanitize_fn": None,
    "connexion.decorators.parameter.AsyncParameterDecorator._maybe_get_body": (
        "self",
        "request",
        "arguments",
        "has_kwargs",
    ),
    "connexion.context.operation": None,
    "connexion.operations.AbstractOperation.is_request_body_defined": None,
    "connexion.operations.AbstractOperation.body_name": ("self", "content_type"),  # what _BodyDefinitions keeps
    "connexion.operations.AbstractOperation.body_schema": ("self", "content_type"),
    "connexion.frameworks.starlette.Starlette.get_request": ("uri_parser", "scope", "receive"),
    "connexion.json_schema.NullableTypeValidator": None,
    "connexion.middleware.abstract.ROUTING_CONTEXT": None,
    "connexion.middleware.abstract.RoutedMiddleware.apis": None,  # base path -> its APIs, each with `operations`
    "connexion.middleware.abstract.RoutedMiddleware.app": None,
    "connexion.middleware.exceptions.ExceptionMiddleware._exception_handlers": None,  # set by starlette's __init__
    "connexion.middleware.exceptions.ExceptionMiddleware._status_handlers": None,
    "connexion.middleware.lifespan.LifespanMiddleware": None,
    "connexion.middleware.main.ConnexionMiddleware.middleware_stack": None,
    "connexion.middleware.security.SecurityOperation.next_app": None,
    "connexion.middleware.security.SecurityOperation.security": None,
    "connexion.middleware.security.SecurityOperation.verification_fn": None,
    "connexion.middleware.security.SecurityOperation.security_schemes": None,
    "connexion.middleware.security.SecurityOperation.security_handler_factory": None,
    "connexion.security.SecurityHandlerFactory.security_handlers": None,
    "connexion.security.NO_VALUE": None,
    "connexion.lifecycle.ConnexionRequest.context": None,
    "connexion.lifecycle.ConnexionRequest._path_params": None,  # what its path_params property caches (_Request)
    "connexion.lifecycle.ConnexionRequest._query_params": None,
    "connexion.lifecycle.ConnexionRequest._starlette_request": None,
    "connexion.uri_parsing.OpenAPIURIParser.resolve_path": ("self", "path_data"),
    "connexion.uri_parsing.OpenAPIURIParser.resolve_query": ("self", "query_data"),
    "connexion.validators.ParameterValidator.validate_request": ("self", "request"),
    "connexion.lifecycle.ConnexionRequest.__init__": ("self", "uri_parser"),
    "connexion.middleware.request_validation.RequestValidationOperation.next_app": None,
    "connexion.middleware.response_validation.ResponseValidationOperation.next_app": None,
    "connexion.middleware.context.ContextOperation.next_app": None,
    "connexion.middleware.context.ContextOperation.operation": None,
    "connexion.operations.AbstractOperation.uri_parser_class": None,
    "connexion.operations.AbstractOperation.parameters": None,
    "connexion.operations.AbstractOperation.body_definition": None,
    "connexion.middleware.request_validation.RequestValidationOperation._operation": None,
    "connexion.middleware.request_validation.RequestValidationOperation._validator_map": None,
    "connexion.middleware.request_validation.RequestValidationOperation.strict_validation": None,
    "connexion.middleware.request_validation.RequestValidationOperation.security_query_params": None,
    "connexion.middleware.request_validation.RequestValidationOperation.validate_mime_type": ("self", "mime_type"),
    "connexion.middleware.response_validation.ResponseValidationOperation._operation": None,
    "connexion.middleware.response_validation.ResponseValidationOperation._validator_map": None,
    "connexion.middleware.response_validation.ResponseValidationOperation.validate_mime_type": ("self", "mime_type"),
    "connexion.middleware.response_validation.ResponseValidationOperation.validate_required_headers": (
        "headers",
        "response_definition",
    ),
    "connexion.operations.AbstractOperation._uri_parser_class": None,
    "connexion.utils.split_content_type": ("content_type",),
    "connexion.decorators.main.BaseDecorator.uri_parser": None,
    "starlette._exception_handler._lookup_exception_handler": ("exc_handlers", "exc"),
    "starlette._utils.is_async_callable": ("obj",),
    "connexion.middleware.main.ConnexionMiddleware.app": None,
    "connexion.middleware.main.ConnexionMiddleware.default_middlewares": None,
    "connexion.middleware.routing.RoutingMiddleware.router": None,  # starlette Mounts of Routes to RoutingOperations
    "connexion.middleware.routing.RoutingMiddleware.app": None,  # what RoutingOperation calls next
    "connexion.middleware.routing.RoutingOperation.operation_id": None,
    "connexion.middleware.swagger_ui.SwaggerUIMiddleware.app": None,
    "connexion.operations.AbstractOperation": None,
    "connexion.security.ApiKeySecurityHandler._resolve_func": ("self", "security_scheme"),
    "connexion.security.BearerSecurityHandler._resolve_func": ("self", "security_scheme"),
    "connexion.security.AbstractSecurityHandler._accepts_kwarg": ("func", "keyword"),
    "connexion.spec.OpenAPISpecification._validate_spec": ("spec",),
    "connexion.spec.OpenAPISpecification.openapi_schema": None,
    "connexion.utils.inspect_function_arguments": ("function",),
    "connexion.utils.is_null": ("value",),
    "connexion.utils.is_nullable": ("param_def",),
    "connexion.validators.VALIDATOR_MAP": None,
    "connexion.validators.ParameterValidator.validate_parameter": ("parameter_type", "value", "param", "param_name"),
    "connexion.validators.JSONRequestBodyValidator._parse": ("self", "stream", "scope"),
    "connexion.validators.JSONRequestBodyValidator._validate": ("self", "body"),
    "connexion.validators.JSONRequestBodyValidator._validator": None,
    "connexion.validators.JSONRequestBodyValidator._schema": None,
    "connexion.validators.JSONRequestBodyValidator._encoding": None,
    "connexion.validators.JSONResponseBodyValidator._parse": ("self", "stream"),
    # _ResponseStep does what its wrap_send does (hold the messages, parse and validate the body, send them on)
    "connexion.validators.abstract.AbstractResponseBodyValidator.wrap_send": ("self", "send"),
    "connexion.validators.abstract.AbstractResponseBodyValidator._validate": ("self", "body"),
    "connexion.validators.abstract.AbstractResponseBodyValidator._parse": ("self", "stream"),
    "connexion.validators.JSONResponseBodyValidator._validate": ("self", "body"),
    "connexion.validators.JSONResponseBodyValidator._schema": None,
    "connexion.validators.JSONResponseBodyValidator._scope": None,
    "connexion.validators.TextResponseBodyValidator": None,
}

# The checker instance connexion's validators check string formats with (so ours must be registered on it).
FORMAT_CHECKER = Draft4Validator.FORMAT_CHECKER
# How connexion checks a spec's `default` values against their schema (OpenAPI's `nullable` understood).
DefaultsValidator = extend(Draft4Validator, {"type": NullableTypeValidator})
OPENAPI_SCHEMA: dict[str, Any] = (
    OpenAPISpecification.openapi_schema
)  # the OpenAPI 3.0 schema connexion checks specs with
connexion_parameter_error = ParameterValidator.validate_parameter  # connexion's verdict on one parameter (None: valid)


# ---- once per operation what connexion does per request (the view's decorators, parameter names)


class _ParameterDecorator(AsyncParameterDecorator):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Turning `siteId` into `site_id` runs regular expressions, for every parameter of every request.
        self.sanitize_fn = lru_cache(maxsize=4096)(self.sanitize_fn)  # type: ignore[has-type]

    def _maybe_get_body(self, request: Any, *, arguments: list[str], has_kwargs: bool) -> Any:
        # The mock's views take **params, so connexion reads and parses the body of every request, a GET's too.
        # Without a body to read (no Content-Length or a zero one, no Transfer-Encoding) for an operation that
        # defines none, connexion's reading comes to nothing its arguments use: it drops the body of such an operation.
        if not _operation.is_request_body_defined and not _sends_body(request.scope["headers"]):
            return None
        return super()._maybe_get_body(request, arguments=arguments, has_kwargs=has_kwargs)


def _sends_body(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if (name == b"content-length" and value.strip().lstrip(b"0")) or name == b"transfer-encoding":
            return True
    return False


class _OnceDecorator(StarletteDecorator):
    """connexion's StarletteDecorator, whose wrapper decorates the view anew on every call (inspecting its signature
    each time); this one decorates it once. What differs per request is read from connexion's context as before."""

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _ParameterDecorator

    @property
    def uri_parser(self) -> Any:
        # connexion builds the operation's URI parser (from its parameter definitions, through its context proxies)
        # for every request; it holds nothing but those definitions, and one decorator serves one operation.
        parser = self.__dict__.get("_uri_parser")
        if parser is None:
            parser = self.__dict__["_uri_parser"] = super().uri_parser
        return parser

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        decorated = self.decorate(function)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            # The values, not connexion's proxies of them: through a proxy each of the request's many reads of
            # its scope went through werkzeug's LocalProxy machinery.
            scope = _scope.get()
            request = scope.pop(_SHARED_REQUEST, None)  # the compiled chain's, when its receive is still this one
            if request is None:
                request = self.framework.get_request(uri_parser=self.uri_parser, scope=scope, receive=_receive.get())
            return await decorated(request)

        return wrapper


# Where the compiled chain leaves the one request object its security, parameter validation and view share.
_SHARED_REQUEST = "mockserver.connexion_request"
# ... and the JSON body its request validation parsed, for the view (RequestBodyValidator._parse).
_PARSED_BODY = "mockserver.parsed_body"


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


def request_scope() -> Scope:
    """The ASGI scope of the request connexion is handling (the value, not connexion's `request` proxy, which
    builds a new request object on every attribute read)."""
    found: Scope = _scope.get()
    return found


def install(app: AsyncApp) -> None:
    """Swap the app's innermost ASGI app for one that decorates each view once; call before the first `add_api`."""
    inner = _App()
    app._middleware_app = inner
    app.middleware.app = inner


def middlewares(skip_swagger_ui: Callable[[Scope], bool], *, route_once: bool = True) -> list[Any]:
    """connexion's middleware stack for AsyncApp(middlewares=...), whose Swagger UI layer passes requests for which
    `skip_swagger_ui(scope)` is true straight on (its router would find nothing in them and pass them on anyway),
    and whose routing layer, with `route_once`, finds an operation as starlette's router would, once per path."""

    class SwaggerUI(SwaggerUIMiddleware):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if skip_swagger_ui(scope):
                await self.app(dict(scope), receive, send)
            else:
                await super().__call__(scope, receive, send)

    layers = {SwaggerUIMiddleware: SwaggerUI, RoutingMiddleware: _RouteOnce if route_once else RoutingMiddleware}
    return [layers.get(layer, layer) for layer in ConnexionMiddleware.default_middlewares]


# (method, path) -> (the operation's API base path, operationId, path parameters) for paths seen before.
_Routed = tuple[str, str, dict[str, Any]]
ROUTES_REMEMBERED = 4096


class _RouteOnce(RoutingMiddleware):
    """connexion's routing layer without starlette's walk through every route of every API on every request.

    Starlette's router tries each mounted API's routes in turn, building a scope per candidate; with five APIs'
    specs that was ~60 route matches per request. Here the same routes, in the same order, with the same
    patterns and convertors, decide once per (method, path): the first API mount whose pattern matches, then its
    first route that matches both path and method (starlette's FULL match). The operation is then attached to
    the scope exactly as connexion's RoutingOperation does. Anything else (no route, a method another route has,
    a root_path) goes through connexion's router as before, which answers 404s, 405s and redirects.
    """

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self._seen: dict[tuple[str, str], _Routed | None] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routed = self._route(scope) if scope["type"] == "http" and not scope.get("root_path") else None
        if routed is None:
            await super().__call__(scope, receive, send)
            return
        await self.app(_routed_scope(scope, routed), receive, send)

    def _route(self, scope: Scope) -> _Routed | None:
        seen = self._seen
        key = (scope["method"], scope["path"])
        if key not in seen:
            if len(seen) >= ROUTES_REMEMBERED:
                seen.clear()  # ids vary without end; the hot paths are found again at once
            seen[key] = self._find(*key)
        found = seen[key]
        return None if found is None else (found[0], found[1], dict(found[2]))

    def _find(self, method: str, path: str) -> _Routed | None:
        for mount in self.router.routes:
            if not isinstance(mount, Mount):
                return None
            matched = mount.path_regex.match(path)
            if matched is None:
                continue
            remaining = "/" + matched.group("path")
            base_path = path[: -len(remaining)]
            for route in getattr(mount.app, "routes", ()):
                found = route.path_regex.match(remaining) if isinstance(route, Route) else None
                if found is None or (route.methods and method not in route.methods):
                    continue  # starlette keeps looking for a route with the method, then answers 405 (connexion's)
                operation_id = getattr(route.endpoint, "operation_id", None)
                if not isinstance(operation_id, str):
                    return None
                params = {
                    name: route.param_convertors[name].convert(value) for name, value in found.groupdict().items()
                }
                return base_path, operation_id, params
            return None  # starlette's router stops at the first mount that matches
        return None


def _routed_scope(scope: Scope, routed: _Routed) -> Scope:
    """What RoutingOperation passes on: a copy of the scope as routing found it, sharing its `extensions`."""
    base_path, operation_id, params = routed
    original = dict(scope)
    original.setdefault("path_params", {}).update(params)
    extensions = original.setdefault("extensions", {})
    extensions.setdefault(ROUTING_CONTEXT, {}).update({"api_base_path": base_path, "operation_id": operation_id})
    return original


# ---- the compiled path: connexion's per-operation objects chained once, without its middleware stack

# The compiled chain ends in _ViewStep (False: in connexion's decorated view, as connexion's stack does).
VIEW_STEP = True

# Layers of connexion's stack that do nothing for an http request but pass it on.
_PASSTHROUGH = (LifespanMiddleware,)


class Compiled:
    """Each operation's answer as connexion's stack gives it, from one chain built once per operation.

    Inside the gateway, connexion's stack walks ~12 layers per request, and each routed layer looks the operation
    up again by id (security, request validation, response validation, context, the app). Here, on an operation's
    first request, the objects those layers hold for it (connexion's SecurityOperation with its verification
    function, RequestValidationOperation, ResponseValidationOperation, ContextOperation and the decorated view) are
    chained to each other directly, in the stack's order, and the chain runs inside starlette's own exception
    wrapper with the exception middleware's handlers. So every step, its errors and their wording are connexion's
    (and the mock's handlers'); only the walk is gone. Anything the chain cannot take (no operation found by the
    routing layer, a root_path, a layer it does not know, one between `owner` and the routing layer that is not
    connexion's) returns None: connexion's stack answers it as before.
    """

    def __init__(self, owner: object) -> None:
        self._owner = owner  # the middleware that runs the chains, one of the stack's layers
        self._stack: list[Any] | None = None  # connexion's layers, outermost first, once it has built them
        self._router: _RouteOnce | None = None
        self._handlers: Any = None  # its exception middleware, whose handlers answer the chain's errors
        self._chains: dict[tuple[str, str], ASGIApp | None] = {}

    def _replaces_only_connexion(self, stack: list[Any]) -> bool:
        """Between the layer that runs the chains and the routing layer sit only connexion's exception layer and its
        Swagger UI layer (which passes operations on), so running a chain there skips nothing else."""
        start = next((i for i, layer in enumerate(stack) if layer is self._owner), None)
        end = next((i for i, layer in enumerate(stack) if layer is self._router), None)
        if start is None or end is None:
            return False
        return all(isinstance(layer, (ExceptionMiddleware, SwaggerUIMiddleware)) for layer in stack[start + 1 : end])

    def find(self, scope: Scope) -> Callable[..., Awaitable[None]] | None:
        """The compiled answer to `scope` (the gateway's scope of an operation), or None for connexion's stack."""
        stack = self._stack
        if stack is None:
            app = scope.get("app")
            if not isinstance(app, ConnexionMiddleware) or app.middleware_stack is None:
                return None
            stack = self._stack = list(app.middleware_stack)
            self._router = next((layer for layer in stack if isinstance(layer, _RouteOnce)), None)
            self._handlers = next(layer for layer in stack if isinstance(layer, ExceptionMiddleware))
            if not self._replaces_only_connexion(stack):
                self._router = None  # e.g. `serve --replay`'s layer: it must see every request
        router = self._router
        if router is None or scope.get("root_path"):
            return None
        routed = router._route(scope)
        if routed is None:
            return None
        key = (routed[0], routed[1])
        if key not in self._chains:
            self._chains[key] = _chain(stack, *key)
        chain = self._chains[key]
        if chain is None:
            return None
        handlers = self._handlers

        async def answer(receive: Receive, send: Send, started: Callable[[], bool] | None = None) -> None:
            """`started()` says whether `send` has had the answer's start (without it, `send` is wrapped to see)."""
            # What starlette's ExceptionMiddleware does, then what the routing layer passes on.
            exception_handlers, status_handlers = handlers._exception_handlers, handlers._status_handlers
            scope["starlette.exception_handlers"] = (exception_handlers, status_handlers)
            inner = _routed_scope(scope, routed)
            sender = send
            if started is None:
                seen = False

                async def sender(message: Message) -> None:
                    nonlocal seen
                    if message["type"] == "http.response.start":
                        seen = True
                    await send(message)

                def started() -> bool:
                    return seen

            # starlette's wrap_app_handling_exceptions, step for step, but for the request object its handlers
            # get: built only when there is an error to hand them (it was built for every request).
            try:
                await chain(inner, receive, sender)
            except Exception as error:
                handler = status_handlers.get(error.status_code) if isinstance(error, HTTPException) else None
                if handler is None:
                    handler = _lookup_exception_handler(exception_handlers, error)
                if handler is None:
                    raise
                if started():
                    raise RuntimeError("Caught handled exception, but response already started.") from error
                conn = Request(scope, receive, send)
                if is_async_callable(handler):
                    response = await handler(conn, error)  # type: ignore[arg-type]
                else:
                    response = await run_in_threadpool(handler, conn, error)
                if response is not None:
                    await response(scope, receive, sender)
                error.__traceback__ = None  # reused exception instances accumulate tracebacks across requests
            finally:
                inner.pop(_SHARED_REQUEST, None)  # after an error: no cycle scope -> request -> scope left
                inner.pop(_PARSED_BODY, None)

        return answer


def _content_type(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """connexion's `extract_content_type`: the first Content-Type header's value."""
    for name, value in headers:
        # On bytes: no character outside ASCII lower-cases into one, so this matches what decoding first matches.
        if name.lower() == b"content-type":
            return value.decode("latin-1")
    return None


_UNSET: Any = object()


def _read_as_json(content_type: str | None) -> bool:
    """Whether connexion's view reads a body with this Content-Type as JSON (ConnexionRequest.get_body: a missing one
    is application/octet-stream), and _ViewStep does not hand it to connexion's form decorators."""
    if content_type is None or "form" in content_type.lower():
        return False
    try:
        return bool(is_json_mimetype(content_type))
    except ValueError:  # more than one "/": connexion's view raises it, reading the body as it does
        return False


class _RequestStep(RequestValidationOperation):
    """connexion's request validation of one operation, with what it builds per request built once: the parameter
    validator (and its URI parser), and per Content-Type the body validator (which keeps nothing of a request)."""

    def __init__(self, original: RequestValidationOperation) -> None:
        self.__dict__.update(original.__dict__)
        operation = self._operation
        self._parameters = self._validator_map["parameter"](
            operation.parameters,
            uri_parser=operation._uri_parser_class(operation.parameters, operation.body_definition()),
            strict_validation=self.strict_validation,
            security_query_params=self.security_query_params,
        )
        self._bodies: dict[str | None, Any] = {}
        self.hands_parsed = False  # the chain ends in a _ViewStep, which takes the JSON body this step parsed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = scope.get(_SHARED_REQUEST)
        if request is None:
            self._parameters.validate(scope)
        else:
            self._parameters.validate_request(request)  # what `validate(scope)` does with a request of its own
        content_type = _content_type(scope["headers"])
        validator = self._bodies.get(content_type, _UNSET)
        if validator is _UNSET:
            validator = self._body_validator(content_type)  # an unsupported media type raises, and is not kept
            if len(self._bodies) < 64:  # clients may send any Content-Type; the common ones are kept
                self._bodies[content_type] = validator
        if validator is not None:
            if self.hands_parsed and _read_as_json(content_type):
                scope[_PARSED_BODY] = _UNSET  # asks the validator for the value it parses
            receive, scope = await validator.wrap_receive(receive, scope=scope)
            if scope.get(_PARSED_BODY, _UNSET) is _UNSET:
                scope.pop(_PARSED_BODY, None)
                scope.pop(_SHARED_REQUEST, None)  # the view reads the body through the validator's receive
        await self.next_app(scope, receive, send)

    def _body_validator(self, content_type: str | None) -> Any:
        """What RequestValidationOperation.__call__ decides from the Content-Type (None: the body goes unchecked)."""
        mime_type, encoding = split_content_type(content_type)
        if mime_type is None:
            mime_type = self._operation.consumes[0] if self._operation.consumes else "application/octet-stream"
        encoding = encoding or "utf-8"
        self.validate_mime_type(mime_type)
        schema = self._operation.body_schema(mime_type)
        if not schema:
            return None
        try:
            body_validator = self._validator_map["body"][mime_type]
        except KeyError:
            return None
        operation = self._operation
        return body_validator(
            schema=schema,
            required=operation.request_body.get("required", False),
            nullable=is_nullable(operation.body_definition(mime_type)),
            encoding=encoding,
            strict_validation=self.strict_validation,
            uri_parser=operation.uri_parser_class(operation.parameters, operation.body_definition()),
        )


class _Parsing:
    """What one operation's URI parser makes of requests, kept: whether an empty query string resolves to no
    parameters (for connexion's OpenAPI parser it always does), and the path parameters it resolved, by their raw
    values (its resolution is a function of those alone)."""

    PATHS_REMEMBERED = 1024

    def __init__(self, uri_parser: Any) -> None:
        self.uri_parser = uri_parser
        self.empty_query = uri_parser.resolve_query({}) == {}
        self.paths: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}

    def path(self, raw: dict[str, Any]) -> dict[str, Any]:
        try:
            key = tuple(raw.items())
            found = self.paths.get(key)
        except TypeError:  # a value a convertor made unhashable: resolved as connexion does
            unkept: dict[str, Any] = self.uri_parser.resolve_path(raw)
            return unkept
        if found is None:
            resolved: dict[str, Any] = self.uri_parser.resolve_path(raw)
            if not all(isinstance(value, (str, int, float, bool, type(None))) for value in resolved.values()):
                return resolved  # a list or object could be changed by its reader: never shared
            found = resolved
            if len(self.paths) >= self.PATHS_REMEMBERED:
                self.paths.clear()  # ids vary without end; the hot ones are resolved again at once
            self.paths[key] = found
        return dict(found)


class _Request(ConnexionRequest):
    """connexion's request, whose query and path parameters are what its URI parser makes of them, as connexion's
    are, but without parsing an empty query string (starlette's QueryParams of nothing, which the parser turns into
    no parameters) or resolving path values the operation resolved before (`_Parsing`)."""

    def __init__(self, scope: Scope, receive: Receive, parsing: _Parsing) -> None:
        # Its starlette request made first, as connexion's from_starlette_request does: its __init__ then finds it
        # at once (when it is missing, that lookup goes through __getattr__ and an AttributeError raised and caught).
        self._starlette_request = Request(scope, receive)
        super().__init__(uri_parser=parsing.uri_parser)
        # What its __getattr__ would find on the starlette request (the scope it was made with), without the detour
        # through a failed lookup: the policy, security and the view read it.
        self.scope = scope
        self._parsing = parsing
        if not scope.get("query_string") and parsing.empty_query:
            self._query_params: dict[str, Any] | None = {}

    @property
    def method(self) -> str:
        """The starlette request's `method`, read as it reads it."""
        return self.scope["method"]  # type: ignore[no-any-return]

    @property
    def path_params(self) -> dict[str, Any]:
        found: dict[str, Any] | None = self._path_params  # type: ignore[has-type]
        if found is None:
            found = self._path_params = self._parsing.path(self._starlette_request.path_params)
        return found


class _SecurityStep(SecurityOperation):
    """connexion's security check of one operation, on a request object the parameter validation and the view
    then use too (connexion builds one for each: three starlette requests, three parses of the query).

    An operation that requires one scheme, a bearer token or an API key in a header, checked by the function
    `security_map` hands connexion, is checked as connexion's security handler checks it (`_OneScheme`), without its
    per-request wrappers and header object; any other requirement goes through connexion's verification function."""

    def __init__(self, original: SecurityOperation, parsing: _Parsing) -> None:
        self.__dict__.update(original.__dict__)
        self._parsing = parsing
        self._one = _OneScheme.of(original) if original.security else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = _Request(scope, receive, self._parsing)
        scope[_SHARED_REQUEST] = request
        if self._one is not None:
            await self._one.verify(request, scope["headers"])
        elif self.security:
            await self.verification_fn(request)
        await self.next_app(scope, receive, send)


# What connexion's security handlers say when a request carries no credential of a scheme, and when the function
# finds none in what it carries (SecurityHandlerFactory.verify_security, AbstractSecurityHandler._generic_check).
_NO_CREDENTIAL = "No authorization token provided"
_NOT_VALID = {"bearer": "Provided token is not valid", "apiKey": "Provided apikey is not valid"}


class _OneScheme:
    """connexion's verification for a requirement of one bearer or header API key scheme: the header (found as
    starlette's Headers.get finds it: the first of that lower-case name), the bearer's split, the function called
    with the same arguments, and the same errors (a single check's error is what connexion raises)."""

    def __init__(self, kind: str, header: bytes, scopes: Any, function: Callable[..., Any]) -> None:
        self.kind, self.header, self.scopes, self.function = kind, header, scopes, function

    @classmethod
    def of(cls, operation: SecurityOperation) -> _OneScheme | None:
        if len(operation.security) != 1 or len(operation.security[0]) != 1:
            return None
        ((name, scopes),) = operation.security[0].items()
        scheme = operation.security_schemes.get(name) or {}
        handlers = operation.security_handler_factory.security_handlers
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            kind, header, handler = "bearer", b"authorization", handlers.get("bearer")
        elif (
            scheme.get("type") == "apiKey"
            and scheme.get("in") == "header"
            and str(scheme.get("x-authentication-scheme", "")).lower() != "bearer"
        ):
            kind, header, handler = "apiKey", str(scheme["name"]).lower().encode("latin-1"), handlers.get("apiKey")
        else:
            return None
        function = getattr(handler, "checked_by", None)  # only security_map's handlers say which function they call
        if function is None or not (
            _accepts_kwarg(function, "required_scopes") and _accepts_kwarg(function, "request")
        ):
            return None
        return cls(kind, header, None if kind == "bearer" else scopes, function)

    async def verify(self, request: ConnexionRequest, headers: Iterable[tuple[bytes, bytes]]) -> None:
        value = None
        for name, found in headers:  # the first of that name, as Headers.get finds it
            if name == self.header:
                value = found.decode("latin-1")
                break
        if self.kind == "bearer":
            if not value:
                raise OAuthProblem(detail=_NO_CREDENTIAL)
            try:
                auth_type, value = value.split(maxsplit=1)
            except ValueError:
                raise OAuthProblem(detail="Invalid authorization header") from None
            if auth_type.lower() != "bearer":
                raise OAuthProblem(detail=_NO_CREDENTIAL)
        elif value is None:
            raise OAuthProblem(detail=_NO_CREDENTIAL)
        token_info = self.function(value, required_scopes=self.scopes, request=request)
        while inspect.iscoroutine(token_info):
            token_info = await token_info
        if token_info is NO_VALUE:
            raise OAuthProblem(detail=_NO_CREDENTIAL)
        if token_info is None:
            raise OAuthResponseProblem(detail=_NOT_VALID[self.kind])
        request.context.update({"user": token_info.get("sub", token_info.get("uid")), "token_info": token_info})


class _ResponseStep(ResponseValidationOperation):
    """connexion's response validation of one operation, with what it works out per response from the status and
    Content-Type (media type check, response definition, schema, validator class) worked out once per pair.

    As a step of the chain it holds the answer's messages in its send wrapper, as the validator's wrap_send does;
    a _ViewStep that ends the chain right after it (`checks`) hands it its answer whole instead (`check`), before
    sending it: the same checks of the same headers and bytes, without a wrapper around `send`."""

    def __init__(self, original: ResponseValidationOperation) -> None:
        self.__dict__.update(original.__dict__)
        self._decided: dict[tuple[int, str | None], _Decided] = {}

    def _validator(self, scope: Scope, status: int, headers: list[tuple[bytes, bytes]]) -> tuple[Any, bool]:
        """The body validator of an answer that starts with `status` and `headers` (None: its body goes unchecked),
        and whether its definition allows null; raises what connexion raises for its media type or headers."""
        key = (status, _content_type(headers))
        decided = self._decided.get(key)
        if decided is None:
            decided = self._decide(*key)  # a media type the spec does not give raises, and is not kept
            if len(self._decided) < 64:
                self._decided[key] = decided
        definition, body_validator, schema, nullable, encoding, required, required_raw = decided
        # connexion's check of the headers the definition requires, only where it requires some: the same verdict
        # (a header missing), and its own error for it. Names sent in lower case, as starlette sends them, are
        # found as they are; only when one is not is every name decoded and lowered, as connexion compares them.
        if required and not required_raw <= {name for name, _ in headers}:
            if not required <= {name.decode("latin-1").lower() for name, _ in headers}:
                self.validate_required_headers(headers, definition)
        if body_validator is None:
            return None, nullable
        return body_validator(scope, schema=schema, nullable=nullable, encoding=encoding), nullable

    def check(self, scope: Scope, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """What the send wrapper checks of an answer, for one given whole (its start's status and headers, and
        its one body), before any of it is sent."""
        validator, nullable = self._validator(scope, status, headers)
        if validator is not None:
            parsed = validator._parse((body,))
            if not (parsed is None and nullable):
                validator._validate(parsed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.next_app(scope, receive, self.checking(scope, send))

    def checking(self, scope: Scope, send: Send) -> Send:
        """`send`, wrapped to hold an answer's messages and check them before they go on."""
        validator: Any = None  # the body validator of this response, once its start is seen
        nullable = False
        held: list[MutableMapping[str, Any]] = []

        async def wrapped_send(message: MutableMapping[str, Any]) -> None:
            nonlocal validator, nullable
            if message["type"] == "http.response.start":
                validator, nullable = self._validator(scope, message["status"], message["headers"])
            if validator is None:
                await send(message)
                return
            # What the validator's wrap_send does, in this one wrapper: the messages held until the last body's,
            # the whole body parsed and validated, then every message sent on.
            held.append(message)
            if message["type"] == "http.response.start" or message.get("more_body", False):
                return
            body = validator._parse(held_message.get("body", b"") for held_message in held)
            if not (body is None and nullable):
                validator._validate(body)
            while held:
                await send(held.pop(0))

        return wrapped_send

    def _decide(self, status_code: int, content_type: str | None) -> _Decided:
        """What ResponseValidationOperation.__call__ decides from a response's status and Content-Type."""
        mime_type, encoding = split_content_type(content_type)
        if mime_type is None:
            mime_type = self._operation.produces[0] if self._operation.produces else "application/octet-stream"
        encoding = encoding or "utf-8"
        if status_code < 400:
            self.validate_mime_type(mime_type)
        status = str(status_code)
        definition = self._operation.response_definition(status, mime_type)
        body_validator = self._validator_map["response"].get(mime_type)
        required = _required_headers(definition)
        # A name latin-1 cannot write is never sent as it is: the lowered comparison decides for it.
        raw = frozenset(name.encode("latin-1") for name in required if name.isascii()) | (
            frozenset() if all(name.isascii() for name in required) else frozenset({b"\n"})
        )
        if body_validator is None:
            return definition, None, {}, False, encoding, required, raw
        schema = self._operation.response_schema(status, mime_type)
        return definition, body_validator, schema, is_nullable(definition), encoding, required, raw


def _required_headers(definition: dict[str, Any]) -> frozenset[str]:
    """The (lower-case) headers a response definition requires, as validate_required_headers reads them."""
    return frozenset(
        name.lower() for name, header in definition.get("headers", {}).items() if header.get("required", False)
    )


# What _ResponseStep decides per (status, Content-Type): the response definition, the body validator class (None:
# the body goes unchecked), its schema, whether null is allowed, the encoding, and the headers the definition
# requires (lower case) and those names as a lower-case sent name is written.
_Decided = tuple[dict[str, Any], Any, dict[str, Any], bool, str, frozenset[str], frozenset[bytes]]


class _ViewStep:
    """connexion's ContextOperation's next app for one operation, the decorated view, with what connexion's parameter
    decorator works out per request from the operation's parameter definitions worked out once: the path and query
    definitions by name, the query defaults, the pythonic names. Per request it then does what that decorator does,
    on the request security and parameter validation share: each path and query value cast by connexion's
    `_get_val_from_param`, the defaults merged under the query as its `deep_merge` does, the body argument as its
    `_get_body_argument` gives it, names sanitised twice and the security context added as for a view taking
    **kwargs; then it calls the view and makes its answer a starlette response as connexion's response decorator
    does. No werkzeug proxy is read: the operation is this object's own.

    What this does not take goes to connexion's decorated view (`fallback`): a form or multipart body (its files
    and form casting); and a view that is no coroutine function taking **kwargs, or names connexion's `context_`
    argument, is left to connexion's decorators altogether (none of the mock's views is)."""

    def __init__(self, fallback: _Operation, spec_operation: AbstractOperation, parsing: _Parsing) -> None:
        self._fallback = fallback
        # The steps right before it in the chain that it takes on (`takes_on`): connexion's ContextOperation, whose
        # context it sets as that does, and the response validation, which it hands each whole answer to check.
        self._context: ContextOperation | None = None
        self._checks: _ResponseStep | None = None
        self._spec = spec_operation
        self._parsing = parsing
        view = fallback._fn
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(view))
        self.usable = (
            has_kwargs
            and CONTEXT_NAME not in arguments  # a view asking for connexion's context object by name
            and inspect.iscoroutinefunction(view)
            and spec_operation.method.upper() != "TRACE"
        )
        self._view = view
        self._arguments = arguments
        self._sanitize = _ParameterDecorator(
            framework=StarletteFramework, pythonic_params=fallback.pythonic_params
        ).sanitize_fn
        parameters = spec_operation.parameters
        self._path = {parameter["name"]: parameter for parameter in parameters if parameter["in"] == "path"}
        self._query = {parameter["name"]: parameter for parameter in parameters if parameter["in"] == "query"}
        self._defaults = _get_query_defaults(self._query)
        # connexion deep-copies the defaults per request; only a mutable one could be changed by a merge or a view.
        self._copy_defaults = not all(
            isinstance(value, (str, int, float, bool, type(None))) for value in self._defaults.values()
        )
        self._body_defined = spec_operation.is_request_body_defined
        self._body = _BodyDefinitions(spec_operation)
        self._casts: dict[tuple[int, type, Any], Any] = {}
        self._mimetypes: dict[str | None, str] = {}
        self._responses = AsyncResponseDecorator(framework=StarletteFramework, jsonifier=fallback.jsonifier)

    def takes_on(self, context: ContextOperation, checks: _ResponseStep | None) -> None:
        """Stand in for `context` (and `checks`, the response validation before it, if any) in the chain: one
        step less per request, and no wrapper around `send` for an answer whose bytes are all known at once."""
        self._context, self._checks = context, checks

    def _enter(self, scope: Scope, receive: Receive) -> None:
        """What ContextOperation does before it calls the view: connexion's context variables, which its decorators
        and proxies read. Set only where connexion's code runs (a form body's decorators, an answer that is not
        a response yet): the mock's views read the scope alone (`request_scope`), set before each view is called."""
        if self._context is not None:
            _context.set(scope.get("extensions", {}).get("connexion_context", {}))
            _operation_var.set(self._context.operation)
            _receive.set(receive)
            _scope.set(scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        checks = self._checks
        headers = scope["headers"]
        content_type = _content_type(headers)
        if content_type is not None and "form" in content_type.lower():
            # its _OnceDecorator takes the shared request; the response validation's wrapper checks its answer
            self._enter(scope, receive)
            await self._fallback(scope, receive, send if checks is None else checks.checking(scope, send))
            return
        request = scope.pop(_SHARED_REQUEST, None)
        parsed = scope.pop(_PARSED_BODY, _UNSET)
        if request is None:
            request = _Request(scope, receive, self._parsing)
        # What _ParameterDecorator._maybe_get_body reads (connexion's own reading for a view with **kwargs): for
        # a JSON body the validation parsed, that value (ConnexionRequest.get_body would parse the same bytes).
        if not (self._body_defined or _sends_body(headers)):
            body = None
        elif parsed is not _UNSET:  # only for a body ConnexionRequest.get_body reads as JSON (_read_as_json)
            body = parsed
        else:
            body = await request.get_body()
        sanitize = self._sanitize
        arguments: dict[str, Any] = {}
        path = self._path
        for name, value in request.path_params.items():
            definition = path.get(name)
            arguments[sanitize(name)] = value if definition is None else self._cast(value, definition)
        defaults = self._defaults
        query = request.query_params
        if defaults:
            merged = copy.deepcopy(defaults) if self._copy_defaults else dict(defaults)
            query = deep_merge(merged, query) if query else merged  # deep_merge(a, {}) is a, as it was
        definitions = self._query
        for name, value in query.items():
            definition = definitions.get(name)
            if definition is not None:  # an unknown query parameter is left out (connexion logs it, quietened)
                arguments[sanitize(name)] = self._cast(value, definition)
        if self._body_defined:
            mimetype = self._mimetypes.get(content_type)
            if mimetype is None:
                mimetype = request.mimetype  # connexion's reading of the Content-Type (the first one), once per value
                if len(self._mimetypes) < 64:
                    self._mimetypes[content_type] = mimetype
            arguments.update(
                _get_body_argument(
                    body, operation=self._body, arguments=self._arguments, has_kwargs=True, sanitize=sanitize,
                    content_type=mimetype,
                )
            )  # fmt: skip
        kwargs = {sanitize(name): value for name, value in arguments.items()}
        if self._context is None:
            kwargs.update(_context.get())  # security's user and token_info, which a view taking **kwargs gets
        else:
            kwargs.update(scope.get("extensions", {}).get("connexion_context", {}))  # what _enter would set
            _scope.set(scope)
        response = await self._view(**kwargs)
        if not isinstance(response, StarletteResponse):
            if isinstance(response, ConnexionResponse):
                response = StarletteFramework.connexion_to_framework_response(response)
            else:
                self._enter(scope, receive)  # connexion's decorator reads the operation's media types
                response = self._responses.build_framework_response(response)
        if checks is None:
            await response(scope, receive, send)
        elif type(response) in _WHOLE:
            # Its start and its one body are these headers and bytes (Response.__call__ sends just them), so
            # the response validation checks them here, as its wrapper would have checked them held, then sends.
            checks.check(scope, response.status_code, response.raw_headers, response.body)
            await response(scope, receive, send)
        else:
            await response(scope, receive, checks.checking(scope, send))

    def _cast(self, value: Any, definition: dict[str, Any]) -> Any:
        """connexion's casting of a parameter's value (`_get_val_from_param`), remembered for a scalar value cast to
        a scalar: a pure function of the two, and a client sends the same few ids and limits again and again."""
        kind = type(value)
        if kind not in _SCALARS:
            return _get_val_from_param(value, definition)
        key = (id(definition), kind, value)  # the definitions are the operation's own, kept as long as it is
        found = self._casts.get(key, _UNSET)
        if found is _UNSET:
            found = _get_val_from_param(value, definition)
            if type(found) in _SCALARS:
                if len(self._casts) >= CASTS_REMEMBERED:
                    self._casts.clear()
                self._casts[key] = found
        return found


class _BodyDefinitions:
    """What connexion's _get_body_argument reads of an operation (whether it defines a body, the body's argument name
    and schema per media type), read from the operation once per media type: it worked the schema out of the spec's
    definition on every request."""

    def __init__(self, operation: AbstractOperation) -> None:
        self._operation = operation
        self.is_request_body_defined = operation.is_request_body_defined
        self._names: dict[str | None, str] = {}
        self._schemas: dict[str | None, dict[str, Any]] = {}

    def body_name(self, content_type: str | None) -> str:
        name = self._names.get(content_type)
        if name is None:
            name = self._names[content_type] = self._operation.body_name(content_type)
        return name

    def body_schema(self, content_type: str | None = None) -> dict[str, Any]:
        schema = self._schemas.get(content_type)
        if schema is None:
            schema = self._schemas[content_type] = self._operation.body_schema(content_type)
        return schema


_SCALARS = (str, int, float, bool)
# Responses whose __call__ is starlette's Response.__call__: one start with `raw_headers`, one body of `body`.
_WHOLE = (StarletteResponse, StarletteJSONResponse)
CASTS_REMEMBERED = 4096


_STEPS: dict[type, Callable[[Any], Any]] = {
    RequestValidationOperation: _RequestStep,
    ResponseValidationOperation: _ResponseStep,
}


def _chain(stack: list[Any], base_path: str, operation_id: str) -> ASGIApp | None:
    """The operation objects of the layers after the routing layer, each one's next app the next one's."""
    after = stack[next(i for i, layer in enumerate(stack) if isinstance(layer, _RouteOnce)) + 1 :]
    steps: list[Any] = []
    for layer in after:
        if isinstance(layer, SwaggerUIMiddleware):
            continue  # it passes operations on (`middlewares`' skip_swagger_ui)
        if isinstance(layer, _PASSTHROUGH):
            continue
        if not isinstance(layer, RoutedMiddleware):
            return None
        operation = next(
            (api.operations[operation_id] for api in layer.apis.get(base_path, ()) if operation_id in api.operations),
            None,
        )
        if operation is None:
            return None
        if operation is layer.app:
            continue  # a layer with nothing to do for it (response validation off hands out its next app)
        steps.append(operation)
    if not steps or not isinstance(steps[-1], _Operation):
        return None
    context = next((step for step in steps if isinstance(step, ContextOperation)), None)
    if context is None:
        return None
    # The parser the view's decorator builds from the operation connexion's context names (BaseDecorator.uri_parser).
    spec_operation = context.operation
    uri_parser = spec_operation.uri_parser_class(spec_operation.parameters, spec_operation.body_definition())
    parsing = _Parsing(uri_parser)
    chain: ASGIApp = steps[-1]
    view: _ViewStep | None = None
    if VIEW_STEP:
        view = _ViewStep(steps[-1], spec_operation, parsing)
        if view.usable:
            chain = view
            # The steps between the request validation and the view, when they are only the response validation
            # and the context: the view step does both (`takes_on`).
            between = (
                steps[-3:-1] if len(steps) >= 3 and type(steps[-3]) is ResponseValidationOperation else steps[-2:-1]
            )
            if between and type(between[-1]) is ContextOperation:
                checks = _ResponseStep(between[0]) if len(between) == 2 else None
                view.takes_on(between[-1], checks)
                steps = [*steps[: -1 - len(between)], steps[-1]]
    for operation in reversed(steps[:-1]):
        if not hasattr(operation, "next_app"):
            return None
        # A copy: the stack's own stays as it is, for connexion's path.
        if type(operation) is SecurityOperation:
            step = _SecurityStep(operation, parsing)
        else:
            step = _STEPS[type(operation)](operation) if type(operation) in _STEPS else copy.copy(operation)
        if isinstance(step, _RequestStep):
            step.hands_parsed = view is not None and view.usable
        step.next_app = chain
        chain = step
    return chain


def quiet_unknown_parameters() -> None:
    """Unknown query parameters are ignored, as the real APIs do; connexion would log each one at ERROR."""
    logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)


# ---- routing: what connexion's router found


def track_routing(scope: Scope) -> None:
    """Make connexion record its routing in `scope` itself, not in its copies, for `routed_operation_id`."""
    scope.setdefault("extensions", {})


def routed_operation_id(scope: Scope) -> str | None:
    """The operation connexion's router matched for `scope` (prepared with `track_routing`); None for a 404/405."""
    return (scope["extensions"].get(ROUTING_CONTEXT) or {}).get("operation_id")


# ---- security: every scheme hands its credential to one function


@cache
def _accepts_kwarg(func: Callable[..., Any], keyword: str) -> bool:
    # connexion inspects the security function's signature on every request; it never changes.
    arguments, has_kwargs = inspect_function_arguments(func)
    return has_kwargs or keyword in arguments


def security_map(verify: Callable[..., Any]) -> dict[str, type]:
    """connexion's `security_map` with every bearer and apiKey scheme checked by `verify(credential, required_scopes,
    request)`, so the specs need no x-*InfoFunc and stay pure contracts."""

    class Bearer(BearerSecurityHandler):
        _accepts_kwarg = staticmethod(_accepts_kwarg)
        checked_by = staticmethod(verify)  # what the compiled chain's _OneScheme calls

        def _resolve_func(self, security_scheme: dict[str, Any]) -> Any:
            return verify

    class ApiKey(ApiKeySecurityHandler):
        _accepts_kwarg = staticmethod(_accepts_kwarg)
        checked_by = staticmethod(verify)

        def _resolve_func(self, security_scheme: dict[str, Any]) -> Any:
            return verify

    return {"bearer": Bearer, "apiKey": ApiKey}


# ---- validation: connexion's validators, with the steps the mock replaces as public methods


class RequestBodyValidator(JSONRequestBodyValidator):
    """connexion's JSON request body validator; subclasses give `parse_text` and may override `check`."""

    @property
    def schema(self) -> dict[str, Any]:
        return self._schema  # type: ignore[no-any-return]

    def errors(self, body: Any) -> Iterable[Any]:
        """What connexion's validator finds wrong with `body`."""
        return self._validator.iter_errors(body)  # type: ignore[no-any-return]

    def parse_text(self, text: str) -> Any:
        """The value of a non-empty decoded body (raise BadRequestProblem if it is none)."""
        raise NotImplementedError

    def check(self, body: Any) -> Any:
        """connexion's validation of the parsed body: raises BadRequestProblem when invalid."""
        return super()._validate(body)

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        text = b"".join([message async for message in stream]).decode(self._encoding)
        if not text:
            return None
        value = self.parse_text(text)
        if _PARSED_BODY in scope and codecs.lookup(self._encoding).name == "utf-8":
            # What connexion's view reads of these bytes is json.loads(bytes): the same text (it decodes UTF-8
            # too, and a text that parsed here has no BOM nor NUL to make it guess otherwise), so the same value.
            # The compiled chain hands it to the view (_ViewStep) instead of reading and parsing the body again.
            scope[_PARSED_BODY] = value
        return value

    def _validate(self, body: Any) -> Any:
        return self.check(body)


class _ResponseHooks:
    """connexion's response body validation, its two steps as public methods."""

    _schema: dict[str, Any]
    _scope: Scope

    @property
    def schema(self) -> dict[str, Any]:
        return self._schema

    @property
    def scope(self) -> Scope:
        return self._scope

    def parse_bytes(self, body: bytes) -> Any:
        """connexion's reading of the whole response body."""
        return super()._parse(iter((body,)))  # type: ignore[misc]

    def check(self, body: Any) -> Any:
        """connexion's validation of the parsed body: raises NonConformingResponseBody when invalid."""
        return super()._validate(body)  # type: ignore[misc]

    def _parse(self, stream: Iterable[bytes]) -> Any:
        # connexion's stream starts with the response start's empty "body": joined, every answer was copied anew,
        # so a kept answer's bytes lost the hash they carry (what the validation's memo looks them up by).
        chunks = [chunk for chunk in stream if chunk]
        if len(chunks) == 1 and type(chunks[0]) is bytes:
            return self.parse_bytes(chunks[0])
        return self.parse_bytes(b"".join(chunks))

    def _validate(self, body: Any) -> Any:
        return self.check(body)


class JSONResponseValidator(_ResponseHooks, JSONResponseBodyValidator):
    pass


class TextResponseValidator(_ResponseHooks, _TextResponseBodyValidator):
    pass


def parameter_validator(validate: Callable[..., Any]) -> type:
    """connexion's parameter validator with `validate(parameter_type, value, param, param_name)` deciding each."""
    return type("ParameterValidator", (ParameterValidator,), {"validate_parameter": staticmethod(validate)})


def validator_map(parameter: type, body: Mapping[str, type], response: Mapping[str, type]) -> dict[str, Any]:
    """connexion's `validator_map`: its own table with `body` and `response` validators put in by media type."""
    return {
        "parameter": parameter,
        "body": MediaTypeDict({**VALIDATOR_MAP["body"], **body}),
        "response": MediaTypeDict({**VALIDATOR_MAP["response"], **response}),
    }


# ---- start-up: connexion's check of each spec


@contextlib.contextmanager
def spec_validation(accept: Callable[[dict[str, Any]], bool]) -> Iterator[None]:
    """While open, a spec `accept` returns True for passes connexion's start-up check at once; the others go through
    connexion's own check (and its InvalidSpecification)."""
    own = "_validate_spec" in OpenAPISpecification.__dict__
    original = inspect.getattr_static(
        OpenAPISpecification, "_validate_spec"
    )  # a classmethod (connexion's Specification's)

    def validate(cls: type[OpenAPISpecification], spec: dict[str, Any]) -> None:
        if not accept(spec):
            original.__func__(cls, spec)

    OpenAPISpecification._validate_spec = classmethod(validate)
    try:
        yield
    finally:
        if own:
            OpenAPISpecification._validate_spec = original
        else:
            del OpenAPISpecification._validate_spec
