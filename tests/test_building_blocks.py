"""Shared helpers the tracker APIs brought: integer ids, offset pages, numbers as strings, zones and clamped dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from mockserver.domain.pagination import offset_page
from mockserver.kit.formats import decimal_string
from mockserver.state.clock import clamped_date, localized, zone
from mockserver.state.store import Store


def test_integer_ids_count_up_and_are_never_reused() -> None:
    store = Store()
    table = store.table("api", "things")
    assert table.next_int_id() == 1
    for _ in range(3):
        table.add("me", {"id": table.next_int_id()})
    table.remove("me", 3)
    assert table.next_int_id() == 4  # 3 was removed, but a client may still hold it
    copy = Store()
    copy.load(store.export())
    assert copy.table("api", "things").next_int_id() == 3  # a reload knows only what is stored


def test_offset_page_windows_and_counts() -> None:
    rows = list(range(10))
    assert offset_page(rows, 3, 0) == ([0, 1, 2], 10)
    assert offset_page(rows, 3, 9) == ([9], 10)
    assert offset_page(rows, 5, 50) == ([], 10)


@pytest.mark.parametrize(
    ("value", "places", "fixed", "text"),
    [
        (Decimal("696"), 2, True, "696.00"),
        (Decimal("774.475"), 2, True, "774.48"),  # half up, not to even
        (0.16377549, 6, False, "0.163775"),
        (50.0, 6, False, "50"),
        (-0.0000001, 6, False, "0"),  # never "-0"
        (1e-9, 6, False, "0"),  # never an exponent
        (-10.1326814, 6, False, "-10.132681"),
        (12345678901234, 2, False, "12345678901234"),
    ],
)
def test_numbers_as_strings(value: object, places: int, fixed: bool, text: str) -> None:
    assert decimal_string(value, places, fixed=fixed) == text  # type: ignore[arg-type]


def test_zones_fall_back_to_utc() -> None:
    assert str(zone("Europe/Moscow")) == "Europe/Moscow"
    for name in (None, "", "Mars/Olympus_Mons", "America", "../etc"):
        assert zone(name) is UTC


def test_dates_past_the_end_of_a_month_are_clamped() -> None:
    assert clamped_date(2024, 2, 30) == date(2024, 2, 29)
    assert clamped_date(2023, 2, 31) == date(2023, 2, 28)
    assert clamped_date(2024, 4, 31) == date(2024, 4, 30)


def test_local_times_convert_without_overflow_at_the_extremes() -> None:
    moscow = zone("Europe/Moscow")
    assert localized(datetime(2026, 6, 15, 3), moscow) == datetime(2026, 6, 15, 0, tzinfo=UTC)
    assert localized(datetime(1, 1, 1), zone("Pacific/Kiritimati")).year == 1970
    assert localized(datetime(9999, 12, 31, 23, 59, 59), zone("Pacific/Pago_Pago")).year == 9998
