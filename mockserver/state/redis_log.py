"""The request log kept in Redis: every worker's requests in one list, and one count per API."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import orjson

from .requestlog import LoggedRequest, RequestLog

if TYPE_CHECKING:
    import redis


class RedisRequestLog(RequestLog):
    """A `RequestLog` on a Redis list (newest first, trimmed to `size`) and a hash of counts per API."""

    def __init__(self, client: redis.Redis, prefix: str, size: int = 1000) -> None:
        super().__init__(size)
        self._redis: Any = client
        self._size = size
        self._list, self._counts = prefix + "log", prefix + "log:counts"

    def add(self, entry: LoggedRequest) -> None:
        pipe = self._redis.pipeline(transaction=False)  # one round trip
        pipe.lpush(self._list, orjson.dumps(vars(entry)))
        pipe.ltrim(self._list, 0, self._size - 1)
        pipe.hincrby(self._counts, entry.api, 1)
        pipe.execute()

    def latest(self, limit: int, api: str | None = None) -> list[dict[str, Any]]:
        entries = [orjson.loads(raw) for raw in self._redis.lrange(self._list, 0, -1)]
        return [entry for entry in entries if api is None or entry["api"] == api][:limit]

    @property
    def counts(self) -> Counter[str]:
        return Counter({api.decode(): int(n) for api, n in self._redis.hgetall(self._counts).items()})

    @counts.setter
    def counts(self, value: Counter[str]) -> None:  # the base class's constructor sets it; Redis keeps the counts
        pass

    def clear(self) -> None:
        self._redis.delete(self._list, self._counts)
