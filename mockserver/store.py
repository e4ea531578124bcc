"""In-memory state of every mocked API: named tables of JSON-like records, each record owned by one account."""

from __future__ import annotations

import copy
from collections.abc import Iterator
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
        self._top_int_id = 0  # highest integer id ever added, so a removed id is never handed out again

    def add(self, owner: str, record: Record) -> Record:
        if record["id"] in self._rows:
            raise KeyError(f"duplicate id {record['id']!r}")
        record[OWNER] = owner
        record[SEQ] = self._store.next_seq()
        if isinstance(record["id"], int):
            self._top_int_id = max(self._top_int_id, record["id"])
        self._rows[record["id"]] = record
        return record

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
        for record in self._rows.values():
            if owner is not None and record[OWNER] != owner:
                continue
            if all(record.get(key) == value for key, value in equals.items()):
                yield record

    def count(self, owner: str | None = None, **equals: Any) -> int:
        return sum(1 for _ in self.rows(owner, **equals))

    def remove(self, owner: str, record_id: str) -> Record | None:
        record = self.get(owner, record_id)
        if record is not None:
            del self._rows[record_id]
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

    def table(self, api: str, name: str) -> Table:
        key = (api, name)
        if key not in self._tables:
            self._tables[key] = Table(self)
        return self._tables[key]

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def export(self) -> dict[str, Any]:
        """A JSON-serialisable deep copy of everything; `load` restores it exactly."""
        tables: dict[str, dict[str, list[Record]]] = {}
        for (api, name), table in self._tables.items():
            tables.setdefault(api, {})[name] = copy.deepcopy(list(table._rows.values()))
        return {"seq": self._seq, "tables": tables}

    def load(self, data: dict[str, Any]) -> None:
        self._tables.clear()
        self._seq = int(data["seq"])
        for api, tables in data["tables"].items():
            for name, records in tables.items():
                table = self.table(api, name)
                for record in copy.deepcopy(records):
                    table._rows[record["id"]] = record
                    if isinstance(record["id"], int):
                        table._top_int_id = max(table._top_int_id, record["id"])
