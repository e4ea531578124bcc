"""BannerTrackr account administration for the admin API: accounts on a plan, keys within the plan's key limit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...domain.accounts import administration, revoke
from ...kit.errors import ApiError
from ...state.clock import iso
from ...state.store import OWNER
from .plans import PLANS, add_within, enforce

if TYPE_CHECKING:
    from ...mockstate import MockState

API = "bannertrackr"


def create_account(
    state: MockState, plan: str | None, name: str | None, email: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    plan = plan or "growth"
    if plan not in PLANS:
        raise ApiError(400, f"Unknown plan {plan!r}", f"BannerTrackr plans: {', '.join(PLANS)}")
    accounts = state.store.table(API, "accounts")
    account_id = state.data.new_id("user_", accounts)
    record = accounts.add(account_id, {
        "id": account_id, "email": email or state.data.faker.email(), "name": name or state.data.faker.name(),
        "plan": plan, "createdAt": iso(state.clock.now()),
    })  # fmt: skip
    scopes = ("read_write", "read_only")[: PLANS[plan].api_keys]  # Free has no API access, so no keys
    keys = [create_key(state, account_id, scope) for scope in scopes]
    return _account(record), keys


def create_key(state: MockState, account_id: str, scope: str) -> dict[str, Any]:
    account = state.store.table(API, "accounts").get(account_id, account_id)  # an account owns itself
    if account is None:
        raise ApiError(404, f"No BannerTrackr account {account_id!r}")
    keys = state.store.table(API, "keys")
    limit = PLANS[account["plan"]].api_keys
    enforce("API key", keys.count(account_id, status="active"), limit)
    value = state.data.new_id("bt_live_", keys, length=24)
    created = iso(state.clock.now())
    record = {"id": value, "name": f"{scope} key", "scope": scope, "status": "active", "createdAt": created}
    return _key(add_within("API key", keys, account_id, record, limit, status="active"))


def revoke_key(state: MockState, value: str) -> dict[str, Any]:
    return _key(revoke(state.store.table(API, "keys"), value, "BannerTrackr key"))


def _account(record: Mapping[str, Any]) -> dict[str, Any]:
    return {name: record[name] for name in ("id", "plan", "name", "email")}


def _key(record: Mapping[str, Any]) -> dict[str, Any]:
    return {"value": record["id"], "account": record[OWNER], "scope": record["scope"], "status": record["status"]}


ACCOUNTS = administration(create_account, create_key, revoke_key)
