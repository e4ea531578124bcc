"""Imported state is checked against the shape the mock writes: a bad one is a 400 listing the problems, changes
nothing, and no import the mock accepts makes a later call answer 500 (mutated exports here; schemathesis' own
bodies in tests/test_contract.py)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import learn_state_schema
from mockserver.state import state_schema

from .conftest import GROWTH_RW, PC_TOKEN, make_app, no_later_call_fails

JSON = {"Content-Type": "application/json"}
APP = make_app(enforce_rate_limits=False)
SEEDED = copy.deepcopy(APP.test_client().get("/__admin/state").json())


@pytest.fixture
def client() -> Any:
    client = APP.test_client()
    assert client.put("/__admin/state", json=SEEDED).status_code == 200
    return client


def test_the_schema_is_what_the_mock_writes_today() -> None:
    # Fails when a record's shape changes: then run `python -m mockserver.learn_state_schema` and review the diff.
    assert learn_state_schema.generate() == state_schema.tables_schema()


def test_an_export_after_writes_imports_back(client: Any) -> None:
    bt = {"Authorization": f"Bearer {GROWTH_RW}"}
    assert (
        client.post(
            "/bannertrackr/api/public/v1/placements", json={"siteId": "site_123", "name": "bare"}, headers=bt
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/peerclick/v1/traffic-source", json={"name": "t", "workspaceId": 1}, headers={"api-token": PC_TOKEN}
        ).status_code
        == 200
    )
    exported = client.get("/__admin/state").json()
    assert client.put("/__admin/state", json=exported).status_code == 200
    assert client.get("/__admin/state").json() == exported


def damaged(change: Any) -> dict[str, Any]:
    document = copy.deepcopy(SEEDED)
    change(document["tables"])
    return document


HAND_EDITS = {
    "missing-field": lambda t: t["bannertrackr"]["placements"][0].pop("name"),
    "missing-nested-field": lambda t: t["binom"]["campaigns"][0]["campaignSettings"].clear(),
    "wrong-type": lambda t: t["bannertrackr"]["sites"][0].update(name=["a", "list"]),
    "number-as-string": lambda t: t["peerclick"]["offers"][0].update(workspaceId="1"),
    "object-as-string": lambda t: t["adsterra_advertiser"]["campaigns"][0].update(blacklist="none"),
    "record-not-object": lambda t: t["binom"]["offers"].append("offer"),
    "table-not-list": lambda t: t["peerclick"].update(campaigns={"1": {}}),
    "null-required": lambda t: t["bannertrackr"]["keys"][0].update(scope=None),
}


@pytest.mark.parametrize("edit", HAND_EDITS)
def test_a_hand_edited_import_is_a_400_listing_the_problems_and_changes_nothing(client: Any, edit: str) -> None:
    before = client.get("/__admin/state").json()
    refused = client.put("/__admin/state", json=damaged(HAND_EDITS[edit]))
    assert refused.status_code == 400, refused.text[:300]
    assert refused.json()["hint"].startswith("tables.")  # where, in plain words (the spec's schema or the mock's)
    assert client.get("/__admin/state").json() == before
    no_later_call_fails(client)


def test_every_problem_is_listed(client: Any) -> None:
    document = damaged(lambda t: [t["bannertrackr"]["sites"][i].pop("name") for i in range(3)])
    hint = client.put("/__admin/state", json=document).json()["hint"]
    assert [f"tables.bannertrackr.sites[{i}] lacks the required field 'name'" for i in range(3)] == hint.split("; ")


# Mutations a hand edit (or a bug elsewhere) could make to one field of one record of an export.
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 10**12), st.floats(allow_nan=False), st.text(max_size=5),
                   st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))  # fmt: skip
RECORDS = [(api, table, index) for api, tables in SEEDED["tables"].items() for table, rows in tables.items()
           for index in range(min(len(rows), 3))]  # fmt: skip


@given(where=st.sampled_from(RECORDS), field=st.integers(0, 40), value=VALUES, drop=st.booleans())
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
def test_no_accepted_mutation_of_an_export_makes_a_later_call_fail(
    where: Any, field: int, value: Any, drop: bool
) -> None:
    client = APP.test_client()
    client.put("/__admin/state", json=SEEDED)
    api, table, index = where
    document = copy.deepcopy(SEEDED)
    record = document["tables"][api][table][index]
    name = sorted(record)[field % len(record)]
    if drop:
        del record[name]
    else:
        record[name] = value
    response = client.put("/__admin/state", json=json.loads(json.dumps(document)))
    assert response.status_code in (200, 400), response.text[:300]
    no_later_call_fails(client)
