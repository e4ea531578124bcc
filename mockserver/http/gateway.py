"""The outermost middleware: gives each request its context, answers fast routes, caps bodies, stamps headers, logs."""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import context
from ..api import ApiDefinition, FastRoute
from ..context import SAFE_METHODS, RequestContext, base_url
from ..kit import errors
from ..kit.errors import ApiError
from ..kit.formats import Reply
from ..kit.routing import Router, rebased
from ..mockstate import MockState
from . import auth, cors, framework, index, recording
from .cors import VARY_LATER

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # larger bodies get a 400: no mocked API has a reason to accept more


class Gateway:
    def __init__(self, app: ASGIApp, state: MockState) -> None:
        self.app = app
        self.state = state
        self.router: Router = state.router
        # Operations answered by one chain each instead of connexion's middleware stack (Settings.compiled).
        self.compiled = framework.Compiled(self) if state.settings.compiled else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        vary = VARY_LATER in scope  # ApiCors left `Vary: Origin` to this layer: every answer below carries it
        if path in ("/", "/index.html"):
            await index.serve(self.state, base_url(scope), cors.varying(send) if vary else send)
            return
        if "\n" in path:
            # Starlette's pattern for an API's base path (`.*`) stops at a line break, so a decoded %0A in an id
            # would skip the API's routes (no authentication, an anonymous quota) and 404 as an unknown URI.
            # Kept encoded it reaches its operation, where it is an unknown id like any other.
            scope["path"] = path = path.replace("\n", "%0A")
        api, prefix = self.router.api_for(path)
        if api is None and await _docs_redirect(self.state, path, cors.varying(send) if vary else send):
            return  # outside every API: not on the hot path
        if api is not None and prefix != api.base_path:
            scope = rebased(scope, prefix, self.router.target(api, prefix))
            path = scope["path"]
        fast = None
        if api is not None and api.fast_routes and self.state.settings.fast_routes:
            fast = self.router.fast_route(api, scope["method"], scope["path"])
            if fast is not None and controlled(self.state, api, scope):
                fast = None  # asked only of a fast route's request: the API's other requests cost nothing more
        ctx = RequestContext(self.state, api, scope, deferred=True)
        if api is not None and fast is not None:
            self.state.begin_request(presumed=True)  # a shared state checks what it read as it writes
            reply = await _fast_reply(api, ctx, *fast)
            if reply is not None:
                await send_reply(reply, send, head=scope["method"] == "HEAD", vary=vary)
                recording.note(ctx, reply.status)  # logged (and recorded) as connexion's answer would be
                return
        shared = self.state.shared is not None
        if shared:  # one snapshot for the requests that arrived together, which counts their predicted charges
            await self.state.begin_together(self._kind(api, scope))
        context.attach(ctx)
        try:
            await self._route(api, ctx, path, scope, receive, send, vary)
        finally:
            if shared:
                self.state.end_request()
        context.detach(ctx)

    def _kind(self, api: ApiDefinition | None, scope: Scope) -> tuple[object, ...] | None:
        """What a request is before it runs (API, credential, client, method, operation): a shared state's snapshot
        counts the rate-limit charges the last request of its kind made (`MockState.begin_together`)."""
        if api is None or api.control:
            return None
        match = self.router.paths(api).match(scope["method"], scope["path"])
        client = (scope.get("client") or ("", 0))[0]
        return (api.name, auth.credential(api, scope), client, scope["method"], match and match.operation_id)

    async def _route(
        self, api: ApiDefinition | None, ctx: RequestContext, path: str, scope: Scope, receive: Receive, send: Send,
        vary: bool,
    ) -> None:  # fmt: skip
        framework.track_routing(scope)
        if api is not None and api.admit is not None:
            try:
                api.admit(ctx)
            except ApiError as error:
                await send_reply(errors.reply(api.errors, error), send, vary=vary)
                return
        if api is None or not self.router.is_operation(api, path):
            await self.app(scope, receive, cors.varying(send) if vary else send)
            return
        if self.router.outside_enum(api, path):  # e.g. /stats.pdf: no such URI, whatever the credentials or parameters
            await send_reply(errors.reply(api.errors, ApiError(404, api.errors.message_for(404))), send, vary=vary)
            return
        ctx.operation = True
        status: list[int] = []
        # Rate limits and their headers belong to the API proper, not to other paths its spec holds.
        watching = self._watching(ctx, send, status, stamp=api.is_api_path(path), vary=vary)
        answer = self.compiled.find(scope) if self.compiled is not None else None
        if answer is not None:
            await answer(_capped(receive), watching, lambda: bool(status))  # `watching` notes the start
        else:
            await self.app(scope, _capped(receive), watching)
        if not api.control:
            recording.note(ctx, status[0] if status else 0)
        if scope["method"] not in SAFE_METHODS:
            self.state.changed()

    def _watching(self, ctx: RequestContext, send: Send, status: list[int], *, stamp: bool, vary: bool) -> Send:
        """Notes the status (for the request log, `recording.note`), when `stamp` adds the rate-limit headers, and
        when `vary` `Vary: Origin` (after them, as ApiCors, outside, would)."""

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                if stamp:
                    auth.settle_quota(ctx)
                headers = ctx.stamp_headers(rate=stamp)
                if headers:  # none, once the handler's answer carries them
                    present = {name.lower() for name, _ in message.get("headers", [])}
                    extra = [
                        (k.lower().encode(), v.encode())
                        for k, v in headers.items()
                        if k.lower().encode() not in present
                    ]
                    if extra:
                        message = {**message, "headers": [*message.get("headers", []), *extra]}
                if vary:
                    message = {**message, "headers": cors.with_vary_origin(message.get("headers", []))}
            await send(message)

        return send_with_headers


