"""BannerTrackr plans: what each allows (rate limits from the doc; counts INVENTED but consistent with its /me example)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...kit.errors import ApiError
from ...state.store import Limit, LimitReached, Parent, Record, Table, View

UPGRADE_URL = "/pricing"


@dataclass(frozen=True)
class Plan:
    name: str
    sites: int
    placements: int | None  # None = unlimited
    api_keys: int
    impressions_per_month: int
    clicks_per_month: int
    reads_per_minute: int | None  # None = no API access (Free)
    writes_per_minute: int | None


PLANS = {
    plan.name: plan
    for plan in (
        Plan("free", 1, 3, 0, 10_000, 1_000, None, None),
        Plan("starter", 3, 15, 2, 100_000, 10_000, 60, 10),
        Plan("growth", 10, 50, 5, 500_000, 50_000, 120, 30),
        Plan("pro", 50, None, 20, 2_500_000, 250_000, 300, 60),
    )
}


def enforce(what: str, current: int, limit: int | None) -> None:
    """403 with the doc's plan-limit body when creating one more `what` would pass `limit`."""
    if limit is not None and current >= limit:
        raise ApiError(
            403, f"{what} limit reached", extra={"limit": limit, "current": current, "upgradeUrl": UPGRADE_URL}
        )


def add_within(
    what: str, table: Table, owner: str, record: Record, limit: int | None, parent: Parent | None = None, **where: Any
) -> View:
    """`table.add` (under `parent`, if given), refused as `enforce` words it if the owner already holds `limit`
    records matching `where`: the check is part of the write, so two workers creating the last allowed one at once
    cannot both succeed."""
    if limit is None:
        return table.add(owner, record, parent=parent)
    try:
        return table.add(owner, record, limit=Limit(limit, where), parent=parent)
    except LimitReached as reached:
        enforce(what, reached.current, limit)
        raise
