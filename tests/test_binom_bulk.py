"""Binom's bulk campaign changes, partial modify, owners and pauses through HTTP: all or nothing, grants enforced."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .conftest import Api
from .test_binom import error, restricted

YESTERDAY = {"datePreset": "yesterday", "timezone": "UTC"}


def campaign(binom: Api, number: int) -> dict[str, Any]:
    response = binom.get(f"/campaign/{number}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def domain_ids(binom: Api) -> list[str]:
    return [item["id"] for item in binom.get("/domain/list/filtered").json()]


def test_change_cost_sets_the_cost_and_the_stats_follow(binom: Api) -> None:
    response = binom.post("/campaign/change_cost", json={"campaignIds": [1, 2], "costModel": "CPC", "amount": 0.5})
    assert response.status_code == 200 and response.json() == {"campaignIds": [1, 2]}, response.text
    for number in (1, 2):
        assert campaign(binom, number)["cost"] == {
            "model": "CPC",
            "money": {"amount": 0.5, "currency": "USD"},
            "isAuto": False,
        }
    rows = {row["id"]: row for row in binom.get("/stats/campaign", params=YESTERDAY).json()[:-1]}
    assert Decimal(rows["1"]["cost"]) == Decimal(rows["1"]["clicks"]) * Decimal("0.5")


def test_change_setting_merges_into_each_campaigns_settings(binom: Api) -> None:
    before = campaign(binom, 2)["campaignSettings"]
    body = {"campaignIds": [2, 3], "campaignSettings": {"postbackPercent": 80}}
    assert binom.post("/campaign/change_setting", json=body).status_code == 200
    assert campaign(binom, 2)["campaignSettings"] == before | {"postbackPercent": 80}


@pytest.mark.parametrize(
    ("path", "field", "body"),
    [("change_group", "groupUuid", {"groupUuid": None}), ("change_traffic_distribution_info", "distributionType",
     {"distributionType": "ROUND_ROBIN"})],
)  # fmt: skip
def test_group_and_distribution_changes(binom: Api, path: str, field: str, body: dict[str, Any]) -> None:
    assert binom.post(f"/campaign/{path}", json={"campaignIds": [1, 4], **body}).status_code == 200
    assert campaign(binom, 1)[field] == campaign(binom, 4)[field] == body[field]


def test_a_bulk_change_is_all_or_nothing(binom: Api) -> None:
    before = [campaign(binom, number) for number in (1, 2)]
    error(binom.post("/campaign/change_cost", json={"campaignIds": [1, 2, 999], "amount": 9}), 404, "NotFound")
    unknown = {"campaignIds": [1, 2], "domainUuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
    assert error(binom.post("/campaign/change_domain", json=unknown), 404, "NotFound").startswith("Domain ")
    # the restricted user may modify 1 and 2, only read 3
    error(
        restricted(binom).post("/campaign/change_cost", json={"campaignIds": [1, 2, 3], "amount": 9}),
        403,
        "AccessDenied",
    )
    assert [campaign(binom, number) for number in (1, 2)] == before
    assert restricted(binom).post("/campaign/change_cost", json={"campaignIds": [1, 2], "amount": 9}).status_code == 200


def test_change_domain_and_switch_domain_move_campaigns_between_domains(binom: Api) -> None:
    main, backup = domain_ids(binom)
    assert binom.post("/campaign/change_domain", json={"campaignIds": [1, 2], "domainUuid": main}).status_code == 200
    assert binom.get(f"/domain/{main}").json()["campaignsCount"] == 2
    moved = binom.post("/campaign/switch_domain", json={"fromDomainUuid": main, "toDomainUuid": backup})
    assert moved.json() == {"campaignIds": [1, 2]}
    assert campaign(binom, 1)["domainUuid"] == backup and binom.get(f"/domain/{main}").json()["campaignsCount"] == 0
    error(restricted(binom).post("/campaign/switch_domain", json={"fromDomainUuid": backup, "toDomainUuid": main}),
          403, "AccessDenied")  # fmt: skip


def test_owner_is_set_and_removed_by_the_administrator_only(binom: Api) -> None:
    assert binom.post("/campaign/3/owner", json={"userId": 2}).json() == {"campaignId": 3, "ownerId": 2}
    assert campaign(binom, 3)["ownerId"] == 2
    error(binom.post("/campaign/3/owner", json={"userId": 99}), 404, "NotFound")
    error(restricted(binom).delete("/campaign/1/owner"), 403, "AccessDenied")
    assert binom.delete("/campaign/3/owner").json() == {"campaignId": 3, "ownerId": None}
    assert campaign(binom, 3)["ownerId"] is None


def test_modify_changes_only_the_fields_sent(binom: Api) -> None:
    before = campaign(binom, 1)
    response = binom.patch("/campaign/modify/1", json={"name": "Renamed by PATCH", "cost": 0.07})
    assert response.status_code == 200, response.text
    after = response.json()
    assert after["name"] == "Renamed by PATCH" and after["cost"]["money"]["amount"] == 0.07
    assert {k: v for k, v in after.items() if k not in ("name", "cost")} == {
        k: v for k, v in before.items() if k not in ("name", "cost")}  # fmt: skip
    error(binom.patch("/campaign/modify/1", json={"trafficSourceId": 999}), 404, "NotFound")
    error(binom.patch("/campaign/modify/1", json={"key": campaign(binom, 2)["key"]}), 409, "Conflict")
    error(restricted(binom).patch("/campaign/modify/3", json={"name": "x"}), 403, "AccessDenied")  # read grant
    assert campaign(binom, 1) == after


def _routes(binom: Api, number: int) -> dict[str, int]:
    """Yesterday's clicks of the campaign by `path` grouping (the 1-based default path)."""
    params = {"groupings[]": "path", "ids[]": number, **YESTERDAY}
    return {
        row["entity_id"]: int(row["clicks"]) for row in binom.get("/report/campaign", params=params).json()["report"]
    }


