"""Adsterra account administration for the admin API: accounts with their one valid API token, for either API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.accounts import READ_WRITE, AccountAdmin, find_key, key_view, no_plans, read_write_only, revoke
from ...kit.errors import ApiError
from ...state.store import OWNER, View
from . import tokens

if TYPE_CHECKING:
    from ...mockstate import MockState

TITLE = "Adsterra"


def administration(api: str, owner_type: str, **new_account: Any) -> AccountAdmin:
    """The admin operations for the API named `api`, whose tokens are of `owner_type`; `new_account` is a new account's fields.

    A new key is a new token, which replaces the account's valid one: Adsterra keeps one token per account.
    """

    def create_account(
        state: MockState, plan: str | None, name: str | None, email: str | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        no_plans(TITLE, plan)
        accounts = state.store.table(api, "accounts")
        account_id = state.data.new_id(f"{owner_type}_", accounts)
        accounts.add(account_id, {"id": account_id, **new_account})
        return {"id": account_id}, [_key(tokens.issue(state, owner_type, account_id))]

    def create_key(state: MockState, account_id: str, scope: str) -> dict[str, Any]:
        if state.store.table(api, "accounts").get(account_id, account_id) is None:  # an account owns itself
            raise ApiError(404, f"No {TITLE} {owner_type} account {account_id!r}")
        read_write_only(TITLE, scope)
        return _key(tokens.issue(state, owner_type, account_id))

    def revoke_key(state: MockState, value: str) -> dict[str, Any]:
        return _key(revoke(tokens.table(state), value, what, ours))  # then 403 "Invalid token", as for a replaced one

    def rotate_key(state: MockState, value: str) -> dict[str, Any]:
        # Not revoke-then-create: the old token ends `replaced`, as the UI's "Generate new token" leaves it.
        return _key(tokens.issue(state, owner_type, find_key(tokens.table(state), value, what, ours)[OWNER]))

    def ours(token: View) -> bool:
        return bool(token["owner_type"] == owner_type)  # the other Adsterra API's tokens are not this API's keys

    what = f"{TITLE} {owner_type} token"

    return AccountAdmin(
        create_account=create_account, create_key=create_key, revoke_key=revoke_key, rotate_key=rotate_key
    )


def _key(token: View) -> dict[str, Any]:
    return key_view(token["id"], token[OWNER], READ_WRITE, "active" if token["status"] == "active" else "revoked")
