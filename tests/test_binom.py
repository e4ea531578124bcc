"""Binom behaviour through HTTP: api-key auth, restricted users, CRUD with cascades, bad input, lists and paging."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from mockserver.apis.binom.seed import TRACKER

from .conftest import BINOM_RESTRICTED, Api

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CAMPAIGN = {
    "name": "US | Push | Sweepstakes", "trafficSourceId": 1, "costModel": "CPC", "amount": 0.02, "currency": "USD",
    "isAuto": False, "customRotation": {"defaultPaths": [{"name": "Main", "weight": 100, "landings": [{"id": 1}],
                                                          "offers": [{"offerId": 1, "weight": 100}]}], "rules": []},
}  # fmt: skip
OFFER = {"offer": {"name": "Sweeps US", "url": "https://offers.example.com/?sub1={clickid}", "countryCode": "us", "amount": 1.5,
                   "affiliateNetworkId": 1}}  # fmt: skip


def error(response: Any, status: int, title: str) -> str:
    """Assert Binom's captured error shape and return its detail."""
    assert response.status_code == status, response.text
    body = response.json()["errors"]
    assert set(body) == {"title", "detail", "message", "code", "status"}
    assert (body["title"], body["code"], body["status"], body["message"]) == (title, 0, status, body["detail"])
    assert UUID.match(response.headers["X-Request-Id"])
    return str(body["detail"])


def restricted(binom: Api) -> Api:
    return Api(binom.client, binom.base, BINOM_RESTRICTED, header="api-key", prefix="")


# ----------------------------------------------------------------------- auth
def test_admin_key_in_the_api_key_header_any_case(binom: Api) -> None:
    response = binom.get("/campaign/1")
    assert response.status_code == 200 and response.json()["id"] == 1
    assert UUID.match(response.headers["X-Request-Id"])
    assert binom.get("/campaign/1", key=None, headers={"Api-Key": binom.key}).status_code == 200


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Missing API key: No authorization token provided"),
        (
            {"Authorization": "Bearer binom_admin_demo_key"},
            "Missing API key: No authorization token provided",
        ),  # the v1 habit: 401
        ({"api-key": "not-a-key"}, "Invalid API key: Send the key of Settings -> User in the api-key header"),
    ],
)
def test_missing_wrong_scheme_or_unknown_key_is_401(binom: Api, headers: dict[str, str], detail: str) -> None:
    assert error(binom.get("/campaign/list/filtered", key=None, headers=headers), 401, "Unauthorized") == detail


def test_request_ids_are_fresh_and_on_every_kind_of_answer(binom: Api) -> None:
    answers = [binom.get("/campaign/1"), binom.get("/campaign/1"), binom.get("/nowhere"), binom.request("PATCH", "/campaign/1"),
               binom.post("/campaign", json={}), binom.delete("/offer/999")]  # fmt: skip
    ids = [answer.headers["X-Request-Id"] for answer in answers]
    assert all(UUID.match(value) for value in ids) and len(set(ids)) == len(ids)
    assert all(uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value for value in ids)  # as uuid4 writes
    assert "X-RateLimit-Limit" not in answers[0].headers  # Binom documents none


