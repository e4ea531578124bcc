"""Authentication plumbing: connexion's security layer hands every credential to the API's own policy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler
from connexion.utils import inspect_function_arguments

from . import spec
from .errors import ApiError

if TYPE_CHECKING:
    from starlette.types import Scope

    from .api import ApiDefinition


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account, the credential used, and what it may do."""

    account_id: str
    credential_id: str
    scope: str = "read_write"
    attributes: dict[str, Any] = field(default_factory=dict)


def verify(credential: str, required_scopes: Any = None, request: ConnexionRequest | None = None) -> dict[str, Any]:
    """The one security function for every scheme of every API (connexion calls it after extracting the credential)."""
    assert request is not None
    ctx = request.scope["mockserver"]
    if ctx.api is None:
        raise ApiError(401, "Unauthorized")
    ctx.principal = ctx.api.authenticate(ctx, credential, request)
    return {"sub": ctx.principal.account_id}


def credential(api: ApiDefinition, scope: Scope) -> str | None:
    """The credential a request carries in a header the API's security schemes name, as connexion would extract it."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    for header, prefix in spec.credential_headers(api.spec_path):
        value = headers.get(header)
        if value and value.lower().startswith(prefix) and value[len(prefix) :].strip():
            return value[len(prefix) :].strip()
    return None


@cache
def _accepts_kwarg(func: Callable[..., Any], keyword: str) -> bool:
    # connexion inspects the security function's signature on every request; it never changes.
    arguments, has_kwargs = inspect_function_arguments(func)
    return has_kwargs or keyword in arguments


class _Bearer(BearerSecurityHandler):
    _accepts_kwarg = staticmethod(_accepts_kwarg)

    def _resolve_func(self, security_scheme: dict[str, Any]) -> Any:
        return verify


class _ApiKey(ApiKeySecurityHandler):
    _accepts_kwarg = staticmethod(_accepts_kwarg)

    def _resolve_func(self, security_scheme: dict[str, Any]) -> Any:
        return verify


# Given to connexion as `security_map`, so the specs need no x-*InfoFunc: they stay pure contracts.
SECURITY_MAP = {"bearer": _Bearer, "apiKey": _ApiKey}

