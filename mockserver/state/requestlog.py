"""The last requests the mocked APIs served, and how many each API has served, for the admin API and index page."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LoggedRequest:
    time: str
    api: str
    method: str
    path: str
    status: int
    key: str | None  # masked
    durationMs: float


class RequestLog:
    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=size)
        self.counts: Counter[str] = Counter()

    def add(self, entry: LoggedRequest) -> None:
        self._entries.append(entry)
        self.counts[entry.api] += 1

    def latest(self, limit: int, api: str | None = None) -> list[dict[str, Any]]:
        entries = [entry for entry in reversed(self._entries) if api is None or entry.api == api]
        return [vars(entry) for entry in entries[:limit]]

    def clear(self) -> None:
        self._entries.clear()
        self.counts.clear()


def mask(secret: str | None) -> str | None:
    """Enough of a credential to recognise it in a log, never the whole of it."""
    if not secret:
        return None
    return secret[:6] + "…" + secret[-2:] if len(secret) > 10 else "…"
