"""PeerClick API (seed 004): key tokens from access keys, 3 requests/s (1 for reports), entities and the report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...api import ApiDefinition
from ...domain.resources import seeding
from ...kit.errors import ErrorShape
from ...kit.plain_errors import field_of
from . import accounts, contract, entities, handlers, seed, sessions

# INVENTED `code` values around the confirmed `description`; statuses without one (405, 415) leave it out.
CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 429: "TOO_MANY_REQUESTS",
         500: "INTERNAL_ERROR"}  # fmt: skip


def _error_body(status: int, message: str, hint: str | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"description": f"{message}: {hint.splitlines()[0]}" if hint else message}
    if status in CODES:
        body["code"] = CODES[status]
    if status == 400 and hint:
        body["errors"] = [{"field": _field(hint), "message": hint.splitlines()[0]}]
    return body


def _field(hint: str) -> str:
    """The body field or parameter a validation message names ("payout.currency must be ..."), else "body"."""
    return field_of(hint) or "body"


DEFINITION = ApiDefinition(
    name="peerclick",
    title="PeerClick API",
    spec="peerclick.yaml",
    base_path="/peerclick/v1",
    alias_base_paths=("/peerclick/v1_1",),  # the real client's version prefix: same operations, same state
    real_base_url="https://api.peerclick.com/v1",
    handlers=handlers,
    errors=ErrorShape(
        body=_error_body,
        messages={400: "Validation failed", 401: "Invalid token", 404: "Not found", 500: "Internal error"},
    ),
    authenticate=sessions.authenticate,
    seed=seeding(seed.seed, entities.SCHEME, entities.ENTITIES),
    demo_keys=seed.demo_keys,
    accounts=accounts.ACCOUNTS,
    contract=contract.CONTRACT,
)
