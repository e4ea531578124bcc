"""Binom account administration for the admin API: an account is a tracker user (role `admin` or `user`), with api-keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...domain.accounts import READ_WRITE, administration, key_view, read_write_only, revoke
from ...kit.errors import ApiError
from .access import ADMIN
from .seed import API, TRACKER, new_user

if TYPE_CHECKING:
    from ...mockstate import MockState

RESTRICTED = "user"
ROLES = (ADMIN, RESTRICTED)  # the "plans" of a Binom account; a new restricted user starts with no campaign grants
TITLE = "Binom"


def create_account(
    state: MockState, plan: str | None, name: str | None, email: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    role = plan or RESTRICTED
    if role not in ROLES:
        raise ApiError(400, f"Unknown Binom role {role!r}", f"A Binom account is a user with role {' or '.join(ROLES)}")
    users = state.store.table(API, "users")
    login = name or state.data.faker.user_name()
    user = users.add(TRACKER, new_user(users.next_int_id(), login, role, state.data.token(16)))
    return _account(user), [create_key(state, str(user["id"]), READ_WRITE)]


def create_key(state: MockState, account_id: str, scope: str) -> dict[str, Any]:
    user = state.store.table(API, "users").get(TRACKER, int(account_id)) if account_id.isdecimal() else None
    if user is None:
        raise ApiError(404, f"No Binom user {account_id!r}")
    read_write_only(TITLE, scope)
    keys = state.store.table(API, "keys")
    return _key(
        keys.add(
            TRACKER, {"id": state.data.new_id("binom_", keys, length=32), "userId": user["id"], "status": "active"}
        )
    )


def revoke_key(state: MockState, value: str) -> dict[str, Any]:
    return _key(
        revoke(state.store.table(API, "keys"), value, "Binom key")
    )  # Binom then answers it as an unknown key: 401


def _account(user: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": str(user["id"]), "plan": user["role"], "name": user["login"]}


def _key(record: Mapping[str, Any]) -> dict[str, Any]:
    # A blocked key is not revoked (unblocking brings it back), so the control API shows it as active.
    status = "revoked" if record.get("status") == "revoked" else "active"
    return key_view(record["id"], str(record["userId"]), READ_WRITE, status)


ACCOUNTS = administration(create_account, create_key, revoke_key)
