"""One request as a value: its API, caller, quota, headers to stamp and JSON sent; what handlers and policies receive."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from connexion.lifecycle import ConnexionRequest
from starlette.types import Scope

from .kit import errors
from .kit.formats import Document
from .state.ratelimit import Quota
from .state.store import Table, View

if TYPE_CHECKING:
    from .api import ApiDefinition
    from .mockstate import MockState


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account, the credential used, and what it may do."""

    account_id: str
    credential_id: str
    scope: str = "read_write"
    attributes: dict[str, Any] = field(default_factory=dict)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_KEY = "mockserver"  # where a request's context sits in its ASGI scope (and in connexion's copies of it)
# The path prefix the mock is mounted under inside another app (wsgi.py), which the URLs it hands back must carry.
# Not the ASGI root_path: with one, starlette's routing inside connexion would look for it in every path.
MOUNT_KEY = "mockserver.mount"


@dataclass
class RequestContext:
    """Per-request view of the mock: handlers and auth policies receive this, never globals.

    The gateway makes it (state, api, scope, operation); `identify` sets the principal and the policy it runs the
    quota (`charge`), else `settle_quota` does; the handler's view records the JSON it sent (`sent`) and stamps the
    headers (`stamp_headers`), else the gateway does.
    """

    state: MockState
    api: ApiDefinition | None
    scope: Scope
    principal: Principal | None = None
    quota: Quota | None = None
    operation: bool = False  # the path is one of the API's operations (not its spec or Swagger UI)
    stamped: bool = False  # rate headers already on the response (handler answers carry them for validation)
    sent_json: tuple[bytes, Any] | None = None  # a handler's JSON answer: (the bytes, the value they encode)
    deferred: bool = False  # the gateway begins the request itself (MockState.begin_request, begin_together)
    _request_id: str | None = field(default=None, init=False, repr=False)
    _base_url: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.deferred:
            self.state.begin_request()  # a shared state forgets what it read for earlier requests

    @property
    def request_id(self) -> str:
        # Drawn on first use: only APIs with a request-id header need one. (Not a cached_property: its lock and
        # descriptor were a tenth of what the request-id header cost per request.)
        drawn = self._request_id
        if drawn is None:
            drawn = self._request_id = _uuid4()
        return drawn

    @property
    def account_id(self) -> str:
        assert self.principal is not None, "operation has no security requirement"
        return self.principal.account_id

    def table(self, name: str) -> Table:
        assert self.api is not None
        return self.state.store.table(self.api.name, name)

    def owned(self, table: str, record_id: str, not_found: str) -> View:
        """The caller's record `record_id`, or a 404: another account's record is as absent as a missing one."""
        record = self.table(table).get(self.account_id, record_id)
        if record is None:
            raise errors.ApiError(404, not_found)
        return record

    def kept_json(self, what: tuple[Any, ...], compute: Callable[[], Any]) -> Document:
        """The answer `compute()` gives (a JSON value, or a Document in any format), kept until the next write to any
        of this API's records (`Store.kept`) and serialised once, so a repeated read costs neither its view nor its
        encoding (nor, its bytes being the same, its response check). Only for an answer that depends on nothing but
        those records, the caller (its account, and its credential: one account's users may see different things,
        as Binom's grants decide), the URL the client addressed (which links carry) and `what`: the operation, its
        parameters and anything the clock decides in it."""
        assert self.api is not None and self.principal is not None
        key = ("json", self.principal.account_id, self.principal.credential_id, self.base_url, *what)
        return self.state.store.kept(self.api.name, key, lambda: _document(compute()))

    @property
    def base_url(self) -> str:
        found = self._base_url  # a list view builds URLs from it for every record: worked out once
        if found is None:
            found = self._base_url = base_url(self.scope)
        return found

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

    def stamp_headers(self, *, rate: bool = True) -> dict[str, str]:
        """The headers this response is to carry that its maker did not set: the request id and (once) the rates."""
        return {**self.request_id_headers(), **(self.rate_headers() if rate else {})}

    def sent(self, body: bytes, value: Any) -> None:
        """Note the JSON a handler answers with (`value` serialised as `body`), so validation need not parse it."""
        self.sent_json = (body, value)

    @property
    def anonymous_bucket(self) -> tuple[str, str]:
        """The rate-limit bucket of requests without a (valid) credential: the caller's address."""
        return ("anonymous", str((self.scope.get("client") or ("unknown", 0))[0]))

    def charge(self, bucket: Any, limit: int, window: float = 60.0) -> Quota:
        """Count this request against `bucket`; a 429 with Retry-After when over `limit` (the only way to charge)."""
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
        raise errors.ApiError(429, message, f"Retry after {wait} seconds", headers={"Retry-After": str(wait)})


def _document(answer: Any) -> Document:
    return answer if isinstance(answer, Document) else Document(answer)


# What request ids are drawn from: uuid4 reads the OS's entropy for each (a system call, and most of what a request id
# cost); this generator is seeded from it once per process, and again in a forked child, so no two workers draw alike.
_ids = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _ids.seed(os.urandom(32)))


# The bits uuid.UUID(int=..., version=4) sets: the variant (RFC 4122, 10xx) and the version (0100); those it clears.
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def _uuid4() -> str:
    """A random version 4 UUID as `str(uuid.UUID(int=bits, version=4))` writes it, without making the UUID object
    (its checks and properties were most of what an id cost)."""
    text = f"{(_ids.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def identify(ctx: RequestContext, credential: str, request: ConnexionRequest) -> Principal:
    """The caller behind `credential`, per the API's policy, which charges its bucket (`charge`) as it goes."""
    if ctx.api is None:
        raise errors.ApiError(401, "Unauthorized")
    ctx.principal = ctx.api.authenticate(ctx, credential, request)
    return ctx.principal


def of(scope: Scope) -> RequestContext | None:
    """The context of the request `scope` belongs to (None outside the gateway, e.g. for requests it answered)."""
    return scope.get(_KEY)


def attach(ctx: RequestContext) -> None:
    ctx.scope[_KEY] = ctx


def detach(ctx: RequestContext) -> None:
    """Break the cycle scope -> context -> scope once the request is answered.

    Otherwise each request's objects (its whole answer too) stay until a full garbage collection, which on the mock's
    heap takes ~80 ms and under load came every few hundred requests. (After an error the error handlers still read it.)
    """
    del ctx.scope[_KEY]
    ctx.sent_json = None


def sent_json(scope: Scope, body: bytes) -> Any:
    """The value a handler serialised as `body` for this request, or None (not its answer, or not from a value)."""
    ctx = of(scope)
    sent = None if ctx is None else ctx.sent_json
    return sent[1] if sent is not None and sent[0] == body else None


def base_url(scope: Scope) -> str:
    """scheme://host[:port][/mount] as the client addressed the mock, for URLs it hands back."""
    sent = b""
    for name, value in scope["headers"]:  # the last Host header, as a dict of the headers would keep it
        if name == b"host":
            sent = value
    host = sent.decode("latin-1")
    if not host:
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get(MOUNT_KEY, '')}"
