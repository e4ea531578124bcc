"""BannerTrackr behaviour through HTTP: CRUD round trips, cascades, plan limits, validation and seed data."""

from __future__ import annotations

from typing import Any

from .conftest import BT, GROWTH_RW, PRO_RW, STARTER_RW, Api, make_app

PLACEMENT = {
    "siteId": "site_123", "name": "Header Banner", "destinationUrl": "https://example.com", "status": "active",
    "startDate": "2024-01-01", "endDate": "2099-03-31", "renewalDate": "2024-03-15", "rate": 500,
    "billingModel": "flat", "currency": "USD", "advertiserId": "adv_123",
    "utm": {"source": "newsletter", "medium": "email", "campaign": "spring-2024", "term": "banner", "content": "header"},
}  # fmt: skip


def test_doc_examples_exist_verbatim(bt: Api) -> None:
    me = bt.get("/me").json()["data"]
    assert (me["id"], me["email"], me["plan"]) == ("user_123", "you@example.com", "growth")
    assert me["usage"] | {"placements": 0} == {"sites": 5, "sitesLimit": 10, "apiKeys": 2, "apiKeysLimit": 5,
                                               "placements": 0, "placementsLimit": 50}  # fmt: skip
    assert me["limits"] == {"impressionsPerMonth": 500000, "clicksPerMonth": 50000, "apiRequestsPerMinute": 120}
    site = bt.get("/sites/site_123").json()["data"]
    assert site | {"placementCount": 5} == {
        "id": "site_123", "name": "My Newsletter", "type": "newsletter", "domain": "newsletter.example.com",
        "placementCount": 5, "createdAt": "2024-01-15T10:30:00Z", "updatedAt": "2024-01-20T14:00:00Z",
    }  # fmt: skip
    placement = bt.get("/placements/plc_123").json()["data"]
    assert placement["pixelId"] == "abc123def456"
    assert placement["advertiser"] == {
        "id": "adv_123",
        "name": "John Smith",
        "email": "john@acme.com",
        "companyName": "Acme Corp",
    }
    assert placement["endDate"] == "2024-03-31T23:59:59Z" and placement["status"] == "expired"


def test_tracking_urls_point_at_the_mock_host(bt: Api) -> None:
    urls = bt.get("/placements/plc_123", headers={"Host": "mock.test:9000"}).json()["data"]["trackingUrls"]
    assert urls == {
        "pixel": "http://mock.test:9000/bannertrackr/api/track/pixel.gif?p=abc123def456",
        "image": "http://mock.test:9000/bannertrackr/api/track/img/abc123def456",
        "click": "http://mock.test:9000/bannertrackr/api/track/click/abc123def456",
    }


def test_site_crud_round_trip(bt: Api) -> None:
    created = bt.post("/sites", json={"name": "Blog", "type": "website", "domain": "blog.example.com"})
    assert created.status_code == 201
    site = created.json()["data"]
    assert site["placementCount"] == 0 and site["createdAt"] == site["updatedAt"]
    assert bt.get(f"/sites/{site['id']}").json()["data"] == site
    assert site["id"] in {s["id"] for s in bt.all("/sites")}
    updated = bt.put(f"/sites/{site['id']}", json={"name": "Blog 2", "domain": None}).json()["data"]
    assert (updated["name"], updated["type"], updated["domain"]) == ("Blog 2", "website", None)
    assert bt.delete(f"/sites/{site['id']}").json() == {
        "success": True,
        "message": "Site deleted",
        "deletedPlacements": 0,
    }
    assert bt.get(f"/sites/{site['id']}").status_code == 404


def test_placement_crud_and_null_clears(bt: Api) -> None:
    created = bt.post("/placements", json=PLACEMENT)
    assert created.status_code == 201, created.text
    placement = created.json()["data"]
    assert placement["startDate"] == "2024-01-01T00:00:00Z" and placement["endDate"] == "2099-03-31T23:59:59Z"
    assert placement["site"] == {"id": "site_123", "name": "My Newsletter"} and placement["status"] == "active"
    assert bt.get(f"/placements/{placement['id']}").json()["data"] == placement
    changed = bt.put(
        f"/placements/{placement['id']}",
        json={"advertiserId": None, "rate": None, "utm": {"term": None}, "status": "paused"},
    ).json()["data"]
    assert changed["advertiser"] is None and changed["rate"] is None and changed["status"] == "paused"
    assert changed["utm"] == {**PLACEMENT["utm"], "term": None}  # utm keys merge; null clears one
    assert bt.put(f"/placements/{placement['id']}", json={"utm": None}).json()["data"]["utm"] == dict.fromkeys(
        PLACEMENT["utm"]
    )
    assert bt.delete(f"/placements/{placement['id']}").json() == {"success": True, "message": "Placement deleted"}
    assert bt.get(f"/placements/{placement['id']}").status_code == 404


