"""Binom's `GET /<entity>/{id}/clone` through HTTP: one generic copy for every entity, with its access rules."""

from __future__ import annotations

import pytest

from .conftest import Api
from .test_binom import error, restricted

# (path stem, an id the seed holds, the field the GET answer names it by)
SEEDED = [("affiliate_network", 1), ("campaign", 1), ("conversion", 2), ("landing", 1), ("offer", 1), ("rotation", 1),
          ("traffic_source", 1)]  # fmt: skip


def _uuid_of(binom: Api, kind: str) -> str:
    return str(binom.get(f"/{kind}/list/filtered").json()[0]["id"])


@pytest.mark.parametrize(("kind", "seeded"), [*SEEDED, ("group", None), ("domain", None)])
def test_a_clone_is_a_new_record_with_the_same_fields_and_a_copy_name(
    binom: Api, kind: str, seeded: int | None
) -> None:
    original_id = seeded if seeded is not None else _uuid_of(binom, kind)
    original = binom.get(f"/{kind}/{original_id}").json()
    response = binom.get(f"/{kind}/{original_id}/clone")
    assert response.status_code == 200, response.text
    new_id = response.json()["id"]
    assert new_id != original_id and set(response.json()) == {"id"}
    copy = binom.get(f"/{kind}/{new_id}").json()
    assert copy["name"] == f"{original['name']} (copy)"
    ignored = {"id", "name", "key", "link", "isDefault", "createdAt"}  # what a copy must not share
    assert {k: v for k, v in copy.items() if k not in ignored} == {
        k: v for k, v in original.items() if k not in ignored
    }
    assert binom.get(f"/{kind}/{original_id}").json() == original  # the original is untouched
    names = [item["name"] for item in binom.get(f"/{kind}/list/filtered", params={"limit": 1000}).json()]
    assert original["name"] in names and copy["name"] in names


def test_a_cloned_campaign_gets_its_own_key_and_no_history(binom: Api) -> None:
    original = binom.get("/campaign/1").json()
    copy = binom.get(f"/campaign/{binom.get('/campaign/1/clone').json()['id']}").json()
    assert copy["key"] != original["key"] and copy["link"].endswith(f"key={copy['key']}")
    assert copy["customRotation"] == original["customRotation"]
    stats = {row["id"]: row for row in binom.get("/stats/campaign", params={"datePreset": "all_time"}).json()}
    assert int(stats["1"]["clicks"]) > 0 and stats[str(copy["id"])]["clicks"] == "0"


def test_a_domain_clone_is_never_the_default(binom: Api) -> None:
    default = next(item for item in binom.get("/domain/list/filtered").json() if item["isDefault"])
    new_id = binom.get(f"/domain/{default['id']}/clone").json()["id"]
    copy = binom.get(f"/domain/{new_id}").json()
    assert copy["domain"] == default["domain"] and copy["isDefault"] is False


def test_unknown_and_deleted_records_are_404(binom: Api) -> None:
    assert error(binom.get("/offer/999/clone"), 404, "NotFound") == "Offer 999 not found"
    assert binom.delete("/offer/2").status_code == 204
    error(binom.get("/offer/2/clone"), 404, "NotFound")
    error(binom.get("/campaign/10/clone"), 404, "NotFound")  # the seeded deleted campaign


@pytest.mark.parametrize(("kind", "seeded"), SEEDED)
def test_restricted_users_cannot_clone(binom: Api, kind: str, seeded: int) -> None:
    before = len(binom.get(f"/{kind}/list/filtered", params={"limit": 1000}).json())
    error(restricted(binom).get(f"/{kind}/{seeded}/clone"), 403, "AccessDenied")
    assert len(binom.get(f"/{kind}/list/filtered", params={"limit": 1000}).json()) == before


def test_a_restricted_user_sees_404_before_403_and_not_ungranted_campaigns(binom: Api) -> None:
    error(restricted(binom).get("/campaign/999/clone"), 404, "NotFound")
    assert "campaign 5" in error(restricted(binom).get("/campaign/5/clone"), 403, "AccessDenied")