def test_request_ids_are_the_uuid_the_drawn_bits_make(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from mockserver import context

    drawn = random.Random(17)
    monkeypatch.setattr(context, "_ids", random.Random(17))
    for _ in range(2000):  # every variant and version nibble the bits can hold, set as uuid.UUID sets them
        assert context._uuid4() == str(uuid.UUID(int=drawn.getrandbits(128), version=4))


def test_unsupported_method_is_405_with_allow_from_the_spec(binom: Api) -> None:
    response = binom.request("POST", "/campaign/1")  # PATCH is the documented restore
    error(response, 405, "MethodNotAllowed")
    assert response.headers["Allow"] == "DELETE, GET, HEAD, PATCH, PUT"


def test_a_path_two_templates_fit_allows_the_methods_of_both(binom: Api) -> None:
    """/report/preset/campaign fits /report/preset/{subject} (GET) and /report/preset/{uuid} (DELETE), as routed."""
    response = binom.request("PUT", "/report/preset/campaign")
    error(response, 405, "MethodNotAllowed")
    assert response.headers["Allow"] == "DELETE, GET, HEAD"
    assert binom.get("/report/preset/campaign").status_code == 200  # the list's GET, though {uuid} comes first


def test_an_internal_error_is_a_500_in_binoms_shape(binom: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("mockserver.apis.binom.clicks.link", broken)
    assert error(binom.get("/campaign/1/link"), 500, "InternalServerError") == "Internal Server Error"


def test_optional_per_user_limit_answers_429_then_lets_through(binom: Api) -> None:
    """Off for every seeded user; set on a user (the control plane's job) it counts per minute on the mock clock."""
    binom.state.store.table("binom", "users").update(TRACKER, 1, {"requestsPerMinute": 2})
    assert [binom.get("/campaign/1").status_code for _ in range(2)] == [200, 200]
    refused = binom.get("/campaign/1")
    error(refused, 429, "TooManyRequests")
    assert refused.headers["Retry-After"] == "30"  # the clock is frozen 30 s into a minute
    assert binom.get("/campaign/1", key=BINOM_RESTRICTED).status_code == 200  # other users are not limited
    binom.state.clock.advance(30)
    assert binom.get("/campaign/1").status_code == 200


# ---------------------------------------------------------- restricted access
def test_restricted_user_lists_only_granted_campaigns_with_their_level(binom: Api) -> None:
    items = restricted(binom).get("/campaign/list/filtered").json()
    assert [(item["id"], item["accessLevel"]) for item in items] == [(1, "modify"), (2, "modify"), (3, "read")]
    admin = binom.get("/campaign/list/filtered").json()
    assert len(admin) == 9 and {item["accessLevel"] for item in admin} == {"full"}  # campaign 10 is deleted


def test_restricted_user_direct_access(binom: Api) -> None:
    user = restricted(binom)
    assert user.get("/campaign/3").status_code == 200
    assert user.get("/campaign/3/link").status_code == 200
    assert error(user.get("/campaign/5"), 403, "AccessDenied") == "Access denied to campaign 5"
    error(user.get("/campaign/5/link"), 403, "AccessDenied")
    error(user.get("/campaign/999"), 404, "NotFound")  # existence first: an unknown id is 404 for everyone
    before = binom.get("/campaign/3").json()
    error(user.put("/campaign/3", json=CAMPAIGN), 403, "AccessDenied")  # a read grant does not allow writes
    error(user.delete("/campaign/3"), 403, "AccessDenied")
    error(user.delete("/campaign/5"), 403, "AccessDenied")
    assert binom.get("/campaign/3").json() == before
    assert user.put("/campaign/1", json=CAMPAIGN).json()["name"] == CAMPAIGN["name"]  # a modify grant does


def test_restricted_user_reads_but_never_writes_other_entities(binom: Api) -> None:
    user = restricted(binom)
    assert {item["accessLevel"] for item in user.get("/offer/list/filtered").json()} == {"read"}
    assert user.get("/traffic_source/1").status_code == 200
    for method, path, body in [("POST", "/campaign", CAMPAIGN), ("POST", "/offer", OFFER), ("PUT", "/offer/1", OFFER),
                               ("DELETE", "/landing/1", None), ("POST", "/affiliate_network", {"name": "x"})]:  # fmt: skip
        error(user.request(method, path, json=body), 403, "AccessDenied")
    assert len(binom.get("/campaign/list/filtered").json()) == 9 and binom.get("/landing/1").status_code == 200


def test_restricted_user_lists_and_reports_cover_only_granted_campaigns(binom: Api) -> None:
    user = restricted(binom)
    params = {"datePreset": "last_7_days", "limit": 100}
    info = user.get("/info/campaign", params=params).json()
    assert [int(row["clicks"]) for row in info[:-1]] == sorted((int(row["clicks"]) for row in info[:-1]), reverse=True)
    assert {row["id"] for row in info[:-1]} == {1, 2, 3} and info[-1]["total_count"] == 3
    stats = user.get("/stats/traffic_source", params=params).json()
    report = user.get("/report/campaign", params={**params, "groupings[]": "campaign"}).json()
    assert {row["entity_id"] for row in report["report"]} == {"1", "2", "3"}
    assert report["totals"]["clicks"] == stats[-1]["clicks"] == str(sum(int(row["clicks"]) for row in info[:-1]))
    error(user.get("/report/campaign", params={**params, "groupings[]": "offer", "ids[]": [1, 5]}), 403, "AccessDenied")
    error(user.get("/report/campaign", params={**params, "groupings[]": "offer", "ids[]": 999}), 404, "NotFound")


# ---------------------------------------------------------- CRUD and cascades
def test_campaign_round_trip_flat_in_nested_out(binom: Api) -> None:
    created = binom.post("/campaign", json=CAMPAIGN)
    assert created.status_code == 200 and set(created.json()) == {"id"}  # only the id: read the key with GET
    campaign_id = created.json()["id"]
    assert campaign_id == 11  # ids count up after the seeded ten
    got = binom.get(f"/campaign/{campaign_id}").json()
    assert got["cost"] == {"model": "CPC", "money": {"amount": 0.02, "currency": "USD"}, "isAuto": False}
    assert got["hideReferrer"] == {"type": "NONE", "domainUuid": None} and re.fullmatch(r"[a-z0-9]{20}", got["key"])
    assert got["customRotation"]["defaultPaths"][0]["offers"][0] == {"offerId": 1, "campaignId": 0, "directUrl": "", "enabled": True,
                                                                      "weight": 100}  # fmt: skip
    assert binom.get(f"/campaign/{campaign_id}/link").json() == {
        "link": f"http://testserver/binom/click?key={got['key']}"  # the mock's own click URL
    }
    # The other client's cost variant replaces the whole campaign; the key stays.
    flat = {"name": "DE | Native", "trafficSourceId": 2, "costModel": "CPM", "cost": 1.25, "isAutoCost": True}
    updated = binom.put(f"/campaign/{campaign_id}", json=flat).json()
    assert updated["cost"] == {"model": "CPM", "money": {"amount": 1.25, "currency": "USD"}, "isAuto": True}
    assert (updated["key"], updated["customRotation"]["defaultPaths"]) == (got["key"], [])
    assert binom.get(f"/campaign/{campaign_id}").json() == updated
    assert binom.delete(f"/campaign/{campaign_id}").status_code == 204
    error(binom.get(f"/campaign/{campaign_id}"), 404, "NotFound")
    assert campaign_id not in [item["id"] for item in binom.get("/campaign/list/filtered").json()]
    deleted = binom.get("/info/campaign", params={"status": "deleted"}).json()
    assert {row["id"] for row in deleted[:-1]} == {10, campaign_id} and all(row["is_deleted"] for row in deleted[:-1])


def test_campaign_keys_are_unique(binom: Api) -> None:
    taken = binom.get("/campaign/2").json()["key"]
    assert (
        error(binom.post("/campaign", json={**CAMPAIGN, "key": taken}), 409, "Conflict")
        == "Campaign key is already in use: "
        f"Key '{taken}' belongs to campaign 2"
    )
    error(binom.put("/campaign/1", json={**CAMPAIGN, "key": taken}), 409, "Conflict")
    assert binom.put("/campaign/2", json={**CAMPAIGN, "key": taken}).status_code == 200  # its own key is fine


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"trafficSourceId": 99}, "Traffic source 99 not found"),
        ({"rotationId": 9}, "Rotation 9 not found"),
        ({"customRotation": {"defaultPaths": [{"offers": [{"offerId": 99}]}]}}, "Offer 99 not found"),
        ({"customRotation": {"defaultPaths": [{"landings": [{"id": 99}]}]}}, "Landing 99 not found"),
        ({"customRotation": {"rules": [{"paths": [{"offers": [{"campaignId": 99}]}]}]}}, "Campaign 99 not found"),
    ],
)
def test_unknown_references_are_404_and_write_nothing(binom: Api, change: dict[str, Any], detail: str) -> None:
    before = binom.get("/campaign/1").json()
    assert error(binom.post("/campaign", json={**CAMPAIGN, **change}), 404, "NotFound") == detail
    error(binom.put("/campaign/1", json={**CAMPAIGN, **change}), 404, "NotFound")
    assert binom.get("/campaign/1").json() == before
    assert len(binom.get("/campaign/list/filtered").json()) == 9


