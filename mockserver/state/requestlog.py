"""The last requests the mocked APIs served (with what they sent and how it fitted the spec), and what they covered."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..kit.masking import mask
from .logentries import LoggedRequest, Raw, shown

__all__ = ["Filter", "LoggedRequest", "Pending", "RequestLog", "mask"]


class Pending:
    """A log entry whose shown fields are worked out when it is first read (`logged`), from what the request was
    (`raw`, `logentries.raw`'s values): most entries are never read before the bounded log drops them, so masking,
    formatting and grouping them per request was work for nothing. What filters and counts read is given at once."""

    __slots__ = ("api", "method", "status", "operationId", "valid", "timestamp", "raw", "_logged")

    def __init__(self, api: str, method: str, status: int, operation_id: str | None, valid: bool, timestamp: float,
                 raw: Raw) -> None:  # fmt: skip
        self.api, self.method, self.status, self.operationId = api, method, status, operation_id
        self.valid, self.timestamp = valid, timestamp
        self.raw: Raw | None = raw  # what a log kept elsewhere stores instead of the entry (`RedisRequestLog`)
        self._logged: LoggedRequest | None = None

    def logged(self) -> LoggedRequest:
        if self._logged is None:
            assert self.raw is not None
            self._logged, self.raw = shown(self.raw), None  # what it captured is let go once it is made
        return self._logged


@dataclass(frozen=True)
class Filter:
    """Which logged requests to select; None matches anything."""

    api: str | None = None
    operation_id: str | None = None
    method: str | None = None
    status: int | None = None
    since: float | None = None  # mock-clock timestamps, inclusive
    until: float | None = None
    valid: bool | None = None

    def matches(self, entry: LoggedRequest | Pending) -> bool:
        return (
            (self.api is None or entry.api == self.api)
            and (self.operation_id is None or entry.operationId == self.operation_id)
            and (self.method is None or entry.method == self.method.upper())
            and (self.status is None or entry.status == self.status)
            and (self.since is None or entry.timestamp >= self.since)
            and (self.until is None or entry.timestamp <= self.until)
            and (self.valid is None or entry.valid == self.valid)
        )


class RequestLog:
    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[LoggedRequest | Pending] = deque(maxlen=size)
        self.counts: Counter[str] = Counter()
        # (api, operationId, status) -> requests, since start or reset: coverage outlives the bounded log.
        self.exercised: Counter[tuple[str, str, int]] = Counter()

    def add(self, entry: LoggedRequest | Pending) -> None:
        self._entries.append(entry)
        self.counts[entry.api] += 1
        if entry.operationId is not None:
            self.exercised[(entry.api, entry.operationId, entry.status)] += 1

    def select(self, selection: Filter) -> Iterator[LoggedRequest]:
        """Matching entries, newest first."""
        return (entry.logged() for entry in reversed(self._entries) if selection.matches(entry))

    def latest(self, limit: int, api: str | None = None) -> list[dict[str, Any]]:
        entries = self.select(Filter(api=api))
        return [entry.as_json() for _, entry in zip(range(limit), entries, strict=False)]

    def clear(self) -> None:
        self._entries.clear()
        self.counts.clear()
        self.exercised.clear()
