"""The mock's clock kept in Redis, so setting, freezing or advancing it on one worker moves every worker's time."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .clock import Clock

if TYPE_CHECKING:
    import redis

FIELDS = ("start", "frozen", "offset", "epoch")
_OUTSIDE: Any = object()  # no request is running here


class RedisClock(Clock):
    """A `Clock` whose three numbers (configured start, frozen instant, offset) live in one Redis hash.

    Every reading costs one round trip. The hash also carries the state's `epoch` (bumped by every reset, reseed
    and import), so a worker learns of another's reset on its next clock reading, which every request makes first.
    """

    def __init__(self, client: redis.Redis, prefix: str, frozen_at: float | None = None) -> None:
        super().__init__(frozen_at)
        self._redis: Any = client
        self.key = prefix + "clock"
        self.epoch = 0
        self._last: list[Any] = [None] * len(FIELDS)  # the hash's values as last read, which a fast route presumes
        # The current request's reading of the hash (None: not read yet); unset outside requests.
        self._reading: ContextVar[Any] = ContextVar(f"clock:{id(self)}")
        # The first worker sets the configured start; the others (and a restart) find the clock as it was left.
        client.hsetnx(self.key, "start", _text(frozen_at))
        client.hsetnx(self.key, "frozen", _text(frozen_at))
        client.hsetnx(self.key, "offset", "0")
        self._load(client.hmget(self.key, FIELDS))

    def _load(self, values: list[Any]) -> None:
        self._last = values
        start, frozen, offset, epoch = values
        self._start, self._frozen_at = _number(start), _number(frozen)
        self._offset = float(offset or 0)
        self.epoch = int(epoch or 0)

    def begin(self, reading: list[Any] | None = None) -> None:
        """A request starts (in its own task), with the hash's `FIELDS` as its first round trip read them (None: its
        first reading asks Redis); later readings reuse the numbers (not the time: a running clock still runs).
        Outside requests (tests, the CLI) every reading asks Redis."""
        self._reading.set(reading)
        if reading is not None:
            self._load(reading)  # the epoch, which MockState.data compares, as this request began

    def presume(self) -> None:
        """A presumed request starts (`Snapshots.presume`): its readings are the hash's values as last read, which
        its write's script checks are still the hash's."""
        self.begin(self._last)

    def presumed_reading(self) -> list[Any]:
        """The values the current request reads the clock from (as `presume` or the snapshot gave them)."""
        reading = self._reading.get(None)
        return list(self._last if reading is None or reading is _OUTSIDE else reading)

    def last(self) -> list[Any]:
        """The hash's values as this worker last read them (a batch's snapshot presumes them for its charges)."""
        return list(self._last)

    def time_of(self, values: list[Any]) -> float:
        """The time the hash's `values` give, as `time()` would with them, without making them this worker's."""
        scratch = Clock.__new__(Clock)
        scratch._frozen_at, scratch._offset = _number(values[1]), float(values[2] or 0)
        return Clock.time(scratch)

    def time(self) -> float:
        reading = self._reading.get(_OUTSIDE)
        if reading is None or reading is _OUTSIDE:
            values = self._redis.hmget(self.key, FIELDS)
            if reading is None:
                self._reading.set(values)
            reading = values
        self._load(reading)
        return super().time()

    def _change(self, change: Callable[[], None]) -> None:
        """Read, change and write back in one optimistic transaction: concurrent changes apply one after another."""

        def transaction(pipe: Any) -> None:
            self._load(pipe.hmget(self.key, FIELDS))
            change()
            pipe.multi()
            pipe.hset(self.key, mapping={"frozen": _text(self._frozen_at), "offset": repr(self._offset)})

        self._redis.transaction(transaction, self.key)
        if self._reading.get(_OUTSIDE) is not _OUTSIDE:
            self._reading.set(None)  # this request reads the change it made

    def restart(self) -> None:
        self._change(super().restart)

    def restarting(self, pipe: Any) -> None:
        """Add going back to the configured start to `pipe` (a reset's one transaction), as `restart` does."""
        pipe.hset(self.key, mapping={"frozen": _text(self._start), "offset": "0.0"})
        if self._reading.get(_OUTSIDE) is not _OUTSIDE:
            self._reading.set(None)  # this request reads the clock it restarted

    def real_time(self) -> None:
        self._change(super().real_time)

    def advance(self, seconds: float) -> None:
        self._change(lambda: Clock.advance(self, seconds))

    def set(self, timestamp: float) -> None:
        self._change(lambda: Clock.set(self, timestamp))

    def freeze(self) -> None:
        self._change(super().freeze)

    def unfreeze(self) -> None:
        self._change(super().unfreeze)

    @property
    def frozen(self) -> bool:
        self.time()
        return self._frozen_at is not None


def _text(number: float | None) -> str:
    return "" if number is None else repr(number)


def _number(value: bytes | None) -> float | None:
    return float(value) if value else None
