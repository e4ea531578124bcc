"""Authentication plumbing: connexion's security layer hands every credential to the API's own policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connexion.lifecycle import ConnexionRequest

from .. import context
from ..kit import spec
from ..kit.errors import ApiError
from . import framework

if TYPE_CHECKING:
    from starlette.types import Scope

    from ..api import ApiDefinition
    from ..context import RequestContext


def verify(credential: str, required_scopes: Any = None, request: ConnexionRequest | None = None) -> dict[str, Any]:
    """The one security function for every scheme of every API (connexion calls it after extracting the credential)."""
    assert request is not None
    ctx = context.of(request.scope)
    assert ctx is not None
    return {"sub": context.identify(ctx, credential, request).account_id}


def credential(api: ApiDefinition, scope: Scope) -> str | None:
    """The credential a request carries in a header the API's security schemes name, as connexion would extract it."""
    headers: dict[str, str] = {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])
    }
    for header, prefix in spec.credential_headers(api.spec_path):
        value = headers.get(header)
        if value and value.lower().startswith(prefix) and value[len(prefix) :].strip():
            return value[len(prefix) :].strip()
    return None


def settle_quota(ctx: RequestContext) -> None:
    """Charge a request of the API proper once, as it is answered, unless its credential's check charged it already."""
    if ctx.quota is not None or ctx.stamped:
        return
    assert ctx.api is not None
    if framework.routed_operation_id(ctx.scope) is None:
        # No operation matched (a router 404 or 405), so connexion's security never ran. The real APIs check keys
        # before routing: a valid key is charged and reported as on any other call, not the client's anonymous
        # bucket (which would report another limit to the same key). It is not the request's principal, though.
        value = credential(ctx.api, ctx.scope)
        if value is not None:
            try:
                ctx.api.authenticate(ctx, value, ConnexionRequest(ctx.scope))
            except ApiError:
                pass  # an invalid key stays anonymous; a valid one over its limit (or read-only) was still charged
            if ctx.quota is not None:
                return
    if ctx.api.anonymous_limit is not None:
        ctx.quota = ctx.state.limiter.charge((ctx.api.name, ctx.anonymous_bucket), ctx.api.anonymous_limit)


# Given to connexion as `security_map`, so the specs need no x-*InfoFunc: they stay pure contracts.
SECURITY_MAP = framework.security_map(verify)
