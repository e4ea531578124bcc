"""Rate-limit windows counted in Redis: a window of N allows exactly N requests, however many workers share it."""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from .ratelimit import Quota, RateLimiter
from .redis_scripts import Script

if TYPE_CHECKING:
    import redis

    from .clock import Clock

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
# A window's counter outlives its window by this much real time: the mock's clock may be frozen or moved, and a
# counter that expired under a frozen clock would hand out a fresh window.
KEEP_SECONDS = 3600


class RedisRateLimiter(RateLimiter):
    """A `RateLimiter` whose counters are Redis keys, one per (bucket, window), checked and counted by one script."""

    def __init__(self, client: redis.Redis, prefix: str, clock: Clock, *, enforce: bool = True) -> None:
        super().__init__(clock, enforce=enforce)
        self._generation = prefix + "limits:generation"
        self._counters = prefix + "limits:"
        self._charge = Script(client, _CHARGE)
        self._redis: Any = client

    def charge(self, bucket: Hashable, limit: int, window: float = 60.0) -> Quota:
        now = self.clock.time()
        start = math.floor(now / window) * window
        used, exceeded = self._charge(
            keys=[self._generation],
            args=[self._counters, repr(bucket), repr(start), limit, int(self.enforce), int(window) + KEEP_SECONDS],
        )
        end = start + window
        return Quota(
            limit=limit,
            remaining=max(limit - int(used), 0),
            reset=math.ceil(end),
            retry_after=max(math.ceil(end - now), 1),
            exceeded=bool(exceeded),
        )

    def reset(self) -> None:
        """Every worker's counters start again: the old keys are left to expire under a generation no one reads."""
        self.resetting(self._redis)

    def resetting(self, pipe: Any) -> None:
        """Add starting every window again to `pipe` (a reset's one transaction)."""
        pipe.incr(self._generation)
