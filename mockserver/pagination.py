"""Cursor pagination over a table's creation order: opaque cursors that never repeat or skip a record."""

from __future__ import annotations

from collections.abc import Iterable

from .errors import ApiError
from .store import SEQ, Record


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


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text
