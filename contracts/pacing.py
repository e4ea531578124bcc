"""One pace for every request a run sends (generated cases, checks' probes, cleanup): throttle, 429 waits, budget."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import schemathesis
from schemathesis.core.rate_limit import build_limiter, parse_retry_after

R = TypeVar("R")
MAX_429_RETRIES = 5  # per request; a server still answering 429 after that is reported, not waited on forever


class BudgetSpent(KeyboardInterrupt):
    """Raised before a request the budget has no room for.

    A KeyboardInterrupt, because that is the one signal schemathesis' engine answers by finishing the run cleanly
    (reports written, remaining cases skipped) rather than recording an error against the case at hand.
    """


@dataclass
class Pacer:
    """Spaces requests to `rate` (e.g. "3/s"), waits out 429s as Retry-After says, and counts against the budget."""

    rate: str | None = None  # None or "auto": no throttle, only 429 waits
    max_requests: int | None = None
    max_time: float | None = None  # seconds from the first request
    sent: int = 0
    waited_429: int = 0
    stopped_by: str | None = None  # "requests" or "time" once the budget ended the run
    _started: float | None = None
    _limiter: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.rate and self.rate != "auto":
            self._limiter = build_limiter(self.rate)

    @property
    def throttled(self) -> bool:
        return self._limiter is not None

    @property
    def elapsed(self) -> float:
        return 0.0 if self._started is None else time.monotonic() - self._started

    def _spent(self) -> str | None:
        """Which bound of the budget leaves no room for one more request: "requests", "time", or None."""
        if self.max_requests is not None and self.sent >= self.max_requests:
            return "requests"
        return "time" if self.max_time is not None and self.elapsed >= self.max_time else None

    def take_turn(self, *, budgeted: bool = True) -> None:
        """Block until the throttle allows the next request; raise BudgetSpent when a budgeted one has no room."""
        with self._lock:
            if self._started is None:
                self._started = time.monotonic()
            spent = self._spent() if budgeted else None
            if spent is not None:
                self.stopped_by = self.stopped_by or spent
                raise BudgetSpent
            self.sent += 1
        if self._limiter is not None:
            self._limiter.try_acquire("contracts")

    def send(self, call: Callable[[], R], status: Callable[[R], int], retry_after: Callable[[R], str | None],
             *, budgeted: bool = True) -> R:  # fmt: skip
        """`call()` in turn; a 429 with a usable Retry-After is waited out and sent again, up to MAX_429_RETRIES."""
        for _ in range(MAX_429_RETRIES):
            self.take_turn(budgeted=budgeted)
            response = call()
            if status(response) != 429:
                return response
            delay = parse_retry_after(retry_after(response) or "")
            if delay is None:
                return response  # nothing says when to come back: the retry_after_on_429 check reports it
            self.waited_429 += 1
            time.sleep(delay)  # real time on a real server's clock: this is the wait the server asked for
        self.take_turn(budgeted=budgeted)
        return call()


_current = Pacer()


def current() -> Pacer:
    """The pacer of the run in progress (schemathesis' hooks are process-wide, so the run installs its own)."""
    return _current


def install(pacer: Pacer) -> None:
    global _current
    _current = pacer


@contextlib.contextmanager
def installed(pacer: Pacer) -> Iterator[None]:
    """`pacer` paces the block's requests; after it, none is bounded (the hook stays: a spent budget must not
    interrupt requests schemathesis sends later in the process, e.g. the tests' own)."""
    install(pacer)
    try:
        yield
    finally:
        install(Pacer())


_hooked = False


def install_hook() -> None:
    """Pace schemathesis' own requests too (its hooks are process-wide, so register once)."""
    global _hooked
    if not _hooked:

        @schemathesis.hook
        def before_call(context: Any, case: Any, kwargs: Any) -> None:
            current().take_turn()

        _hooked = True
