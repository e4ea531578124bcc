"""Adsterra advertiser representations of stored records, as Documents in the format the client asked for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...kit.formats import Document
from ...state.store import Record
from ..adsterra_common.documents import listing, single
from .stats import METRICS

# Fields in schema order: the JSON keys, the XML elements and the CSV columns.
CAMPAIGN = ("id", "alias", "active")
BANNER = ("id", "campaign_id", "alias", "active")
LANDING = ("id", "url", "active")
CUSTOM_BID = ("placement_id", "bid")


def balance(account: Record, format_: str) -> Document:
    return single({"item": account["balance"]}, format_)


def campaign(record: Record, format_: str) -> Document:
    return single(_pick(record, CAMPAIGN), format_)


def campaigns(records: Iterable[Record], format_: str) -> Document:
    return listing([_pick(record, CAMPAIGN) for record in records], format_, CAMPAIGN)


def banner(record: Record, format_: str) -> Document:
    return single(_pick(record, BANNER), format_)


def banners(records: Iterable[Record], format_: str) -> Document:
    return listing([_pick(record, BANNER) for record in records], format_, BANNER)


def landings(records: Iterable[Record], format_: str) -> Document:
    return listing([_pick(record, LANDING) for record in records], format_, LANDING)


def placement_ids(ids: Iterable[int], format_: str) -> Document:
    """A black or white list, ascending; in CSV one `placement_id` per line."""
    return Document({"placement_ids": sorted(ids)}, format_, ("placement_id",), rows="placement_ids")


def custom_bids(bids: Mapping[int, float], format_: str) -> Document:
    items = [{"placement_id": placement, "bid": bid} for placement, bid in sorted(bids.items())]
    return listing(items, format_, CUSTOM_BID)


def stats(rows: list[dict[str, Any]], grouped: list[str], format_: str) -> Document:
    """Report rows; columns are the dimensions grouped by, then the metrics."""
    return listing(rows, format_, (*grouped, *METRICS))


def _pick(record: Record, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: record[name] for name in fields}