def test_site_id_cannot_be_changed(bt: Api) -> None:
    response = bt.put("/placements/plc_123", json={"siteId": "site_other"})
    assert response.status_code == 400
    assert response.json()["error"] == "Validation error"


def test_deleting_a_site_cascades_to_its_placements(bt: Api) -> None:
    placement_ids = [p["id"] for p in bt.all("/placements", siteId="site_123")]
    assert len(placement_ids) == 5
    before = len(bt.all("/placements"))
    assert bt.delete("/sites/site_123").json()["deletedPlacements"] == 5
    for placement_id in placement_ids:
        assert bt.get(f"/placements/{placement_id}").status_code == 404
        assert bt.get(f"/placements/{placement_id}/stats").status_code == 404
    assert len(bt.all("/placements")) == before - 5
    assert bt.get("/me").json()["data"]["usage"]["sites"] == 4


def test_filters_by_site_and_status(bt: Api, clock: Any) -> None:
    on_site = bt.all("/placements", siteId="site_123")
    assert {p["site"]["id"] for p in on_site} == {"site_123"}
    everything = bt.all("/placements")
    for status in ("active", "paused", "expired"):
        assert [p["id"] for p in bt.all("/placements", status=status)] == [
            p["id"] for p in everything if p["status"] == status
        ]
    assert "plc_123" in {p["id"] for p in bt.all("/placements", status="expired")}


def test_site_plan_limit_is_403_with_the_docs_body(bt: Api) -> None:
    starter = Api(bt.client, bt.base, STARTER_RW)  # Starter: 3 sites, 2 seeded
    assert starter.post("/sites", json={"name": "third", "type": "website"}).status_code == 201
    refused = starter.post("/sites", json={"name": "fourth", "type": "website"})
    assert refused.status_code == 403
    assert refused.json() == {"error": "Site limit reached", "limit": 3, "current": 3, "upgradeUrl": "/pricing"}
    assert len(starter.all("/sites")) == 3


def test_placement_plan_limit() -> None:
    bt = Api(make_app(enforce_rate_limits=False).test_client(), BT, GROWTH_RW)
    used = bt.get("/me").json()["data"]["usage"]["placements"]
    for _ in range(50 - used):
        assert bt.post("/placements", json={"siteId": "site_123", "name": "more"}).status_code == 201
    refused = bt.post("/placements", json={"siteId": "site_123", "name": "one too many"})
    assert refused.status_code == 403
    assert refused.json() == {"error": "Placement limit reached", "limit": 50, "current": 50, "upgradeUrl": "/pricing"}


def test_semantic_validation_rejects_without_writing(bt: Api) -> None:
    before = bt.all("/placements")
    cases = [
        ({**PLACEMENT, "advertiserId": "adv_nope"}, "Advertiser not found"),
        ({**PLACEMENT, "startDate": "2024-05-01", "endDate": "2024-04-30"}, "endDate is before startDate"),
        ({**PLACEMENT, "startDate": "2024-02-30"}, "Validation error"),
        ({**PLACEMENT, "destinationUrl": "javascript:alert(1)"}, "Validation error"),
        ({**PLACEMENT, "billingModel": "barter"}, "Validation error"),
        ({"name": "no site"}, "Validation error"),
    ]
    for body, error in cases:
        response = bt.post("/placements", json=body)
        assert (response.status_code, response.json()["error"]) == (400, error), body
    assert bt.all("/placements") == before
    # An update that fails validation leaves the record as it was.
    original = bt.get("/placements/plc_123").json()["data"]
    assert bt.put("/placements/plc_123", json={"name": "renamed", "endDate": "2023-01-01"}).status_code == 400
    assert bt.get("/placements/plc_123").json()["data"] == original


def test_advertiser_of_another_account_is_rejected(bt: Api) -> None:
    response = bt.post(
        "/placements", key=PRO_RW, json={"siteId": _first_site(bt, PRO_RW), "name": "x", "advertiserId": "adv_123"}
    )
    assert response.status_code == 400


def test_same_seed_same_data_other_seed_other_data() -> None:
    def snapshot(seed: int) -> list[Any]:
        api = Api(make_app(seed=seed).test_client(), BT, PRO_RW)
        return [api.all("/sites"), api.all("/placements")]

    assert snapshot(7) == snapshot(7)
    assert snapshot(7) != snapshot(8)


def _first_site(bt: Api, key: str) -> str:
    return str(bt.get("/sites", key=key).json()["data"][0]["id"])
