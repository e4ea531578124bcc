"""The request log kept in Redis: every worker's requests in one list, the counts per API and what they covered."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .logentries import BODY, HEADERS, QUERY, SPEC, Raw, shown
from .redis_scripts import Script, carry
from .requestlog import Filter, LoggedRequest, Pending, RequestLog

if TYPE_CHECKING:
    import redis


# KEYS: the list, the counts per API, the (API, operation, status) counts. ARGV: the last index kept, then per entry
# the entry, the API, the (API, operation, status) key ("" when no operation was matched), oldest first.
_ADD = """
for i = 2, #ARGV, 3 do
  redis.call('LPUSH', KEYS[1], ARGV[i])
  redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
  if ARGV[i + 2] ~= '' then redis.call('HINCRBY', KEYS[3], ARGV[i + 2], 1) end
end
redis.call('LTRIM', KEYS[1], 0, ARGV[1])
"""


class RedisRequestLog(RequestLog):
    """A `RequestLog` on a Redis list (newest first, trimmed to `size`), a hash of counts per API and a hash of the
    (API, operation, status) counts coverage is computed from."""

    def __init__(self, client: redis.Redis, prefix: str, size: int = 1000) -> None:
        super().__init__(size)
        self._redis: Any = client
        self._size = size
        self._list, self._counts, self._exercised = prefix + "log", prefix + "log:counts", prefix + "log:exercised"
        self._add = Script(client, _ADD)
        self._pending: list[Any] = []  # entries of requests answered in this event loop iteration, not written yet
        # Whether a script call due in this iteration will carry the pending entries (`Snapshots`: a batch's
        # snapshot), so the log's own write waits for it: one packet and one round trip for both.
        self.carried: Callable[[], bool] = lambda: False
        # Any script this worker sends first takes them along, ahead of its own command in its packet (entries taken
        # by a call whose connection then drops are lost with it, as a log write of their own would be).
        carry(client, self._riding)

    def add(self, entry: LoggedRequest | Pending) -> None:
        """One script (the entry, the trim, and both counts) for every request answered in the same iteration of the
        event loop: the first one's schedules it for the end of the iteration, so under load N requests' entries
        cost one round trip. The entry was always written after the answer; reading the log here writes what is
        pending first. Outside an event loop, written at once. A `Pending` entry is stored as the values it is made
        from (`_packed`), and made when the log is read, on whichever worker reads it."""
        exercised = b"" if entry.operationId is None else orjson.dumps([entry.api, entry.operationId, entry.status])
        raw = entry.raw if isinstance(entry, Pending) else None
        stored = orjson.dumps(_packed(raw) if raw is not None else vars(entry.logged()))
        self._pending += (stored, entry.api, exercised)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        if len(self._pending) == 3:
            loop.call_soon(self._flush_soon)

    def _flush_soon(self) -> None:
        if not self.carried():
            self.flush()

    def flush(self) -> None:
        """Write the entries not written yet, in one round trip."""
        pending, self._pending = self._pending, []
        if pending:
            self._add(keys=[self._list, self._counts, self._exercised], args=[self._size - 1, *pending])

    def _riding(self) -> tuple[bytes, Callable[[Exception], None]] | None:
        """The entries not written yet, as the packed `_ADD` another script call sends ahead of its own (so they are
        no longer pending), and the call that writes them if Redis refuses that one (a server that lost the script);
        None when none is pending."""
        pending, self._pending = self._pending, []
        if not pending:
            return None
        keys, args = [self._list, self._counts, self._exercised], [self._size - 1, *pending]
        return self._add.packed(keys, args), lambda refused: self._add(keys=keys, args=args)

    def select(self, selection: Filter) -> Iterator[LoggedRequest]:
        self.flush()
        entries = (_entry(orjson.loads(stored)) for stored in self._redis.lrange(self._list, 0, -1))
        return (entry for entry in entries if selection.matches(entry))

    @property
    def counts(self) -> Counter[str]:
        self.flush()
        return Counter({api.decode(): int(n) for api, n in self._redis.hgetall(self._counts).items()})

    @counts.setter
    def counts(self, value: Counter[str]) -> None:  # the base class's constructor sets it; Redis keeps the counts
        pass

    @property
    def exercised(self) -> Counter[tuple[str, str, int]]:
        self.flush()
        return Counter({tuple(orjson.loads(key)): int(n) for key, n in self._redis.hgetall(self._exercised).items()})

    @exercised.setter
    def exercised(self, value: Counter[tuple[str, str, int]]) -> None:  # as `counts`
        pass

    def clear(self) -> None:
        self.clearing(self._redis)

    def clearing(self, pipe: Any) -> None:
        """Add emptying the log and its counts to `pipe` (a reset's one transaction), after what is pending."""
        self.flush()
        pipe.delete(self._list, self._counts, self._exercised)


def _packed(raw: Raw) -> list[Any]:
    """A `Pending` entry's values as JSON holds them: the spec's path as text, the bytes as Latin-1 text (which gives
    every byte back), the header list as one text of names and values between NULs (no header holds one: servers
    refuse them), or as pairs where one does."""
    packed = list(raw)
    packed[SPEC] = str(raw[SPEC])
    packed[QUERY] = raw[QUERY].decode("latin-1")
    packed[BODY] = raw[BODY].decode("latin-1")
    headers = raw[HEADERS]
    joined = b"\0".join(chain.from_iterable(headers))
    if joined.count(b"\0") == max(2 * len(headers) - 1, 0):
        packed[HEADERS] = joined.decode("latin-1")
    else:
        packed[HEADERS] = [[name.decode("latin-1"), value.decode("latin-1")] for name, value in headers]
    return packed


def _entry(stored: Any) -> LoggedRequest:
    """A stored entry as the log shows it: made from its values (`_packed`), or as it was stored."""
    if isinstance(stored, dict):
        return LoggedRequest(**stored)
    stored[SPEC] = Path(stored[SPEC])
    stored[QUERY] = stored[QUERY].encode("latin-1")
    stored[BODY] = stored[BODY].encode("latin-1")
    headers = stored[HEADERS]
    if isinstance(headers, str):
        values = [value.encode("latin-1") for value in headers.split("\0")] if headers else []
        stored[HEADERS] = list(zip(values[::2], values[1::2], strict=True))
    else:
        stored[HEADERS] = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    return shown(tuple(stored))
