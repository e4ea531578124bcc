"""Cursor pagination over a table's creation order: opaque cursors that never repeat or skip a record."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

from .errors import ApiError
from .store import SEQ, Record


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"after:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The creation sequence number a cursor points after; a 400 for anything we did not issue."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, seq = text.partition(":")
        if prefix != "after" or not seq.isdigit():
            raise ValueError(text)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
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
