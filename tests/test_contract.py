"""The mocks pass their own contracts: schemathesis over each whole spec, in-process, stateless and stateful via links,
with the contract suite's custom checks and configuration (contracts/config.py, also used by `contracts run`)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

import contracts.checks  # noqa: F401  (registers the suite's custom checks)
from contracts import config
from contracts.apis import APIS

from .conftest import REGISTRY, make_app, no_later_call_fails

# The suite reads credentials from the environment, as `contracts run` provides them: the mock's demo keys.
for _api in APIS.values():
    for _credential in (_api.credential, _api.read_only):
        if _credential is not None:
            os.environ.setdefault(_credential.env, _credential.demo_value(REGISTRY.apis[_api.name].demo_keys(REGISTRY)))
CONFIG = config.settings(APIS.values())

# Counted but never refused: thousands of generated requests would otherwise mostly meet 429s. One mock per API
# (both Adsterra APIs share theirs), so that a stateful scenario's reseed rebuilds only the API under test.
APP = make_app(enforce_rate_limits=False, apis=("bannertrackr",))
ADSTERRA_APP = make_app(enforce_rate_limits=False, apis=("adsterra_advertiser", "adsterra_publisher"))
BINOM_APP = make_app(enforce_rate_limits=False, apis=("binom",))
PEERCLICK_APP = make_app(enforce_rate_limits=False, apis=("peerclick",))
bannertrackr = schemathesis.openapi.from_asgi(
    "/bannertrackr/openapi.json", APP, config=SchemathesisConfig.from_dict(CONFIG)
)
# The config leaves out the mock-only token rotation (it would invalidate the demo token mid-run; tested on its own).
adsterra_advertiser = schemathesis.openapi.from_asgi(
    "/adsterra/advertiser/openapi.json", ADSTERRA_APP, config=SchemathesisConfig.from_dict(CONFIG)
)
adsterra_publisher = schemathesis.openapi.from_asgi(
    "/adsterra/publisher/openapi.json", ADSTERRA_APP, config=SchemathesisConfig.from_dict(CONFIG)
)
binom = schemathesis.openapi.from_asgi(
    "/binom/public/api/v1/openapi.json", BINOM_APP, config=SchemathesisConfig.from_dict(CONFIG)
)
peerclick = schemathesis.openapi.from_asgi(
    "/peerclick/v1/openapi.json", PEERCLICK_APP, config=SchemathesisConfig.from_dict(CONFIG)
)
# The tracker specs have three times BannerTrackr's operations and deeply nested bodies, on which the coverage
# phase spends two thirds of the time; here they run examples and fuzzing (and stateful below), and
# `contracts run --api binom|peerclick` runs every phase (tests/test_contracts.py).
for _tracker in (binom, peerclick):
    _tracker.config.phases.coverage.enabled = False
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
        ADSTERRA_APP.state.reseed(ADSTERRA_APP.state.settings.seed)


class AdsterraPublisherStateful(adsterra_publisher.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        ADSTERRA_APP.state.reseed(ADSTERRA_APP.state.settings.seed)


AdsterraAdvertiserStateful.TestCase.settings = settings(max_examples=25, stateful_step_count=6, **QUICK)
TestAdsterraAdvertiserStateful = AdsterraAdvertiserStateful.TestCase
AdsterraPublisherStateful.TestCase.settings = settings(max_examples=15, stateful_step_count=6, **QUICK)
TestAdsterraPublisherStateful = AdsterraPublisherStateful.TestCase


# The control API on an app of its own: its resets, imports and faults must not disturb the runs above.
ADMIN_APP = make_app(enforce_rate_limits=False)
admin = schemathesis.openapi.from_asgi("/__admin/openapi.json", ADMIN_APP, config=SchemathesisConfig.from_dict(CONFIG))


@admin.parametrize()
@settings(max_examples=25, **QUICK)
def test_admin_stateless(case: Any) -> None:
    response = case.call_and_validate()
    if case.operation.label == "PUT /state" and response.status_code == 200:
        no_later_call_fails(ADMIN_APP.test_client())  # whatever it imported, the mocked APIs still answer


class AdminStateful(admin.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        ADMIN_APP.state.reset(1)


AdminStateful.TestCase.settings = settings(max_examples=20, stateful_step_count=6, **QUICK)
TestAdminStateful = AdminStateful.TestCase


@binom.parametrize()
@settings(max_examples=10, **QUICK)
def test_binom_stateless(case: Any) -> None:
    case.call_and_validate()


class BinomStateful(binom.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        BINOM_APP.state.reseed(BINOM_APP.state.settings.seed)


BinomStateful.TestCase.settings = settings(max_examples=20, stateful_step_count=6, **QUICK)
TestBinomStateful = BinomStateful.TestCase


@peerclick.parametrize()
@settings(max_examples=10, **QUICK)
def test_peerclick_stateless(case: Any) -> None:
    case.call_and_validate()


class PeerClickStateful(peerclick.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        PEERCLICK_APP.state.reseed(PEERCLICK_APP.state.settings.seed)


PeerClickStateful.TestCase.settings = settings(max_examples=20, stateful_step_count=6, **QUICK)
TestPeerClickStateful = PeerClickStateful.TestCase
