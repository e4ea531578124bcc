"""Injected faults: added latency or a forced status, per API or operation, for the next N requests or a share of them."""

from __future__ import annotations

import itertools
import random
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Fault:
    id: str
    api: str
    operationId: str | None = None
    status: int | None = None
    latencyMs: int = 0
    count: int | None = None  # None: every matching request
    fraction: float | None = None  # None: all of them
    applied: int = 0
    # The operations it may touch (a forced status only hits operations that document it); None: any.
    targets: frozenset[str] | None = field(default=None, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None and key != "targets"}


class Faults:
    """Active faults in creation order; the first that matches a request applies to it."""

    def __init__(self, seed: int) -> None:
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._random = random.Random(f"faults:{seed}")  # a fraction picks the same requests on every run

    def add(self, **fields: Any) -> Fault:
        fault = Fault(id=f"fault_{next(self._ids)}", **fields)
        self._faults.append(fault)
        return fault

    def all(self) -> list[Fault]:
        return list(self._faults)

    def remove(self, fault_id: str) -> bool:
        before = len(self._faults)
        self._faults = [fault for fault in self._faults if fault.id != fault_id]
        return len(self._faults) < before

    def clear(self) -> int:
        removed = len(self._faults)
        self._faults.clear()
        return removed

    def touch(self, api: str) -> bool:
        """Whether any fault is set for `api`: the fast routes leave such an API's requests to connexion, whose
        operations take them (`take`)."""
        return bool(self._faults) and any(fault.api == api for fault in self._faults)  # most often none is set

    def take(self, api: str, operation_id: str) -> Fault | None:
        """The fault this request gets, if any, counting it as applied (and retiring it when its count is spent)."""
        for fault in self._faults:
            if fault.api != api or (fault.targets is not None and operation_id not in fault.targets):
                continue
            if fault.fraction is not None and self._random.random() >= fault.fraction:
                continue
            fault.applied += 1
            if fault.count is not None and fault.applied >= fault.count:
                self._faults.remove(fault)
            return fault
        return None