def test_pausing_a_path_landing_or_offer_takes_its_traffic_away(binom: Api) -> None:
    number = next(n for n in range(1, 10) if len(campaign(binom, n)["customRotation"]["defaultPaths"]) == 2)
    assert set(_routes(binom, number)) == {"1", "2"}
    paused = binom.put("/campaign/path/pause", json={"campaignId": number, "path": 2})
    assert paused.status_code == 200 and paused.json()["customRotation"]["defaultPaths"][1]["enabled"] is False
    assert set(_routes(binom, number)) == {"1"}
    error(binom.put("/campaign/path/pause", json={"campaignId": number, "path": 3}), 404, "NotFound")
    offers = [entry["offerId"] for entry in campaign(binom, number)["customRotation"]["defaultPaths"][0]["offers"]]
    for offer in offers:
        assert binom.put("/campaign/offer/pause", json={"campaignId": number, "offerId": offer}).status_code == 200
    assert all(not entry["enabled"] for entry in campaign(binom, number)["customRotation"]["defaultPaths"][0]["offers"])
    error(binom.put("/campaign/landing/pause", json={"campaignId": number, "landingId": 999}), 404, "NotFound")
    landing = campaign(binom, number)["customRotation"]["defaultPaths"][0]["landings"][0]["id"] or None
    if landing:
        assert (
            binom.put("/campaign/landing/pause", json={"campaignId": number, "landingId": landing}).status_code == 200
        )
    error(restricted(binom).put("/campaign/path/pause", json={"campaignId": 3, "path": 1}), 403, "AccessDenied")


def test_a_wrong_method_on_a_bulk_path_allows_the_bulk_method_not_the_campaigns(binom: Api) -> None:
    response = binom.get("/campaign/change_cost")  # also fits /campaign/{id}, but an id is an integer
    error(response, 405, "MethodNotAllowed")
    assert response.headers["Allow"] == "POST"
    assert binom.request("POST", "/campaign/1").headers["Allow"] == "DELETE, GET, HEAD, PATCH, PUT"
