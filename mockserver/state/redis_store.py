"""The store's tables kept in Redis, so every worker on every host reads and writes one set of records."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import orjson

from .redis_scripts import Script
from .store import (
    _FIXED,
    DELETED,
    KEPT_PER_API,
    OWNER,
    SEQ,
    Fold,
    Limit,
    LimitReached,
    Parent,
    ParentMissing,
    Record,
    Rules,
    Store,
    T,
    Table,
    View,
)

if TYPE_CHECKING:
    import redis

    from .redis_snapshot import Snapshots

# One write (or a removal with all its cascades) is committed by this script: it checks that every record it touches
# is still what the worker read (compare and set), then applies them all, or none if any changed meanwhile. Redis runs
# a script alone, so no other worker sees half of a cascade, and a conflicting write is retried, never lost.
# ARGV: n ops, then per op 6 values: table key, owner-index key, id (JSON), expected (JSON, "" = absent),
# new (JSON without _seq for an add, the whole record for an update, "" = delete), int id ("" = not an integer).
# Then the checks the write depends on, each a kind and its values (see below), made before anything is written.
# KEYS: the sequence counter, the set of table keys, the set of owner-index keys, the tables' versions. Returns 0 on a
# conflict, {2, the count} for a limit reached, {3, its table key, its id} for a parent gone, else {1, the seqs given, {table key, its new
# version, ...}}.
_COMMIT = """
local n = tonumber(ARGV[1])
for i = 0, n - 1 do
  local b = 2 + i * 6
  local current = redis.call('HGET', ARGV[b], ARGV[b + 2])
  if (current or '') ~= ARGV[b + 3] then return 0 end
end
-- The ids (JSON) of an owner's records whose fields equal `where`'s (scalars), but `excluded`.
local function matching(table_key, owner_key, where, excluded)
  local found = {}
  local ids = redis.call('ZRANGE', owner_key, 0, -1)
  if #ids == 0 then return found end
  for i, raw in ipairs(redis.call('HMGET', table_key, unpack(ids))) do
    if raw and ids[i] ~= excluded then
      local record, holds = cjson.decode(raw), true
      for name, want in pairs(where) do
        local value = record[name]
        if value == nil then value = cjson.null end
        if value ~= want then holds = false break end
      end
      if holds then found[#found + 1] = ids[i] end
    end
  end
  return found
end
local g = 2 + n * 6
while ARGV[g] do
  local kind = ARGV[g]
  if kind == 'L' then
    -- A limit: table key, owner-index key, where (JSON object), count, id not counted ('' = none).
    local held
    if ARGV[g + 3] == '{}' and ARGV[g + 5] == '' then
      held = redis.call('ZCARD', ARGV[g + 2])
    else
      held = #matching(ARGV[g + 1], ARGV[g + 2], cjson.decode(ARGV[g + 3]), ARGV[g + 5])
    end
    if held >= tonumber(ARGV[g + 4]) then return {2, held} end
    g = g + 6
  elseif kind == 'P' then
    -- A parent: table key, id (JSON), owner. It must be there, the owner's, and not soft-deleted.
    local raw = redis.call('HGET', ARGV[g + 1], ARGV[g + 2])
    if not raw then return {3, ARGV[g + 1], ARGV[g + 2]} end
    local record = cjson.decode(raw)
    if record['_owner'] ~= ARGV[g + 3] or record['deleted'] == true then return {3, ARGV[g + 1], ARGV[g + 2]} end
    g = g + 4
  else
    -- 'R', what a removal's cascade read: table key, owner-index key, where (JSON object), the ids it found (JSON
    -- array), the table's version it read at or after ('' = not known). A record added or changed to match since is
    -- a conflict: the removal runs again and takes it too. Where the table has not been written since, nothing did.
    if ARGV[g + 5] == '' or redis.call('HGET', KEYS[4], ARGV[g + 1]) ~= ARGV[g + 5] then
      local found = matching(ARGV[g + 1], ARGV[g + 2], cjson.decode(ARGV[g + 3]), '')
      local expected = cjson.decode(ARGV[g + 4])
      if #found ~= #expected then return 0 end
      local seen = {}
      for _, id in ipairs(expected) do seen[id] = true end
      for _, id in ipairs(found) do if not seen[id] then return 0 end end
    end
    g = g + 6
  end
