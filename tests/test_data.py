"""The seeded data factory: the same seed gives the same ids, and fresh ids never collide with taken ones."""

from __future__ import annotations

from typing import Any

import pytest
from faker import Faker
from faker import config as faker_config

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


def test_the_providers_kept_generate_what_every_provider_would() -> None:
    """Each method of the mock's Faker resolves to the same function as in a Faker with all of faker's providers, so
    (random draws being the generator's) any call gives the same value; one Faker's table is not the other's."""
    kept = DataFactory(1).faker._factory_map["en_US"]
    every = Faker("en_US")._factory_map["en_US"]
    names = {name for provider in kept.get_providers() for name in dir(type(provider)) if not name.startswith("_")}
    names = {name for name in names if hasattr(kept, name)}  # the methods it took (not the providers' data)
    assert {"name", "email", "company", "domain_name", "slug", "uuid4", "password", "ipv4_public"} <= names

    def function(generator: Any, name: str) -> Any:
        found = getattr(generator, name)
        return getattr(found, "__func__", found)

    assert [name for name in sorted(names) if function(kept, name) is not function(every, name)] == []
    assert len(kept.get_providers()) < len(every.get_providers())


@pytest.mark.parametrize("seed", [1, 7])
def test_seeded_records_are_those_every_provider_gives(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    from mockserver.apis import ALL_APIS
    from mockserver.mockstate import MockState
    from mockserver.settings import Settings

    from .conftest import FROZEN_AT

    settings = Settings(seed=seed, clock_start=FROZEN_AT)
    kept = MockState(settings, ALL_APIS).store.export()
    monkeypatch.setattr(data_module, "PROVIDERS", tuple(faker_config.PROVIDERS))  # all of faker's
    every = MockState(settings, ALL_APIS).store.export()
    assert kept == every
