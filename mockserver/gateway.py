"""The outermost middleware: finds a request's API and context, answers fast routes, caps bodies, stamps rate headers."""

from __future__ import annotations

import logging
import time
import uuid
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NoReturn

from connexion.lifecycle import ConnexionRequest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import errors, index
from .api import ApiDefinition
from .auth import Principal, credential
from .clock import iso
from .errors import ApiError
from .formats import Reply
from .ratelimit import Quota
from .requestlog import LoggedRequest, mask
from .state import MockState
from .store import Record, Table

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # larger bodies get a 400: no mocked API has a reason to accept more
ROUTED = "connexion_routing"  # connexion records the matched operation under this scope extension
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass
class RequestContext:
    """Per-request view of the mock: handlers and auth policies receive this, never globals."""

    state: MockState
    api: ApiDefinition | None
    scope: Scope
    principal: Principal | None = None
    quota: Quota | None = None
    stamped: bool = False  # rate headers already on the response (handler answers carry them for validation)
    sent_json: tuple[Any, Any] | None = None  # a handler's JSON answer: (the bytes, the value they encode)
    operation: bool = False  # the path is one of the API's operations (not its spec or Swagger UI)

    @cached_property
    def request_id(self) -> str:
        # Drawn on first use: only APIs with a request-id header need one, and uuid4 reads the OS's entropy.
        return str(uuid.uuid4())

    @property
    def account_id(self) -> str:
        assert self.principal is not None, "operation has no security requirement"
        return self.principal.account_id

    def table(self, name: str) -> Table:
        assert self.api is not None
        return self.state.store.table(self.api.name, name)

    def owned(self, table: str, record_id: str, not_found: str) -> Record:
        """The caller's record `record_id`, or a 404: another account's record is as absent as a missing one."""
        record = self.table(table).get(self.account_id, record_id)
        if record is None:
            raise ApiError(404, not_found)
        return record

    @cached_property
    def base_url(self) -> str:
        return base_url(self.scope)  # a list view builds URLs from it for every record

    def rate_headers(self) -> dict[str, str]:
        """The rate-limit headers for this response, once; empty if already given or there is no quota."""
        if self.stamped or self.quota is None or self.api is None:
            return {}
        self.stamped = True
        return dict(self.api.rate_headers(self.quota))

    def request_id_headers(self) -> dict[str, str]:
        """The API's request-id header, if it has one: the same value on a handler's answer and on any error."""
        if self.api is None or self.api.request_id_header is None:
            return {}
        return {self.api.request_id_header: self.request_id}

    @property
    def anonymous_bucket(self) -> tuple[str, str]:
        """The rate-limit bucket of requests without a (valid) credential: the caller's address."""
        return ("anonymous", str((self.scope.get("client") or ("unknown", 0))[0]))

    def charge(self, bucket: Any, limit: int, window: float = 60.0) -> Quota:
        """Count this request against `bucket`; a 429 with Retry-After when over `limit`."""
        assert self.api is not None
        self.quota = self.state.limiter.charge((self.api.name, bucket), limit, window)
        if self.quota.exceeded:
            self.refuse()
        return self.quota

    def refuse(self) -> NoReturn:
        """This request's 429, as over its quota: `Retry-After`, the body and `X-RateLimit-Remaining: 0` agree.

        Also what a forced 429 (`Prefer: code=429`, an injected fault) answers, so a client honouring
        `Retry-After` sees the same answer as from a real limit.
        """
        assert self.api is not None
        self.quota = self.state.limiter.exhausted(self.quota)
        wait = self.quota.retry_after
        message = self.api.errors.messages.get(429, "Rate limit exceeded")
        raise ApiError(429, message, f"Retry after {wait} seconds", headers={"Retry-After": str(wait)})