def test_offer_landing_source_and_network_round_trips(binom: Api) -> None:
    offer_id = binom.post("/offer", json=OFFER).json()["id"]
    offer = binom.get(f"/offer/{offer_id}").json()
    assert offer["countryCode"] == "US" and offer["payout"] == {"money": {"amount": 1.5, "currency": "USD"}, "isAuto": False,
                                                                "isUpsell": False}  # fmt: skip
    assert (
        binom.put(f"/offer/{offer_id}", json={"offer": {**OFFER["offer"], "countryCode": "GLOBAL"}}).json()[
            "countryCode"
        ]
        == "GLOBAL"
    )
    hosted = binom.post(
        "/landing", json={"name": "Quiz", "path": "landers/quiz/index.html", "url": "https://x.example.com/"}
    ).json()["id"]
    remote = binom.post(
        "/landing", json={"name": "Remote", "url": "https://lp.example.com/q/", "languageCode": "EN"}
    ).json()["id"]
    integrated = binom.post("/landing/integrated", json={"name": "Zip", "path": "landers/zip/index.php"}).json()["id"]
    assert [binom.get(f"/landing/{i}").json()["isIntegrated"] for i in (hosted, remote, integrated)] == [
        True,
        False,
        True,
    ]
    assert binom.get(f"/landing/{remote}").json()["url"] == "https://lp.example.com/q/"
    source = binom.post("/traffic_source", json={"name": "Src"}).json()["id"]
    assert binom.get(f"/traffic_source/{source}").json() == {"id": source, "name": "Src", "groupId": None, "s2sMode": "FIRST",
                                                             "postbackUrl": None}  # fmt: skip
    network = binom.post("/affiliate_network", json={"name": "Net", "offerParameter": "subid"}).json()["id"]
    assert binom.put(f"/affiliate_network/{network}", json={"name": "Net 2"}).json() == {
        "id": network, "name": "Net 2", "postbackUrl": None, "offerParameter": None}  # fmt: skip


