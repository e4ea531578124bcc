"""The mock's whole mutable state, owned by one app: store, clock, rate limiter and seeded data."""

from __future__ import annotations

from collections.abc import Iterable

from .api import ApiDefinition
from .clock import Clock
from .data import DataFactory
from .ratelimit import RateLimiter
from .settings import Settings
from .store import Store


class MockState:
    def __init__(self, settings: Settings, apis: Iterable[ApiDefinition]) -> None:
        self.settings = settings
        self.apis = {api.name: api for api in apis}
        self.clock = Clock(frozen_at=settings.clock_start)
        self.limiter = RateLimiter(self.clock, enforce=settings.enforce_rate_limits)
        self.store = Store()
        self.data = DataFactory(settings.seed)
        self.reseed(settings.seed)

    def reseed(self, seed: int) -> None:
        """Drop all records and generate each API's data again from `seed` (rate-limit counters carry on)."""
        self.store = Store()
        self.data = DataFactory(seed)
        for api in self.apis.values():
            api.seed(self)
