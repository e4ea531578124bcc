"""Fixed-window rate limiting on the mock's clock: counts requests per bucket and says what the headers should say."""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import NamedTuple

from .clock import Clock


class Quota(NamedTuple):
    """The state of one bucket after a request: what X-RateLimit-* and Retry-After report. (A named tuple, not a
    frozen dataclass: every request makes one, and a frozen dataclass sets each field through object.__setattr__.)"""

    limit: int
    remaining: int
    reset: int  # unix seconds at which the current window ends
    retry_after: int  # seconds until the window ends, at least 1
    exceeded: bool


class RateLimiter:
    """Counts requests in fixed windows aligned to multiples of `window` seconds since the epoch.

    With `enforce=False` requests are still counted and reported but never refused: contract
    suites that send thousands of requests use that, while the 429 path has its own tests.
    """

    def __init__(self, clock: Clock, *, enforce: bool = True) -> None:
        self.clock = clock
        self.enforce = enforce
        self._windows: dict[Hashable, tuple[float, int]] = {}

    def charge(self, bucket: Hashable, limit: int, window: float = 60.0) -> Quota:
        """Count one request against `bucket` unless it is over `limit` in the current window."""
        now = self.clock.time()
        start = math.floor(now / window) * window
        seen_start, used = self._windows.get(bucket, (start, 0))
        if seen_start != start:
            used = 0
        exceeded = self.enforce and used >= limit
        if not exceeded:
            used += 1
        self._windows[bucket] = (start, used)
        end = start + window
        # limit, remaining, reset, retry_after, exceeded: by position, which costs less than keywords per request
        return Quota(limit, max(limit - used, 0), math.ceil(end), max(math.ceil(end - now), 1), exceeded)

    def exhausted(self, quota: Quota | None, window: float = 60.0) -> Quota:
        """`quota` used up, as a request over its limit is told (a forced 429); a bare window where there is none."""
        if quota is not None:
            return quota._replace(remaining=0, exceeded=True)
        now = self.clock.time()
        end = (math.floor(now / window) + 1) * window
        return Quota(
            limit=0, remaining=0, reset=math.ceil(end), retry_after=max(math.ceil(end - now), 1), exceeded=True
        )

    def reset(self) -> None:
        self._windows.clear()
