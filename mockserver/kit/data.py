"""Seeded data generation: one Faker and one random source per mock, and derived generators for stable numbers."""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from faker import Faker

_ID_ALPHABET = string.ascii_lowercase + string.digits
# The faker providers the mock's data comes from (names, companies, internet, lorem, misc, colours): Faker's other
# twenty, which it would otherwise load at every start, generate nothing the mock uses. Each method these define
# resolves to the very function it does in a Faker with every provider (tests/test_data.py checks), so a seed gives
# the same data as it did with all of them.
PROVIDERS = tuple(f"faker.providers.{name}" for name in ("color", "company", "internet", "lorem", "misc", "person"))
MAX_REMEMBERED = 50_000  # e.g. a day of one campaign's statistics each: a few tens of MB at most
T = TypeVar("T")


class DataFactory:
    """Everything random in the mock comes from here, so one seed fixes all of it.

    `faker` and `random` advance with use (the order of creation matters, as with any seeded run);
    `derived(...)` gives an independent generator for a name, for numbers that must not depend on
    what else was generated before (e.g. a placement's stats on one day).
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.faker = Faker("en_US", providers=list(PROVIDERS))
        self.faker.seed_instance(seed)
        self.random = random.Random(seed)
        self._remembered: dict[Hashable, Any] = {}

    def token(self, length: int, alphabet: str = _ID_ALPHABET) -> str:
        return "".join(self.random.choice(alphabet) for _ in range(length))

    def new_id(self, prefix: str, taken: object = (), length: int = 10) -> str:
        """A fresh `prefix` + random id not in `taken` (anything supporting `in`)."""
        while True:
            candidate = prefix + self.token(length)
            if candidate not in taken:  # type: ignore[operator]
                return candidate

    def new_int_id(self, taken: object = (), low: int = 1_000_000, high: int = 99_999_999) -> int:
        """A fresh random integer id in [low, high] not in `taken`, for APIs whose ids are numbers."""
        while True:
            candidate = self.random.randint(low, high)
            if candidate not in taken:  # type: ignore[operator]
                return candidate

    def remembered(self, key: Hashable, make: Callable[[], T]) -> T:
        """`make()`, computed once per `key` while this factory (this seed, this state) lives.

        Only for values that depend on nothing but the seed and what `key` holds: a reset or an import makes a
        new factory, so nothing remembered outlives the state it was computed for.
        """
        if key not in self._remembered:
            if len(self._remembered) >= MAX_REMEMBERED:  # bounded: oldest first out
                del self._remembered[next(iter(self._remembered))]
            self._remembered[key] = make()
        return self._remembered[key]  # type: ignore[no-any-return]

    def derived(self, *parts: object) -> random.Random:
        # str seeds hash with SHA-512 in CPython, so this is stable across processes and runs.
        return random.Random(":".join(map(str, (self.seed, *parts))))


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split into integer parts proportional to `weights` that add up to exactly `total` (largest remainder).

    A zero weight always gets 0, so a part never exceeds what its weight allows: splitting leads by each
    row's clicks can never give a row more leads than clicks. All weights zero (or none) with a positive
    total is a caller error.
    """
    scale = sum(weights)
    if scale <= 0:
        if total:
            raise ValueError(f"cannot apportion {total} over zero weights")
        return [0] * len(weights)
    raw = [total * weight / scale for weight in weights]
    parts = [int(share) for share in raw]
    # Ties go to the earlier weight, so the split is the same on every run.
    for index in sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))[: total - sum(parts)]:
        parts[index] += 1
    return parts
