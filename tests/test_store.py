"""The store's rules: reads take the owner and cannot write, records change only through the store, removes cascade."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.apis.binom import entities as binom
from mockserver.apis.binom import handlers as binom_handlers
from mockserver.apis.peerclick import entities as peerclick
from mockserver.apis.peerclick import handlers as peerclick_handlers
from mockserver.domain.resources import Operations, handler_name
from mockserver.state.store import DELETED, OWNER, Rules, Store, Table, View


@pytest.fixture
def table() -> Table:
    table = Store().table("api", "things")
    table.add("me", {"id": 1, "name": "mine", "tags": ["a"]})
    table.add("you", {"id": 2, "name": "yours", "tags": []})
    return table


def test_a_read_cannot_change_the_store(table: Table) -> None:
    record = table.get("me", 1)
    assert record is not None
    with pytest.raises(TypeError):
        record["name"] = "changed"  # type: ignore[index]
    for row in table.rows("me"):
        with pytest.raises(TypeError):
            row["name"] = "changed"  # type: ignore[index]
    found = table.lookup_credential(1)
    assert found is not None
    with pytest.raises(TypeError):
        found["name"] = "changed"  # type: ignore[index]
    assert table.get("me", 1)["name"] == "mine"  # type: ignore[index]


def test_an_added_record_is_the_stores_own(table: Table) -> None:
    given = {"id": 3, "name": "new"}
    table.add("me", given)
    given["name"] = "changed afterwards"
    assert table.get("me", 3)["name"] == "new"  # type: ignore[index]


def test_every_read_takes_the_owner(table: Table) -> None:
    with pytest.raises(TypeError):
        table.rows()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        table.count()  # type: ignore[call-arg]
    assert not hasattr(table, "lookup")  # the owner-less read is gone; credentials have their own
    assert table.get("you", 1) is None and [row["id"] for row in table.rows("you")] == [2]
    assert table.owner_of(1) == "me"  # who, without the record


def test_an_update_changes_the_record_only_through_the_store(table: Table) -> None:
    before = table.get("me", 1)
    after = table.update("me", 1, {"name": "renamed"})
    assert after is not None and after["name"] == "renamed" and after["tags"] == ["a"]
    assert before is not None and before["name"] == "mine"  # a view handed out earlier is a snapshot
    assert table.get("me", 1)["name"] == "renamed"  # type: ignore[index]
    assert table.update("you", 1, {"name": "stolen"}) is None  # another account's record is not there to change
    assert table.get("me", 1)["name"] == "renamed"  # type: ignore[index]
    with pytest.raises(KeyError):
        table.update("me", 1, {OWNER: "you"})
    assert table.update("me", 1, {"id": 1, "name": "same id"}) is not None  # a merged whole record may repeat its id


def test_a_cascade_hook_runs_on_remove_and_sees_the_removed_record() -> None:
    store = Store()
    seen: list[tuple[str, Any]] = []

    def unlink(store: Store, owner: str, removed: View) -> None:
        seen.append((owner, removed["id"]))
        for child in list(store.table("api", "children").rows(owner, parent=removed["id"])):
            store.table("api", "children").update(owner, child["id"], {"parent": None})

    store.declare("api", "parents", Rules(on_remove=(unlink,)))
    store.table("api", "parents").add("me", {"id": 1})
    store.table("api", "children").add("me", {"id": 7, "parent": 1})
    removed = store.table("api", "parents").remove("me", 1)
    assert removed is not None and removed["id"] == 1 and 1 not in store.table("api", "parents")
    assert seen == [("me", 1)] and store.table("api", "children").get("me", 7)["parent"] is None  # type: ignore[index]
    assert store.table("api", "parents").remove("me", 1) is None and seen == [("me", 1)]  # nothing removed: no cascade


def test_a_soft_deleting_table_keeps_the_record_flagged_and_still_cascades() -> None:
    store = Store()
    seen: list[Any] = []
    store.declare(
        "api",
        "things",
        Rules(on_remove=(lambda store, owner, removed: seen.append(removed[DELETED]),), soft_delete=True),
    )
    store.table("api", "things").add("me", {"id": 1, DELETED: False})
    store.table("api", "things").remove("me", 1)
    assert store.table("api", "things").get("me", 1)[DELETED] is True and seen == [True]  # type: ignore[index]


def test_rules_and_the_export_format_survive_a_restore() -> None:
    store = Store()
    store.declare("api", "things", Rules(soft_delete=True))
    store.table("api", "things").add("me", {"id": 1, DELETED: False})
    exported = store.export()
    assert exported == {"seq": 1, "tables": {"api": {"things": [{"id": 1, DELETED: False, OWNER: "me", "_seq": 1}]}}}
    restored = store.loaded(exported)
    restored.table("api", "things").remove("me", 1)
    assert restored.table("api", "things").get("me", 1)[DELETED] is True  # type: ignore[index]


@pytest.mark.parametrize(
    ("module", "entities", "scheme"),
    [(binom_handlers, binom.ENTITIES, binom.SCHEME), (peerclick_handlers, peerclick.ENTITIES, peerclick.SCHEME)],
)
def test_each_entity_definition_gives_its_handlers(module: Any, entities: Any, scheme: Any) -> None:
    for entity in entities:
        for verb in Operations._fields:
            if (verb == "restore" and not scheme.soft_delete) or (verb == "clone" and entity.clone is None):
                assert not hasattr(module, handler_name(verb, entity))  # only soft deletes restore; clones are opt-in
            else:
                assert callable(getattr(module, handler_name(verb, entity)))


def test_filtered_reads_and_counts_agree_with_a_scan_through_any_sequence_of_writes() -> None:
    # Filtered reads and counts come from indexes the writes keep; they must say what scanning every record says,
    # in creation order, whatever adds, updates (moving a record between values) and removes came before.
    import random

    rng = random.Random(3)
    table = Store().table("api", "things")
    live: list[tuple[str, str]] = []
    assert table.count("x", site=1) == 0  # the index exists from here on, before any record
    for step in range(1500):
        owner, roll = rng.choice("xy"), rng.random()
        if roll < 0.4 or not live:
            table.add(owner, {"id": f"r{step}", "site": rng.choice([1, 2, None]), "state": rng.choice("ab")})
            live.append((owner, f"r{step}"))
        elif roll < 0.8:
            table.update(*rng.choice(live), {"site": rng.choice([1, 2, None]), "state": rng.choice("ab")})
        else:
            table.remove(*live.pop(rng.randrange(len(live))))
        for who in "xy":
            everything = list(table.rows(who))
            for site in (1, 2, None, 3):
                scanned = [row["id"] for row in everything if row.get("site") == site]
                assert [row["id"] for row in table.rows(who, site=site)] == scanned
                assert table.count(who, site=site) == len(scanned)
                both = [row["id"] for row in everything if row.get("site") == site and row["state"] == "a"]
                assert [row["id"] for row in table.rows(who, site=site, state="a")] == both
    table.add("x", {"id": "odd", "site": [1]})  # an unhashable value: that field is filtered by scanning from now on
    assert [row["id"] for row in table.rows("x", site=[1])] == ["odd"]
    assert table.count("x", site=[1]) == 1


def test_a_kept_answer_lasts_until_a_write_to_its_api() -> None:
    store = Store()
    mine, other = store.table("api", "things"), store.table("other", "things")
    mine.add("me", {"id": 1, "n": 1})
    computed: list[int] = []

    def total() -> int:
        computed.append(1)
        return sum(row["n"] for row in mine.rows("me"))

    assert store.kept("api", "total", total) == 1
    other.add("me", {"id": 1, "n": 5})  # another API's records: the answer stands
    assert store.kept("api", "total", total) == 1 and len(computed) == 1
    for write, expected in (
        (lambda: mine.add("me", {"id": 2, "n": 2}), 3),
        (lambda: mine.update("me", 2, {"n": 4}), 5),
        (lambda: mine.tally("me", 2, lambda record: record.update(n=record["n"] + 1)), 6),
        (lambda: mine.remove("me", 1), 5),
    ):
        write()
        assert store.kept("api", "total", total) == expected


def test_a_folded_aggregate_takes_in_each_write_its_fold_accepts_and_is_dropped_by_the_rest() -> None:
    store = Store()
    mine, other = store.table("api", "things"), store.table("api", "others")
    mine.add("me", {"id": 1, "n": 1})
    computed: list[int] = []

    def total() -> dict[str, int]:
        computed.append(1)
        return {"n": sum(row["n"] for row in mine.rows("me"))}

    def fold(value: dict[str, int], write: Any) -> bool:
        """Adds and updates of `things` add their difference; a tally says what it added; the rest drop it."""
        if write.table != "things" or write.new is None:
            return False
        value["n"] += write.change if write.change is not None else write.new["n"] - (write.old or {"n": 0})["n"]
        return True

    def ask() -> int:
        return store.folded("api", "total", total, fold)["n"]

    def bump(record: dict[str, Any]) -> int:
        record["n"] += 3
        return 3

    assert ask() == 1
    for write, expected in (
        (lambda: mine.add("me", {"id": 2, "n": 2}), 3),
        (lambda: mine.update("me", 2, {"n": 4}), 5),
        (lambda: mine.tally("me", 2, bump), 8),
    ):
        write()
        assert ask() == expected
    assert len(computed) == 1  # only the first: every write above was folded
    assert total()["n"] == 8  # what computing afresh gives
    computed.clear()
    mine.remove("me", 1)  # the fold refuses a removal: computed again
    assert ask() == 7 and len(computed) == 1
    other.add("me", {"id": 9, "n": 100})  # a table the fold does not take: dropped too
    assert ask() == 7 and len(computed) == 2
    store.wrote("api")  # told only the API (as tests and benchmarks do): dropped
    assert ask() == 7 and len(computed) == 3


def test_a_topic_aggregate_sees_only_writes_of_its_record() -> None:
    store = Store()
    table = store.table("api", "things")
    seen: list[Any] = []

    def fold(value: list[Any], write: Any) -> bool:
        seen.append(write.new["id"])
        return True

    store.folded("api", "of 1", list, fold, topic=1)
    table.add("me", {"id": 2})
    table.add("me", {"id": 1})
    table.update("me", 2, {"x": 1})
    assert seen == [1]
