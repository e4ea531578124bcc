"""Binom date ranges: `datePreset` (or `custom_time` with `dateFrom`/`dateTo`) in a `timezone`, as a UTC [start, end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from ...state.clock import clamped_date, localized, zone


@dataclass(frozen=True)
class Period:
    start: datetime  # aware, UTC, inclusive
    end: datetime  # aware, UTC, exclusive; never after now
    tz: tzinfo  # the zone the request's dates and first_click_time are in


def period(preset: str, date_from: str | None, date_to: str | None, timezone_name: str | None, now: datetime) -> Period:
    tz = zone(timezone_name)
    today = now.astimezone(tz).date()
    if preset == "custom_time":
        # Missing dateFrom = start of today, missing dateTo = now; dateTo is inclusive, to the second.
        start = _moment(date_from, tz) if date_from else localized(datetime.combine(today, time()), tz)
        end = _moment(date_to, tz) + timedelta(seconds=1) if date_to else now
    else:
        start, end = _bounds(preset, today, tz)
    return Period(start, min(end, now), tz)


@lru_cache(maxsize=1024)  # a pure function: every request of a day asks the same few presets in the same zones
def _bounds(preset: str, today: date, tz: tzinfo) -> tuple[datetime, datetime]:
    first, after = _days(preset, today)
    return localized(datetime.combine(first, time()), tz), localized(datetime.combine(after, time()), tz)


def _days(preset: str, today: date) -> tuple[date, date]:
    """First day and the day after the last, in the request's zone."""
    tomorrow = today + timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    year = today.replace(month=1, day=1)
    last_days = {"last_2_days": 2, "last_3_days": 3, "last_7_days": 7, "last_14_days": 14, "last_30_days": 30}
    if preset in last_days:
        return tomorrow - timedelta(days=last_days[preset]), tomorrow
    return {
        "today": (today, tomorrow),
        "yesterday": (today - timedelta(days=1), today),
        "this_week": (monday, tomorrow),
        "last_week": (monday - timedelta(days=7), monday),
        "this_month": (month, tomorrow),
        "last_month": ((month - timedelta(days=1)).replace(day=1), month),
        "this_year": (year, tomorrow),
        "last_year": (year.replace(year=year.year - 1), year),
        "all_time": (date(1970, 1, 2), tomorrow),
    }[preset]


def _moment(text: str, tz: tzinfo) -> datetime:
    """`YYYY-MM-DD HH:MM:SS` in `tz` (the spec's pattern is already enforced); a day past the month's end is clamped."""
    day, clock = text.split(" ")
    year, month, number = (int(part) for part in day.split("-"))
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return localized(datetime.combine(clamped_date(max(year, 1), month, number), time(hours, minutes, seconds)), tz)


def binom_datetime(moment: datetime, tz: tzinfo) -> str:
    """How Binom writes a time: `YYYY-MM-DD HH:MM:SS` in the request's zone."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
