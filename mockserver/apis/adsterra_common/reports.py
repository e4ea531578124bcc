"""Adsterra reports: seeded daily facts rolled up by the requested dimensions, so every grouping has the same totals.

A fact is one cell of the finest grain an API reports (e.g. campaign x banner x placement x country x day) with
integer counts. A report sums the facts that pass the filters by the requested dimensions; rates (ctr, cpm) are
computed per row from those sums. Money is counted in 1/10000 USD, so sums are exact in every grouping and format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from random import Random
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from ...context import RequestContext
from ...kit.data import DataFactory
from ...kit.errors import ApiError
from ...state.store import Record

# Statistics are kept from this day (the Advertiser help article's example report starts on it) to today included,
# whatever the seed and clock; earlier or future days have no rows. Each day is generated on demand from the seed.
FIRST_DAY = date(2024, 12, 1)
MONEY_UNIT = 10_000  # counts of money are in 1/10000 USD
GROUP_BY = ("group_by", "group_by[]")

T = TypeVar("T")
Fact = tuple[tuple[Any, ...], tuple[int, ...]]  # (dimension values in the API's order, counts in its order)


def grouping(ctx: RequestContext, dimensions: Sequence[str], default: str = "date") -> list[str]:
    """The dimensions asked for, in the API's column order: the union of `group_by` and `group_by[]`.

    connexion hands both to the handler as one argument, so the raw query string is read, split on commas as
    connexion splits it (`group_by=date,campaign` is two dimensions); connexion has validated every value.
    """
    return list(_grouping(ctx.scope.get("query_string", b""), tuple(dimensions), default))


@lru_cache(maxsize=1024)  # a pure function of the query: a client repeats the same few reports
def _grouping(query: bytes, dimensions: tuple[str, ...], default: str) -> tuple[str, ...]:
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    asked = {part for name, value in pairs if name in GROUP_BY for part in value.split(",")}
    return tuple(dimension for dimension in dimensions if dimension in asked) or (default,)


def kept(ctx: RequestContext, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """A stats answer, computed again only after a write to the API's records; `key` names all else it depends on
    (the days, the grouping, the filters, the format), and the account is added here."""
    assert ctx.api is not None
    return ctx.state.store.kept(ctx.api.name, ("stats", ctx.account_id, *key), compute)


def days(today: date, start: date, finish: date) -> list[date]:
    """The days of [start, finish] that have statistics (none when start is after finish)."""
    first = max(start, FIRST_DAY)
    last = min(finish, today)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def report(
    data: DataFactory,
    name: str,
    generate: Callable[[DataFactory, Record, date], Iterable[Fact]],
    records: Iterable[Record],
    days: list[date],
    dimensions: Sequence[str],
    grouped: list[str],
    filters: dict[str, Any],
    metrics: Callable[[tuple[int, ...]], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Rows of the records' facts on `days` that match every filter (dimension -> value), grouped by `grouped`.

    `generate` gives a record's seeded facts of one day; they are remembered per seed, record, day and traffic
    profile (all they depend on), as a long range over many records would otherwise draw them anew every request.
    """
    wanted = [(dimensions.index(dimension), value) for dimension, value in filters.items() if value is not None]

    def facts(record: Record, profile: str, day: date) -> list[Fact]:
        return data.remembered((name, record["id"], day, profile), lambda: list(generate(data, record, day)))

    selected = (
        fact
        for record in records
        for profile in (repr(record["_traffic"]),)  # once per record, not per day: it was a third of a report's cost
        for day in days
        for fact in facts(record, profile, day)
        if all(fact[0][index] == value for index, value in wanted)
    )
    return rollup(selected, dimensions, grouped, metrics)


def rollup(
    facts: Iterable[Fact],
    dimensions: Sequence[str],
    grouped: Sequence[str],
    metrics: Callable[[tuple[int, ...]], dict[str, Any]],
) -> list[dict[str, Any]]:
    """One row per combination of the `grouped` dimensions' values, sorted by them: the dimensions, then `metrics(sums)`."""
    index = [dimensions.index(name) for name in grouped]
    sums: dict[tuple[Any, ...], list[int]] = {}
    for keys, counts in facts:
        key = tuple(keys[i] for i in index)
        total = sums.get(key)
        if total is None:
            sums[key] = list(counts)
        else:
            for position, count in enumerate(counts):
                total[position] += count
    return [dict(zip(grouped, key, strict=True)) | metrics(tuple(sums[key])) for key in sorted(sums)]


def shares(rng: Random, keys: Sequence[Any]) -> list[list[Any]]:
    """Seed time: each key with its share of a profile's traffic; the shares add up to 1."""
    raw = [rng.uniform(0.2, 1.0) ** 2 for _ in keys]  # squared: a few dominate, as in real traffic
    return [[key, weight / sum(raw)] for key, weight in zip(keys, raw, strict=True)]


def ratio(numerator: int, denominator: int, scale: float) -> float:
    """numerator / denominator * scale to 4 decimals, 0 without a denominator (ctr, cpm)."""
    return round(numerator / denominator * scale, 4) if denominator else 0.0


def money(units: int) -> float:
    return round(units / MONEY_UNIT, 4)


def day(name: str, value: str) -> date:
    """A `YYYY-MM-DD` query value; the spec's `format: date` already rejects others, this keeps the handler safe alone."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "Validation failed", f"'{value}' is not a 'date' - '{name}'") from None
