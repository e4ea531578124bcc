"""The mock passes its own contract: schemathesis over the whole spec, in-process, stateless and stateful via links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from .conftest import PRO_RW, make_app

CONFIG = SchemathesisConfig.from_path(Path(__file__).resolve().parent.parent / "contracts" / "schemathesis.toml")
# Counted but never refused: thousands of generated requests would otherwise mostly meet 429s.
APP = make_app(enforce_rate_limits=False)
bannertrackr = schemathesis.openapi.from_asgi("/bannertrackr/openapi.json", APP, config=CONFIG)
QUICK = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None, "derandomize": True}


@bannertrackr.auth()
class BearerKey:
    """The Pro account: the most headroom before plan limits, so generated writes mostly succeed."""

    def get(self, case: Any, ctx: Any) -> str:
        return PRO_RW

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@bannertrackr.parametrize()
@settings(max_examples=50, **QUICK)
def test_bannertrackr_stateless(case: Any) -> None:
    case.call_and_validate()


class BannerTrackrStateful(bannertrackr.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        # Every scenario starts from the seeded state, or hypothesis sees links behave differently on replay.
        APP.state.reseed(APP.state.settings.seed)


BannerTrackrStateful.TestCase.settings = settings(max_examples=40, stateful_step_count=8, **QUICK)
TestBannerTrackrStateful = BannerTrackrStateful.TestCase
