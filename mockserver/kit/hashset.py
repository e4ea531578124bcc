"""A compact exact set of 64-bit hashes, for counting distinct visitors without storing them."""

from __future__ import annotations

import sys
from array import array


class HashSet64:
    """Distinct 64-bit integers in one flat array (open addressing with linear probing).

    Why not `set()`: a set of 64-bit ints costs about 70 bytes per member (a 32-byte int object plus a
    16-byte slot at most 60 % full); here a member is 8 bytes in a table kept 37-75 % full, 11-21 bytes.
    Members should be uniformly distributed hashes: the low bits choose the slot. 0 marks an empty slot,
    so it is stored as 1 (the two are taken for one value, a chance of 2**-63 per member).
    """

    __slots__ = ("_slots", "_size")

    def __init__(self) -> None:
        self._slots = array("Q", bytes(8 * 8))
        self._size = 0

    def add(self, value: int) -> bool:
        """Add `value` (0 <= value < 2**64); True if it was not there yet."""
        value = value or 1
        slots = self._slots
        mask = len(slots) - 1
        index = value & mask
        while True:
            current = slots[index]
            if current == value:
                return False
            if current == 0:
                break
            index = (index + 1) & mask
        slots[index] = value
        self._size += 1
        if self._size * 4 > len(slots) * 3:
            self._grow()
        return True

    def __contains__(self, value: int) -> bool:
        value = value or 1
        slots = self._slots
        mask = len(slots) - 1
        index = value & mask
        while (current := slots[index]) != 0:
            if current == value:
                return True
            index = (index + 1) & mask
        return False

    def __len__(self) -> int:
        return self._size

    def to_bytes(self) -> bytes:
        """The table as it is in memory (little-endian), for exports; `from_bytes` restores it exactly."""
        slots = array("Q", self._slots)
        if sys.byteorder == "big":
            slots.byteswap()
        return slots.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> HashSet64:
        slots = array("Q", data)
        if sys.byteorder == "big":
            slots.byteswap()
        if len(slots) < 8 or len(slots) & (len(slots) - 1):
            raise ValueError("a HashSet64 table has a power-of-two size of at least 8")
        members = cls()
        members._slots, members._size = slots, sum(1 for value in slots if value)
        return members

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        self._size = 0
        for value in old:
            if value:
                self.add(value)