def test_deleting_a_traffic_source_deletes_its_campaigns(binom: Api) -> None:
    on_source = [item["id"] for item in binom.get("/campaign/list/filtered").json() if item["trafficSourceId"] == 1]
    assert on_source
    assert binom.delete("/traffic_source/1").status_code == 204
    for campaign_id in on_source:
        error(binom.get(f"/campaign/{campaign_id}"), 404, "NotFound")
    error(binom.post("/campaign", json=CAMPAIGN), 404, "NotFound")  # the source is gone for new campaigns too
    assert all(item["trafficSourceId"] != 1 for item in binom.get("/campaign/list/filtered").json())


def test_deleting_a_network_unlinks_its_offers(binom: Api) -> None:
    linked = [
        offer["id"]
        for offer in (binom.get(f"/offer/{n}").json() for n in range(1, 9))
        if offer["affiliateNetworkId"] == 1
    ]
    assert linked
    binom.delete("/affiliate_network/1")
    assert {binom.get(f"/offer/{offer_id}").json()["affiliateNetworkId"] for offer_id in linked} == {None}


@pytest.mark.parametrize(
    ("path", "kind", "field"), [("/offer/{}", "offers", "offerId"), ("/landing/{}", "landings", "id")]
)
def test_deleting_an_offer_or_landing_takes_it_out_of_every_path(binom: Api, path: str, kind: str, field: str) -> None:
    def used(entity_id: int) -> list[int]:
        return [
            campaign["id"] for campaign in (binom.get(f"/campaign/{item['id']}").json() for item in binom.get("/campaign/list/filtered").json())
            if any(entry[field] == entity_id for p in campaign["customRotation"]["defaultPaths"] for entry in p[kind])
        ]  # fmt: skip

    entity_id = next(n for n in range(1, 9) if used(n))
    assert binom.delete(path.format(entity_id)).status_code == 204
    assert used(entity_id) == []
    error(binom.get(path.format(entity_id)), 404, "NotFound")
    error(binom.delete(path.format(entity_id)), 404, "NotFound")


