"""Injected faults kept in Redis: a fault for the next N requests hits exactly N, whichever workers serve them."""

from __future__ import annotations

import random
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import orjson

from .faults import Fault, Faults

if TYPE_CHECKING:
    import redis


class RedisFaults(Faults):
    """`Faults` as a Redis hash of JSON faults, their `applied` counts in another, ids from INCR."""

    def __init__(self, client: redis.Redis, prefix: str, seed: int) -> None:
        super().__init__(seed)
        self._redis: Any = client
        self._seed = seed
        self._faults_key, self._applied, self._ids_key = (
            prefix + "faults",
            prefix + "faults:applied",
            prefix + "faults:ids",
        )
        self._draws = prefix + "faults:draws"
        # Whether any fault was set when the current request began (its first round trip asks); unset outside.
        self._any: ContextVar[bool | None] = ContextVar(f"faults:{id(self)}")

    @property
    def key(self) -> str:
        return self._faults_key

    def begin(self, any_set: bool | None) -> None:  # None: asked of Redis when needed
        self._any.set(any_set)

    def add(self, **fields: Any) -> Fault:
        fault = Fault(id=f"fault_{self._redis.incr(self._ids_key)}", **fields)
        data = {**vars(fault), "targets": None if fault.targets is None else sorted(fault.targets)}
        self._redis.hset(self._faults_key, fault.id, orjson.dumps(data))
        return fault

    def all(self) -> list[Fault]:
        pipe = self._redis.pipeline(transaction=True)
        pipe.hgetall(self._faults_key)
        pipe.hgetall(self._applied)
        stored, applied = pipe.execute()
        faults = []
        for raw in stored.values():
            data = orjson.loads(raw)
            targets = data.pop("targets")
            fault = Fault(**data, targets=None if targets is None else frozenset(targets))
            fault.applied = int(applied.get(fault.id.encode(), 0))
            faults.append(fault)
        return sorted(faults, key=lambda fault: int(fault.id.removeprefix("fault_")))

    def remove(self, fault_id: str) -> bool:
        return bool(self._redis.hdel(self._faults_key, fault_id))

    def clear(self) -> int:
        pipe = self._redis.pipeline(transaction=True)
        pipe.hlen(self._faults_key)
        self.clearing(pipe)
        removed, _ = pipe.execute()
        return int(removed)

    def clearing(self, pipe: Any) -> None:
        """Add clearing every fault to `pipe` (a reset's one transaction)."""
        pipe.delete(self._faults_key, self._applied, self._draws)

    def take(self, api: str, operation_id: str) -> Fault | None:
        """As `Faults.take`; counting with HINCRBY, so of N workers racing for a fault's last use exactly one wins."""
        any_set = self._any.get(None)
        if any_set is None:
            any_set = bool(self._redis.exists(self._faults_key))
        if not any_set:  # the usual case: nothing to take, and no round trip in a request
            return None
        for fault in self.all():
            if fault.api != api or (fault.targets is not None and operation_id not in fault.targets):
                continue
            if fault.fraction is not None:
                # The n-th draw of this fault, the same on every run whichever worker makes it.
                draw = self._redis.hincrby(self._draws, fault.id, 1)
                if random.Random(f"faults:{self._seed}:{fault.id}:{draw}").random() >= fault.fraction:
                    continue
            fault.applied = int(self._redis.hincrby(self._applied, fault.id, 1))
            if fault.count is not None:
                if fault.applied > fault.count:  # another worker took its last use
                    continue
                if fault.applied >= fault.count:
                    self.remove(fault.id)
            return fault
        return None
