"""Pagination: opaque cursors over a table's creation order, and plain limit/offset windows over any sorted list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from ..kit.errors import ApiError
from ..state.store import SEQ, Record

T = TypeVar("T")


def encode_cursor(seq: int) -> str:
    return _base36(seq)


def decode_cursor(cursor: str) -> int:
    """The creation number a cursor points after. Any alphanumeric string is a position (so never an error for
    input the specs allow); anything else is a 400."""
    try:
        return int(cursor, 36)
    except ValueError:
        raise ApiError(400, "Invalid cursor", "Pass the nextCursor value of a previous response unchanged") from None


def cursor_page(rows: Iterable[Record], limit: int, cursor: str | None) -> tuple[list[Record], str | None]:
    """Up to `limit` rows after `cursor`, and the cursor for the next page (None on the last page).

    Cursors name the last record's creation number, not an offset, so records created or deleted
    between two calls neither shift a page nor make a record appear twice.
    """
    after = decode_cursor(cursor) if cursor else 0
    page: list[Record] = []
    for record in rows:
        if record[SEQ] <= after:
            continue
        if len(page) == limit:
            return page, encode_cursor(page[-1][SEQ])
        page.append(record)
    return page, None


def offset_page(rows: Sequence[T], limit: int, offset: int) -> tuple[list[T], int]:
    """Rows `offset` .. `offset + limit` of an already filtered and sorted list, and how many there are in all.

    For APIs that page with `limit`/`offset` (Binom, PeerClick): unlike cursors, a record created or
    deleted between two calls shifts later pages, exactly as it does on the real APIs.
    """
    return list(rows[offset : offset + limit]), len(rows)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text