# ------------------------------------------------------------------ bad input
BAD_WRITES = [
    ("POST", "/campaign", {"name": "x", "trafficSourceId": 1}),  # neither amount nor cost
    ("POST", "/campaign", {**CAMPAIGN, "name": ""}),
    ("POST", "/campaign", {**CAMPAIGN, "costModel": "FREE"}),
    ("POST", "/campaign", {**CAMPAIGN, "key": "has space"}),
    ("PUT", "/campaign/1", {**CAMPAIGN, "amount": -1}),
    ("PUT", "/campaign/1", {**CAMPAIGN, "trafficSourceId": "1"}),
    (
        "POST",
        "/offer",
        {"offer": {"name": "x", "url": "https://example.com/"}},
    ),  # no countryCode: the real 500, here a 400
    ("POST", "/offer", {"name": "x", "url": "https://example.com/", "countryCode": "US"}),  # not wrapped
    ("PUT", "/offer/1", {"offer": {**OFFER["offer"], "countryCode": "USA"}}),
    ("POST", "/landing", {"name": "no url or path"}),
    ("POST", "/landing/integrated", {"name": "x", "path": "with space/index.html"}),
    ("PUT", "/landing/1", {"name": "x", "url": "ftp://example.com/"}),
    ("POST", "/landing", {"name": "x", "url": "https://[oops/"}),  # no IPv6 literals: a half one breaks URL parsers
    ("POST", "/traffic_source", {"name": "x", "s2sMode": "SOME"}),
    ("PUT", "/traffic_source/1", {"postbackUrl": None}),
    ("POST", "/affiliate_network", {"name": 5}),
    ("PUT", "/affiliate_network/1", {"name": "x", "postbackUrl": "not a url"}),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), BAD_WRITES, ids=[f"{m} {p} {i}" for i, (m, p, _) in enumerate(BAD_WRITES)]
)
def test_bad_bodies_are_400_in_binoms_shape_and_write_nothing(binom: Api, method: str, path: str, body: Any) -> None:
    lists = ("/campaign/list/filtered", "/offer/list/filtered", "/landing/list/filtered", "/traffic_source/list/filtered",
             "/affiliate_network/list/filtered")  # fmt: skip
    target = path if method == "PUT" else None
    before = [binom.get(path).json() for path in lists] + ([binom.get(target).json()] if target else [])
    detail = error(binom.request(method, path, json=body), 400, "Webmozart.Assert.InvalidArgumentException")
    assert detail.startswith("Validation failed: ")
    assert [binom.get(path).json() for path in lists] + ([binom.get(target).json()] if target else []) == before


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"null", b'{"name": "\xff"}'])
def test_malformed_bodies_are_400(binom: Api, body: bytes) -> None:
    response = binom.post("/traffic_source", content=body, headers={"Content-Type": "application/json"})
    error(response, 400, "Webmozart.Assert.InvalidArgumentException")


@pytest.mark.parametrize("params", [{"name": ""}, {"limit": 0}, {"limit": 10001}, {"offset": -1}, {"status": "paused"}])
def test_bad_list_parameters_are_400(binom: Api, params: dict[str, Any]) -> None:
    error(binom.get("/campaign/list/filtered", params=params), 400, "Webmozart.Assert.InvalidArgumentException")


