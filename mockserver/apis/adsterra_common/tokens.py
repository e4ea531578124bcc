"""Adsterra API tokens: one valid token per account, kept in one table for both APIs so each knows the other's tokens.

A token is valid (`active`) until a newer one is issued for its account, then `replaced`: 403 "Invalid token".
A token that never existed is 401 "Token not found"; a valid token of the other API is 403 "Invalid owner type".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...context import Principal
from ...kit.errors import ApiError
from ...kit.formats import Document
from ...state.clock import iso
from ...state.ratelimit import Quota
from ...state.store import OWNER, Table, View
from .documents import single

if TYPE_CHECKING:
    from connexion.lifecycle import ConnexionRequest

    from ...context import RequestContext
    from ...mockstate import MockState

NAMESPACE = "adsterra"  # store namespace of what both APIs share
RATE_LIMIT = 1200  # requests per minute per user: the publisher docs; assumed for the advertiser API
TOKEN_LENGTH = 32  # [a-z0-9]{32}, as the 2.3.0 docs give


def table(state: MockState) -> Table:
    return state.store.table(NAMESPACE, "tokens")


def issue(state: MockState, owner_type: str, account_id: str, value: str | None = None) -> View:
    """A new valid token for the account (`value`, or a random one); the token valid until now is replaced."""
    tokens = table(state)
    for token in list(tokens.rows(account_id, status="active")):
        tokens.update(account_id, token["id"], {"status": "replaced"})
    value = value or state.data.new_id("", tokens, length=TOKEN_LENGTH)
    return tokens.add(
        account_id, {"id": value, "owner_type": owner_type, "status": "active", "created_at": iso(state.clock.now())}
    )


def rotate_token(state: MockState, account_id: str) -> str:
    """Generate a new token for an account, as the UI's "Generate new token" does; the old one stops working.

    A plain function, for the mock-only rotate operation of either API.
    """
    current = next(table(state).rows(account_id), None)
    if current is None:
        raise KeyError(f"no Adsterra account {account_id!r}")
    return str(issue(state, current["owner_type"], account_id)["id"])


def check(ctx: RequestContext, token: str, owner_type: str) -> Principal:
    """The caller behind `token` (header or legacy path segment alike), charged against its per-minute limit."""
    record = table(ctx.state).lookup_credential(token)
    if record is None:
        raise ApiError(401, "Token not found")
    if record["owner_type"] != owner_type:
        raise ApiError(403, "Invalid owner type")
    if record["status"] != "active":
        raise ApiError(403, "Invalid token")
    ctx.principal = Principal(account_id=record[OWNER], credential_id=token)
    ctx.charge(("user", record[OWNER]), RATE_LIMIT)  # its 429 says "Too many requests", the shape's word for it
    return ctx.principal


def authenticator(owner_type: str) -> Callable[[RequestContext, str, ConnexionRequest], Principal]:
    """The API's `authenticate`: the X-API-Key value connexion extracted, checked for `owner_type`."""

    def authenticate(ctx: RequestContext, token: str, request: ConnexionRequest) -> Principal:
        return check(ctx, token, owner_type)

    return authenticate


def rotated(ctx: RequestContext, format_: str) -> Document:
    """The mock-only rotate operation of either API: a new token for the caller's account."""
    record = table(ctx.state).get(ctx.account_id, rotate_token(ctx.state, ctx.account_id))
    assert record is not None
    return single({"token": record["id"], "created_at": record["created_at"]}, format_)


def no_rate_headers(quota: Quota) -> dict[str, str]:
    """Adsterra documents no X-RateLimit-* headers; over the limit there is only the 429's Retry-After."""
    return {}
