"""The mock's own control API (openapi/admin.yaml), mounted at /__admin beside the mocked APIs."""

from __future__ import annotations

from typing import Any

from connexion.lifecycle import ConnexionRequest

from ..api import ApiDefinition
from ..context import Principal, RequestContext
from ..kit.errors import plain_shape
from . import contract, guard, handlers


def _authenticate(ctx: RequestContext, token: str, request: ConnexionRequest) -> Principal:
    return Principal(account_id="admin", credential_id="admin")  # `guard.admit` does the checking, token or not


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
    admit=guard.admit,
    control=True,
    contract=contract.CONTRACT,
)
