"""Teaches connexion's request validator the string formats our specs use that jsonschema does not check by default."""

from __future__ import annotations

from datetime import date

from jsonschema import Draft4Validator


def _is_date(value: object) -> bool:
    # Strict YYYY-MM-DD (fromisoformat would also take "20240101").
    return not isinstance(value, str) or (len(value) == 10 and bool(date.fromisoformat(value)))


def install() -> None:
    """Register on the checker instance connexion validates with; idempotent."""
    checker = Draft4Validator.FORMAT_CHECKER
    if "date" not in checker.checkers or checker.checkers["date"][0] is not _is_date:
        checker.checks("date", raises=ValueError)(_is_date)
