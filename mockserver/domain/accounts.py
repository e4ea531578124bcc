"""What every API's account administration shares: the admin API's Key answer, key revocation and rotation, the checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..kit.errors import ApiError
from ..state.store import OWNER, Table, View

if TYPE_CHECKING:
    from ..mockstate import MockState


@dataclass(frozen=True)
class AccountAdmin:
    """What the admin API may do to an API's accounts and keys; each raises ApiError (404, 400, 403) when it cannot."""

    create_account: Callable[
        [MockState, str | None, str | None, str | None], tuple[dict[str, Any], list[dict[str, Any]]]
    ]
    create_key: Callable[[MockState, str, str], dict[str, Any]]
    revoke_key: Callable[[MockState, str], dict[str, Any]]
    rotate_key: Callable[[MockState, str], dict[str, Any]]


READ_WRITE = "read_write"
REVOKED = "revoked"
CreateKey = Callable[["MockState", str, str], dict[str, Any]]
RevokeKey = Callable[["MockState", str], dict[str, Any]]


def key_view(value: str, account: str, scope: str, status: str, **extra: Any) -> dict[str, Any]:
    """A key as the admin API's `Key` schema gives it; `status` is `active` or `revoked` whatever the API calls it."""
    return {"value": value, "account": account, "scope": scope, "status": status, **extra}


def no_plans(title: str, plan: str | None) -> None:
    """For APIs whose accounts have no plans: naming one is a mistake worth a 400, not something to ignore."""
    if plan is not None:
        raise ApiError(400, f"{title} accounts have no plans", "Leave `plan` out")


def read_write_only(title: str, scope: str) -> None:
    """For APIs whose keys carry all of their account's (or user's) rights: there is no read-only key to make."""
    if scope != READ_WRITE:
        raise ApiError(
            400, f"{title} has no {scope} keys", f"A {title} key carries all its owner's rights; use read_write"
        )


def find_key(keys: Table, value: str, what: str, belongs: Callable[[View], bool] = lambda key: True) -> View:
    """The key record `value` of any account (the admin API names keys, not owners), or the 404 naming `what`."""
    key = keys.lookup_credential(value)
    if key is None or not belongs(key):
        raise ApiError(404, f"No such {what}")
    return key


def revoke(keys: Table, value: str, what: str, belongs: Callable[[View], bool] = lambda key: True) -> Mapping[str, Any]:
    """Mark key `value` revoked (kept, so the API can tell a revoked key from an unknown one); the revoked record."""
    key = find_key(keys, value, what, belongs)
    revoked = keys.update(key[OWNER], value, {"status": REVOKED})
    assert revoked is not None
    return revoked


def administration(create_account: Any, create_key: CreateKey, revoke_key: RevokeKey) -> AccountAdmin:
    """The admin operations, rotation being the same everywhere keys are revoked: revoke first (so the replacement
    fits any key limit), then a new key for the same account and scope."""

    def rotate_key(state: MockState, value: str) -> dict[str, Any]:
        revoked = revoke_key(state, value)
        return create_key(state, revoked["account"], revoked["scope"])

    return AccountAdmin(
        create_account=create_account, create_key=create_key, revoke_key=revoke_key, rotate_key=rotate_key
    )