end
local seqs = {}
for i = 0, n - 1 do
  local b = 2 + i * 6
  local table_key, owner_key, id, expected, new, int_id =
    ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5]
  if new == '' then
    redis.call('HDEL', table_key, id)
    redis.call('ZREM', owner_key, id)
  elseif expected == '' then
    local seq = redis.call('INCR', KEYS[1])
    new = string.sub(new, 1, -2) .. ',"_seq":' .. seq .. '}'
    redis.call('HSET', table_key, id, new)
    redis.call('ZADD', owner_key, seq, id)
    redis.call('SADD', KEYS[2], table_key)
    redis.call('SADD', KEYS[3], owner_key)
    if int_id ~= '' then
      local top = table_key .. ':top'
      if tonumber(int_id) > tonumber(redis.call('GET', top) or '0') then redis.call('SET', top, int_id) end
    end
    seqs[#seqs + 1] = seq
  else
    redis.call('HSET', table_key, id, new)
  end
end
-- Each table written moves its version once, in the same script: a worker holding its records knows they are stale.
-- The same step notes which records that version changed (id, owner-index key, and whether the record was there
-- before: '1' or '0', in the table's capped list of changes), so a worker brings what it holds up to date in its next
-- snapshot instead of reading it all again.
local versions, changed, order = {}, {}, {}
for i = 0, n - 1 do
  local b = 2 + i * 6
  local table_key = ARGV[b]
  if not changed[table_key] then
    changed[table_key] = {}
    order[#order + 1] = table_key
  end
  local list = changed[table_key]
  list[#list + 1] = ARGV[b + 2]
  list[#list + 1] = ARGV[b + 1]
  list[#list + 1] = ARGV[b + 3] == '' and '0' or '1'
end
for _, table_key in ipairs(order) do
  local version = redis.call('HINCRBY', KEYS[4], table_key, 1)
  versions[#versions + 1] = table_key
  versions[#versions + 1] = version
  local entry = cjson.encode({version, changed[table_key]})
  -- Trimmed back to CHANGES once it holds twice as many: one LTRIM per CHANGES writes, not one per write (the
  -- snapshot reads only the newest CHANGES).
  if redis.call('LPUSH', table_key .. ':changes', entry) > 2 * CHANGES then
    redis.call('LTRIM', table_key .. ':changes', 0, CHANGES - 1)
  end
end
return {1, seqs, versions}
"""
CHANGES = 64  # versions of a table whose changes Redis keeps (at least): a worker behind by more reads the table afresh
_COMMIT = _COMMIT.replace("CHANGES", str(CHANGES))

# The APIs some fault is set for, as one text (their names sorted, space-separated; '' when none): what a snapshot
# tells a worker of the faults, and what a presumed commit checks is still so. KEYS[3] is the faults hash ('' before
# the faults are made).
_FAULTED = """
local function faulted(key)
  if key == '' or redis.call('EXISTS', key) == 0 then return '' end
  local apis, seen = {}, {}
  for _, raw in ipairs(redis.call('HVALS', key)) do
    local api = cjson.decode(raw)['api']
    if not seen[api] then
      seen[api] = true
      apis[#apis + 1] = api
    end
  end
  table.sort(apis)
  return table.concat(apis, ' ')
end
"""

# A request's first round trip (MockState.begin_request): the clock's numbers with the epoch, every table's version,
# the APIs any fault is set for (`_FAULTED`), and, for each table this worker holds at an older version, what changed
# since: the ids, owner-index keys and whether each was there before the first change, and those records now (absent:
# false), or nothing when Redis no longer keeps every change since (a worker that far behind drops what it holds).
# Then the rate-limit charges the requests beginning with it predicted (`RedisRateLimiter.predict`), each counted
# only if the clock and the tables its prediction was read from are as the worker presumed (else 0: the request
# charges as it goes), so a read costs no round trip of its own for its charge. Redis runs a script alone, so all of
# it is one instant. KEYS: the clock hash, the versions hash, the faults hash, and (with charges) the limits' generation key.
# ARGV: the number of clock fields, the fields, the number of values that follow for the tables held, per table held
# its key and the version held; with charges, the presumed clock values, the counters' prefix, whether limits are
# enforced, then per charge its bucket, window start, limit, expiry, how many tables it presumed, and each table's
# key and version.
_SNAPSHOT_BODY = """
local nf = tonumber(ARGV[1])
local fields = {}
for i = 2, nf + 1 do fields[#fields + 1] = ARGV[i] end
local clock = redis.call('HMGET', KEYS[1], unpack(fields))
local deltas = {}
local i = nf + 3
local held_end = i + tonumber(ARGV[nf + 2])
while i < held_end do
  local key, held = ARGV[i], tonumber(ARGV[i + 1])
  local now = tonumber(redis.call('HGET', KEYS[2], key) or '0')
  if now ~= held then
    local delta = {key}
    local behind = now - held
    if behind > 0 and behind <= CHANGES then
      local entries = redis.call('LRANGE', key .. ':changes', 0, behind - 1)
      local whole = #entries == behind
      local ids, owners, before, seen = {}, {}, {}, {}
      for k = #entries, 1, -1 do  -- oldest first: records added since come in creation order
        local entry = cjson.decode(entries[k])
        if entry[1] ~= now - k + 1 then whole = false break end
        local list = entry[2]
        for m = 1, #list, 3 do
          if not seen[list[m]] then
            seen[list[m]] = true
            ids[#ids + 1] = list[m]
            owners[#owners + 1] = list[m + 1]
            before[#before + 1] = list[m + 2]
          end
        end
      end
      if whole then delta = {key, ids, owners, before, redis.call('HMGET', key, unpack(ids))} end
    end
    deltas[#deltas + 1] = delta
  end
  i = i + 2
end
local charges = {}
if KEYS[4] then
  local presumed = true
  for k = 1, nf do
    if (clock[k] or NONE) ~= ARGV[i + k - 1] then presumed = false end
  end
  i = i + nf
  local generation = redis.call('GET', KEYS[4]) or '0'
  local prefix, enforce = ARGV[i], ARGV[i + 1]
  i = i + 2
  while ARGV[i] do
    local tables = tonumber(ARGV[i + 4])
    local holds = presumed
    for t = i + 5, i + 4 + tables * 2, 2 do
      if (redis.call('HGET', KEYS[2], ARGV[t]) or '0') ~= ARGV[t + 1] then holds = false end
    end
    if holds then  -- as the charge script (redis_limits): check, count, and the counter's key for a refund
      local key = prefix .. generation .. ':' .. ARGV[i] .. ':' .. ARGV[i + 1]
      local used = tonumber(redis.call('GET', key) or '0')
      if enforce == '1' and used >= tonumber(ARGV[i + 2]) then
        charges[#charges + 1] = {used, 1, key}
      else
        used = redis.call('INCR', key)
        if used == 1 then redis.call('EXPIRE', key, ARGV[i + 3]) end
        charges[#charges + 1] = {used, 0, key}
      end
    else
      charges[#charges + 1] = 0
    end
    i = i + 5 + tables * 2
  end
end
return {clock, redis.call('HGETALL', KEYS[2]), faulted(KEYS[3]), deltas, charges}
""".replace("CHANGES", str(CHANGES)).replace("NONE", "'\\0'")
_SNAPSHOT = _FAULTED + _SNAPSHOT_BODY

# A presumed request's write (`RedisStore.presume`): the check that what the request presumed still holds (the APIs
# faults are set for, the clock's numbers with the epoch, and the version of each table it read from what this worker
# holds), then, only if it does, the commit: its reads and its write are one instant, in one round trip. Where it does
# not, the snapshot the request then runs again on (or, where the faults moved, is left to the pipeline on), and
# nothing written. KEYS: the snapshot's three, then the commit's four. ARGV: how many of the snapshot's and the check's
# values follow, those values (the check: the presumed faults' APIs as `_FAULTED` gives them, the presumed clock
# values, then pairs of table key and version), then the commit's. Returns {0, the commit's reply}, or {the snapshot's
# reply, -1}.
_PRESUMED = (
    _FAULTED + "local function snapshot(KEYS, ARGV)\n" + _SNAPSHOT_BODY + "end\n"
    "local function commit(KEYS, ARGV)\n" + _COMMIT + "end\n"
    """local ns, nc = tonumber(ARGV[1]), tonumber(ARGV[2])
local sargs, cargs, wargs = {}, {}, {}
for i = 3, 2 + ns do sargs[#sargs + 1] = ARGV[i] end
for i = 3 + ns, 2 + ns + nc do cargs[#cargs + 1] = ARGV[i] end
for i = 3 + ns + nc, #ARGV do wargs[#wargs + 1] = ARGV[i] end
local nf = tonumber(sargs[1])
local fields = {}
for i = 2, nf + 1 do fields[#fields + 1] = sargs[i] end
-- A fault set (or cleared) since this worker last saw the faults: its fast route may not answer (the pipeline does).
local held = faulted(KEYS[3]) == cargs[1]
for i, value in ipairs(redis.call('HMGET', KEYS[1], unpack(fields))) do
  if (value or NONE) ~= cargs[i + 1] then held = false end
end
if nc > nf + 1 then
  local tables = {}
  for i = nf + 2, nc, 2 do tables[#tables + 1] = cargs[i] end
  for k, version in ipairs(redis.call('HMGET', KEYS[2], unpack(tables))) do
    if (version or '0') ~= cargs[nf + 1 + 2 * k] then held = false end
  end
end
if not held then return {snapshot({KEYS[1], KEYS[2], KEYS[3]}, sargs), -1} end
return {0, commit({KEYS[4], KEYS[5], KEYS[6], KEYS[7]}, wargs)}
"""
)
NONE = b"\0"  # a clock field Redis does not hold, as the presumed commit's check compares it
_PRESUMED = _PRESUMED.replace("NONE", "'\\0'")

# An owner's records in creation order, in one round trip: the ids from the owner index, and those records.
_ROWS = """
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
if #ids == 0 then return {{}, {}} end
return {ids, redis.call('HMGET', KEYS[2], unpack(ids))}
"""

DECODED = 50_000  # records a worker keeps decoded (by their JSON), and per table by id, before it starts again
RETRIES = 1000  # compare-and-set attempts before a write gives up: far beyond any contention a mock sees


class Conflict(Exception):
    """A record changed between a worker's read and its commit: the write is run again."""


class Stale(Exception):
    """A presumed request (`RedisStore.presume`) read what this worker does not hold, or what it held had moved by its
    write: nothing was written, and the request runs again from its start on a real snapshot."""


Tag = tuple[int, int]  # (state epoch, table version): both only grow, so a later state has a greater tag


class Held:
    """What this worker holds of one table, read when the table's tag was at least `tag`.

    Every commit moves the versions of the tables it writes, and every load moves the epoch, in the same script or
    transaction as the change. So while a table's tag is still `tag`, what is held is exactly what Redis holds; once
    it moved, a request that began later (whose snapshot has the greater tag) drops it and reads afresh.
    """

    __slots__ = ("counts", "ids", "indexes", "records", "rows", "tag")

    def __init__(self, tag: Tag) -> None:
        self.tag = tag
        self.records: dict[bytes, bytes | None] = {}  # id (JSON) -> record (JSON), None: absent
        self.rows: dict[str, dict[bytes, bytes]] = {}  # owner-index key -> that owner's records in creation order
        self.counts: dict[str, int] = {}  # owner-index key -> how many records the owner has
        self.ids: set[bytes] | None = None  # every id (JSON) of the table, once a `record_id in table` asked
        # (owner-index key, field) -> value -> that owner's records holding it, in creation order (None: a value
        # cannot be a key): built by the first filtered read, dropped by any write applied here.
        self.indexes: dict[tuple[str, str], dict[Any, list[tuple[bytes, bytes]]] | None] = {}

    def index(
        self, owner_key: str, name: str, decode: Callable[[bytes], Record]
    ) -> dict[Any, list[tuple[bytes, bytes]]] | None:
        key = (owner_key, name)
        if key not in self.indexes:
            index: dict[Any, list[tuple[bytes, bytes]]] | None = {}
            for field, raw in self.rows[owner_key].items():
                try:
                    index.setdefault(decode(raw).get(name), []).append((field, raw))  # type: ignore[union-attr]
                except TypeError:  # an unhashable value: filtering on this field scans
                    index = None
                    break
            self.indexes[key] = index
        return self.indexes[key]

    def sync(self, owner_key: str, field: bytes, existed: bool, new: bytes | None) -> None:
        """A record as it is now, changed by writes since `tag` (the snapshot's list of changes names it, and says
        whether it `existed` before the first of them)."""
        self.apply(owner_key, field, b"" if existed else None, new)

    def apply(self, owner_key: str, field: bytes, expected: bytes | None, new: bytes | None) -> None:
        """This worker's own committed write, when it was the only change since `tag` (its version moved by one)."""
        self.records[field] = new
        self.indexes.clear()
        if self.ids is not None:
            if new is None:
                self.ids.discard(field)
            else:
                self.ids.add(field)
        rows = self.rows.get(owner_key)
        if new is None:
            if rows is not None:
                rows.pop(field, None)
        elif rows is not None:
            rows[field] = new  # an update keeps its place; an add has the highest seq, so it goes last
        if owner_key in self.counts and (new is None) != (expected is None):
            self.counts[owner_key] += 1 if expected is None else -1


class RedisTable(Table):
    """A `Table` whose records live in Redis: one hash of JSON records per table, one sorted set per owner (by seq).

    Every write goes through `RedisStore.commit`; a removal gathers its cascades into one commit.
    """

    def __init__(self, store: RedisStore, rules: Rules, api: str, name: str) -> None:
        super().__init__(store, rules)
        self._redis_store = store
        self._redis: Any = store.redis
        self.key = f"{store.prefix}t:{api}:{name}"
        self._owner_prefix = f"{self.key}:o:"
        self._codec = (api, name)

    # -- reading

    def _encode(self, record: Record) -> Record:
        codec = self._redis_store._codecs.get(self._codec)
        return record if codec is None else codec[0](record)

    def _decode(self, raw: bytes) -> Record:
        """The record `raw` holds, decoded once per worker (the same JSON is the same record): reads hand out
        read-only views of it, as the in-memory store hands out views of its records. Tables with a codec (compact
        counters, which `tally` changes in place) are decoded afresh."""
        decoded = self._redis_store._decoded
        record = decoded.get(raw)
        if record is None:
            record = self._fresh(raw)
            if self._codec not in self._redis_store._codecs:
                if len(decoded) >= DECODED:
                    decoded.clear()
                decoded[raw] = record
        return record

    def _fresh(self, raw: bytes) -> Record:
        record: Record = orjson.loads(raw)
        codec = self._redis_store._codecs.get(self._codec)
        return record if codec is None else codec[1](record)

    def _raw(self, record_id: Any) -> bytes | None:
        """The stored JSON of a record, as the batch being built sees it (its own writes first), else as this
        request already read it, else from Redis."""
        field = orjson.dumps(record_id)
        batch = self._redis_store._batch
        if batch is not None and (self.key, field) in batch:
            return batch[self.key, field][1]
        reads = self._redis_store.reads()
        if reads is not None and (self.key, field) in reads:
            return reads[self.key, field]
        held = self._redis_store.held(self.key)
        if held is not None and field in held.records:
            raw = held.records[field]
        else:
            self._redis_store.unpresumed()
            raw = self._redis.hget(self.key, field)
            if held is not None:
                if len(held.records) >= DECODED:  # ids asked for and absent (a fuzzer's) add up: start again
                    held.records.clear()
                held.records[field] = raw
        if reads is not None:
            reads[self.key, field] = raw
        return raw

    def _owned_record(self, owner: str, record_id: Any) -> tuple[bytes, Record] | None:
        raw = self._raw(record_id)
        if raw is None:
            return None
        record = self._decode(raw)
        return (raw, record) if record[OWNER] == owner else None

    def get(self, owner: str, record_id: Any) -> View | None:
        found = self._owned_record(owner, record_id)
        return None if found is None else MappingProxyType(found[1])

    def lookup_credential(self, value: Any) -> View | None:
        raw = self._raw(value)
        return None if raw is None else MappingProxyType(self._decode(raw))

    def find_credential(self, matches: Callable[[View], bool]) -> View | None:
        return next((view for view in self._all_views() if matches(view)), None)

    def _all_views(self) -> Iterator[View]:
        self._redis_store.unpresumed()
        records = [self._decode(raw) for raw in self._redis.hvals(self.key)]
        return map(MappingProxyType, sorted(records, key=lambda record: record[SEQ]))

    def owner_of(self, record_id: Any) -> str | None:
        raw = self._raw(record_id)
        return None if raw is None else str(self._decode(raw)[OWNER])

    def owners(self) -> list[str]:
        return list(dict.fromkeys(view[OWNER] for view in self._all_views()))

    def rows(self, owner: str, **equals: Any) -> Iterator[View]:
        owner_key = self._owner_prefix + owner
        held = self._redis_store.held(self.key)
        if held is not None and owner_key in held.rows:
            owned = held.rows[owner_key]
            ids, raws = list(owned), list[bytes | None](owned.values())
        else:
            self._redis_store.unpresumed()
            ids, raws = self._redis_store.rows_script(keys=[owner_key, self.key])
            if held is not None:
                held.rows[owner_key] = dict(zip(ids, raws, strict=True))
                held.records.update(zip(ids, raws, strict=True))
                held.counts[owner_key] = len(ids)
        batch = self._redis_store._batch
        # Inside a removal, what it already changed in this table (none: a site's removal reading its placements).
        mine = {} if not batch else {field: new for (key, field), (_, new) in batch.items() if key == self.key}
        if equals and held is not None and not mine:  # the index holds what Redis holds, which is all there is
            index = held.index(owner_key, next(iter(equals)), self._decode)
            if index is not None:
                try:
                    matched = index.get(next(iter(equals.values())), [])
                except TypeError:  # an unhashable value equals no stored (hashable) one
                    matched = []
                ids, raws = [field for field, _ in matched], [raw for _, raw in matched]
        reads = self._redis_store.reads()
        if reads is not None:  # the records' later `get`s in this request cost no round trip
            reads.update(((self.key, field), raw) for field, raw in zip(ids, raws, strict=True))
        if batch is not None:  # inside a removal: its commit checks that Redis still holds just these matching
            found = [
                field.decode()
                for field, raw in zip(ids, raws, strict=True)
                if raw is not None and all(self._decode(raw).get(k) == v for k, v in equals.items())
            ]
            read_at = "" if held is None else str(held.tag[1])  # what is held is at least as new as its tag
            check = ["R", self.key, owner_key, orjson.dumps(equals), orjson.dumps(found), read_at]
            self._redis_store.guard(self.key, check)
        if mine:  # inside a removal: what it already changed, not what Redis still holds
            raws = [mine.get(field, raw) for field, raw in zip(ids, raws, strict=True)]
        records = [self._decode(raw) for raw in raws if raw is not None]
        if equals:
            records = [record for record in records if all(record.get(k) == v for k, v in equals.items())]
        return map(MappingProxyType, records)

    def count(self, owner: str, **equals: Any) -> int:
        if not equals and not self._redis_store._batch:
            owner_key = self._owner_prefix + owner
            held = self._redis_store.held(self.key)
            if held is not None and owner_key in held.counts:
                return held.counts[owner_key]
            self._redis_store.unpresumed()
            counted = int(self._redis.zcard(owner_key))
            if held is not None:
                held.counts[owner_key] = counted
            return counted
        return sum(1 for _ in self.rows(owner, **equals))

    def __contains__(self, record_id: Any) -> bool:
        """Whether any account has the id: in a request, from every id of the table this worker holds (a new random
        id is checked against them, which would otherwise be a round trip per create)."""
        field = orjson.dumps(record_id)
        held = self._redis_store.held(self.key)
        batch = self._redis_store._batch
        if held is None or (batch is not None and (self.key, field) in batch):
            return self._raw(record_id) is not None
        if held.ids is None:
            self._redis_store.unpresumed()
            held.ids = set(self._redis.hkeys(self.key))
        return field in held.ids

    def __len__(self) -> int:
        self._redis_store.unpresumed()
        return int(self._redis.hlen(self.key))

    def next_int_id(self) -> int:
        """Reserved with INCR, so two workers creating at once never get the same id (an unused one is skipped)."""
        self._redis_store.unpresumed()
        return int(self._redis.incr(self.key + ":top"))

    # -- writing: each builds ops and commits them (at once, or with the removal it is part of)

    def _op(self, owner: str, record_id: Any, expected: bytes | None, new: bytes | None) -> None:
        field = orjson.dumps(record_id)
        int_id = str(record_id) if isinstance(record_id, int) and not isinstance(record_id, bool) else ""
        self._redis_store.stage(self.key, self._owner_prefix + owner, field, expected, new, int_id)

    def _limit(self, owner: str, limit: Limit, excluded: bytes = b"") -> list[Any]:
        """The commit script's check of `limit` (the owner's records matching it, but `excluded`)."""
        return ["L", self.key, self._owner_prefix + owner, orjson.dumps(dict(limit.where)), limit.count, excluded]

    def add(self, owner: str, record: Record, *, limit: Limit | None = None, parent: Parent | None = None) -> View:
        body = orjson.dumps({**self._encode(record), OWNER: owner})
        if self._redis_store._batch is not None:
            raise RuntimeError("adding records inside a cascade is not supported by the Redis store")
        self._op(owner, record["id"], None, body)  # the script refuses an id already there (expected absent)
        guard: list[Any] = [] if limit is None else self._limit(owner, limit)
        if parent is not None:
            parents = self._redis_store.table(self._codec[0], parent.table)
            assert isinstance(parents, RedisTable)
            guard += ["P", parents.key, orjson.dumps(parent.record_id), owner]
        try:
            seqs = self._redis_store.flush(guard)
        except Conflict:
            raise KeyError(f"duplicate id {record['id']!r}") from None
        return MappingProxyType({**record, OWNER: owner, SEQ: seqs[0]})

    def update(
        self, owner: str, record_id: Any, changes: Mapping[str, Any], *, limit: Limit | None = None
    ) -> View | None:
        updated: View | None = self._redis_store.retrying(lambda: self._update(owner, record_id, changes, limit))
        return updated

    def _update(self, owner: str, record_id: Any, changes: Mapping[str, Any], limit: Limit | None) -> View | None:
        found = self._owned_record(owner, record_id)
        if found is None:
            return None
        raw, record = found
        moved = [name for name in _FIXED & changes.keys() if changes[name] != record[name]]
        if moved:
            raise KeyError(f"cannot change {sorted(moved)}")
        changed = {**record, **changes}
        self._op(owner, record_id, raw, orjson.dumps(self._encode(changed)))
        if limit is not None and self._redis_store._batch is not None:
            raise RuntimeError("a limit on an update inside a cascade is not supported by the Redis store")
        self._redis_store.flush([] if limit is None else self._limit(owner, limit, orjson.dumps(record_id)))
        return MappingProxyType(changed)

    def tally(self, owner: str, record_id: Any, count: Callable[[Record], None]) -> None:
        """Read, count, compare-and-set: a hit counted by another worker meanwhile makes this one count again on
        the newer record, so no hit is ever lost."""

        counted = self._redis_store._counted

        def attempt() -> None:
            raw = self._raw(record_id)
            # Counted in place: never the decoded record other reads share. The record this worker's last count of it
            # wrote, if Redis still holds what it wrote, is that record (no decode); taken, so a failed attempt's
            # counting is never used again.
            record = None if raw is None else counted.pop(raw, None) or self._fresh(raw)
            if raw is None or record is None or record[OWNER] != owner:
                raise KeyError(record_id)
            count(record)
            new = orjson.dumps(self._encode(record))
            self._op(owner, record_id, raw, new)
            self._redis_store.flush()
            if len(counted) >= DECODED:
                counted.clear()
            counted[new] = record

        self._redis_store.retrying(attempt)

    def remove(self, owner: str, record_id: Any) -> View | None:
        removed: View | None = self._redis_store.retrying(lambda: self._remove(owner, record_id))
        return removed

    def require(self, owner: str, record_id: Any, missing: Callable[[], Exception]) -> View | None:
        """As `Table.require`: in a request, every later commit of it checks the record (a parent check, 'P')."""
        record = super().require(owner, record_id, missing)
        required = self._redis_store.required()
        if record is not None and required is not None:
            required.append((self.key, orjson.dumps(record_id), owner, missing))
        return record

    def remove_counting(self, owner: str, record_id: Any, table: str) -> tuple[View | None, int]:
        """As `Table.remove_counting`: the records of `table` the removal's committed script deleted."""
        store = self._redis_store
        store.committed = []
        removed = self.remove(owner, record_id)
        children = store.table(self._codec[0], table)
        assert isinstance(children, RedisTable)
        return removed, sum(1 for op in store.committed if op[0] == children.key and op[3] and not op[4])

    def _remove(self, owner: str, record_id: Any) -> View | None:
        store = self._redis_store
        outermost = store._batch is None
        if outermost:
            store._batch = {}
        try:
            found = self._owned_record(owner, record_id)
            if found is None:
                return None
            raw, record = found
            if self.rules.soft_delete:
                record = {**record, DELETED: True}
                self._op(owner, record_id, raw, orjson.dumps(self._encode(record)))
            else:
                self._op(owner, record_id, raw, None)
            removed = MappingProxyType(record)
            for hook in self.rules.on_remove:
                hook(store, owner, removed)
            if outermost:
                store.flush(final=True)
            return removed
        finally:
            if outermost:
                store._batch = None
                store._staged.clear()
                store._guards.clear()


class RedisStore(Store):
    """The `Store` on a Redis database: the same tables, rules and codecs, records shared by every worker.

    `prefix` namespaces every key, so one Redis database can hold several mocks (each test has its own).
    """

    def __init__(self, client: redis.Redis, prefix: str = "mock:") -> None:
        super().__init__()
        self.redis: Any = client
        self.prefix = prefix
        self._seq_key, self._tables_key, self._owner_keys = prefix + "seq", prefix + "tables", prefix + "owner-keys"
        self.versions_key = prefix + "versions"  # table key -> how many commits have written it
        self._commit = Script(client, _COMMIT)
        self.rows_script = Script(client, _ROWS)
        # A removal's writes, gathered until its cascades are done: (table key, id) -> (expected JSON, new JSON).
        self._batch: dict[tuple[str, bytes], tuple[bytes | None, bytes | None]] | None = None
        self._staged: list[tuple[str, str, bytes, bytes | None, bytes | None, str]] = []
        self.committed: list[tuple[str, str, bytes, bytes | None, bytes | None, str]] = []  # the last commit's writes
        # What a removal's cascades read, for its commit to check again: (table key, the script's check values).
        self._guards: list[tuple[str, list[Any]]] = []
        # What the current request read: (table key, id) -> JSON (None: absent); unset outside requests.
        self._reads: ContextVar[dict[tuple[str, bytes], bytes | None]] = ContextVar(f"reads:{id(self)}")
        # The tables' tags when the current request began (epoch, versions); unset outside requests.
        self._snapshot: ContextVar[tuple[int, dict[bytes, bytes]]] = ContextVar(f"snapshot:{id(self)}")
        # What the current request's commits require live (`RedisTable.require`): table key, id, owner, its refusal.
        self._required: ContextVar[list[tuple[str, bytes, str, Callable[[], Exception]]]] = ContextVar(
            f"required:{id(self)}"
        )
        # A presumed request's reads: table key -> the version of what this worker held (None: it has a snapshot).
        self._relied: ContextVar[dict[str, int] | None] = ContextVar(f"relied:{id(self)}")
        self._after_write: ContextVar[bool] = ContextVar(f"after-write:{id(self)}")  # see `presumed_wrote`
        self.snapshots: Snapshots | None = None  # what begins requests (set by it), for the presumed commit
        self._decoded: dict[bytes, Record] = {}  # stored JSON -> its record, for tables without a codec
        # Stored JSON -> the record a `tally` of this worker counted and wrote as it (the next count of it starts
        # from that record instead of decoding it again: a placement's counters, with their visitors, on every hit).
        self._counted: dict[bytes, Record] = {}
        self._held: dict[str, Held] = {}  # table key -> what this worker holds of it (for every request it serves)
        # What this worker held of a table when its own write found another's between: served by no request until
        # the next snapshot brings it up to date (or drops it).
        self._behind: dict[str, Held] = {}
        self._kept_held: dict[str, tuple[Hashable, dict[Hashable, Any]]] = {}  # api -> (its tables' tags, answers)
        # The versions of the last snapshot `kept` was asked under (held, so no other object takes their identity: a
        # batch's requests share one), its epoch, and per API its tags.
        self._tags_cache: tuple[dict[bytes, bytes], int, dict[str, Hashable]] | None = None

    def held_tags(self) -> list[Any]:
        """Each table this worker holds, and the version it holds: the snapshot script sends what changed since."""
        tags: list[Any] = []
        for table_key, held in self._held.items():
            tags += (table_key, held.tag[1])
        for table_key in [key for key in self._behind if key in self._held]:
            del self._behind[table_key]  # read afresh since: what is held now is newer
        for table_key, held in self._behind.items():
            tags += (table_key, held.tag[1])
        return tags

    def begin(
        self, epoch: int, versions: dict[bytes, bytes], deltas: Sequence[Any] = (), *, keep_reads: bool = False
    ) -> None:
        """A request starts (in its own task) with the state's epoch and every table's version as they were when it
        began, read in the request's first round trip (`MockState.begin_request`), with what changed since in each
        table this worker holds (`held_tags`), which brings those up to date. It serves what this worker holds of any
        table whose tag has not moved, and remembers what it reads until it ends; outside requests every read asks
        Redis. `keep_reads`: a presumed request that wrote goes on with a snapshot, and what it read as it wrote."""
        if not keep_reads:
            self._reads.set({})
            self._required.set([])
        self._snapshot.set((epoch, versions))
        self._relied.set(None)
        self._after_write.set(False)
        self.sync(epoch, versions, deltas)

    def sync(self, epoch: int, versions: dict[bytes, bytes], deltas: Sequence[Any]) -> None:
        """Bring what this worker holds up to a snapshot's `versions` with its `deltas` (once per snapshot, however
        many requests begin with it)."""
        for delta in deltas:
            table_key = delta[0].decode()
            held = self._held.pop(table_key, None) or self._behind.pop(table_key, None)
            self._behind.pop(table_key, None)
            if held is None or len(delta) == 1 or held.tag[0] != epoch:
                continue  # too far behind, or another epoch: read afresh when asked
            _, fields, owners, before, raws = delta
            for field, owner_key, existed, raw in zip(fields, owners, before, raws, strict=True):
                held.sync(owner_key.decode(), field, existed == b"1", raw or None)
            held.tag = (epoch, int(versions.get(table_key.encode(), 0)))
            self._held[table_key] = held

    def reads(self) -> dict[tuple[str, bytes], bytes | None] | None:
        return self._reads.get(None)

    def read_tables(self) -> tuple[tuple[str, int], ...]:
        """The tables the current request has read so far, each at its version in the request's snapshot."""
        reads = self._reads.get(None)
        snapshot = self._snapshot.get(None)
        if not reads or snapshot is None:
            return ()
        versions = snapshot[1]
        return tuple((key, int(versions.get(key.encode(), 0))) for key in sorted({key for key, _ in reads}))

    def required(self) -> list[tuple[str, bytes, str, Callable[[], Exception]]] | None:
        return self._required.get(None)

    def presume(self, epoch: int) -> None:
        """A request begins without a snapshot (`Snapshots.presume`): it reads only what this worker holds (in
        `epoch`), noting the version of each table it read, and its write is the presumed commit, which checks them."""
        self._reads.set({})
        self._snapshot.set((epoch, {}))
        self._relied.set({})
        self._required.set([])
        self._after_write.set(False)

    def presumed_wrote(self) -> None:
        """A presumed request's write committed, its presumption checked: it ran as one instant so far. What it
        reads from here on comes with a snapshot, taken when it first reads (none, for a tracking hit)."""
        self._relied.set(None)
        self._after_write.set(True)

    def _catch_up(self) -> None:
        if self._after_write.get(False) and self.snapshots is not None:
            self.snapshots.take(keep_reads=True)

    def presumption(self) -> dict[str, int] | None:
        """The tables a presumed request read and the versions it presumed (None: the request has its snapshot)."""
        return self._relied.get(None)

    def unpresumed(self) -> None:
        """Before anything a presumed request cannot serve from what this worker holds: Stale, so that it runs again
        on a snapshot (a round trip that serves no snapshot would read Redis at another instant than its write)."""
        if self._relied.get(None) is not None:
            raise Stale()

    def version(self, table_key: str) -> int:
        """The table's version in the current request's snapshot."""
        self._catch_up()
        snapshot = self._snapshot.get(None)
        return 0 if snapshot is None else int(snapshot[1].get(table_key.encode(), 0))

    def held(self, table_key: str) -> Held | None:
        """What this worker holds of the table, valid for the current request (None outside requests)."""
        self._catch_up()
        snapshot = self._snapshot.get(None)
        if snapshot is None:
            return None
        relied = self._relied.get(None)
        if relied is not None:  # presumed: what is held, as held, if it is of the presumed epoch
            held = self._held.get(table_key)
            if held is None or held.tag[0] != snapshot[0]:
                raise Stale()
            relied.setdefault(table_key, held.tag[1])
            return held
        tag = (snapshot[0], int(snapshot[1].get(table_key.encode(), 0)))
        held = self._held.get(table_key)
        if held is None or held.tag < tag:  # a held tag above the request's: read by a request that began later
            held = self._held[table_key] = Held(tag)
        return held

    def kept(self, api: str, key: Hashable, compute: Callable[[], T]) -> T:
        """As `Store.kept`, per worker: answers stay while none of `api`'s tables has moved (epoch and versions as the
        current request began), which is what a write on any worker moves. Outside requests, always `compute()`."""
        self._catch_up()
        snapshot = self._snapshot.get(None)
        if snapshot is None:
            return compute()
        self.unpresumed()
        tags = self._api_tags(snapshot, api)
        held = self._kept_held.get(api)
        if held is None or held[0] != tags:
            held = self._kept_held[api] = (tags, {})
        answers = held[1]
        if key in answers:
            return answers[key]  # type: ignore[no-any-return]
        value = compute()
        if len(answers) >= KEPT_PER_API:
            del answers[next(iter(answers))]
        answers[key] = value
        return value

    def _api_tags(self, snapshot: tuple[int, dict[bytes, bytes]], api: str) -> Hashable:
        """The epoch and the versions of `api`'s tables in `snapshot`, worked out once per snapshot (the requests
        that began together share one, and a read may ask for several kept answers), not per call: a scan of every
        table's version."""
        epoch, versions = snapshot
        cache = self._tags_cache
        if cache is None or cache[0] is not versions or cache[1] != epoch:
            cache = self._tags_cache = (versions, epoch, {})
        tags = cache[2].get(api)
        if tags is None:
            table_prefix = f"{self.prefix}t:{api}:".encode()
            tables = tuple(sorted(item for item in versions.items() if item[0].startswith(table_prefix)))
            tags = cache[2][api] = (epoch, tables)
        return tags

    def folded(self, api: str, key: Hashable, compute: Callable[[], T], fold: Fold, topic: Hashable = None) -> T:
        """As `Store.kept`: a write on another worker reaches this one only as a table's version, never as the
        record it wrote, so an aggregate is computed again once any of `api`'s tables moved, never folded."""
        return self.kept(api, ("folded", key), compute)

    def table(self, api: str, name: str) -> Table:
        key = (api, name)
        if key not in self._tables:
            self._tables[key] = RedisTable(self, self._rules.get(key, Rules()), api, name)
        return self._tables[key]

    def adopt(self, other: Store) -> None:
        """Take `other`'s rules and codecs (what the seeds declare), not its records."""
        self._rules.update(other._rules)
        self._codecs.update(other._codecs)
        for key, rules in other._rules.items():
            self.table(*key).rules = rules

    def stage(
        self, table_key: str, owner_key: str, field: bytes, expected: bytes | None, new: bytes | None, int_id: str
    ) -> None:
        if self._batch is not None:
            first = self._batch.get((table_key, field))
            if first is not None:
                expected = first[0]  # what Redis held before this removal touched it
                self._staged = [op for op in self._staged if (op[0], op[2]) != (table_key, field)]
            self._batch[table_key, field] = (expected, new)
        self._staged.append((table_key, owner_key, field, expected, new, int_id))

    def guard(self, table_key: str, check: list[Any]) -> None:
        """A check the removal being gathered must pass as it commits (what one of its cascades read)."""
        self._guards.append((table_key, check))

    def flush(self, guard: list[Any] | None = None, *, final: bool = False) -> list[int]:
        """Commit the staged writes in one script (unless a removal is still gathering them: its `final` flush commits
        them all, with its cascades' checks); Conflict if a record changed since it was read."""
        if self._batch is not None and not final:
            return []
        staged, self._staged = self._staged, []
        guards, self._guards = self._guards, []
        args: list[Any] = [len(staged)]
        for table_key, owner_key, field, expected, new, int_id in staged:
            args += [table_key, owner_key, field, expected or b"", new or b"", int_id]
        args += guard or []
        for _, check in guards:
            args += check
        required = self._required.get(None) or ()
        for table_key, field, owner, _ in required:
            args += ("P", table_key, field, owner)
        keys = [self._seq_key, self._tables_key, self._owner_keys, self.versions_key]
        relied = self._relied.get(None)
        if relied is not None and self.snapshots is not None:  # the request's snapshot and its write in one script
            result = self.snapshots.commit(keys, args, relied)
        else:
            result = self._commit(keys=keys, args=args)
        reads = self.reads()
        if result == 0:
            if reads is not None:
                reads.clear()  # what this request read is out of date: the retry reads afresh
            for table_key in {op[0] for op in staged} | {table_key for table_key, _ in guards}:
                self._held.pop(table_key, None)
                self._behind.pop(table_key, None)
            raise Conflict()
        if result[0] == 2:
            raise LimitReached(int(result[1]))
        if result[0] == 3:
            for table_key, field, _, missing in required:
                if (table_key.encode(), field) == (result[1], result[2]):
                    raise missing()
            raise ParentMissing()
        _, seqs, versions = result
        self.committed = staged
        if reads is not None:  # this request reads what it wrote (an added record's JSON gained its _seq: forget it)
            for table_key, _, field, expected, new, _ in staged:
                reads[table_key, field] = new if expected else None
                if not expected:
                    del reads[table_key, field]
        self._held_wrote(staged, [int(seq) for seq in seqs], dict(zip(versions[::2], versions[1::2], strict=True)))
        return [int(seq) for seq in seqs]

    def _held_wrote(self, staged: list[Any], seqs: list[int], versions: dict[bytes, int]) -> None:
        """Bring what this worker holds up to its own write where that write was the table's only change since (its
        version moved by one); drop it where another write came between, so no request here serves it again."""
        added = iter(seqs)
        for table_key, owner_key, field, expected, new, _ in staged:
            if new and not expected:  # the script gave the added record its seq, as here
                new = new[:-1] + b',"_seq":%d}' % next(added)
            held = self._held.get(table_key)
            if held is None:
                continue
            if held.tag[1] == int(versions[table_key.encode()]) - 1:
                held.apply(owner_key, field, expected, new)
            else:  # the next snapshot brings it up to date, this write included
                self._behind[table_key] = self._held.pop(table_key)
        for table_key, held in list(self._held.items()):
            if table_key.encode() in versions:
                held.tag = (held.tag[0], int(versions[table_key.encode()]))
        for table_key in versions:  # this request's own later reports must count its write
            self._kept_held.pop(table_key.decode()[len(self.prefix) + 2 :].split(":", 1)[0], None)

    def retrying(self, write: Callable[[], Any]) -> Any:
        if self._batch is not None:  # part of a removal: the outermost one retries as a whole
            return write()
        for _ in range(RETRIES):
            try:
                return write()
            except Conflict:
                self._staged.clear()
                self._guards.clear()
        raise RuntimeError("a record kept changing under this write")

    def next_seq(self) -> int:
        self.unpresumed()
        return int(self.redis.incr(self._seq_key))

    def export(self) -> dict[str, Any]:
        """Everything as `Store.export` gives it (records stored encoded, so as they are), read in one round trip."""
        keys = sorted(key.decode() for key in self.redis.smembers(self._tables_key))
        pipe = self.redis.pipeline(transaction=True)
        pipe.get(self._seq_key)
        for key in keys:
            pipe.hvals(key)
        seq, *contents = pipe.execute()
        tables: dict[str, dict[str, list[Record]]] = {}
        for key, raws in zip(keys, contents, strict=True):
            api, name = key[len(self.prefix) + 2 :].split(":", 1)
            records = sorted((orjson.loads(raw) for raw in raws), key=lambda record: record[SEQ])
            if records:
                tables.setdefault(api, {})[name] = records
        return {"seq": int(seq or 0), "tables": tables}

    def load(self, data: dict[str, Any], also: Callable[[Any], None] | None = None) -> None:
        """Replace every record with an `export()`, in one transaction (with what `also` adds to it): every worker
        sees the old state or the new."""
        pipe = self.redis.pipeline(transaction=True)
        self._clear(pipe)
        self._held.clear()  # a request of this worker that began before the load must not serve it either
        self._behind.clear()
        self._kept_held.clear()
        seq = int(data["seq"])
        for api, tables in data["tables"].items():
            for name, records in tables.items():
                table = self.table(api, name)
                assert isinstance(table, RedisTable)
                if not records:
                    continue
                codec = self._codecs.get((api, name))
                top = 0
                owned: dict[str, dict[bytes, int]] = {}
                fields: dict[bytes, bytes] = {}
                for record in records:
                    # A codec's export form is what Redis keeps; check it decodes, as the in-memory load would.
                    if codec is not None:
                        codec[1](record)
                    field = orjson.dumps(record["id"])
                    fields[field] = orjson.dumps(record)
                    owned.setdefault(record[OWNER], {})[field] = record[SEQ]
                    seq = max(seq, record[SEQ])
                    if isinstance(record["id"], int):
                        top = max(top, record["id"])
                pipe.hset(table.key, mapping=fields)
                pipe.sadd(self._tables_key, table.key)
                for owner, members in owned.items():
                    pipe.zadd(table._owner_prefix + owner, members)
                    pipe.sadd(self._owner_keys, table._owner_prefix + owner)
                pipe.set(table.key + ":top", top)
                pipe.hincrby(self.versions_key, table.key, 1)
        pipe.set(self._seq_key, seq)
        if also is not None:
            also(pipe)
        pipe.execute()

    def _clear(self, pipe: Any) -> None:
        tables = [key.decode() for key in self.redis.smembers(self._tables_key)]
        doomed = [*tables, *(f"{key}:top" for key in tables), *(f"{key}:changes" for key in tables)]
        doomed += self.redis.smembers(self._owner_keys)
        doomed += [self._seq_key, self._tables_key, self._owner_keys]
        pipe.delete(*doomed)
        for key in tables:  # what any worker holds of them is stale (the epoch, which a load also moves, says so too)
            pipe.hincrby(self.versions_key, key, 1)

    def __len__(self) -> int:
        keys = list(self.redis.smembers(self._tables_key))
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.hlen(key)
        return sum(pipe.execute())
