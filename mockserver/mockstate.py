"""The mock's whole mutable state, owned by one app: store, clock, rate limiter and seeded data."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .api import ApiDefinition
from .kit.data import DataFactory
from .kit.routing import Router
from .settings import Settings
from .state.clock import Clock
from .state.faults import Faults
from .state.ratelimit import RateLimiter
from .state.requestlog import RequestLog
from .state.store import Store


class MockState:
    def __init__(self, settings: Settings, apis: Iterable[ApiDefinition]) -> None:
        self.settings = settings
        self.apis = {api.name: api for api in apis}
        self.router = Router(self.apis.values())  # what each path is: which API, which operation
        self.clock = Clock(frozen_at=settings.clock_start)
        self.limiter = RateLimiter(self.clock, enforce=settings.enforce_rate_limits)
        self.store = Store()
        self.data = DataFactory(settings.seed)
        self.faults = Faults(settings.seed)
        self.log = RequestLog()
        self.listeners: list[Callable[[], None]] = []  # told after every write (e.g. to save the state file)
        self.on_shutdown: list[Callable[[], None]] = []  # told when the server stops gracefully
        self.reseed(settings.seed)

    @property
    def mocked(self) -> list[ApiDefinition]:
        """The mocked services, without the mock's own control API."""
        return [api for api in self.apis.values() if not api.control]

    def reset(self, seed: int | None = None) -> None:
        """Back to the seeded state: records, faults, the request log, rate-limit counters and the clock's start."""
        seed = self.data.seed if seed is None else seed
        self.reseed(seed)
        self.faults = Faults(seed)
        self.log.clear()
        self.limiter.reset()
        # A test's freeze() or advance() must not leak into the next test, which starts from a reset.
        self.clock.restart()

    def changed(self) -> None:
        for listener in self.listeners:
            listener()

    def reseed(self, seed: int) -> None:
        """Drop all records and generate each API's data again from `seed` (rate-limit counters carry on)."""
        self.store = Store()
        self.data = DataFactory(seed)
        for api in self.apis.values():
            api.seed(self)
