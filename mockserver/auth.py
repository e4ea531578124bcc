"""Authentication plumbing: connexion's security layer hands every credential to the API's own policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from connexion.lifecycle import ConnexionRequest

from . import context, framework, spec

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
    ctx = context.of(request.scope)
    assert ctx is not None
    return {"sub": context.identify(ctx, credential, request).account_id}


def credential(api: ApiDefinition, scope: Scope) -> str | None:
    """The credential a request carries in a header the API's security schemes name, as connexion would extract it."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    for header, prefix in spec.credential_headers(api.spec_path):
        value = headers.get(header)
        if value and value.lower().startswith(prefix) and value[len(prefix) :].strip():
            return value[len(prefix) :].strip()
    return None


# Given to connexion as `security_map`, so the specs need no x-*InfoFunc: they stay pure contracts.
SECURITY_MAP = framework.security_map(verify)
