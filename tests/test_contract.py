"""The mocks pass their own contracts: schemathesis over each whole spec, in-process, stateless and stateful via links,
with the contract suite's custom checks and configuration (contracts/schemathesis.toml, also used by `contracts run`)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

import contracts.checks  # noqa: F401  (registers the suite's custom checks)
from contracts.apis import APIS
from contracts.runner import CONFIG

from .conftest import make_app

# The suite reads credentials from the environment, as `contracts run` provides them.
for _api in APIS.values():
    for _credential in (_api.credential, _api.read_only):
        if _credential is not None:
            os.environ.setdefault(_credential.env, _credential.mock_value)

# Counted but never refused: thousands of generated requests would otherwise mostly meet 429s.
APP = make_app(enforce_rate_limits=False)
bannertrackr = schemathesis.openapi.from_asgi("/bannertrackr/openapi.json", APP, config=SchemathesisConfig.from_path(CONFIG))
# The config leaves out the mock-only token rotation (it would invalidate the demo token mid-run; tested on its own).
adsterra_advertiser = schemathesis.openapi.from_asgi(
    "/adsterra/advertiser/openapi.json", APP, config=SchemathesisConfig.from_path(CONFIG)
)
adsterra_publisher = schemathesis.openapi.from_asgi(
    "/adsterra/publisher/openapi.json", APP, config=SchemathesisConfig.from_path(CONFIG)
)
QUICK = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None, "derandomize": True}


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


@adsterra_advertiser.parametrize()
@settings(max_examples=15, **QUICK)
def test_adsterra_advertiser_stateless(case: Any) -> None:
    case.call_and_validate()


@adsterra_publisher.parametrize()
@settings(max_examples=15, **QUICK)
def test_adsterra_publisher_stateless(case: Any) -> None:
    case.call_and_validate()


class AdsterraAdvertiserStateful(adsterra_advertiser.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        APP.state.reseed(APP.state.settings.seed)


class AdsterraPublisherStateful(adsterra_publisher.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        APP.state.reseed(APP.state.settings.seed)


AdsterraAdvertiserStateful.TestCase.settings = settings(max_examples=25, stateful_step_count=6, **QUICK)
TestAdsterraAdvertiserStateful = AdsterraAdvertiserStateful.TestCase
AdsterraPublisherStateful.TestCase.settings = settings(max_examples=15, stateful_step_count=6, **QUICK)
TestAdsterraPublisherStateful = AdsterraPublisherStateful.TestCase


# The control API on an app of its own: its resets, imports and faults must not disturb the runs above.
ADMIN_APP = make_app(enforce_rate_limits=False)
admin = schemathesis.openapi.from_asgi("/__admin/openapi.json", ADMIN_APP, config=SchemathesisConfig.from_path(CONFIG))


@admin.parametrize()
@settings(max_examples=25, **QUICK)
def test_admin_stateless(case: Any) -> None:
    case.call_and_validate()


class AdminStateful(admin.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        ADMIN_APP.state.reset(1)


AdminStateful.TestCase.settings = settings(max_examples=20, stateful_step_count=6, **QUICK)
TestAdminStateful = AdminStateful.TestCase
