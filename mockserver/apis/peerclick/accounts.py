"""PeerClick account administration for the admin API: accounts with access keys (id + secret) that make key tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.accounts import READ_WRITE, administration, find_key, key_view, no_plans, read_write_only
from ...kit.errors import ApiError
from ...state.store import OWNER, View
from .seed import API
from .sessions import delete_access_key

if TYPE_CHECKING:
    from ...mockstate import MockState

TITLE = "PeerClick"


def create_account(
    state: MockState, plan: str | None, name: str | None, email: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    no_plans(TITLE, plan)
    accounts, faker = state.store.table(API, "accounts"), state.data.faker
    account_id = state.data.new_id("pc_account_", accounts)
    account = accounts.add(account_id, {
        "id": account_id, "name": name or faker.name(), "email": email or faker.email(), "password": faker.password(length=16),
        "domain": f"{faker.domain_word()}.trk.example.com", "workspaces": [{"id": 1, "name": "Default"}],
    })  # fmt: skip
    # The password too: it is what the real client's login (POST /auth/session) takes with the e-mail.
    view = {name: account[name] for name in ("id", "name", "email", "password")}
    return view, [create_key(state, account_id, READ_WRITE)]


def create_key(state: MockState, account_id: str, scope: str) -> dict[str, Any]:
    if state.store.table(API, "accounts").get(account_id, account_id) is None:  # an account owns itself
        raise ApiError(404, f"No PeerClick account {account_id!r}")
    read_write_only(TITLE, scope)
    keys = state.store.table(API, "access_keys")
    record = keys.add(
        account_id,
        {
            "id": state.data.new_id("pc_access_", keys, length=16),
            "secret": state.data.token(32),
            "name": "Admin API key",
        },
    )
    return _key(record, "active")


def revoke_key(state: MockState, value: str) -> dict[str, Any]:
    key = _find(state, value)
    delete_access_key(state, value)  # as deleting it in the panel does: its key tokens stop working too
    return _key(key, "revoked")


def _find(state: MockState, value: str) -> View:
    return find_key(state.store.table(API, "access_keys"), value, "PeerClick access key")


def _key(record: View, status: str) -> dict[str, Any]:
    # The access ID is the key's name in the admin API; POST /auth/access/session needs its secret too.
    return key_view(record["id"], record[OWNER], READ_WRITE, status, secret=record["secret"])


ACCOUNTS = administration(create_account, create_key, revoke_key)
