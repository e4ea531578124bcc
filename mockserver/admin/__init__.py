"""The mock's own control API (openapi/admin.yaml), mounted at /__admin beside the mocked APIs."""

from __future__ import annotations

import hmac
from typing import Any

from connexion.lifecycle import ConnexionRequest

from ..api import ApiDefinition
from ..auth import Principal
from ..errors import ApiError, plain_shape
from ..gateway import RequestContext
from . import handlers


def admit(ctx: RequestContext) -> None:
    """Open on loopback; with an admin token configured (any other bind), only requests that carry it."""
    token = ctx.state.settings.admin_token
    if token is None:
        return
    sent = dict(ctx.scope["headers"]).get(b"x-admin-token", b"").decode("latin-1")
    if not hmac.compare_digest(sent, token):
        raise ApiError(401, "Admin token required", "Send the token printed at start-up in the X-Admin-Token header")


def _authenticate(ctx: RequestContext, token: str, request: ConnexionRequest) -> Principal:
    return Principal(account_id="admin", credential_id="admin")  # `admit` does the checking, token or not


def _nothing(*args: Any) -> list[Any]:
    return []


DEFINITION = ApiDefinition(
    name="admin",
    title="Mock control API",
    spec="admin.yaml",
    base_path="/__admin",
    real_base_url="(the mock itself)",
    handlers=handlers,
    errors=plain_shape(),
    authenticate=_authenticate,
    seed=_nothing,
    demo_keys=_nothing,
    admit=admit,
    control=True,
)
