"""The mock's whole mutable state, owned by one app: store, clock, rate limiter and seeded data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, TypeVar

from .api import ApiDefinition
from .kit.data import DataFactory
from .kit.routing import Router
from .settings import Settings
from .state.clock import Clock
from .state.faults import Faults
from .state.ratelimit import RateLimiter
from .state.requestlog import RequestLog
from .state.store import Store

if TYPE_CHECKING:
    from .state.redis_snapshot import Snapshots
    from .state.shared import SharedState

R = TypeVar("R")


class MockState:
    def __init__(self, settings: Settings, apis: Iterable[ApiDefinition]) -> None:
        self.settings = settings
        self.apis = {api.name: api for api in apis}
        self.router = Router(self.apis.values())  # what each path is: which API, which operation
        self.listeners: list[Callable[[], None]] = []  # told after every write (e.g. to save the state file)
        self.on_shutdown: list[Callable[[], None]] = []  # told when the server stops gracefully
        if settings.store is not None:
            self._share(settings.store)
            return
        self.shared: SharedState | None = None
        self._locked = self._seeding = False
        self.clock = Clock(frozen_at=settings.clock_start)
        self.limiter = RateLimiter(self.clock, enforce=settings.enforce_rate_limits)
        self.faults = Faults(settings.seed)
        self.log = RequestLog()
        self.reseed(settings.seed)  # the store and the generator: made once, here, not also before it

    def _share(self, url: str) -> None:
        """Everything in the Redis at `url`: seeded by the first worker to start, found as it is by the others."""
        from .state.redis_clock import RedisClock
        from .state.redis_faults import RedisFaults
        from .state.redis_limits import RedisRateLimiter
        from .state.redis_log import RedisRequestLog
        from .state.redis_snapshot import Snapshots
        from .state.redis_store import RedisStore
        from .state.shared import SharedState

        settings = self.settings
        self.shared = shared = SharedState(url, settings.store_prefix)
        self._locked = self._seeding = False
        client, prefix = shared.redis, shared.prefix
        self.clock = self._shared_clock = RedisClock(client, prefix, frozen_at=settings.clock_start)
        self._epoch = self._shared_clock.epoch
        self.limiter = self._shared_limiter = RedisRateLimiter(
            client, prefix, self.clock, enforce=settings.enforce_rate_limits
        )
        self.log = RedisRequestLog(client, prefix)
        self._redis_store = RedisStore(client, prefix)
        self._snapshots: Snapshots = Snapshots(
            client, self._shared_clock, self._redis_store, self._shared_faults, self.limiter, self.log
        )
        with shared.lock():
            self._locked = True
            seed = shared.seed()
            if seed is None:
                self.reseed(settings.seed)
            else:  # the seeds run on a scratch store only to declare the tables' rules and codecs to this worker
                self.store = Store()
                self._data = DataFactory(seed)
                self._seeding = True
                for api in self.apis.values():
                    api.seed(self)
                self._seeding = False
                self._redis_store.adopt(self.store)
                self.store = self._redis_store
                self._data, self._epoch = shared.worker_data(seed), self._shared_clock.epoch
            self._locked = False
        self.faults = RedisFaults(client, prefix, self.data.seed)

    def _shared_faults(self) -> Any:
        """The shared faults (made after the store, and anew by a reset; with a shared store only ever RedisFaults),
        or None before they are made. Asked twice per snapshot: no import or isinstance per call."""
        return self.__dict__.get("faults")

    @property
    def data(self) -> DataFactory:
        """The seeded generator; with a shared store, renewed when another worker reset or reseeded the state (the
        clock reading each request starts with tells this worker the state's epoch)."""
        if self.shared is not None and not self._seeding and self._shared_clock.epoch != self._epoch:
            seed = self.shared.seed()
            assert seed is not None
            self._data, self._epoch = self.shared.worker_data(seed), self._shared_clock.epoch
        return self._data

    @data.setter
    def data(self, data: DataFactory) -> None:
        self._data = data

    def begin_request(self, *, presumed: bool = False) -> None:
        """A request starts. In memory nothing happens; a shared store and clock drop what they read for earlier
        requests, so each request sees every write finished before it began, at a few Redis round trips: the first
        is one snapshot (a script runs alone) of the clock and the state's epoch, every table's version, whether any
        fault is set, and what other workers changed since in the tables this worker holds. `presumed` (a fast
        route, which `answer_presumed` runs) defers it to the request's write, or its end (`Snapshots.presume`)."""
        if self.shared is None:
            return
        if presumed:
            self._snapshots.presume()
        else:
            self._snapshots.take()

    async def begin_together(self, kind: tuple[Any, ...] | None = None) -> None:
        """`begin_request`, with one snapshot for every request that began in the same event loop iteration
        (`Snapshots.take_together`): under load, many requests arrive at once, and they share one round trip. With
        the request's `kind` (API, credential, method, operation), the same script counts the rate-limit charges the
        last request of that kind made, where they still hold (`RedisRateLimiter`), and `end_request` must follow."""
        if self.shared is not None:
            await self._snapshots.take_together(kind)

    def end_request(self) -> None:
        """A request begun `begin_together` ends: a shared limiter counts back a predicted charge it did not make."""
        if self.shared is not None:
            self._shared_limiter.end()

    async def answer_presumed(self, answer: Callable[..., Awaitable[R | None]], *args: Any) -> R | None:
        """`answer(*args)`, a fast route's, for a request begun `presumed`: where the presumption failed (Stale), or
        the answer was made from what this worker held without a write and the snapshot then shows a table it read
        had moved, `answer` runs again on that snapshot, so its reply is always one a snapshot's request would give;
        where that snapshot shows a fault set or cleared since this worker last saw the faults, the answer is None
        instead: the fast route's gateway check (`Faults.touch`) was made on a view that no longer holds, so the
        request is left to connexion, which applies them. After a None answer (left to connexion) the caller begins
        the request again, as any other. In memory, just `answer(*args)`."""
        if self.shared is None:
            return await answer(*args)
        from .state.redis_store import Stale

        snapshots = self._snapshots
        try:
            reply = await answer(*args)
        except Stale:
            snapshots.end()
        except Exception:
            if snapshots.confirmed():
                raise
        else:
            if reply is None:
                return reply
            if snapshots.confirmed():
                return reply
        if snapshots.controls_moved():
            return None  # nothing was written: the pipeline answers it, applying the faults
        return await answer(*args)  # on the snapshot: no presumption left to fail

    @property
    def mocked(self) -> list[ApiDefinition]:
        """The mocked services, without the mock's own control API."""
        return [api for api in self.apis.values() if not api.control]

    def reset(self, seed: int | None = None) -> None:
        """Back to the seeded state: records, faults, the request log, rate-limit counters and the clock's start."""
        seed = self.data.seed if seed is None else seed
        if self.shared is None:
            self.reseed(seed)
            self.faults = Faults(seed)
            self.log.clear()
            self.limiter.reset()
            # A test's freeze() or advance() must not leak into the next test, which starts from a reset.
            self.clock.restart()
            return
        from .state.redis_faults import RedisFaults
        from .state.redis_limits import RedisRateLimiter
        from .state.redis_log import RedisRequestLog

        faults, log, limiter = self.faults, self.log, self.limiter
        assert isinstance(faults, RedisFaults) and isinstance(log, RedisRequestLog)
        assert isinstance(limiter, RedisRateLimiter)

        def also(pipe: Any) -> None:  # the same parts as in memory, in the records' one transaction
            faults.clearing(pipe)
            log.clearing(pipe)
            limiter.resetting(pipe)
            self._shared_clock.restarting(pipe)

        self._reseed(seed, also)
        self.faults = RedisFaults(self.shared.redis, self.shared.prefix, seed)

    def changed(self) -> None:
        for listener in self.listeners:
            listener()

    def reseed(self, seed: int) -> None:
        """Drop all records and generate each API's data again from `seed` (rate-limit counters carry on)."""
        self._reseed(seed)

    def _reseed(self, seed: int, also: Callable[[Any], None] | None = None) -> None:
        self.store = Store()
        self._data = DataFactory(seed)
        self._seeding = True  # the seeds' generator is this one, whatever another worker did meanwhile
        try:
            for api in self.apis.values():
                api.seed(self)
        finally:
            self._seeding = False
        self.install(self.store, self._data, also)

    def install(self, store: Store, data: DataFactory, also: Callable[[Any], None] | None = None) -> None:
        """Make `store` and `data` the state's (a reseed, an import); with a shared store, its records replace the
        shared ones in one transaction (with what `also` adds to it: a reset's clock, limits, faults and log), so
        every worker sees the old state or the new, never a mix."""
        if self.shared is None:
            self.store, self._data = store, data
            return
        shared = self.shared
        with shared.lock() if not self._locked else nullcontext():
            self._redis_store.adopt(store)

            def publishing(pipe: Any) -> None:
                shared.published(pipe, data.seed)
                if also is not None:
                    also(pipe)

            self._redis_store.load(store.export(), also=publishing)
        self.store = self._redis_store
        self.clock.time()  # reads the new epoch, which this worker need not act on
        self._data, self._epoch = shared.worker_data(data.seed), self._shared_clock.epoch
