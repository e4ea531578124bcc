"""The seeded data factory: the same seed gives the same ids, and fresh ids never collide with taken ones."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.kit import data as data_module
from mockserver.kit.data import DataFactory


def test_new_int_id_is_seeded_in_range_and_fresh() -> None:
    taken = set(range(10, 20))
    ids = [DataFactory(7).new_int_id(taken, 10, 21) for _ in range(3)]
    assert set(ids) <= {20, 21}
    assert DataFactory(7).new_int_id((), 1, 10**9) == DataFactory(7).new_int_id((), 1, 10**9)


def test_remembered_computes_once_per_key_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data_module, "MAX_REMEMBERED", 2)
    factory, calls = DataFactory(1), []

    def make(value: int) -> Any:
        return lambda: calls.append(value) or value * 10

    assert [factory.remembered("a", make(1)), factory.remembered("a", make(99))] == [10, 10]
    factory.remembered("b", make(2))
    factory.remembered("c", make(3))  # over the bound: "a", the oldest, goes
    assert factory.remembered("a", make(4)) == 40 and calls == [1, 2, 3, 4]
    assert DataFactory(1).remembered("b", make(5)) == 50  # a new factory (a reset, an import) remembers nothing
