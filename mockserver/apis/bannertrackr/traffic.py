"""Recorded tracking traffic: per placement and day, the stats counters (device, country) and the visitors seen."""

from __future__ import annotations

import base64
import contextlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from ...kit.hashset import HashSet64
from ...kit.visitors import Visitor
from ...state.store import OWNER, Record, Table, Write
from .stats import Day

TABLE = "traffic"  # one record per placement that was ever hit: {"id": placement id, "days": {day number: Tally}}
EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86400


@dataclass
class Tally:
    """One placement's counted hits on one UTC day: memory grows with placements x days, not with hits."""

    counts: Day = field(default_factory=Day)
    visitors: HashSet64 = field(default_factory=HashSet64)  # who had a counted impression, for uniqueVisitors


class Hit(NamedTuple):
    """What one counted hit added: `Table.tally`'s change, which kept per-day sums (`fold`) add in turn (a tuple:
    one is made per hit)."""

    day: int
    metric: str
    device: str
    country: str
    unique: bool  # a new visitor of the day (impressions only)


def day_number(timestamp: float) -> int:
    """The UTC day of a unix time, as days since 1970-01-01 (cheaper per hit than a date)."""
    return int(timestamp // SECONDS_PER_DAY)


def record(table: Table, placement: Record, day: int, metric: str, visitor: Visitor) -> None:
    """Count one hit (`metric` is "impressions" or "clicks").

    Synchronous on purpose: handlers share one event loop, and with no await between reading and writing the
    counters no other request can run in between, so concurrent hits are never lost.
    """
    owner = placement[OWNER]

    def count(row: Record) -> Hit:
        tally = row["days"].get(day)
        if tally is None:
            tally = row["days"][day] = Tally()
        counts = tally.counts
        unique = False
        if metric == "impressions":
            counts.impressions += 1
            if unique := tally.visitors.add(visitor.id):
                counts.unique_visitors += 1
        else:
            counts.clicks += 1
        counts.by_device[visitor.device, metric] += 1
        counts.by_country[visitor.country, metric] += 1
        return Hit(day, metric, visitor.device, visitor.country, unique)

    try:
        table.tally(owner, placement["id"], count)
    except KeyError:  # the placement's first hit: its row first (asked only then, not on every hit)
        with contextlib.suppress(KeyError):  # on a shared store, another worker may have added it meanwhile
            table.add(owner, {"id": placement["id"], "days": {}})
        table.tally(owner, placement["id"], count)


def recorded(table: Table, owner: str, placement_id: str) -> dict[date, Day]:
    """The counts recorded for a placement, per day (days without hits are absent)."""
    row = table.get(owner, placement_id)
    if row is None:
        return {}
    return {EPOCH + timedelta(days=number): tally.counts for number, tally in row["days"].items()}


def fold(days: dict[date, Day], write: Write) -> bool:
    """Add a counted hit to a placement's kept per-day sums (`Store.folded`, topic the placement's id); any other
    write of that id (the placement changed or removed, its traffic imported) drops them."""
    if write.table != TABLE:
        return False
    hit = write.change
    if not isinstance(hit, Hit):
        return write.old is None and not write.new["days"]  # type: ignore[index]  # its first hit's empty row
    counts = days.get(EPOCH + timedelta(days=hit.day))
    if counts is not None:
        if hit.metric == "impressions":
            counts.impressions += 1
            counts.unique_visitors += hit.unique
        else:
            counts.clicks += 1
        counts.by_device[hit.device, hit.metric] += 1
        counts.by_country[hit.country, hit.metric] += 1
    return True


def encode(row: Record) -> Record:
    """A traffic row as JSON: counters as lists, the visitor set as base64 of its table."""
    days = {}
    for number, tally in row["days"].items():
        counts = tally.counts
        days[str(number)] = {
            "impressions": counts.impressions, "clicks": counts.clicks, "uniqueVisitors": counts.unique_visitors,
            "byDevice": [[*key, n] for key, n in counts.by_device.items()],
            "byCountry": [[*key, n] for key, n in counts.by_country.items()],
            "visitors": base64.b64encode(tally.visitors.to_bytes()).decode(),
        }  # fmt: skip
    return {**{key: value for key, value in row.items() if key != "days"}, "days": days}


def decode(data: Record) -> Record:
    """The inverse of `encode`."""
    days = {}
    for number, tally in data["days"].items():
        counts = Day(tally["impressions"], tally["clicks"], tally["uniqueVisitors"])
        counts.by_device.update({(device, metric): n for device, metric, n in tally["byDevice"]})
        counts.by_country.update({(country, metric): n for country, metric, n in tally["byCountry"]})
        days[int(number)] = Tally(counts, HashSet64.from_bytes(base64.b64decode(tally["visitors"])))
    return {**{key: value for key, value in data.items() if key != "days"}, "days": days}


def forget(table: Table, owner: str, placement_id: str) -> None:
    """Delete a placement's recorded traffic (with the placement, as the doc says of deleting a site)."""
    table.remove(owner, placement_id)
