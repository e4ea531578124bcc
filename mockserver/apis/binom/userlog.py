"""Binom's users events log: every change made through the users, grants, keys and 2FA operations, in order."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from ...context import RequestContext
from ...domain.pagination import offset_page
from . import access
from .periods import binom_datetime
from .seed import TRACKER

TABLE = "user_log"
# INVENTED vocabulary in the style of the captured `affiliate_network_postback_url_edited`.
TYPES = {
    "user_created": "User created", "user_edited": "User edited", "user_deleted": "User deleted",
    "user_cloned": "User cloned", "login_changed": "Login changed", "password_changed": "Password changed",
    "permissions_edited": "Permissions edited", "campaign_access_granted": "Campaign access granted",
    "campaign_access_revoked": "Campaign access revoked", "hide_profit_edited": "Hide profit edited",
    "can_create_users_edited": "Can create users edited", "accessible_users_edited": "Accessible users edited",
    "api_key_refreshed": "API key refreshed", "api_key_blocked": "API key blocked",
    "api_key_unblocked": "API key unblocked", "two_factor_enabled": "Two-factor verification enabled",
    "two_factor_disabled": "Two-factor verification disabled", "cookie_settings_edited": "Cookie settings edited",
    "logout": "Logged out",
}  # fmt: skip


def record(ctx: RequestContext, kind: str, target: int | None, details: str) -> None:
    """Note one change by the caller (`target`: the user it was made to, if any)."""
    assert kind in TYPES, kind
    table = ctx.table(TABLE)
    actor = access.user(ctx)
    table.add(TRACKER, {
        "id": table.next_int_id(), "userId": actor["id"], "login": actor["login"], "type": kind,
        "targetUserId": target, "details": details, "createdAt": binom_datetime(ctx.state.clock.now(), UTC),
    })  # fmt: skip


async def list_user_log(ctx: RequestContext, limit: int = 100, offset: int = 0, type_: str | None = None) -> Any:
    """Newest first; an administrator sees every user's events, a restricted user its own."""
    me = access.user(ctx)["id"]
    rows = [
        dict(row)
        for row in ctx.table(TABLE).rows(TRACKER)
        if (access.is_admin(ctx) or row["userId"] == me) and type_ in (None, row["type"])
    ]
    page, count = offset_page(rows[::-1], limit, offset)
    return {"events": page, "totalCount": count}


async def list_user_log_types(ctx: RequestContext) -> Any:
    return [{"id": kind, "name": name} for kind, name in TYPES.items()]


HANDLERS = {handler.__name__: handler for handler in (list_user_log, list_user_log_types)}
