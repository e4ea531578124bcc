"""What an API contributes to the mock: its spec, handlers, error shape, auth policy and seed data."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .contract import Contract
from .domain.accounts import AccountAdmin
from .kit.errors import ErrorShape
from .state.ratelimit import Quota

if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

    from .context import Principal, RequestContext
    from .kit.formats import Reply
    from .mockstate import MockState


# openapi/ at the repository's root, reached through the package's `openapi` link so that a built wheel, which
# copies the files behind the link, carries the specs inside the package.
SPEC_DIR = Path(__file__).resolve().parent / "openapi"


def ratelimit_headers(quota: Quota) -> dict[str, str]:
    """The de-facto standard trio most of the mocked APIs document."""
    return {
        "X-RateLimit-Limit": str(quota.limit),
        "X-RateLimit-Remaining": str(quota.remaining),
        "X-RateLimit-Reset": str(quota.reset),
    }


@dataclass(frozen=True)
class DemoKey:
    """A credential printed at start-up and on the index page."""

    label: str
    value: str


@dataclass(frozen=True)
class FastRoute:
    """A path the gateway answers itself, before connexion, for hot paths that need none of its per-request work.

    Connexion's routing, security and validation layers cost about a millisecond per request; a tracking pixel
    needs none of them. A fast route must still be an operation of the spec (so it is documented and
    contract-tested), whose connexion handler calls the same code: then both ways give the same answer, and the
    handler may return None to leave unusual requests (a missing or repeated parameter, ...) to connexion, which
    validates them and answers in the API's error shape.
    """

    pattern: re.Pattern[str]  # must match the whole path below the API's base path
    # (ctx, match) -> a Reply, None (let connexion answer), or raises ApiError (sent in the API's error shape).
    handler: Callable[[RequestContext, re.Match[str]], Awaitable[Reply | None]]
    methods: frozenset[str] = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class ApiDefinition:
    name: str  # short name, also the URL prefix: /<name>/...
    title: str
    spec: str  # file name under openapi/ (or an absolute path, for an API defined outside the project)
    base_path: str  # where the spec's paths are mounted on the mock (the spec's paths start below it)
    real_base_url: str  # the production base URL that base_path + api_prefix stands in for
    handlers: ModuleType  # operationId `getSite` -> handlers.get_site(ctx, **params)
    errors: ErrorShape
    # Turns the credential connexion extracted (per the spec's security scheme) into a principal, or raises ApiError.
    authenticate: Callable[[RequestContext, str, ConnexionRequest], Principal]
    seed: Callable[[MockState], None]
    demo_keys: Callable[[MockState], list[DemoKey]]
    # Requests that never reach `authenticate` (missing or malformed credentials) are counted per client with this limit.
    anonymous_limit: int | None = None
    rate_headers: Callable[[Quota], Mapping[str, str]] = field(default=ratelimit_headers)
    accounts: AccountAdmin | None = None  # account and key administration through the admin API
    # Runs in the gateway before anything else for every request below base_path (its Swagger UI too), and may
    # raise ApiError: the control API refuses other origins, foreign Host names, plain forms and missing tokens.
    admit: Callable[[RequestContext], None] | None = None
    control: bool = False  # the mock's own control API: not listed, logged, faulted or Prefer-able
    # The API proper, below base_path: what clients use as base URL, and the only paths that are rate limited and
    # carry rate-limit headers (a spec may also hold paths outside it, e.g. BannerTrackr's tracking URLs).
    api_prefix: str = ""
    # Other entry points worth listing on the index page and start-up banner: (label, path below base_path).
    links: tuple[tuple[str, str], ...] = ()
    fast_routes: tuple[FastRoute, ...] = ()  # tried in order, before connexion, for requests below base_path
    # True: a path segment outside its parameter's enum (e.g. an unsupported `.{format}` suffix) names no
    # resource, so the gateway answers 404 before authentication and validation, as the router does for
    # a non-numeric integer segment. False (default): connexion's validation reports it like any parameter.
    path_enums_route: bool = False
    # A header that carries a fresh UUID v4 on every response, errors included (Binom's X-Request-Id).
    request_id_header: str | None = None
    # Further base paths that answer exactly like `base_path` (PeerClick's /v1_1 next to /v1); the gateway
    # rewrites them to `base_path` before routing, so there is one mounted spec and one state.
    alias_base_paths: tuple[str, ...] = ()
    # Single paths outside base_path that answer as one of the spec's paths: (outside path, spec path below base_path).
    # Binom's click URL lives on the tracker's root (/binom/click), its API below /public/api/v1.
    outside_paths: tuple[tuple[str, str], ...] = ()
    # Paths that open this API's Swagger UI where the real service keeps its docs (Binom: /api/doc on the tracker).
    doc_paths: tuple[str, ...] = ()
    contract: Contract = Contract()  # what the contract suite needs beyond the spec: credentials, budget, settings

    @cached_property
    def spec_path(self) -> Path:
        # Kept: every request's log entry looks its spec up by this path (a new Path each time, hashed anew).
        return SPEC_DIR / self.spec

    @cached_property
    def api_base(self) -> str:
        """The path clients put after the host in their base URL."""
        return self.base_path + self.api_prefix

    @cached_property
    def _below_api_base(self) -> str:
        return self.api_base + "/"

    def is_api_path(self, path: str) -> bool:
        return path == self.api_base or path.startswith(self._below_api_base)
