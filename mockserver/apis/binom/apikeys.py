"""Binom's identity api_key operations on a user's key: show, refresh (the old key stops working), block, unblock."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain.accounts import READ_WRITE
from ...state.store import View
from . import access, accounts, userlog, users
from .seed import TRACKER

KEYS = "keys"


def _keys(ctx: RequestContext, user_id: int) -> list[View]:
    """The user's keys that still exist for it (active or blocked; revoked ones are gone for good)."""
    return [row for row in ctx.table(KEYS).rows(TRACKER, userId=user_id) if row.get("status", "active") != "revoked"]


def _answer(ctx: RequestContext, user_id: int) -> dict[str, Any]:
    keys = _keys(ctx, user_id)
    key = keys[-1] if keys else None  # the newest: "each user has one API key"
    return {"userId": user_id, "apiKey": key["id"] if key else None,
            "isBlocked": bool(key) and key.get("status") == access.BLOCKED}  # fmt: skip


def _set_status(ctx: RequestContext, user_id: int, status: str) -> None:
    for key in _keys(ctx, user_id):
        ctx.table(KEYS).update(TRACKER, key["id"], {"status": status})


async def get_api_key(ctx: RequestContext, id_: int) -> Any:
    access.require_self_or_admin(ctx, id_)
    users.found(ctx, id_)
    return _answer(ctx, id_)


async def refresh_api_key(ctx: RequestContext, id_: int) -> Any:
    """A new key for the user; every earlier one is revoked (401 from now on), a blocked one included."""
    access.require_self_or_admin(ctx, id_)
    users.found(ctx, id_)
    _set_status(ctx, id_, "revoked")
    accounts.create_key(ctx.state, str(id_), READ_WRITE)
    userlog.record(ctx, "api_key_refreshed", id_, f"API key of user {id_} refreshed")
    return _answer(ctx, id_)


async def block_api_key(ctx: RequestContext, id_: int) -> Any:
    access.require_admin(ctx, "block API keys")
    access.require_other(ctx, id_, "block the key of")
    users.found(ctx, id_)
    _set_status(ctx, id_, access.BLOCKED)
    userlog.record(ctx, "api_key_blocked", id_, f"API key of user {id_} blocked")
    return _answer(ctx, id_)


async def unblock_api_key(ctx: RequestContext, id_: int) -> Any:
    access.require_admin(ctx, "unblock API keys")
    users.found(ctx, id_)
    _set_status(ctx, id_, "active")
    userlog.record(ctx, "api_key_unblocked", id_, f"API key of user {id_} unblocked")
    return _answer(ctx, id_)


HANDLERS = {handler.__name__: handler for handler in (get_api_key, refresh_api_key, block_api_key, unblock_api_key)}