# ------------------------------------------------------------------- listings
def test_list_filters_and_limit_offset_pages(binom: Api) -> None:
    everything = binom.get("/offer/list/filtered", params={"limit": 10000}).json()
    pages = [binom.get("/offer/list/filtered", params={"limit": 3, "offset": offset}).json() for offset in (0, 3, 6, 9)]
    assert [item for page in pages for item in page] == everything and pages[-1] == []
    word = everything[0]["name"].split()[0]
    assert binom.get("/offer/list/filtered", params={"name": word.upper()}).json() == [
        i for i in everything if word in i["name"]
    ]
    assert binom.get("/campaign/list/filtered", params={"status": "deleted"}).json()[0]["id"] == 10
    with_traffic = binom.get("/campaign/list/filtered", params={"status": "with_traffic"}).json()
    assert 0 < len(with_traffic) <= 9  # seeded campaigns have traffic today


def test_seed_is_deterministic(binom: Api) -> None:
    def snapshot(seed: int) -> Any:
        binom.state.reseed(seed)
        return [binom.get("/campaign/1").json(), binom.get("/offer/list/filtered").json()]

    first = [binom.get("/campaign/1").json(), binom.get("/offer/list/filtered").json()]
    assert snapshot(1) == first
    assert snapshot(2) != first


def test_the_trackers_api_doc_path_opens_the_swagger_ui(binom: Api) -> None:
    """Binom's docs put the Swagger UI at /api/doc on the tracker's domain; here that is /binom/api/doc."""
    answer = binom.client.get("/binom/api/doc", follow_redirects=False)
    assert answer.status_code == 302 and answer.headers["location"] == "/binom/public/api/v1/ui/"
    page = binom.client.get(answer.headers["location"])
    assert page.status_code == 200 and "swagger-ui" in page.text.lower()


# ------------------------------------------------- rotations, rename, restore
def test_rotation_round_trip_and_its_delete_unlinks_campaigns(binom: Api) -> None:
    rotation = binom.post("/rotation", json={"name": "Geo split"}).json()["id"]
    assert binom.get(f"/rotation/{rotation}").json() == {"id": rotation, "name": "Geo split"}
    assert binom.put(f"/rotation/{rotation}", json={"name": "Geo split 2"}).json()["name"] == "Geo split 2"
    assert {"id": rotation, "name": "Geo split 2", "accessLevel": "full"} in binom.get("/rotation/list/filtered").json()
    campaign = binom.post("/campaign", json={**CAMPAIGN, "rotationId": rotation}).json()["id"]
    assert binom.get(f"/campaign/{campaign}").json()["rotationId"] == rotation
    assert binom.delete(f"/rotation/{rotation}").status_code == 204
    error(binom.get(f"/rotation/{rotation}"), 404, "NotFound")
    assert rotation not in [item["id"] for item in binom.get("/rotation/list/filtered").json()]
    assert [item["id"] for item in binom.get("/rotation/list/filtered", params={"status": "deleted"}).json()] == [
        rotation
    ]
    assert binom.get(f"/campaign/{campaign}").json()["rotationId"] is None  # the campaign stays, unlinked
    error(binom.post("/campaign", json={**CAMPAIGN, "rotationId": rotation}), 404, "NotFound")
    assert binom.patch(f"/rotation/{rotation}").json() == {"id": rotation, "name": "Geo split 2"}
    assert binom.get(f"/rotation/{rotation}").status_code == 200
    assert binom.get(f"/campaign/{campaign}").json()["rotationId"] is None  # a restore undoes no cascade


@pytest.mark.parametrize("stem", ["campaign", "offer", "landing", "traffic_source", "affiliate_network", "rotation"])
def test_every_entity_renames_and_restores(binom: Api, stem: str) -> None:
    before = binom.get(f"/{stem}/1").json()
    renamed = binom.put(f"/{stem}/1/rename", json={"name": "Renamed"}).json()
    assert renamed == {**before, "name": "Renamed"}  # only the name changes
    assert binom.delete(f"/{stem}/1").status_code == 204
    error(binom.get(f"/{stem}/1"), 404, "NotFound")
    error(binom.put(f"/{stem}/1/rename", json={"name": "Again"}), 404, "NotFound")
    assert binom.patch(f"/{stem}/1").json() == renamed
    assert binom.get(f"/{stem}/1").json() == renamed
    assert 1 in [item["id"] for item in binom.get(f"/{stem}/list/filtered").json()]
    assert binom.patch(f"/{stem}/1").json() == renamed  # restoring a live entity changes nothing
    error(binom.patch(f"/{stem}/999"), 404, "NotFound")
    error(binom.put(f"/{stem}/1/rename", json={"name": ""}), 400, "Webmozart.Assert.InvalidArgumentException")


