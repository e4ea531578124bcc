"""Saving and restoring the whole mock state: the admin API's export/import and `serve --state-file`."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..kit.data import DataFactory
from ..kit.errors import ApiError
from . import state_schema

if TYPE_CHECKING:
    from ..mockstate import MockState

VERSION = 1


def snapshot(state: MockState) -> dict[str, Any]:
    """Every record, the seed and the random generator's position, as JSON-ready data."""
    version, internal, gauss = state.data.random.getstate()
    return {
        "version": VERSION,
        "seed": state.data.seed,
        **state.store.export(),
        "random": [version, list(internal), gauss],
    }


def restore(state: MockState, data: dict[str, Any]) -> int:
    """Make `state` exactly what `snapshot` saw; a 400 listing the problems (and no change) if `data` is not such a
    snapshot: its records must have the shape the mock writes (`state_schema`)."""
    try:
        if data.get("version") != VERSION:
            raise ValueError(f"unsupported version {data.get('version')!r}")
        generator = DataFactory(int(data["seed"]))
        if "random" in data:
            version, internal, gauss = data["random"]
            generator.random.setstate((version, tuple(internal), gauss))
        for tables in data["tables"].values():
            for records in tables.values():
                for record in records:
                    if (
                        not isinstance(record.get("id"), (str, int))
                        or "_owner" not in record
                        or not isinstance(record.get("_seq"), int)
                    ):
                        raise ValueError("every record needs an id (string or integer), an _owner and an integer _seq")
        found = state_schema.problems(data["tables"])
        if found:
            raise ValueError("; ".join(found))
        store = state.store.loaded(data)  # a new store: on any error below, the state is as it was
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
        raise ApiError(400, "Not an exported state", str(error)) from None
    state.install(store, generator)
    return len(state.store)


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Write to a temporary file beside `path`, then rename: a crash leaves the old file or the new, never half of one."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, separators=(",", ":"))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut too
    finally:
        os.close(directory)


class StateFile:
    """Keeps `path` in step with the mock: loaded at start, saved after each batch of writes and at shutdown."""

    BATCH_SECONDS = 0.2  # writes within this window are saved together

    def __init__(self, path: Path, state: MockState) -> None:
        self.path = path
        self.state = state
        self._pending: asyncio.TimerHandle | None = None

    def load(self) -> bool:
        self._sweep_leftovers()
        if not self.path.exists():
            return False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except ValueError as error:  # UnicodeDecodeError too
            raise ApiError(400, "Not an exported state", f"not JSON: {error}") from None
        restore(self.state, data)
        return True

    def _sweep_leftovers(self) -> None:
        """A process killed inside `write_atomically` leaves its temporary file; the rename never happened, so the
        file is an unfinished copy and nothing else reads it."""
        for leftover in self.path.parent.glob(f".{self.path.name}.*"):
            leftover.unlink(missing_ok=True)

    def save(self) -> None:
        self._pending = None
        write_atomically(self.path, snapshot(self.state))

    def schedule(self) -> None:
        """Called after every write request: save once the current batch has settled."""
        if self._pending is None:
            self._pending = asyncio.get_running_loop().call_later(self.BATCH_SECONDS, self.save)
