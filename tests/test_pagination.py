"""Cursor pagination: pages cover every record once, also while records are created and deleted between pages."""

from __future__ import annotations

import pytest

from mockserver.domain.pagination import cursor_page, decode_cursor, encode_cursor
from mockserver.state.store import Store

from .conftest import PRO_RW, Api


def test_cursor_round_trip_and_any_alphanumeric_is_a_position() -> None:
    assert decode_cursor(encode_cursor(12345)) == 12345
    assert decode_cursor("xyz789") > 0  # the doc's example cursor is well formed


def test_pages_split_rows_without_overlap() -> None:
    table = Store().table("api", "things")
    for n in range(7):
        table.add("me", {"id": f"t{n}"})
    seen, cursor = [], None
    while True:
        page, cursor = cursor_page(table.rows("me"), 3, cursor)
        seen += [row["id"] for row in page]
        if cursor is None:
            break
    assert seen == [f"t{n}" for n in range(7)]


def test_list_over_several_pages_equals_the_whole(bt: Api) -> None:
    pro = Api(bt.client, bt.base, PRO_RW)
    whole = pro.get("/placements", params={"limit": 100}).json()
    assert whole["pagination"] == {"nextCursor": None, "hasMore": False}
    paged = pro.all("/placements", limit=3)
    assert len(paged) > 6
    assert paged == whole["data"]


def test_no_repeat_or_skip_when_records_change_between_pages(bt: Api) -> None:
    first = bt.get("/sites", params={"limit": 2}).json()
    assert first["pagination"]["hasMore"] is True
    ids = [site["id"] for site in first["data"]]
    bt.delete(f"/sites/{ids[0]}")  # delete an already-seen record
    created = bt.post("/sites", json={"name": "late", "type": "website"}).json()["data"]["id"]
    rest = _rest(bt, first["pagination"]["nextCursor"])
    ids += [site["id"] for site in rest]
    assert len(ids) == len(set(ids))
    assert created in ids
    assert set(ids[1:]) == {site["id"] for site in bt.all("/sites")}


def _rest(bt: Api, cursor: str) -> list[dict[str, object]]:
    records = []
    while cursor:
        body = bt.get("/sites", params={"limit": 2, "cursor": cursor}).json()
        records += body["data"]
        cursor = body["pagination"]["nextCursor"]
    return records


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"cursor": "not/a cursor"}])
def test_bad_paging_parameters_are_400(bt: Api, params: dict[str, object]) -> None:
    response = bt.get("/sites", params=params)
    assert response.status_code == 400
    assert set(response.json()) <= {"error", "hint"}


def test_unissued_but_well_formed_cursor_gives_an_empty_page(bt: Api) -> None:
    body = bt.get("/sites", params={"cursor": "zzzzzzzz"}).json()
    assert body == {"data": [], "pagination": {"nextCursor": None, "hasMore": False}}
