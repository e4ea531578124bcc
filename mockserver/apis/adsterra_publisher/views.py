"""Adsterra publisher representations of stored records, as Documents in the format the client asked for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...kit.formats import Document
from ...state.store import Record
from ..adsterra_common.documents import listing
from .stats import METRICS

# Fields in schema order: the JSON keys, the XML elements and the CSV columns (absent fields: empty CSV fields).
DOMAIN = ("id", "title")
PLACEMENT = ("id", "title", "alias", "direct_url", "domain_id")
SMART_LINK = ("id", "title", "alias", "url", "traffic_type", "status")


def domains(records: Iterable[Record], format_: str) -> Document:
    return listing([{name: record[name] for name in DOMAIN} for record in records], format_, DOMAIN)


def placements(records: Iterable[Record], format_: str, with_domain: bool) -> Document:
    """`direct_url` only where the placement has one; `domain_id` only in the list of all placements."""
    fields = PLACEMENT if with_domain else PLACEMENT[:-1]
    items = [{name: record[name] for name in fields if name in record} for record in records]
    return listing(items, format_, PLACEMENT)


def smart_links(records: Iterable[Record], format_: str) -> Document:
    return listing([{name: record[name] for name in SMART_LINK} for record in records], format_, SMART_LINK)


def stats(rows: list[dict[str, Any]], grouped: list[str], format_: str) -> Document:
    """Report rows; columns are the dimensions grouped by, then the metrics."""
    return listing(rows, format_, (*grouped, *METRICS))
