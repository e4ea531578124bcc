"""Binom report presets, simple filters and token marks through HTTP: each user's own, client-chosen UUIDs, grants."""

from __future__ import annotations

from typing import Any

from .conftest import BINOM, BINOM_ADMIN, Api
from .test_binom import error, restricted

UUID_A = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
UUID_B = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
PRESET = {"name": "Offers by country", "groupings": ["offer", "geoCountry"], "columns": ["clicks", "profit"]}
FILTER = {"name": "Profitable", "conditions": [{"column": "profit", "operator": "gt", "value": "0"}]}


def test_a_preset_is_created_under_its_uuid_listed_by_subject_and_deleted(binom: Api) -> None:
    created = binom.post(f"/report/preset/campaign/{UUID_A}", json=PRESET)
    assert created.json() == {"uuid": UUID_A, "subject": "campaign", **PRESET}
    binom.post(f"/report/preset/offer/{UUID_B}", json={"name": "By landing", "groupings": ["landing"]})
    assert binom.get("/report/preset/campaign").json() == [created.json()]
    assert [preset["uuid"] for preset in binom.get("/report/preset/offer").json()] == [UUID_B]
    error(binom.post(f"/report/preset/offer/{UUID_A}", json=PRESET), 409, "Conflict")
    assert binom.delete(f"/report/preset/{UUID_A}").status_code == 204
    assert binom.get("/report/preset/campaign").json() == []
    error(binom.delete(f"/report/preset/{UUID_A}"), 404, "NotFound")


def test_presets_and_filters_are_each_users_own(binom: Api) -> None:
    user = restricted(binom)
    binom.post(f"/report/preset/campaign/{UUID_A}", json=PRESET)
    binom.post(f"/report/simple_filter/campaign/{UUID_A}", json=FILTER)
    assert user.get("/report/preset/campaign").json() == [] and user.get("/report/simple_filter/campaign").json() == []
    error(user.delete(f"/report/preset/{UUID_A}"), 404, "NotFound")
    error(user.put(f"/report/simple_filter/{UUID_A}", json=FILTER), 404, "NotFound")
    # a UUID is unique on the tracker: taken by another user, it is a 409 that changes nothing
    error(
        user.post(f"/report/preset/campaign/{UUID_A}", json={"name": "Mine", "groupings": ["offer"]}), 409, "Conflict"
    )
    assert binom.get("/report/preset/campaign").json()[0]["name"] == PRESET["name"]
    assert (
        user.post(f"/report/preset/campaign/{UUID_B}", json={"name": "Mine", "groupings": ["offer"]}).status_code == 200
    )


def test_a_simple_filter_is_edited_keeping_its_subject(binom: Api) -> None:
    created = binom.post(f"/report/simple_filter/offer/{UUID_A}", json=FILTER).json()
    assert created == {"uuid": UUID_A, "subject": "offer", **FILTER}
    changed = {"name": "Many clicks", "conditions": [{"column": "clicks", "operator": "gte", "value": "100"}]}
    assert binom.put(f"/report/simple_filter/{UUID_A}", json=changed).json() == {
        "uuid": UUID_A,
        "subject": "offer",
        **changed,
    }
    assert binom.get("/report/simple_filter/offer").json()[0]["name"] == "Many clicks"
    assert binom.delete(f"/report/simple_filter/{UUID_A}").status_code == 204
    assert binom.get("/report/simple_filter/offer").json() == []


def test_filter_operators_are_the_ones_conditions_accept(binom: Api) -> None:
    operators = [entry["id"] for entry in binom.get("/report/simple_filter/operators/list").json()]
    assert {"eq", "gt", "contains"} <= set(operators)
    bad = {"name": "x", "conditions": [{"column": "clicks", "operator": "between", "value": "1"}]}
    error(
        binom.post(f"/report/simple_filter/campaign/{UUID_B}", json=bad),
        400,
        "Webmozart.Assert.InvalidArgumentException",
    )


def test_a_token_mark_is_set_replaced_and_deleted(binom: Api) -> None:
    mark = {"token": "token_1", "value": "123456", "mark": "bad"}
    assert binom.post("/report/mark/campaign/1", json=mark).json() == {"subject": "campaign", "subjectId": 1, **mark}
    assert binom.post("/report/mark/campaign/1", json={**mark, "mark": "good"}).json()["mark"] == "good"
    params = {"token": "token_1", "value": "123456"}
    assert binom.delete("/report/mark/campaign/1", params=params).status_code == 204
    error(binom.delete("/report/mark/campaign/1", params=params), 404, "NotFound")


