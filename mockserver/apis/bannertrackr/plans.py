"""BannerTrackr plans: what each allows (rate limits from the doc; counts INVENTED but consistent with its /me example)."""

from __future__ import annotations

from dataclasses import dataclass

from ...kit.errors import ApiError

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
