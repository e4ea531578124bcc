"""In-memory state of every mocked API: named tables of JSON-like records, each record owned by one account."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

Record = dict[str, Any]

# Bookkeeping fields every stored record carries; views never copy them out.
OWNER = "_owner"
SEQ = "_seq"


class Table:
    """Records of one kind, keyed by id, kept in creation order (which is what cursors page through).

    Every read takes the owner: a record of another account is simply not there, so handlers
    cannot leak or touch it by forgetting a check.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._rows: dict[Any, Record] = {}
        # The same records per owner, also in creation order: an account's list or count costs what it holds,
        # not what every account holds.
        self._owned: dict[str, dict[Any, Record]] = {}
        self._top_int_id = 0  # highest integer id ever added, so a removed id is never handed out again

    def add(self, owner: str, record: Record) -> Record:
        if record["id"] in self._rows:
            raise KeyError(f"duplicate id {record['id']!r}")
        record[OWNER] = owner
        record[SEQ] = self._store.next_seq()
        self._put(record)
        return record

    def _put(self, record: Record) -> None:
        if isinstance(record["id"], int):
            self._top_int_id = max(self._top_int_id, record["id"])
        self._rows[record["id"]] = record
        self._owned.setdefault(record[OWNER], {})[record["id"]] = record

    def next_int_id(self) -> int:
        """The next integer id, for APIs whose ids are 1, 2, 3, ... (Binom, PeerClick); removed ids are not reused."""
        return self._top_int_id + 1

    def get(self, owner: str, record_id: str) -> Record | None:
        record = self._rows.get(record_id)
        return record if record is not None and record[OWNER] == owner else None

    def lookup(self, record_id: str) -> Record | None:
        """Any account's record: for ids that are themselves credentials (API keys, tokens, pixel ids)."""
        return self._rows.get(record_id)

    def rows(self, owner: str | None = None, **equals: Any) -> Iterator[Record]:
        """Records in creation order, of `owner` if given, whose fields equal `equals`."""
        records = self._rows if owner is None else self._owned.get(owner, {})
        for record in records.values():
            if all(record.get(key) == value for key, value in equals.items()):
                yield record

    def count(self, owner: str | None = None, **equals: Any) -> int:
        if not equals:
            return len(self._rows) if owner is None else len(self._owned.get(owner, ()))
        return sum(1 for _ in self.rows(owner, **equals))

    def remove(self, owner: str, record_id: str) -> Record | None:
        record = self.get(owner, record_id)
        if record is not None:
            del self._rows[record_id]
            del self._owned[owner][record_id]
        return record

    def __contains__(self, record_id: str) -> bool:
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

    def register_codec(self, api: str, name: str, encode: Callable[[Record], Record], decode: Callable[[Record], Record]) -> None:
        """Records of table (api, name) go through `encode` in `export` and come back through `decode` in `load`."""
        self._codecs[(api, name)] = (encode, decode)

    def table(self, api: str, name: str) -> Table:
        key = (api, name)
        if key not in self._tables:
            self._tables[key] = Table(self)
        return self._tables[key]

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def export(self) -> dict[str, Any]:
        """A JSON-serialisable copy of everything; `load` restores it exactly."""
        tables: dict[str, dict[str, list[Record]]] = {}
        for (api, name), table in self._tables.items():
            encode = self._codecs.get((api, name), (copy.deepcopy, None))[0]
            tables.setdefault(api, {})[name] = [encode(record) for record in table._rows.values()]
        return {"seq": self._seq, "tables": tables}

    def loaded(self, data: dict[str, Any]) -> Store:
        """A new store with this one's codecs holding `data` (an `export()`); this one stays as it is, so a load that
        fails half-way changes nothing."""
        store = Store()
        store._codecs = dict(self._codecs)
        store.load(data)
        return store

    def load(self, data: dict[str, Any]) -> None:
        """Replace everything with an `export()`; the sequence resumes after the highest record seen."""
        self._tables.clear()
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
