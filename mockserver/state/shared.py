"""One Redis database holding a mock's whole state for many workers: the connection, its seed and the reset lock."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import redis

from ..kit.data import DataFactory

LOCK_SECONDS = 120  # a reset, reseed or import holds the lock at most this long (a killed worker's lock expires)


class SharedState:
    """Where the state lives (`url`, keys under `prefix`), and what every worker agrees on beyond the records."""

    def __init__(self, url: str, prefix: str = "mock:") -> None:
        self.url, self.prefix = url, prefix
        # One connection per worker: its requests run one at a time on one event loop, so they never wait for one.
        self.redis: Any = redis.Redis.from_url(url, single_connection_client=True)
        self.redis.ping()  # a wrong URL fails at start, not on the first request
        self.clock_key = prefix + "clock"  # also holds the seed and the epoch (see RedisClock)
        self.worker = int(self.redis.incr(prefix + "workers"))

    def lock(self) -> AbstractContextManager[Any]:
        """Held while the records are replaced (first start, reset, reseed, import): one replacement at a time."""
        lock: AbstractContextManager[Any] = self.redis.lock(
            self.prefix + "lock", timeout=LOCK_SECONDS, blocking_timeout=LOCK_SECONDS
        )
        return lock

    def seed(self) -> int | None:
        """The seed of the shared state, or None if no worker has seeded it yet."""
        seed = self.redis.hget(self.clock_key, "seed")
        return None if seed is None else int(seed)

    def published(self, pipe: Any, seed: int) -> None:
        """Add to `pipe` (the transaction that replaces the records) the new seed and a new epoch."""
        pipe.hset(self.clock_key, "seed", seed)
        pipe.hincrby(self.clock_key, "epoch", 1)

    def worker_data(self, seed: int) -> DataFactory:
        """This worker's generator for new records: seeded by `seed` and the worker's number, so two workers
        creating at once draw different ids (the seeded records come from the plain seed, as in memory)."""
        data = DataFactory(seed)
        data.random.seed(f"{seed}:worker:{self.worker}")
        data.faker.seed_instance(f"{seed}:worker:{self.worker}")
        return data
