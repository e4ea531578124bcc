"""BannerTrackr API keys: lookup, revocation, the Free-plan gate, per-plan read/write rate limits and read-only scope."""

from __future__ import annotations

from connexion.lifecycle import ConnexionRequest

from ...context import SAFE_METHODS, Principal, RequestContext
from ...kit.errors import ApiError
from ...state.store import OWNER
from .plans import PLANS, UPGRADE_URL


def authenticate(ctx: RequestContext, token: str, request: ConnexionRequest) -> Principal:
    key = ctx.table("keys").lookup_credential(token)
    if key is None:
        raise ApiError(
            401, "Invalid API key", "Send 'Authorization: Bearer bt_live_...' with a key from Settings -> Developer API"
        )
    account = ctx.table("accounts").get(key[OWNER], key[OWNER])  # an account owns itself
    assert account is not None
    plan = PLANS[account["plan"]]
    if plan.reads_per_minute is None or plan.writes_per_minute is None:
        raise ApiError(
            401,
            "API key has been revoked",
            f"The Developer API is not available on the Free plan; upgrade at {UPGRADE_URL}",
        )
    if key["status"] != "active":
        raise ApiError(401, "API key has been revoked", "Create a new key in Settings -> Developer API")
    principal = Principal(account_id=account["id"], credential_id=key["id"], scope=key["scope"])
    write = request.method not in SAFE_METHODS
    # Separate buckets per key and class, as the doc's table gives separate read and write limits.
    ctx.charge((key["id"], "write" if write else "read"), plan.writes_per_minute if write else plan.reads_per_minute)
    if write and key["scope"] != "read_write":
        raise ApiError(403, "This API key is read-only", "Create a key with read_write scope to perform this operation")
    return principal
