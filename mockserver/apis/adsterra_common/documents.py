"""Adsterra bodies as format-neutral Documents: the `{"items","itemCount"}` list envelope and single objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...kit.formats import Document


def listing(items: list[dict[str, Any]], format_: str, columns: Sequence[str]) -> Document:
    """A list; in CSV one line per item (itemCount is not written), the header alone when empty."""
    return Document({"items": items, "itemCount": len(items)}, format_, columns, rows="items")


def single(body: dict[str, Any], format_: str) -> Document:
    """One object; in CSV its keys are the header and its values the one line."""
    return Document(body, format_, tuple(body))