class FastLane:
    """The fast routes, answered ahead of the whole pipeline (the app's outermost call, `app.MockApp`, asks it first):
    a hit on a tracking URL needs nothing the layers outside the gateway do (connexion's error wrapper, CORS without
    an Origin, the Recorder without a recording), so it passes none of them. Found by one dict lookup on the path up
    to its last `/`. What would need one of those layers (an Origin, `serve --record`, an alias of the API's base
    path, the mock's controls) is left to the pipeline, whose gateway answers the same routes with the same code;
    so is a request the route declines (None). The answer is the gateway's, logged as the Recorder logs it."""

    def __init__(self, state: MockState) -> None:
        self.state = state
        settings = state.settings
        self.vary = settings.cors  # ApiCors would leave `Vary: Origin` to the gateway (VARY_LATER): it is put here
        # Headers whose request the pipeline answers: an Origin is CORS' (when on), a Prefer the resolver's.
        self._declined = frozenset({b"prefer", *([b"origin"] if settings.cors else [])})
        # path up to its last "/" -> (API, route) pairs whose pattern can match below it
        self._heads: dict[str, list[tuple[ApiDefinition, FastRoute]]] = {}
        if not settings.fast_routes or settings.record is not None:
            return  # a recording's Recorder must see every exchange's bytes
        for api in state.mocked:
            for route in api.fast_routes:
                head = _literal_head(route.pattern)
                # Only where the router finds this API by its base path (no nested API's, no alias).
                if state.router.api_for(api.base_path + head + "/")[1] == api.base_path:
                    self._heads.setdefault(api.base_path + head, []).append((api, route))

    def find(self, scope: Scope) -> tuple[ApiDefinition, FastRoute, re.Match[str]] | None:
        """The fast route this request is for, if the lane may answer it."""
        path: str = scope["path"]
        candidates = self._heads.get(path.rpartition("/")[0])
        if candidates is None or "\n" in path:  # a decoded line break: the gateway encodes it first
            return None
        method = scope["method"]
        for api, route in candidates:
            match = route.pattern.fullmatch(path, len(api.base_path))
            if match is not None and method in route.methods:
                for name, _ in scope["headers"]:  # ASGI header names are lower case
                    if name in self._declined:
                        return None
                return None if _controls_set(self.state, api, scope) else (api, route, match)
        return None

    async def answer(self, found: tuple[ApiDefinition, FastRoute, re.Match[str]], scope: Scope, send: Send) -> bool:
        """Answer a request `find` found; False (sending nothing) when its route leaves it to the pipeline."""
        started = time.perf_counter()
        api, route, match = found
        state = self.state
        ctx = RequestContext(state, api, scope, deferred=True)
        state.begin_request(presumed=True)
        reply = await _fast_reply(api, ctx, route, match)
        if reply is None:
            return False
        await send_reply(reply, send, head=scope["method"] == "HEAD", vary=self.vary)
        recording.log_answered(state, api, scope, reply.status, started)
        return True


