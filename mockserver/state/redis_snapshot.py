"""A request's view of the Redis state: its snapshot (first round trip), or, for a fast route, what this worker holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .redis_clock import FIELDS
from .redis_scripts import Script
from .redis_store import _PRESUMED, _SNAPSHOT, NONE, Stale

if TYPE_CHECKING:
    from .redis_clock import RedisClock
    from .redis_faults import RedisFaults
    from .redis_limits import Kind, RedisRateLimiter
    from .redis_log import RedisRequestLog
    from .redis_store import RedisStore


class Snapshots:
    """Begins each request on Redis (`MockState.begin_request`).

    `take` is the snapshot every request starts with: one script, one instant (the clock's numbers with the epoch,
    every table's version, the APIs faults are set for, and the records other workers changed since in the tables
    this worker holds). `presume` is for a fast route (a tracking hit: reads of what this worker holds, then at most
    one write): no round trip at first; the request reads what this worker holds as if no other worker had written
    since, and its write is the presumed commit, which checks the presumption (the faults, the clock and the version
    of every table read) and commits only if it held, else returns the snapshot: one round trip instead of two. A
    request whose presumption failed (or that read what this worker does not hold) runs again from its start on a
    real snapshot (`Stale`), or, where the faults moved, is left to the pipeline (`controls_moved`), so what it
    answers is always what a request that began with a snapshot would answer.
    """

    def __init__(
        self,
        client: Any,
        clock: RedisClock,
        store: RedisStore,
        faults: Callable[[], RedisFaults | None],
        limiter: RedisRateLimiter,
        log: RedisRequestLog,
    ) -> None:
        self._script = Script(client, _SNAPSHOT)
        self._presumed = Script(client, _PRESUMED)
        self._clock, self._store, self._faults, self._limiter, self._log = clock, store, faults, limiter, log
        store.snapshots = self
        limiter.store = store
        log.carried = self._due  # a batch due this iteration carries the log's pending entries (`carry`)
        # The snapshot the requests that began in this event loop iteration wait for (`take_together`), not sent yet,
        # and the charges they predicted (the script's values), which it counts.
        self._batch: asyncio.Future[tuple[Any, ...]] | None = None
        self._charges: list[Any] = []
        self._predicted = 0  # how many charges `_charges` holds
        self._clock_values: list[Any] = []  # the clock's values the batch's predictions presume
        self.batches = self.waited = 0  # snapshots taken together, and the requests that waited for them

    def keys(self) -> list[Any]:
        faults = self._faults()
        return [self._clock.key, self._store.versions_key, faults.key if faults is not None else ""]

    def args(self) -> list[Any]:
        tags = self._store.held_tags()
        return [len(FIELDS), *FIELDS, len(tags), *tags]

    def take(self, *, keep_reads: bool = False) -> None:
        """The request's first round trip: the snapshot, which the clock, the store and the faults begin with."""
        self.begin(self._script(keys=self.keys(), args=self.args()), keep_reads=keep_reads)
        if not keep_reads:
            self._limiter.begin(None)  # its charges go to Redis as they come

    async def take_together(self, kind: Kind | None = None) -> None:
        """`take`, shared by every request that began in the same iteration of the event loop: the first schedules
        the snapshot for the end of the iteration, the others wait for the same one. A snapshot taken after a request
        began is as good as its own (it sees every write finished before the request began), so N requests that
        arrive together cost one round trip instead of N. Nothing of a request runs before it has the snapshot. Each
        request's predicted rate-limit charges (by its `kind`, `RedisRateLimiter.predict`) are counted by the same
        script, so its own charge costs no round trip either."""
        loop = asyncio.get_running_loop()
        batch = self._batch
        if batch is None or batch.get_loop() is not loop:
            batch = self._batch = loop.create_future()
            self._charges, self._predicted, self._clock_values = [], 0, self._clock.last()
            loop.call_soon(self._send, batch)
        predicted, starts, values = self._limiter.predict(kind, self._clock_values)
        first = self._predicted
        if predicted:
            self._charges += values
            self._predicted += len(predicted)
        self.waited += 1
        # Shielded: a waiting request cancelled (its client gone) must not cancel the snapshot the others wait for.
        reading, epoch, versions, faulty, charges = await asyncio.shield(batch)
        self._clock.begin(reading)
        self._store.begin(epoch, versions)
        faults = self._faults()
        if faults is not None:
            faults.begin(faulty)
        self._limiter.begin(kind, predicted, starts, charges[first : first + len(predicted)] if predicted else ())

    def _due(self) -> bool:
        """Whether a batch's snapshot is still to be sent by this event loop (in this iteration or the next)."""
        batch = self._batch
        return batch is not None and batch.get_loop() is asyncio.get_running_loop()

    def _send(self, batch: asyncio.Future[tuple[Any, ...]]) -> None:
        if self._batch is batch:
            self._batch = None  # requests beginning from now on wait for the next one
        keys, args = self.keys(), self.args()
        if self._predicted:
            keys.append(self._limiter.generation_key)
            args += self._limiter.prediction_args(self._clock_values) + self._charges
        self._charges, self._predicted = [], 0
        try:
            reading, versions, faulty, deltas, charges = self._script(keys=keys, args=args)
        except Exception as error:  # each waiting request fails as it would on its own snapshot
            batch.set_exception(error)
            return
        epoch, held = int(reading[3] or 0), dict(zip(versions[::2], versions[1::2], strict=True))
        self._store.sync(epoch, held, deltas)  # once, for every request of the batch
        self.batches += 1
        if not batch.done():
            batch.set_result((reading, epoch, held, faulty, charges))

    def begin(self, reply: list[Any], *, keep_reads: bool = False) -> None:
        reading, versions, faulty, deltas, _ = reply
        self._clock.begin(reading)
        held = dict(zip(versions[::2], versions[1::2], strict=True))
        self._store.begin(int(reading[3] or 0), held, deltas, keep_reads=keep_reads)
        faults = self._faults()
        if faults is not None:
            faults.begin(faulty)

    def presume(self) -> None:
        """A fast route's request begins on what this worker holds, without a round trip (see the class)."""
        self._clock.presume()
        self._store.presume(self._clock.epoch)
        self._limiter.begin(None)
        faults = self._faults()
        if faults is not None:
            faults.presume()  # the faults as this worker last saw them (the gateway's `touch`), checked as it commits

    def end(self) -> None:
        """The request's snapshot, if it has none yet (a presumed request that goes on as any other)."""
        if self._store.presumption() is not None:
            self.take()

    def confirmed(self) -> bool:
        """Whether a presumed request's reads hold: True once it has its snapshot (its write's, or none was
        presumed); else the snapshot it would have begun with, and whether every table it read is still at the
        version it presumed (False: the request runs again on that snapshot)."""
        relied = self._store.presumption()
        if relied is None:  # it has its snapshot, or its write checked what it read
            return True
        self.take()
        if self.controls_moved():
            return False
        return all(self._store.version(table_key) == version for table_key, version in relied.items())

    def controls_moved(self) -> bool:
        """Whether a presumed request's snapshot shows the faults set otherwise than it presumed (a fault set or
        cleared on any worker since this worker last saw them): its fast route may not answer it, the pipeline (which
        applies the faults) does."""
        faults = self._faults()
        return faults is not None and faults.moved()

    def commit(self, keys: list[Any], args: list[Any], relied: dict[str, int]) -> Any:
        """The presumed commit (`_PRESUMED`): the commit's reply, the request presumed on from that instant (what it
        read so far held then); or Stale (nothing written) if the presumption failed, the request then with the
        snapshot it runs again on."""
        faults = self._faults()
        check: list[Any] = [faults.presumed() if faults is not None else b""]
        check += [value if value is not None else NONE for value in self._clock.presumed_reading()]
        for table_key, version in relied.items():
            check += (table_key, str(version))
        snapshot_args = self.args()
        reply, result = self._presumed(
            keys=[*self.keys(), *keys], args=[len(snapshot_args), len(check), *snapshot_args, *check, *args]
        )
        if result == -1:
            self.begin(reply)
            raise Stale()
        self._store.presumed_wrote()
        return result
