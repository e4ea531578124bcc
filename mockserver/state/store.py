"""In-memory state of every mocked API: named tables of JSON-like records, each record owned by one account."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

Record = dict[str, Any]
View = Mapping[str, Any]  # what reads hand out: a read-only face of a stored record
# What removing a record does to the records that refer to it (a cascade), told the store and the removed record.
Hook = Callable[["Store", str, View], None]
A = TypeVar("A")

# Bookkeeping fields every stored record carries; views never copy them out.
OWNER = "_owner"
SEQ = "_seq"
DELETED = "deleted"  # the flag a soft-deleting table sets instead of dropping the record
_FIXED = frozenset(("id", OWNER, SEQ))
KEPT_PER_API = 256  # answers Store.kept remembers per API
T = TypeVar("T")


class Write:
    """One write to a table, as `Store.folded` aggregates are offered it: the record before (None: added) and after
    (None: removed), and for a `Table.tally` what its count said it counted (`change`; the record changes in place)."""

    __slots__ = ("table", "owner", "old", "new", "change")

    def __init__(self, table: str, owner: str, old: View | None, new: View | None, change: Any = None) -> None:
        self.table, self.owner, self.old, self.new, self.change = table, owner, old, new, change


# Adds one write's contribution to an aggregate in place and says True, or says False: the aggregate is dropped.
Fold = Callable[[Any, Write], bool]


@dataclass(frozen=True)
class Rules:
    """What a table does beyond storing: its cascades, and whether removing only marks the record deleted."""

    on_remove: tuple[Hook, ...] = ()
    soft_delete: bool = False


@dataclass(frozen=True)
class Limit:
    """A condition `Table.add` (or `update`) checks as part of the write: the owner holds fewer than `count` records
    matching `where` (a plan's limit; with count 1, a unique field), not counting the record an update writes. On a
    shared store the check and the write are one step, so two workers writing at once cannot both pass it. `where`
    compares scalar values (strings, numbers, booleans, None)."""

    count: int
    where: Mapping[str, Any] = field(default_factory=dict)


class LimitReached(Exception):
    """`Table.add` or `update` refused: the owner already holds `current` records matching its `Limit`."""

    def __init__(self, current: int) -> None:
        super().__init__(current)
        self.current = current


@dataclass(frozen=True)
class Parent:
    """A record an add depends on, checked as part of the write: the owner's record `record_id` of the same API's
    table `table` exists (and, in a soft-deleting table, is not deleted). On a shared store the check and the write
    are one step, and a removal's cascade counts the children it read again as it writes, so a child added while its
    parent is removed is either refused or removed with it, never left behind."""

    table: str
    record_id: Any


class ParentMissing(Exception):
    """`Table.add` refused: its `Parent` is gone."""


def removing(api: str, table: str, field: str) -> Hook:
    """A cascade: removing a record removes the owner's records of `table` whose `field` holds its id."""

    def hook(store: Store, owner: str, removed: View) -> None:
        children = store.table(api, table)
        for child in list(children.rows(owner, **{field: removed["id"]})):
            children.remove(owner, child["id"])

    return hook


def unlinking(api: str, tables: tuple[str, ...], field: str) -> Hook:
    """A cascade: removing a record clears `field` (to None) on the owner's records of `tables` that held its id."""

    def hook(store: Store, owner: str, removed: View) -> None:
        for name in tables:
            linked = store.table(api, name)
            for record in list(linked.rows(owner, **{field: removed["id"]})):
                linked.update(owner, record["id"], {field: None})

    return hook


class Table:
    """Records of one kind, keyed by id, kept in creation order (which is what cursors page through).

    Every read takes the owner: a record of another account is simply not there, so handlers
    cannot leak or touch it by forgetting a check. Reads hand out read-only views, and a record changes only
    through `update` and `remove`, which replace it whole (copy on write): a view already handed out stays as it was.
    """

    def __init__(self, store: Store, rules: Rules = Rules(), api: str = "", name: str = "") -> None:
        self._store = store
        self.rules = rules
        self._api = api  # whose kept answers a write here makes stale (Store.kept)
        self._name = name  # what `Store.folded` aggregates are told was written
        self._rows: dict[Any, Record] = {}
        # The same records per owner, also in creation order: an account's list or count costs what it holds,
        # not what every account holds.
        self._owned: dict[str, dict[Any, Record]] = {}
        self._top_int_id = 0  # highest integer id ever added, so a removed id is never handed out again
        # field -> owner -> value -> the records holding it, in creation order: built on the first read that filters
        # on the field, then kept by every write, so `count(owner, siteId=...)` costs the same for any account size.
        self._indexes: dict[str, dict[str, dict[Any, dict[Any, Record]]]] = {}
        self._unindexed: set[str] = set()  # fields some record holds an unhashable value in

    def add(self, owner: str, record: Record, *, limit: Limit | None = None, parent: Parent | None = None) -> View:
        if record["id"] in self._rows:
            raise KeyError(f"duplicate id {record['id']!r}")
        if limit is not None and (current := self.count(owner, **limit.where)) >= limit.count:
            raise LimitReached(current)
        if parent is not None:
            found = self._store.table(self._api, parent.table).get(owner, parent.record_id)
            if found is None or found.get(DELETED):
                raise ParentMissing(parent.record_id)
        stored = {**record, OWNER: owner, SEQ: self._store.next_seq()}
        self._put(stored)
        view = MappingProxyType(stored)
        self._store.wrote(self._api, self._name, owner, None, view)
        return view

    def _put(self, record: Record) -> None:
        if isinstance(record["id"], int):
            self._top_int_id = max(self._top_int_id, record["id"])
        self._rows[record["id"]] = record
        self._owned.setdefault(record[OWNER], {})[record["id"]] = record
        for name in list(self._indexes):
            self._index_add(name, record)

    def _index(self, name: str) -> dict[str, dict[Any, dict[Any, Record]]] | None:
        """The index on field `name`, built now if there is none; None if a value of it cannot be a key."""
        index = self._indexes.get(name)
        if index is None and name not in self._unindexed:
            index = self._indexes[name] = {}
            for record in self._rows.values():
                if not self._index_add(name, record):
                    return None
        return index

    def _index_add(self, name: str, record: Record) -> bool:
        """Put `record` in the index on `name` (after the records added before it); an unhashable value drops it."""
        try:
            bucket = self._indexes[name].setdefault(record[OWNER], {}).setdefault(record.get(name), {})
        except TypeError:
            del self._indexes[name]  # filtering on it scans, which is still right
            self._unindexed.add(name)
            return False
        bucket[record["id"]] = record
        return True

    def _index_replace(self, old: Record, new: Record) -> None:
        for name in list(self._indexes):
            if old.get(name) == new.get(name):
                self._indexes[name][old[OWNER]][old.get(name)][new["id"]] = new  # same place in its bucket
                continue
            self._index_drop(name, old)
            if not self._index_add(name, new):
                continue
            bucket = self._indexes[name][new[OWNER]][new.get(name)]
            records = list(bucket.values())
            if len(records) > 1 and records[-2][SEQ] > new[SEQ]:
                # A record moved to this value takes its place in creation order among those already there.
                bucket.clear()
                bucket.update((record["id"], record) for record in sorted(records, key=lambda record: record[SEQ]))

    def _index_drop(self, name: str, record: Record) -> None:
        owned = self._indexes[name][record[OWNER]]
        bucket = owned[record.get(name)]
        del bucket[record["id"]]
        if not bucket:
            del owned[record.get(name)]  # values come and go (statuses, parents): keep no empty buckets

    def _index_remove(self, record: Record) -> None:
        for name in self._indexes:
            self._index_drop(name, record)

    def next_int_id(self) -> int:
        """The next integer id, for APIs whose ids are 1, 2, 3, ... (Binom, PeerClick); removed ids are not reused."""
        return self._top_int_id + 1

    def get(self, owner: str, record_id: Any) -> View | None:
        record = self._owned.get(owner, {}).get(record_id)
        return None if record is None else MappingProxyType(record)

    def lookup_credential(self, value: Any) -> View | None:
        """Any account's record whose id is itself a credential (API key, token, pixel id): how a request finds its
        owner, which it cannot know before."""
        record = self._rows.get(value)
        return None if record is None else MappingProxyType(record)

    def find_credential(self, matches: Callable[[View], bool]) -> View | None:
        """The first record of any account that `matches`: for credentials that are not ids (a login's e-mail)."""
        return next((view for view in map(MappingProxyType, self._rows.values()) if matches(view)), None)

    def owner_of(self, record_id: Any) -> str | None:
        """Whose record `record_id` is, without its fields: for APIs that answer 403, not 404, on another's record."""
        record = self._rows.get(record_id)
        return None if record is None else record[OWNER]

    def owners(self) -> list[str]:
        """The accounts holding records here, for walks over every account (tests, benchmarks)."""
        return [owner for owner, records in self._owned.items() if records]

    def rows(self, owner: str, **equals: Any) -> Iterator[View]:
        """The owner's records in creation order whose fields equal `equals`."""
        return map(MappingProxyType, self._matching(owner, equals))  # a view costs no copy: reads are the hot path

    def count(self, owner: str, **equals: Any) -> int:
        if len(equals) <= 1:
            return len(self._candidates(owner, equals))
        return sum(1 for _ in self._matching(owner, equals))

    def _candidates(self, owner: str, equals: Mapping[str, Any]) -> Mapping[Any, Record]:
        """The owner's records (in creation order) holding the first of `equals`, from its index where it has one."""
        if not equals:
            return self._owned.get(owner, {})
        name, value = next(iter(equals.items()))
        index = self._index(name)
        if index is None:
            return {key: record for key, record in self._owned.get(owner, {}).items() if record.get(name) == value}
        try:
            return index.get(owner, {}).get(value, {})
        except TypeError:  # an unhashable value equals no stored (hashable) one
            return {}

    def _matching(self, owner: str, equals: Mapping[str, Any]) -> Iterable[Record]:
        records: Iterable[Record] = self._candidates(owner, equals).values()
        if equals:
            # A copy of the bucket (what the answer holds): a caller may change the field it filtered on as it goes.
            records = tuple(records)
        if len(equals) > 1:
            records = (record for record in records if all(record.get(key) == value for key, value in equals.items()))
        return records

    def update(
        self, owner: str, record_id: Any, changes: Mapping[str, Any], *, limit: Limit | None = None
    ) -> View | None:
        """The owner's record with `changes` applied (None if it has none such); id, owner and position stay. With a
        `limit`, refused (`LimitReached`) if the owner's other records already hold `limit.count` matching it."""
        record = self._owned.get(owner, {}).get(record_id)
        if record is None:
            return None
        moved = [name for name in _FIXED & changes.keys() if changes[name] != record[name]]
        if moved:  # a whole merged record may come back with these, but never different
            raise KeyError(f"cannot change {sorted(moved)}")
        if limit is not None:
            others = sum(1 for other in self._matching(owner, limit.where) if other["id"] != record_id)
            if others >= limit.count:
                raise LimitReached(others)
        changed = {**record, **changes}
        self._rows[record_id] = self._owned[owner][record_id] = changed
        self._index_replace(record, changed)
        view = MappingProxyType(changed)
        self._store.wrote(self._api, self._name, owner, MappingProxyType(record), view)
        return view

    def tally(self, owner: str, record_id: Any, count: Callable[[Record], Any]) -> None:
        """Let `count` bump counters of the stored record in place: only for what every tracking hit changes, where
        copying the record per hit would cost what that hot path cannot afford. Never a field reads filter on: the
        indexes would not see the change. What `count` returns describes what it counted, for `Store.folded`
        aggregates (`Write.change`)."""
        record = self._owned.get(owner, {}).get(record_id)
        if record is None:
            raise KeyError(record_id)
        change = count(record)
        self._store.wrote(self._api, self._name, owner, None, record, change)  # a view of it only if some fold asks

    def remove(self, owner: str, record_id: Any) -> View | None:
        """Remove the owner's record (mark it deleted, if the table soft-deletes), then run the cascades; the record
        as it was removed, or None if the owner has none such."""
        if self.rules.soft_delete:
            removed = self.update(owner, record_id, {DELETED: True})
        else:
            record = self._owned.get(owner, {}).pop(record_id, None)
            removed = None if record is None else MappingProxyType(record)
            if record is not None:
                del self._rows[record_id]
                self._index_remove(record)
                self._store.wrote(self._api, self._name, owner, removed, None)
        if removed is not None:
            for hook in self.rules.on_remove:
                hook(self._store, owner, removed)
        return removed

    def require(self, owner: str, record_id: Any, missing: Callable[[], Exception]) -> View | None:
        """The owner's live record `record_id` (None if absent or soft-deleted), which the current request's later
        writes name: on a shared store each of them checks as it commits that the record is still live, and raises
        `missing()` if not (a campaign naming a traffic source another worker deletes at that instant). In memory
        the read and the writes are one step, with nothing between them to check."""
        record = self.get(owner, record_id)
        return None if record is None or record.get(DELETED) else record

    def remove_counting(self, owner: str, record_id: Any, table: str) -> tuple[View | None, int]:
        """`remove`, and how many of the owner's records of `table` (this API's) its cascades removed with it, counted
        by the removal itself: on a shared store, the removal as it committed (one its retry took too counts)."""
        children = self._store.table(self._api, table)
        before = children.count(owner)
        removed = self.remove(owner, record_id)
        return removed, before - children.count(owner)

    def __contains__(self, record_id: Any) -> bool:
        return record_id in self._rows

    def __len__(self) -> int:
        return len(self._rows)


class Store:
    """All tables, namespaced by API: `store.table("bannertrackr", "sites")`."""

    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], Table] = {}
        self._seq = 0
        # Tables whose records hold more than JSON (e.g. compact counters): how to write and read them.
        self._codecs: dict[tuple[str, str], tuple[Callable[[Record], Record], Callable[[Record], Record]]] = {}
        self._rules: dict[tuple[str, str], Rules] = {}
        # Per API, answers derived from its records (reports, stats), dropped by any write to one of its tables.
        self._kept: dict[str, dict[Hashable, Any]] = {}
        # Per API and topic (None: every write), aggregates kept across the writes their folds take in (`folded`).
        self._folded: dict[str, dict[Hashable, dict[Hashable, tuple[Any, Fold]]]] = {}

    def kept(self, api: str, key: Hashable, compute: Callable[[], T]) -> T:
        """What `compute()` gives for `key`, remembered until the next write to any of `api`'s tables.

        For reads that sum many records or series (reports, stats): `key` must name everything besides `api`'s
        records that the answer depends on (the account, the period, the grouping, ...). The value is shared by
        every request asking the same, so callers must not change it.
        """
        kept = self._kept.setdefault(api, {})
        if key in kept:
            return kept[key]  # type: ignore[no-any-return]
        value = compute()
        if len(kept) >= KEPT_PER_API:
            del kept[next(iter(kept))]  # the oldest: the set of questions a client repeats is small
        kept[key] = value
        return value

    def folded(self, api: str, key: Hashable, compute: Callable[[], A], fold: Fold, topic: Hashable = None) -> A:
        """An aggregate of `api`'s records (a report's per-day or per-entity sums) kept up to date on write: each
        write to one of `api`'s tables is offered to `fold(value, write)`, which adds the write's contribution to
        the value in place and says True, or says False, and the value is dropped (computed again when next asked).

        `key` names everything besides `api`'s records that the value depends on, as for `kept`. A `topic` (a record
        id) says the value depends on no records but those with that id: only writes of such a record reach its
        fold, so a hot path's writes (a tracking hit) cost one lookup, not one call per aggregate kept. Callers must
        not change the value outside `fold`; an answer built from it may be kept with `kept`, which every write still
        drops.
        """
        by_topic = self._folded.setdefault(api, {}).setdefault(topic, {})
        entry = by_topic.get(key)
        if entry is None:
            if sum(map(len, self._folded[api].values())) >= KEPT_PER_API:
                self._folded[api].clear()  # rare: a client asking this many shapes gets them computed again
                by_topic = self._folded[api].setdefault(topic, {})
            entry = by_topic[key] = (compute(), fold)
        return entry[0]

    def wrote(
        self, api: str, table: str = "", owner: str = "", old: View | None = None, new: View | None = None,
        change: Any = None,
    ) -> None:  # fmt: skip
        """A record of `api` changed: answers derived from its records are stale, and aggregates take it in (or
        are dropped). With only `api` (no table named), every aggregate of it is dropped too."""
        kept = self._kept.get(api)
        if kept:
            kept.clear()
        folded = self._folded.get(api)
        if not folded:
            return
        if not table:
            folded.clear()
            return
        if type(new) is dict:  # a tallied record, as stored: folds get a read-only view, as every reader does
            new = MappingProxyType(new)
        write = Write(table, owner, old, new, change)
        record = new if new is not None else old
        topics = [None] if record is None else [None, record.get("id")]
        for topic in topics:
            aggregates = folded.get(topic)
            if aggregates:
                for key, (value, fold) in list(aggregates.items()):
                    if not fold(value, write):
                        del aggregates[key]

    def declare(self, api: str, name: str, rules: Rules) -> None:
        """Table (api, name) follows `rules` (its cascades, its soft delete) from now on."""
        self._rules[(api, name)] = rules
        self.table(api, name).rules = rules

    def register_codec(
        self, api: str, name: str, encode: Callable[[Record], Record], decode: Callable[[Record], Record]
    ) -> None:
        """Records of table (api, name) go through `encode` in `export` and come back through `decode` in `load`."""
        self._codecs[(api, name)] = (encode, decode)

    def table(self, api: str, name: str) -> Table:
        key = (api, name)
        if key not in self._tables:
            self._tables[key] = Table(self, self._rules.get(key, Rules()), api, name)
        return self._tables[key]

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def export(self) -> dict[str, Any]:
        """A JSON-serialisable copy of everything; `load` restores it exactly."""
        tables: dict[str, dict[str, list[Record]]] = {}
        for (api, name), table in self._tables.items():
            if not table._rows:  # an empty table is as good as none, whichever backend (or read) made it exist
                continue
            encode = self._codecs.get((api, name), (copy.deepcopy, None))[0]
            tables.setdefault(api, {})[name] = [encode(record) for record in table._rows.values()]
        return {"seq": self._seq, "tables": tables}

    def loaded(self, data: dict[str, Any]) -> Store:
        """A new store with this one's codecs holding `data` (an `export()`); this one stays as it is, so a load that
        fails half-way changes nothing."""
        store = Store()
        store._codecs = dict(self._codecs)
        store._rules = dict(self._rules)
        store.load(data)
        return store

    def load(self, data: dict[str, Any]) -> None:
        """Replace everything with an `export()`; the sequence resumes after the highest record seen."""
        self._tables.clear()
        self._kept.clear()
        self._folded.clear()
        self._seq = int(data["seq"])
        for api, tables in data["tables"].items():
            for name, records in tables.items():
                table = self.table(api, name)
                decode = self._codecs.get((api, name), (None, copy.deepcopy))[1]
                for record in sorted((decode(record) for record in records), key=lambda record: record[SEQ]):
                    table._put(record)
                    self._seq = max(self._seq, record[SEQ])

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables.values())
