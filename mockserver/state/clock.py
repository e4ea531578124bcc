"""The mock's clock: real time by default, settable, freezable and advanceable so tests never sleep."""

from __future__ import annotations

import calendar
import re
import time as _time
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EARLIEST = datetime(1970, 2, 1, tzinfo=UTC).timestamp()
LATEST = datetime(9999, 11, 30, tzinfo=UTC).timestamp()


class Clock:
    """Wall-clock time with an offset; frozen when `freeze` was called.

    Everything time-dependent in the mock (rate-limit windows, token lifetimes, "today" in stats)
    reads this object, so a test can cross a window with `advance(60)` instead of sleeping.
    """

    def __init__(self, frozen_at: float | None = None) -> None:
        self._start = frozen_at  # what `restart` goes back to: the configured start, or real time
        self._frozen_at = frozen_at
        self._offset = 0.0

    def restart(self) -> None:
        """Back to how the clock started: frozen at the configured start, or real time."""
        self._frozen_at = self._start
        self._offset = 0.0

    def real_time(self) -> None:
        """Follow the wall clock again: no offset, not frozen."""
        self._frozen_at = None
        self._offset = 0.0

    def time(self) -> float:
        """Seconds since the epoch, like `time.time()`."""
        if self._frozen_at is not None:
            return self._frozen_at
        return _time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def today(self) -> date:
        return self.now().date()

    def advance(self, seconds: float) -> None:
        self._check(self.time() + seconds)
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds

    def set(self, timestamp: float) -> None:
        """Jump to `timestamp`; a frozen clock stays frozen there, a running one runs on from it."""
        self._check(timestamp)
        if self._frozen_at is not None:
            self._frozen_at = timestamp
        else:
            self._offset = timestamp - _time.time()

    def freeze(self) -> None:
        self._frozen_at = self.time()

    def unfreeze(self) -> None:
        if self._frozen_at is not None:
            self._offset = self._frozen_at - _time.time()
            self._frozen_at = None

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    @staticmethod
    def _check(timestamp: float) -> None:
        # Dates must stay representable (and "30 days ago" computable) wherever the mock formats them.
        if not EARLIEST <= timestamp <= LATEST:
            raise ValueError("the mock's clock stays between 1970-02-01 and 9999-11-30")


def iso(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, the format every mocked API uses for timestamps."""
    # isoformat, not strftime: %Y does not zero-pad years before 1000 on every platform.
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


@lru_cache(maxsize=16_384)  # a pure function of the text; views parse the same stored timestamps on every read
def parse_datetime(text: str) -> datetime:
    """Any RFC 3339 date-time (what `format: date-time` admits) as an aware datetime; ValueError otherwise.

    Covers what `datetime.fromisoformat` does not: lowercase `t`/`z`, more than six fractional
    digits, and the leap second `:60` (taken as `:59`).
    """
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    year, month, day, hour, minute, second = (int(part) for part in match.group(1, 2, 3, 4, 5, 6))
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    offset = timedelta(0)
    if match.group(9):
        offset = timedelta(hours=int(match.group(10)), minutes=int(match.group(11)))
        offset = -offset if match.group(9) == "-" else offset
    return datetime(year, month, day, hour, minute, min(second, 59), micro, tzinfo=timezone(offset))


def zone(name: str | None) -> tzinfo:
    """The IANA zone `name`, or UTC for none or one this machine does not know (the specs' documented fallback)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown, malformed, or a directory such as "America"
        return UTC


def clamped_date(year: int, month: int, day: int) -> date:
    """The date, with a day past the end of its month (2024-02-30) moved back to the month's last day."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def localized(moment: datetime, tz: tzinfo) -> datetime:
    """A naive wall-clock time read in `tz`, as an aware UTC datetime.

    Clamped to 1970-01-02 .. 9998-12-30 first, so any date a spec's pattern admits (0001-01-01 in a zone
    east of UTC, 9999-12-31 west of it) converts without overflow; the mocks have no traffic outside that.
    """
    moment = min(max(moment, datetime(1970, 1, 2)), datetime(9998, 12, 30))
    return moment.replace(tzinfo=tz).astimezone(UTC)
