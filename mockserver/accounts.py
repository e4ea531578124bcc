"""What every API's account administration shares: the admin API's Key answer and the checks of plans and scopes."""

from __future__ import annotations

from typing import Any

from .errors import ApiError
from .store import Record, Table

READ_WRITE = "read_write"


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
        raise ApiError(400, f"{title} has no {scope} keys", f"A {title} key carries all its owner's rights; use read_write")


def find_key(keys: Table, value: str, what: str) -> Record:
    """The key record `value` of any account, or the admin API's 404 naming `what` (e.g. "Binom key")."""
    key = keys.lookup(value)
    if key is None:
        raise ApiError(404, f"No such {what}")
    return key
