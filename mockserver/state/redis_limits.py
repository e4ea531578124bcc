"""Rate-limit windows counted in Redis: a window of N allows exactly N requests, however many workers share it."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .clock import Clock
from .ratelimit import Quota, RateLimiter
from .redis_clock import RedisClock
from .redis_scripts import Script
from .redis_store import NONE

if TYPE_CHECKING:
    import redis

    from .redis_store import RedisStore

# Check and count in one script, so two workers can never both take the last request of a window.
# KEYS: the generation counter (bumped by reset). ARGV: key prefix, bucket, window start, limit, enforce, ttl.
_CHARGE = """
local generation = redis.call('GET', KEYS[1]) or '0'
local key = ARGV[1] .. generation .. ':' .. ARGV[2] .. ':' .. ARGV[3]
local used = tonumber(redis.call('GET', key) or '0')
if ARGV[5] == '1' and used >= tonumber(ARGV[4]) then return {used, 1} end
used = redis.call('INCR', key)
if used == 1 then redis.call('EXPIRE', key, ARGV[6]) end
return {used, 0}
"""
# A predicted charge its request did not make (it ended before charging, or charged another bucket): counted back.
# KEYS: the counters the snapshot's charges counted (as it returned their keys).
_REFUND = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
"""
# A window's counter outlives its window by this much real time: the mock's clock may be frozen or moved, and a
# counter that expired under a frozen clock would hand out a fresh window.
KEEP_SECONDS = 3600
PREDICTIONS = 10_000  # requests' kinds (API, credential, method, operation) whose charges a worker remembers

Kind = tuple[
    Any, ...
]  # what a request is, as the gateway knows it before it runs: (API, credential, method, operation)
Charge = tuple[Hashable, int, float]  # bucket, limit, window


class Prediction:
    """The charges the last request of a kind made, and the tables (with their versions) it had read when it made
    them: while those are unchanged, the next request of that kind charges the same buckets at the same limits."""

    __slots__ = ("charges", "tables", "values")

    def __init__(self, charges: tuple[Charge, ...], tables: tuple[tuple[str, int], ...]) -> None:
        self.charges, self.tables = charges, tables
        checks = [value for table_key, version in tables for value in (table_key, str(version))]
        # Per charge, the snapshot's values but the window's start (None here): worked out once, not per request.
        self.values = [
            [repr(bucket), None, limit, int(window) + KEEP_SECONDS, len(tables), *checks]
            for bucket, limit, window in charges
        ]


class Charging:
    """One request's charges: those its snapshot counted in advance (`counted`: per predicted charge, its used count,
    whether it was over, its counter's key, and the window's start; None where the script did not count it), which
    its own charges claim, and those it made, which teach the next request of its kind."""

    __slots__ = ("claimed", "counted", "kind", "made", "predicted", "tables")

    def __init__(self, kind: Kind | None, predicted: tuple[Charge, ...] = (), counted: list[Any] | None = None) -> None:
        self.kind, self.predicted = kind, predicted
        self.counted: list[Any] = counted or []
        self.claimed = [False] * len(self.counted)
        self.made: list[Charge] = []
        self.tables: tuple[tuple[str, int], ...] = ()


