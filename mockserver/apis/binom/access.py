"""Binom users: `api-key` lookup, the administrator/restricted split, campaign grants and the optional per-user limit."""

from __future__ import annotations

from connexion.lifecycle import ConnexionRequest

from ...context import Principal, RequestContext
from ...kit.errors import ApiError
from ...state.store import Record
from .seed import TRACKER

ADMIN = "admin"
FULL = "full"  # what an administrator has on everything (INVENTED accessLevel value)
READ = "read"
MODIFY = "modify"
BLOCKED = "blocked"  # a key status beside active and revoked


def authenticate(ctx: RequestContext, key: str, request: ConnexionRequest) -> Principal:
    record = ctx.table("keys").lookup_credential(key)
    status = None if record is None else record.get("status", "active")  # state saved before statuses: active
    if status == BLOCKED:  # known but blocked (POST /identity/api_key/block/{id}): refused, not unknown
        raise ApiError(403, "API key is blocked", "An administrator unblocks it: POST /identity/api_key/unblock/{id}")
    # A revoked (or refreshed) key is as unknown to Binom as a made-up one.
    if record is None or status != "active":
        raise ApiError(401, "Invalid API key", "Send the key of Settings -> User in the api-key header")
    user = ctx.table("users").get(TRACKER, record["userId"])
    assert user is not None
    if user["requestsPerMinute"] is not None:  # INVENTED optional limiter, off for every seeded user
        ctx.charge(("user", user["id"]), user["requestsPerMinute"])
    return Principal(account_id=TRACKER, credential_id=key, scope=user["role"], attributes={"user": user["id"]})


def user(ctx: RequestContext) -> Record:
    assert ctx.principal is not None
    record = ctx.table("users").get(TRACKER, ctx.principal.attributes["user"])
    assert record is not None
    return record


def is_admin(ctx: RequestContext) -> bool:
    return user(ctx)["role"] == ADMIN


def campaign_level(ctx: RequestContext, campaign_id: int) -> str | None:
    """The caller's access to a campaign: `full` for the administrator, the grant for a restricted user, else None."""
    record = user(ctx)
    return FULL if record["role"] == ADMIN else record["grants"].get(str(campaign_id))


def visible(ctx: RequestContext, campaign: Record) -> bool:
    return campaign_level(ctx, campaign["id"]) is not None


def entity_level(ctx: RequestContext) -> str:
    """Access to offers, landings, traffic sources and networks: restricted users may read them."""
    return FULL if is_admin(ctx) else READ


def require_admin(ctx: RequestContext, what: str) -> None:
    """Creating, changing or deleting anything but a granted campaign is for the administrator only."""
    if not is_admin(ctx):
        raise ApiError(403, f"Access denied: restricted users cannot {what}")


def require_campaign(ctx: RequestContext, campaign: Record, write: bool = False) -> None:
    level = campaign_level(ctx, campaign["id"])
    if level is None or (write and level == READ):
        raise ApiError(403, f"Access denied to campaign {campaign['id']}")


def require_self_or_admin(ctx: RequestContext, user_id: int) -> None:
    """A restricted user reaches only its own user record (identity, key); an administrator every one."""
    if not is_admin(ctx) and user(ctx)["id"] != user_id:
        raise ApiError(403, f"Access denied to user {user_id}")


def require_other(ctx: RequestContext, user_id: int, what: str) -> None:
    """Nobody locks themselves out: an administrator cannot `what` its own user (delete, block, demote)."""
    if user(ctx)["id"] == user_id:
        raise ApiError(403, f"Access denied: you cannot {what} your own user")
