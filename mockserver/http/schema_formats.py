"""Teaches connexion's request validator the string formats our specs use that jsonschema does not check by default."""

from __future__ import annotations

from datetime import date

from .framework import FORMAT_CHECKER


def _is_date(value: object) -> bool:
    # Strict YYYY-MM-DD (fromisoformat would also take "20240101").
    return not isinstance(value, str) or (len(value) == 10 and bool(date.fromisoformat(value)))


def install() -> None:
    """Register on the checker instance connexion validates with; idempotent."""
    if "date" not in FORMAT_CHECKER.checkers or FORMAT_CHECKER.checkers["date"][0] is not _is_date:
        FORMAT_CHECKER.checks("date", raises=ValueError)(_is_date)
