"""The seeded data factory: the same seed gives the same ids, and fresh ids never collide with taken ones."""

from __future__ import annotations

from mockserver.data import DataFactory


def test_new_int_id_is_seeded_in_range_and_fresh() -> None:
    taken = set(range(10, 20))
    ids = [DataFactory(7).new_int_id(taken, 10, 21) for _ in range(3)]
    assert set(ids) <= {20, 21}
    assert DataFactory(7).new_int_id((), 1, 10**9) == DataFactory(7).new_int_id((), 1, 10**9)