def test_a_campaign_restores_only_with_a_free_key_and_a_live_source(binom: Api) -> None:
    original = binom.get("/campaign/1").json()
    binom.delete("/campaign/1")
    taken = binom.post("/campaign", json={**CAMPAIGN, "key": original["key"]}).json()["id"]
    error(binom.patch("/campaign/1"), 409, "Conflict")
    error(binom.get("/campaign/1"), 404, "NotFound")  # still deleted
    binom.delete(f"/campaign/{taken}")
    assert binom.patch("/campaign/1").json()["key"] == original["key"]
    binom.delete(f"/traffic_source/{original['trafficSourceId']}")  # deletes the campaign with it
    error(binom.patch("/campaign/1"), 404, "NotFound")


def test_restricted_user_renames_and_restores_only_what_a_grant_allows(binom: Api) -> None:
    user = restricted(binom)
    assert user.get("/rotation/1").status_code == 200
    assert user.get("/rotation/list/filtered").json()[0]["accessLevel"] == "read"
    error(user.post("/rotation", json={"name": "Mine"}), 403, "AccessDenied")
    error(user.put("/rotation/1/rename", json={"name": "Mine"}), 403, "AccessDenied")
    assert user.put("/campaign/1/rename", json={"name": "Granted"}).json()["name"] == "Granted"  # modify grant
    error(user.put("/campaign/3/rename", json={"name": "Read only"}), 403, "AccessDenied")
    error(user.put("/campaign/4/rename", json={"name": "Not granted"}), 403, "AccessDenied")
    binom.delete("/offer/1")
    error(user.patch("/offer/1"), 403, "AccessDenied")
    binom.delete("/campaign/1")
    assert user.patch("/campaign/1").json()["name"] == "Granted"
    binom.delete("/campaign/3")
    error(user.patch("/campaign/3"), 403, "AccessDenied")


def test_group_round_trip_with_uuid_ids_and_its_delete_ungroups(binom: Api) -> None:
    group = binom.post("/group", json={"name": "Push 2"}).json()["id"]
    assert UUID.match(group)
    assert binom.get(f"/group/{group}").json() == {"id": group, "name": "Push 2"}
    assert binom.put(f"/group/{group}", json={"name": "Pops 2"}).json() == {"id": group, "name": "Pops 2"}
    assert binom.put(f"/group/{group}/rename", json={"name": "Native 2"}).json()["name"] == "Native 2"
    assert {"id": group, "name": "Native 2", "accessLevel": "full"} in binom.get("/group/list/filtered").json()
    campaign = binom.post("/campaign", json={**CAMPAIGN, "groupUuid": group}).json()["id"]
    assert binom.delete(f"/group/{group}").status_code == 204
    error(binom.get(f"/group/{group}"), 404, "NotFound")
    assert group not in [item["id"] for item in binom.get("/group/list/filtered").json()]
    assert binom.get(f"/campaign/{campaign}").json()["groupUuid"] is None  # the campaign stays, ungrouped
    assert binom.patch(f"/group/{group}").json() == {"id": group, "name": "Native 2"}
    assert binom.get(f"/group/{group}").status_code == 200
    error(binom.get("/group/3fa85f64-5717-4562-b3fc-2c963f66afa6"), 404, "NotFound")
    user = restricted(binom)
    assert user.get(f"/group/{group}").status_code == 200
    error(user.put(f"/group/{group}/rename", json={"name": "Mine"}), 403, "AccessDenied")
    error(user.delete(f"/group/{group}"), 403, "AccessDenied")