def _literal_head(pattern: re.Pattern[str]) -> str:
    """What a fast route's pattern fixes literally up to its last `/` before anything variable: `/api/track/px` for
    `/api/track/px/(?P<id>[^/]{1,64})`, `/api/track` for `/api/track/pixel\\.gif`. A path the lane finds under it
    must still fit the whole pattern; one that fits it below another head (a pattern that lets `/` through) is
    left to the gateway."""
    literal, escaped = [], False
    for char in pattern.pattern:
        if escaped:
            literal.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ".^$*+?{}[]|()":
            break
        else:
            literal.append(char)
    return "".join(literal).rpartition("/")[0]


async def _docs_redirect(state: MockState, path: str, send: Send) -> bool:
    """Send an API's Swagger UI to where the real service keeps its docs (`doc_paths`, e.g. Binom's /api/doc)."""
    docs = next((api for api in state.mocked if path in api.doc_paths), None)
    if docs is not None:
        await send_reply(Reply(302, "text/plain; charset=utf-8", headers={"Location": docs.base_path + "/ui/"}), send)
    return docs is not None


def controlled(state: MockState, api: ApiDefinition, scope: Scope) -> bool:
    """Whether the mock's controls ask for this request (an injected fault set for its API, a `Prefer` header, a
    `__code`-style query): then it is left to connexion, whose operations apply them (`resolver`), not answered by a
    fast route."""
    return _controls_set(state, api, scope) or any(name == b"prefer" for name, _ in scope["headers"])


def _controls_set(state: MockState, api: ApiDefinition, scope: Scope) -> bool:
    """`controlled`, but for the `Prefer` header (which the lane looks for in its one pass over the headers)."""
    query: bytes = scope["query_string"]
    return state.faults.touch(api.name) or (bool(query) and (b"__" in query or b"%5f" in query.lower()))


async def _fast_reply(api: ApiDefinition, ctx: RequestContext, route: FastRoute, match: re.Match[str]) -> Reply | None:
    """A fast route's answer to `ctx`'s request, errors in the API's shape; None leaves the request to connexion."""
    scope = ctx.scope
    state = ctx.state
    try:
        if state.shared is None:
            return await route.handler(ctx, match)
        # begun presumed: checked as it writes, run again if what it read had moved
        return await state.answer_presumed(route.handler, ctx, match)
    except ApiError as error:
        return errors.reply(api.errors, error)
    except Exception:
        # Connexion's error handlers are inside, not around, this middleware: keep the API's shape for a bug too.
        log.exception("unhandled error on %s %s", scope["method"], scope["path"])
        return errors.reply(api.errors, ApiError(500, api.errors.message_for(500)))


async def send_reply(reply: Reply, send: Send, *, head: bool = False, vary: bool = False) -> None:
    headers = cors.with_vary_origin_kept(reply.raw_headers) if vary else reply.raw_headers
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})


def _capped(receive: Receive, limit: int = MAX_BODY_BYTES) -> Receive:
    seen = 0

    async def capped_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise ApiError(400, "Request body too large", f"Send at most {limit} bytes")
        return message

    return capped_receive
