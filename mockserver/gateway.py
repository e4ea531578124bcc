"""The outermost middleware: finds the API a request is for, gives it a context, caps bodies, stamps rate-limit headers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import index
from .api import ApiDefinition
from .auth import Principal
from .errors import ApiError
from .ratelimit import Quota
from .state import MockState
from .store import Record, Table

MAX_BODY_BYTES = 1_000_000
ROUTED = "connexion_routing"  # connexion records the matched operation under this scope extension  # larger bodies get a 400: no mocked API has a reason to accept more


@dataclass
class RequestContext:
    """Per-request view of the mock: handlers and auth policies receive this, never globals."""

    state: MockState
    api: ApiDefinition | None
    scope: Scope
    principal: Principal | None = None
    quota: Quota | None = None
    stamped: bool = False  # rate headers already on the response (handler answers carry them for validation)
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

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

    @property
    def base_url(self) -> str:
        return base_url(self.scope)

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
            wait = self.quota.retry_after
            raise ApiError(429, "Rate limit exceeded", f"Retry after {wait} seconds", headers={"Retry-After": str(wait)})
        return self.quota


class Gateway:
    def __init__(self, app: ASGIApp, state: MockState) -> None:
        self.app = app
        self.state = state
        # Every base path and alias, longest first, so a nested base path wins over a shorter one.
        prefixes = [(prefix, api) for api in state.apis.values() for prefix in (api.base_path, *api.alias_base_paths)]
        self._prefixes = sorted(prefixes, key=lambda pair: len(pair[0]), reverse=True)

    def _api_for(self, path: str) -> tuple[ApiDefinition | None, str]:
        """The API serving `path`, and the prefix it was reached by."""
        for prefix, api in self._prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                return api, prefix
        return None, ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in ("/", "/index.html"):
            await index.serve(self.state, base_url(scope), send)
            return
        api, prefix = self._api_for(path)
        if api is not None and prefix != api.base_path:
            scope = _rebased(scope, prefix, api.base_path)
            path = scope["path"]
        ctx = RequestContext(self.state, api, scope)
        scope["mockserver"] = ctx
        # Shared with connexion's scope copies, so we can tell afterwards whether routing found an operation.
        scope.setdefault("extensions", {})
        if api is None or not _is_operation(api, path):
            await self.app(scope, receive, send)
            return
        await self.app(scope, _capped(receive), self._stamping(ctx, send))

    def _stamping(self, ctx: RequestContext, send: Send) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                if ctx.quota is None and not ctx.stamped:
                    ctx.quota = self._anonymous_quota(ctx)
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers = {**ctx.rate_headers(), **ctx.request_id_headers()}
                extra = [(k.lower().encode(), v.encode()) for k, v in headers.items() if k.lower().encode() not in present]
                if extra:
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return send_with_headers

    def _anonymous_quota(self, ctx: RequestContext) -> Quota | None:
        # Requests rejected before authentication still report a quota: per client address. Requests that
        # match no operation (router 404/405) are not API calls: they neither use nor report quota.
        assert ctx.api is not None
        if ctx.api.anonymous_limit is None or ROUTED not in ctx.scope["extensions"]:
            return None
        return self.state.limiter.charge((ctx.api.name, ctx.anonymous_bucket), ctx.api.anonymous_limit)


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