class RedisRateLimiter(RateLimiter):
    """A `RateLimiter` whose counters are Redis keys, one per (bucket, window), checked and counted by one script.

    A request the gateway knows the kind of (API, credential, method, operation) has the charges the last request of
    that kind made counted by its snapshot (`predict`, `begin`): its own `charge` then takes the one counted for it,
    without a round trip. The snapshot counts one only while the clock and the tables the last request had read when
    it charged (its key, its account) are as they were then, so the bucket and limit are the ones the request will
    charge; one it does not claim after all (it ended before authenticating, or another bucket was charged) is counted
    back as it ends (`end`).
    """

    def __init__(self, client: redis.Redis, prefix: str, clock: Clock, *, enforce: bool = True) -> None:
        super().__init__(clock, enforce=enforce)
        self._generation = prefix + "limits:generation"
        self._counters = prefix + "limits:"
        self._charge = Script(client, _CHARGE)
        self._refund = Script(client, _REFUND)
        self._redis: Any = client
        self.store: RedisStore | None = None  # what the requests read (set by `Snapshots`), for the predictions
        self._predictions: dict[Kind, Prediction] = {}
        self._charging: ContextVar[Charging | None] = ContextVar(f"charging:{id(self)}")
        self.refunds = 0  # predicted charges counted back (their requests did not make them)

    def charge(self, bucket: Hashable, limit: int, window: float = 60.0) -> Quota:
        now = self.clock.time()
        start = math.floor(now / window) * window
        charging = self._charging.get(None)
        counted = None if charging is None else self._claim(charging, (bucket, limit, window), start)
        if counted is not None:
            used, exceeded = counted[0], counted[1]
        else:
            used, exceeded = self._charge(
                keys=[self._generation],
                args=[self._counters, repr(bucket), repr(start), limit, int(self.enforce), int(window) + KEEP_SECONDS],
            )
        if charging is not None and charging.kind is not None:
            charging.made.append((bucket, limit, window))
            if counted is None and self.store is not None:  # a new prediction: what it rests on (a held one's holds)
                charging.tables = self.store.read_tables()
        end = start + window
        return Quota(
            limit=limit,
            remaining=max(limit - int(used), 0),
            reset=math.ceil(end),
            retry_after=max(math.ceil(end - now), 1),
            exceeded=bool(exceeded),
        )

    @staticmethod
    def _claim(charging: Charging, charge: Charge, start: float) -> Any:
        """The charge the snapshot counted for this one (same bucket, limit, window and window start), if any."""
        for number, predicted in enumerate(charging.predicted):
            counted = charging.counted[number]
            if predicted == charge and counted and not charging.claimed[number] and float(counted[3]) == start:
                charging.claimed[number] = True
                return counted
        return None

    def predict(self, kind: Kind | None, clock: list[Any]) -> tuple[tuple[Charge, ...], list[float], list[Any]]:
        """The charges a request of `kind` is predicted to make (none if no request of its kind charged yet), their
        windows' starts (on the clock's hash `clock`, as this worker last read it: the snapshot counts them only if
        the hash still holds those values), and the snapshot's values for them: bucket, start, limit, expiry, and the
        tables to check."""
        prediction = None if kind is None else self._predictions.get(kind)
        if prediction is None:
            return (), [], []
        assert isinstance(self.clock, RedisClock)
        now = self.clock.time_of(clock)
        starts: list[float] = []
        values: list[Any] = []
        for (_, _, window), charge_values in zip(prediction.charges, prediction.values, strict=True):
            starts.append(math.floor(now / window) * window)
            values += charge_values
            values[len(values) - len(charge_values) + 1] = repr(starts[-1])
        return prediction.charges, starts, values

    def prediction_args(self, clock: list[Any]) -> list[Any]:
        """What the snapshot's charges begin with: the clock's values presumed, the counters' prefix, enforcement."""
        return [*(NONE if value is None else value for value in clock), self._counters, int(self.enforce)]

    @property
    def generation_key(self) -> str:
        return self._generation

    def begin(
        self, kind: Kind | None, predicted: tuple[Charge, ...] = (), starts: Sequence[float] = (), replies: Any = ()
    ) -> None:
        """A request begins with what its snapshot counted for it (`replies`, one per `predicted` charge: 0 where
        the script did not count it, else its used count, whether it was over, and its counter's key)."""
        counted = [
            None if not reply else (int(reply[0]), int(reply[1]), reply[2], start)
            for reply, start in zip(replies, starts, strict=True)
        ]
        self._charging.set(Charging(kind, predicted if counted else (), counted))

    def end(self) -> None:
        """A request ends: the charges counted for it that it did not make are counted back, and what it charged is
        the prediction for the next request of its kind."""
        charging = self._charging.get(None)
        if charging is None:
            return
        self._charging.set(None)
        unclaimed = [
            counted[2]
            for counted, claimed in zip(charging.counted, charging.claimed, strict=True)
            if counted and not claimed and not counted[1]  # one over its limit was not counted
        ]
        if unclaimed:
            self.refunds += len(unclaimed)
            self._refund(keys=unclaimed)
        if charging.kind is None or tuple(charging.made) == charging.predicted and all(charging.claimed):
            return  # the prediction held: each charge was the one counted for it (none when nothing was predicted)
        if charging.made:
            if len(self._predictions) >= PREDICTIONS:
                self._predictions.clear()
            tables = charging.tables or (
                self._predictions[charging.kind].tables if charging.kind in self._predictions else ()
            )
            self._predictions[charging.kind] = Prediction(tuple(charging.made), tables)
        else:
            self._predictions.pop(charging.kind, None)

    def reset(self) -> None:
        """Every worker's counters start again: the old keys are left to expire under a generation no one reads."""
        self.resetting(self._redis)

    def resetting(self, pipe: Any) -> None:
        """Add starting every window again to `pipe` (a reset's one transaction)."""
        pipe.incr(self._generation)