def test_many_marks_at_once_one_per_distinct_value(binom: Api) -> None:
    body = {"token": "token_2", "values": ["a", "b", "a"], "mark": "neutral"}
    marks = binom.post("/report/mark/traffic_source/1/multiple", json=body).json()
    assert [(entry["subject"], entry["value"]) for entry in marks] == [("traffic_source", "a"), ("traffic_source", "b")]
    error(binom.post("/report/mark/traffic_source/99/multiple", json=body), 404, "NotFound")


def test_marks_follow_campaign_grants_and_traffic_sources_are_the_administrators(binom: Api) -> None:
    user = restricted(binom)
    mark = {"token": "token_1", "value": "1", "mark": "bad"}
    assert user.post("/report/mark/campaign/1", json=mark).status_code == 200  # modify grant
    error(user.post("/report/mark/campaign/3", json=mark), 403, "AccessDenied")  # read grant
    error(user.post("/report/mark/campaign/4", json=mark), 403, "AccessDenied")  # none
    error(user.post("/report/mark/traffic_source/1", json=mark), 403, "AccessDenied")
    error(binom.post("/report/mark/campaign/10", json=mark), 404, "NotFound")  # deleted campaign


def test_a_state_with_every_new_record_exports_and_imports(client: Any) -> None:
    binom = Api(client, BINOM, BINOM_ADMIN, header="api-key", prefix="")  # on the mock of every API: a whole state
    binom.post("/report/mark/campaign/1", json={"token": "token_1", "value": "1", "mark": "bad"})
    binom.post(f"/report/preset/campaign/{UUID_A}", json=PRESET)
    binom.post(f"/report/simple_filter/campaign/{UUID_B}", json=FILTER)
    binom.put("/identity/cookie", json={"lifetimeDays": 7})
    binom.post("/binom/protect/beta/disable")
    binom.post("/binom/protect/campaign/1/settings", json={"enabled": True})
    binom.post("/csv/task/enqueue", json={"type": "clicklog"})
    binom.put("/user/2/hide_profit", json={"hideProfit": True})
    exported = binom.client.get("/__admin/state").json()
    binom.state.reseed(binom.state.settings.seed)
    imported = binom.client.put("/__admin/state", json=exported)
    assert imported.status_code == 200, imported.text
    assert binom.get("/report/preset/campaign").json()[0]["uuid"] == UUID_A
    assert binom.get("/identity/cookie").json()["lifetimeDays"] == 7
    assert binom.get("/binom/protect/beta/status").json() == {"enabled": False}


def test_a_mark_shows_on_the_token_rows_of_its_campaign_or_source(binom: Api) -> None:
    params = {"datePreset": "last_7_days", "groupings[]": ["campaign", "token_1"]}
    rows = binom.get("/report/campaign", params={**params, "ids[]": [1]}).json()["report"]
    value = next(row["entity_id"] for row in rows if row["level"] == "2" and row["entity_id"])
    source = binom.get("/campaign/1").json()["trafficSourceId"]
    binom.post(f"/report/mark/traffic_source/{source}", json={"token": "token_1", "value": value, "mark": "good"})
    binom.post("/report/mark/campaign/1", json={"token": "token_1", "value": value, "mark": "bad"})
    marks = {(row["level"], row["entity_id"]): row.get("mark") for row in
             binom.get("/report/campaign", params=params).json()["report"]}  # fmt: skip
    assert marks[("2", value)] == "bad" and marks[("1", "1")] is None  # the campaign's wins; only token rows
    by_source = binom.get("/report/traffic_source", params={"datePreset": "last_7_days", "groupings[]": ["token_1"],
                                                          "ids[]": [source]}).json()["report"]  # fmt: skip
    assert next(row for row in by_source if row["entity_id"] == value)["mark"] == "good"
    binom.delete("/report/mark/campaign/1", params={"token": "token_1", "value": value})
    again = binom.get("/report/campaign", params={**params, "ids[]": [1]}).json()["report"]
    assert next(row for row in again if row["entity_id"] == value).get("mark") == "good"  # the source's, now
