"""What an API contributes to the mock: its spec, handlers, error shape, auth policy and seed data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from . import routes
from .errors import ErrorShape
from .ratelimit import Quota

if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

    from .auth import Principal
    from .gateway import RequestContext
    from .state import MockState


SPEC_DIR = Path(__file__).resolve().parent.parent / "openapi"


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
class ApiDefinition:
    name: str  # short name, also the URL prefix: /<name>/...
    title: str
    spec: str  # file name under openapi/
    base_path: str  # where the spec's paths are mounted on the mock
    real_base_url: str  # the production base URL the mock's base path stands in for
    handlers: ModuleType  # operationId `getSite` -> handlers.get_site(ctx, **params)
    errors: ErrorShape
    # Turns the credential connexion extracted (per the spec's security scheme) into a principal, or raises ApiError.
    authenticate: Callable[[RequestContext, str, ConnexionRequest], Principal]
    seed: Callable[[MockState], None]
    demo_keys: Callable[[MockState], list[DemoKey]]
    # Requests that never reach `authenticate` (missing or malformed credentials) are counted per client with this limit.
    anonymous_limit: int | None = None
    rate_headers: Callable[[Quota], Mapping[str, str]] = field(default=ratelimit_headers)
    # A header that carries a fresh UUID v4 on every response, errors included (Binom's X-Request-Id).
    request_id_header: str | None = None
    # Further base paths that answer exactly like `base_path` (PeerClick's /v1_1 next to /v1); the gateway
    # rewrites them to `base_path` before routing, so there is one mounted spec and one state.
    alias_base_paths: tuple[str, ...] = ()

    @property
    def spec_path(self) -> Path:
        return SPEC_DIR / self.spec

    def allowed_methods(self, path: str) -> list[str]:
        return routes.allowed_methods(self.spec_path, self.base_path, path)
