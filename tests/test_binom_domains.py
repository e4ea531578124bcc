"""Binom's tracking domains and conversions through HTTP: CRUD, soft delete and restore, references, access."""

from __future__ import annotations

from .conftest import Api
from .test_binom import CAMPAIGN, UUID, error, restricted

DOMAIN = {"name": "Spare", "domain": "Spare.Example.org", "isSsl": True}


def test_domain_crud_with_soft_delete_and_restore(binom: Api) -> None:
    created = binom.post("/domain", json=DOMAIN)
    assert created.status_code == 200, created.text
    domain_id = created.json()["id"]
    assert UUID.match(domain_id)
    got = binom.get(f"/domain/{domain_id}").json()
    assert got | {"createdAt": "x"} == {
        "id": domain_id, "name": "Spare", "domain": "spare.example.org", "isBanned": False, "createdAt": "x",
        "expiresAt": None, "indexPage": "blank_page", "isSsl": True, "certificateError": "", "checkError": "",
        "isDefault": False, "campaignsCount": 0, "campaignName": "",
    }  # fmt: skip
    assert binom.put(f"/domain/{domain_id}/rename", json={"name": "Spare 2"}).json()["name"] == "Spare 2"
    updated = binom.put(f"/domain/{domain_id}", json={"name": "Spare 3", "domain": "spare.example.org"}).json()
    assert (updated["name"], updated["isSsl"], updated["createdAt"]) == ("Spare 3", False, got["createdAt"])
    assert binom.delete(f"/domain/{domain_id}").status_code == 204
    error(binom.get(f"/domain/{domain_id}"), 404, "NotFound")
    assert [item["id"] for item in binom.get("/domain/list/filtered", params={"status": "deleted"}).json()] == [
        domain_id
    ]
    assert binom.patch(f"/domain/{domain_id}").json()["name"] == "Spare 3"
    assert binom.get(f"/domain/{domain_id}").status_code == 200


def test_one_default_domain_at_a_time(binom: Api) -> None:
    domain_id = binom.post("/domain", json=DOMAIN | {"isDefault": True}).json()["id"]
    defaults = [item["id"] for item in binom.get("/domain/list/filtered").json() if item["isDefault"]]
    assert defaults == [domain_id]


def test_campaigns_name_live_domains_and_lose_them_when_deleted(binom: Api) -> None:
    domain_id = binom.post("/domain", json=DOMAIN).json()["id"]
    error(
        binom.post("/campaign", json=CAMPAIGN | {"domainUuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}), 404, "NotFound"
    )
    campaign_id = binom.post("/campaign", json=CAMPAIGN | {"domainUuid": domain_id}).json()["id"]
    domain = binom.get(f"/domain/{domain_id}").json()
    assert (domain["campaignsCount"], domain["campaignName"]) == (1, CAMPAIGN["name"])
    assert binom.delete(f"/domain/{domain_id}").status_code == 204
    assert binom.get(f"/campaign/{campaign_id}").json()["domainUuid"] is None


def test_conversion_crud(binom: Api) -> None:
    created = binom.post("/conversion", json={"name": "Sale", "status": "sale", "payoutPercent": 50})
    assert created.status_code == 200, created.text
    conversion_id = created.json()["id"]
    assert binom.get(f"/conversion/{conversion_id}").json() == {"id": conversion_id, "name": "Sale", "status": "sale",
                                                                 "payoutPercent": 50}  # fmt: skip
    assert binom.put(f"/conversion/{conversion_id}", json={"name": "Sale 2"}).json()["status"] == ""
    assert binom.put(f"/conversion/{conversion_id}/rename", json={"name": "Sale 3"}).json()["name"] == "Sale 3"
    listed = binom.get("/conversion/list/filtered", params={"name": "sale"}).json()
    assert listed == [{"id": conversion_id, "name": "Sale 3", "status": "", "accessLevel": "full"}]
    assert binom.delete(f"/conversion/{conversion_id}").status_code == 204
    error(binom.get(f"/conversion/{conversion_id}"), 404, "NotFound")
    assert binom.patch(f"/conversion/{conversion_id}").status_code == 200
    error(binom.post("/conversion", json={"name": "Bad", "status": "has space"}), 400,
          "Webmozart.Assert.InvalidArgumentException")  # fmt: skip


def test_restricted_users_read_domains_and_conversions_but_never_write(binom: Api) -> None:
    user = restricted(binom)
    domain_id = binom.get("/domain/list/filtered").json()[0]["id"]
    assert user.get(f"/domain/{domain_id}").status_code == 200 and user.get("/conversion/1").status_code == 200
    assert {item["accessLevel"] for item in user.get("/conversion/list/filtered").json()} == {"read"}
    for response in (user.post("/domain", json=DOMAIN), user.put(f"/domain/{domain_id}/rename", json={"name": "x"}),
                     user.delete(f"/domain/{domain_id}"), user.post("/conversion", json={"name": "x"}),
                     user.delete("/conversion/1"), user.patch("/conversion/1")):  # fmt: skip
        error(response, 403, "AccessDenied")
    assert binom.get(f"/domain/{domain_id}").status_code == 200 and binom.get("/conversion/1").status_code == 200