class Gateway:
    def __init__(self, app: ASGIApp, state: MockState) -> None:
        self.app = app
        self.state = state

    def _api_for(self, path: str) -> tuple[ApiDefinition | None, str]:
        return find_api(self.state, path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in ("/", "/index.html"):
            await index.serve(self.state, base_url(scope), send)
            return
        if "\n" in path:
            # Starlette's pattern for an API's base path (`.*`) stops at a line break, so a decoded %0A in an id
            # would skip the API's routes (no authentication, an anonymous quota) and 404 as an unknown URI.
            # Kept encoded it reaches its operation, where it is an unknown id like any other.
            scope["path"] = path = path.replace("\n", "%0A")
        api, prefix = self._api_for(path)
        if api is None and await _docs_redirect(self.state, path, send):  # outside every API: not on the hot path
            return
        if api is not None and prefix != api.base_path:
            scope = _rebased(scope, prefix, api.base_path)
            path = scope["path"]
        ctx = RequestContext(self.state, api, scope)
        if api is not None and api.fast_routes and self.state.settings.fast_routes:
            if await _answer_fast(api, ctx, send):
                return
        scope["mockserver"] = ctx
        await self._route(api, ctx, path, scope, receive, send)
        # The context holds the scope and the scope the context: a reference cycle that would keep each request's
        # objects (its whole answer too) until a full garbage collection, which on the mock's heap takes ~80 ms
        # and under load came every few hundred requests. (After an error the error handlers still read it.)
        del scope["mockserver"]
        ctx.sent_json = None

    async def _route(
        self, api: ApiDefinition | None, ctx: RequestContext, path: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        # Shared with connexion's scope copies, so we can tell afterwards whether routing found an operation.
        scope.setdefault("extensions", {})
        if api is not None and api.admit is not None:
            try:
                api.admit(ctx)
            except ApiError as error:
                await send_reply(errors.reply(api.errors, error), send)
                return
        if api is None or not _is_operation(api, path):
            await self.app(scope, receive, send)
            return
        if api.outside_enum(path):  # e.g. /stats.pdf: no such URI, whatever the credentials or parameters
            await send_reply(errors.reply(api.errors, ApiError(404, api.errors.message_for(404))), send)
            return
        ctx.operation = True
        started = time.perf_counter()
        status: list[int] = []
        # Rate limits and their headers belong to the API proper, not to other paths its spec holds.
        await self.app(scope, _capped(receive), self._watching(ctx, send, status, stamp=api.is_api_path(path)))
        if not api.control:
            self._log(ctx, status[0] if status else 500, started)
        if scope["method"] not in SAFE_METHODS:
            self.state.changed()

    def _watching(self, ctx: RequestContext, send: Send, status: list[int], *, stamp: bool) -> Send:
        """Notes the status (for the request log) and, when `stamp`, adds the rate-limit headers."""

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                headers = dict(ctx.request_id_headers())
                if stamp:
                    if ctx.quota is None and not ctx.stamped:
                        ctx.quota = self._anonymous_quota(ctx)
                    headers.update(ctx.rate_headers())
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k.lower().encode(), v.encode()) for k, v in headers.items() if k.lower().encode() not in present]
                if extra:
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return send_with_headers

    def _log(self, ctx: RequestContext, status: int, started: float) -> None:
        assert ctx.api is not None
        self.state.log.add(
            LoggedRequest(
                time=iso(self.state.clock.now()),
                api=ctx.api.name,
                method=ctx.scope["method"],
                path=ctx.scope["path"],
                status=status,
                key=mask(ctx.principal.credential_id) if ctx.principal else None,
                durationMs=round((time.perf_counter() - started) * 1000, 3),
            )
        )

    def _anonymous_quota(self, ctx: RequestContext) -> Quota | None:
        """The quota of a request that reached no authentication: its key's, or its client address's."""
        assert ctx.api is not None
        if (ctx.scope["extensions"].get(ROUTED) or {}).get("operation_id") is None:
            # No operation matched (a router 404 or 405), so connexion's security never ran. The real APIs check
            # keys before routing: a valid key is charged and reported as on any other call, not the client's
            # anonymous bucket (which would report another limit to the same key).
            quota = _charge_key(ctx)
            if quota is not None:
                return quota
        if ctx.api.anonymous_limit is None:
            return None
        return self.state.limiter.charge((ctx.api.name, ctx.anonymous_bucket), ctx.api.anonymous_limit)


