"""The app factory: mounts every selected API's spec on one connexion AsyncApp with the shared layers around it."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Sequence

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from starlette.types import Receive, Scope, Send

from . import admin, context
from .api import SPEC_DIR, ApiDefinition
from .apis import ALL_APIS, select
from .http import framework, problems, schema_formats, spec_check, validation
from .http.auth import SECURITY_MAP
from .http.cors import ApiCors
from .http.gateway import FastLane, Gateway
from .http.recording import Recorder
from .http.replay import Replay
from .http.resolver import resolver_for
from .kit import har, spec
from .mockstate import MockState
from .settings import Settings


class MockApp(AsyncApp):  # type: ignore[misc]  # connexion has no type hints
    """connexion's AsyncApp, with the gateway's fast routes asked first (`FastLane`): a tracking hit is answered
    before connexion's outer layers, CORS and the Recorder, none of which it needs; every other request, and a hit
    that needs one of them, goes through the whole pipeline as before."""

    lane: FastLane

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = self.lane.find(scope)
            if found is not None and await self.lane.answer(found, scope, send):
                return
        await self.middleware(scope, receive, send)


def create_app(settings: Settings | None = None, apis: Sequence[ApiDefinition] = ALL_APIS) -> MockApp:
    """A fresh app with its own state; `app.state` is the MockState (tests and the CLI read it).

    `apis` are the APIs to mock (settings.apis picks among them): the registry's, or others defined elsewhere.
    """
    settings = settings or Settings()
    framework.quiet_unknown_parameters()
    schema_formats.install()
    state = MockState(settings, [*select(apis, settings.apis), admin.DEFINITION])

    @contextlib.asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        yield
        # Here, not after uvicorn.run(): uvicorn re-raises SIGINT/SIGTERM once it has shut down.
        for callback in state.on_shutdown:
            callback()

    app = MockApp(
        __name__,
        lifespan=lifespan,
        specification_dir=SPEC_DIR,
        security_map=SECURITY_MAP,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True),
        validator_map=validation.VALIDATORS,
        middlewares=framework.middlewares(skip_swagger_ui=_is_operation, route_once=settings.route_once),
    )
    framework.install(app)
    with spec_check.compiled():
        for api in state.apis.values():
            app.add_api(
                # Parsed once per process (connexion's own parse is pure Python and was most of the time create_app
                # took), and handed over as it is: connexion copies what it is given before it sets defaults or
                # resolves references, and keeps only its copies (tests/test_specs.py checks the document is unchanged).
                spec.load(api.spec_path),
                base_path=api.base_path,
                name=api.name,
                resolver=resolver_for(api),
                pythonic_params=True,
                validate_responses=settings.validate_responses,
            )
    if settings.cors:
        # Outside the gateway (added first): a preflight is the browser's business, not an API call to count or log.
        control = tuple(api.base_path for api in state.apis.values() if api.control)
        # Vary: Origin is the gateway's to add, unless a recording (between the two) is to keep the answers unchanged.
        app.add_middleware(ApiCors, position=MiddlewarePosition.BEFORE_EXCEPTION, closed_prefixes=control,
                           leave_vary=settings.record is None)  # fmt: skip
    # Outside the gateway, whose rate-limit headers a recording must keep; inside CORS, whose preflights are no calls.
    app.add_middleware(Recorder, position=MiddlewarePosition.BEFORE_EXCEPTION, state=state, recording=_recording(state))
    app.add_middleware(Gateway, position=MiddlewarePosition.BEFORE_EXCEPTION, state=state)
    if settings.replay is not None:
        app.add_middleware(Replay, position=MiddlewarePosition.BEFORE_EXCEPTION, path=settings.replay)
    problems.install(app)
    app.state = state
    app.lane = FastLane(state)
    return app


# A served process allocates faster than it frees while requests are in flight, so with Python's default (700) a
# young collection ran every ~30 requests and found nothing to free: the objects it walks are live requests and
# log entries, which it promotes, so a full collection (16-54 ms) followed every ~4,000. About 19 µs a request.
YOUNG_COLLECTION_THRESHOLD = 50_000


def settle_heap() -> None:
    """Before serving: what exists now (specs, compiled schemas, seeded records) lives as long as the process, so it
    is frozen out of garbage collections, which would otherwise walk it all (tens of milliseconds) every few
    thousand requests; and young collections are made rarer (YOUNG_COLLECTION_THRESHOLD)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def _recording(state: MockState) -> har.Writer | None:
    """The HAR file `--record` names, finished when the app shuts down."""
    if state.settings.record is None:
        return None
    writer = har.Writer(state.settings.record, comment="recorded by mockserver serve --record")
    state.on_shutdown.append(writer.close)
    return writer


def _is_operation(scope: Scope) -> bool:
    """A request the gateway found to be an operation: Swagger UI's router would find nothing in it."""
    ctx = context.of(scope)
    return ctx is not None and ctx.operation
