"""BannerTrackr (seed 000): the Developer API (Bearer `bt_live_` keys, plans, sites, placements, stats) and tracking URLs."""

from __future__ import annotations

from typing import Any

from ...api import ApiDefinition
from ...kit.errors import ErrorShape
from . import contract, handlers, keys, seed, tracking
from .accounts import ACCOUNTS


def _error_body(status: int, message: str, hint: str | None, extra: Any) -> dict[str, Any]:
    # The doc's {"error","hint"}; plan-limit errors add limit/current/upgradeUrl instead of a hint.
    return {"error": message, **({"hint": hint} if hint else {}), **extra}


DEFINITION = ApiDefinition(
    name="bannertrackr",
    title="BannerTrackr Developer API",
    spec="bannertrackr.yaml",
    base_path="/bannertrackr",
    real_base_url="https://bannertrackr.com/api/public/v1",
    handlers=handlers,
    errors=ErrorShape(
        body=_error_body,
        messages={400: "Validation error", 401: "Missing API key", 404: "Not found", 500: "Internal server error"},
    ),
    authenticate=keys.authenticate,
    seed=seed.seed,
    demo_keys=seed.demo_keys,
    anonymous_limit=60,  # the smallest plan's read limit
    accounts=ACCOUNTS,
    api_prefix="/api/public/v1",  # the tracking URLs (/api/track/...) are not part of the rate-limited API
    links=(("tracking", "/api/track"),),
    fast_routes=tracking.FAST_ROUTES,  # the tracking URLs are a tracker's hot path: answered before connexion
    contract=contract.CONTRACT,
)