async def _docs_redirect(state: MockState, path: str, send: Send) -> bool:
    """Send an API's Swagger UI to where the real service keeps its docs (`doc_paths`, e.g. Binom's /api/doc)."""
    docs = next((api for api in state.mocked if path in api.doc_paths), None)
    if docs is not None:
        await send_reply(Reply(302, "text/plain; charset=utf-8", headers={"Location": docs.base_path + "/ui/"}), send)
    return docs is not None


def find_api(state: MockState, path: str) -> tuple[ApiDefinition | None, str]:
    """The API serving `path`, and the prefix it was reached by (its base path or an alias)."""
    for prefix, api in _prefixes(state):
        if path == prefix or path.startswith(prefix + "/"):
            return api, prefix
    return None, ""


_PREFIXES: weakref.WeakKeyDictionary[MockState, list[tuple[str, ApiDefinition]]] = weakref.WeakKeyDictionary()


def _prefixes(state: MockState) -> list[tuple[str, ApiDefinition]]:
    """Every base path and alias, longest first, so a nested base path wins over a shorter one (once per state)."""
    cached = _PREFIXES.get(state)
    if cached is None:
        prefixes = [(prefix, api) for api in state.apis.values() for prefix in (api.base_path, *api.alias_base_paths)]
        cached = _PREFIXES[state] = sorted(prefixes, key=lambda pair: len(pair[0]), reverse=True)
    return cached


def _charge_key(ctx: RequestContext) -> Quota | None:
    """Authenticate the request's credential, if it has one, to charge its bucket; the quota, or None if not valid."""
    assert ctx.api is not None
    value = credential(ctx.api, ctx.scope)
    if value is None:
        return None
    try:
        ctx.api.authenticate(ctx, value, ConnexionRequest(ctx.scope))
    except ApiError:
        pass  # an invalid key stays anonymous; a valid one over its limit (or read-only) was still charged
    return ctx.quota


async def _answer_fast(api: ApiDefinition, ctx: RequestContext, send: Send) -> bool:
    """Answer a request for one of `api`'s fast routes without connexion; False leaves the request to connexion."""
    scope = ctx.scope
    rest = scope["path"][len(api.base_path) :]
    for route in api.fast_routes:
        match = route.pattern.fullmatch(rest)
        if match is None or scope["method"] not in route.methods:
            continue
        try:
            reply = await route.handler(ctx, match)
        except ApiError as error:
            reply = errors.reply(api.errors, error)
        except Exception:
            # Connexion's error handlers are inside, not around, this middleware: keep the API's shape for a bug too.
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            reply = errors.reply(api.errors, ApiError(500, api.errors.message_for(500)))
        if reply is None:
            return False
        await send_reply(reply, send, head=scope["method"] == "HEAD")
        return True
    return False


async def send_reply(reply: Reply, send: Send, *, head: bool = False) -> None:
    await send({"type": "http.response.start", "status": reply.status, "headers": reply.raw_headers})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})


def base_url(scope: Scope) -> str:
    """scheme://host[:port] as the client addressed the mock, for URLs it hands back."""
    host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
    if not host:
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


def _rebased(scope: Scope, prefix: str, base_path: str) -> Scope:
    """`scope` with the alias `prefix` of its path replaced by the API's base path (what connexion routes on)."""
    rebased = {**scope, "path": base_path + scope["path"][len(prefix) :]}
    if "raw_path" in scope:
        rebased["raw_path"] = base_path.encode() + scope["raw_path"][len(prefix.encode()) :]
    return rebased


def _is_operation(api: ApiDefinition, path: str) -> bool:
    """False for the spec document and Swagger UI that connexion serves under the API's base path."""
    rest = path[len(api.base_path) :]
    return not (rest.startswith("/ui") or rest in ("/openapi.json", "/openapi.yaml", "/swagger.json"))


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
