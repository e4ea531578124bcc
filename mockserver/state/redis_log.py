"""The request log kept in Redis: every worker's requests in one list, the counts per API and what they covered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from .redis_scripts import Script
from .requestlog import Filter, LoggedRequest, Pending, RequestLog

if TYPE_CHECKING:
    import redis


# KEYS: the list, the counts per API, the (API, operation, status) counts. ARGV: the entry, the last index kept, the
# API, the (API, operation, status) key ("" when no operation was matched).
_ADD = """
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[3], ARGV[4], 1) end
"""


class RedisRequestLog(RequestLog):
    """A `RequestLog` on a Redis list (newest first, trimmed to `size`), a hash of counts per API and a hash of the
    (API, operation, status) counts coverage is computed from."""

    def __init__(self, client: redis.Redis, prefix: str, size: int = 1000) -> None:
        super().__init__(size)
        self._redis: Any = client
        self._size = size
        self._list, self._counts, self._exercised = prefix + "log", prefix + "log:counts", prefix + "log:exercised"
        self._add = Script(client, _ADD)

    def add(self, entry: LoggedRequest | Pending) -> None:
        """One round trip (a script on the worker's own connection): the entry, the trim, and both counts."""
        exercised = b"" if entry.operationId is None else orjson.dumps([entry.api, entry.operationId, entry.status])
        self._add(keys=[self._list, self._counts, self._exercised],
                  args=[orjson.dumps(vars(entry.logged())), self._size - 1, entry.api, exercised])  # fmt: skip

    def select(self, selection: Filter) -> Iterator[LoggedRequest]:
        entries = (LoggedRequest(**orjson.loads(raw)) for raw in self._redis.lrange(self._list, 0, -1))
        return (entry for entry in entries if selection.matches(entry))

    @property
    def counts(self) -> Counter[str]:
        return Counter({api.decode(): int(n) for api, n in self._redis.hgetall(self._counts).items()})

    @counts.setter
    def counts(self, value: Counter[str]) -> None:  # the base class's constructor sets it; Redis keeps the counts
        pass

    @property
    def exercised(self) -> Counter[tuple[str, str, int]]:
        return Counter({tuple(orjson.loads(key)): int(n) for key, n in self._redis.hgetall(self._exercised).items()})

    @exercised.setter
    def exercised(self, value: Counter[tuple[str, str, int]]) -> None:  # as `counts`
        pass

    def clear(self) -> None:
        self.clearing(self._redis)

    def clearing(self, pipe: Any) -> None:
        """Add emptying the log and its counts to `pipe` (a reset's one transaction)."""
        pipe.delete(self._list, self._counts, self._exercised)
