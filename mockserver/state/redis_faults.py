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
        # The APIs some fault is set for, as the current request's first round trip read them (the snapshot script's
        # text: names sorted, space-separated, b"" for none; None: asked of Redis when needed); unset outside.
        self._any: ContextVar[bytes | None] = ContextVar(f"faults:{id(self)}")
        # The same, as this worker's latest snapshot read them (what `touch` answers from), and those APIs.
        self._seen, self._seen_apis = b"", frozenset[str]()
        # What a presumed request took `_seen` to be as it began: its commit checks that Redis still says so.
        self._presumed: ContextVar[bytes | None] = ContextVar(f"faults-presumed:{id(self)}")

    @property
    def key(self) -> str:
        return self._faults_key

    def begin(self, faulted: bytes | None) -> None:
        """A request starts with the APIs some fault is set for as its snapshot read them (None: asked of Redis when
        needed); they are this worker's latest view of the faults too (`touch`)."""
        self._any.set(faulted)
        if faulted is not None and faulted != self._seen:
            self._seen, self._seen_apis = faulted, frozenset(faulted.decode().split())

    def presume(self) -> None:
        """A fast route's request starts without a snapshot (`Snapshots.presume`), on this worker's latest view of the
        faults, which its gateway's `touch` answered from just before: its commit checks Redis still holds that view
        (`presumed`), and a request whose view turns out moved is left to the pipeline, which applies the faults."""
        self._any.set(None)
        self._presumed.set(self._seen)

    def presumed(self) -> bytes:
        """The faults' APIs the current presumed request took as set (b"" for none)."""
        presumed = self._presumed.get(None)
        return self._seen if presumed is None else presumed

    def moved(self) -> bool:
        """Whether the current request, begun presumed, has since a snapshot whose faults are not those it presumed."""
        presumed, now = self._presumed.get(None), self._any.get(None)
        return presumed is not None and now is not None and presumed != now

    def touch(self, api: str) -> bool:
        """Whether a fault is set for `api` as this worker's latest snapshot saw them: a fast route's request asks
        before it begins, with no round trip, and its presumed commit (or, writing nothing, its snapshot) checks that
        the faults have not moved since, so a fault set on any worker reaches the fast routes of every worker."""
        return api in self._seen_apis

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
        faulted = self._any.get(None)
        if faulted is None:
            any_set = bool(self._redis.exists(self._faults_key))
        else:
            any_set = api in faulted.decode().split()
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
