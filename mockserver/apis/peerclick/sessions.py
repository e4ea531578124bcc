"""PeerClick auth: access keys and passwords exchanged for expiring `api-token`s, and the per-account rate limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from connexion.lifecycle import ConnexionRequest

from ...context import Principal, RequestContext
from ...kit.errors import ApiError
from ...state.clock import iso
from ...state.store import OWNER, Rules, Store, View

if TYPE_CHECKING:
    from ...mockstate import MockState

API = "peerclick"
DEFAULT_LIFETIME = 86400  # seconds: the help article's default
PER_SECOND = 3  # the help article: 3 requests per second overall ...
REPORTS_PER_SECOND = 1  # ... and 1 per second for reports
TOKEN_PREFIX = "pc_kt_"


def authenticate(ctx: RequestContext, token: str, request: ConnexionRequest) -> Principal:
    record = ctx.table("tokens").lookup_credential(token)
    if record is None:
        raise ApiError(401, "Invalid token", "Create a key token with POST /auth/access/session")
    if record["expiresAt"] is not None and ctx.state.clock.time() >= record["expiresAt"]:
        raise ApiError(401, "Token expired", "Create a new key token with POST /auth/access/session")
    account = record[OWNER]
    ctx.charge((account, "all"), PER_SECOND, window=1.0)
    return Principal(account_id=account, credential_id=token)


def charge_report(ctx: RequestContext) -> None:
    """Reports have their own, stricter bucket on top of the overall one (whose quota the answer then reports)."""
    ctx.charge((ctx.account_id, "reports"), REPORTS_PER_SECOND, window=1.0)


def access_session(ctx: RequestContext, access_id: str, secret: str, lifetime: int) -> dict[str, Any]:
    """Exchange an access key (id + secret) for a key token living `lifetime` seconds."""
    ctx.charge(ctx.anonymous_bucket, PER_SECOND, window=1.0)
    key = ctx.table("access_keys").lookup_credential(access_id)
    if key is None or key["secret"] != secret:
        raise ApiError(
            401, "Invalid access key", "Use the access ID and key shown in Settings -> Security -> Access keys"
        )
    return _issue(ctx.state, key[OWNER], key["id"], lifetime)


def password_session(ctx: RequestContext, email: str, password: str) -> dict[str, Any]:
    """The real client's login: e-mail and password for a session token with the default lifetime."""
    ctx.charge(ctx.anonymous_bucket, PER_SECOND, window=1.0)
    account = ctx.table("accounts").find_credential(lambda row: bool(row["email"].casefold() == email.casefold()))
    if account is None or account["password"] != password:
        raise ApiError(401, "Invalid email or password")
    return _issue(ctx.state, account["id"], None, DEFAULT_LIFETIME)


def _drop_tokens(store: Store, owner: str, key: View) -> None:
    tokens = store.table(API, "tokens")
    for token in list(tokens.rows(owner, accessKeyId=key["id"])):
        tokens.remove(owner, token["id"])


ACCESS_KEY_RULES = Rules(on_remove=(_drop_tokens,))  # an access key's tokens stop working with it


def delete_access_key(state: MockState, access_id: str) -> bool:
    """Delete an access key and every token created under it (the panel's action; no public endpoint).

    For the control plane and tests: True when the key existed.
    """
    keys = state.store.table(API, "access_keys")
    owner = keys.owner_of(access_id)
    return owner is not None and keys.remove(owner, access_id) is not None  # its tokens with it


def _issue(state: MockState, account: str, access_id: str | None, lifetime: int) -> dict[str, Any]:
    tokens = state.store.table(API, "tokens")
    token = state.data.new_id(TOKEN_PREFIX, tokens, length=32)
    expires = state.clock.time() + lifetime
    tokens.add(account, {"id": token, "accessKeyId": access_id, "expiresAt": expires})
    return {"token": token, "expirationTimestamp": iso(datetime.fromtimestamp(expires, tz=UTC)), "lifetime": lifetime}


def account(ctx: RequestContext) -> View:
    record = ctx.table("accounts").get(ctx.account_id, ctx.account_id)  # an account owns itself
    assert record is not None
    return record
