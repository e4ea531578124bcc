"""Binom users through HTTP: create, edit, delete, clone, identity, login and password, flags, the events log, 2FA."""

from __future__ import annotations

import pytest

from mockserver.apis.binom import twofactor
from mockserver.apis.binom.seed import DEMO_PASSWORD

from .conftest import BINOM_RESTRICTED, Api
from .test_binom import error, restricted


def as_key(binom: Api, key: str) -> Api:
    return Api(binom.client, binom.base, key, header="api-key", prefix="")


def new_user(binom: Api, login: str = "buyer_3", role: str = "user") -> tuple[int, Api]:
    """A user made through the API, and a client with its own key."""
    created = binom.post("/user/create", json={"login": login, "password": "a-secret", "role": role})
    assert created.status_code == 200, created.text
    user_id = created.json()["id"]
    return user_id, as_key(binom, binom.get(f"/identity/api_key/{user_id}").json()["apiKey"])


def test_a_created_user_has_its_own_key_and_no_campaigns_until_granted(binom: Api) -> None:
    user_id, user = new_user(binom)
    assert user.get("/user/role").json() == {"id": user_id, "role": "user"}
    assert user.get("/campaign/list/filtered").json() == []
    error(user.get("/campaign/1"), 403, "AccessDenied")
    granted = binom.post("/campaign/1/permissions", json={"userIds": [user_id], "accessLevel": "read"})
    assert {"userId": user_id, "login": "buyer_3", "accessLevel": "read"} in granted.json()
    assert [item["id"] for item in user.get("/campaign/list/filtered").json()] == [1]
    assert user.get("/campaign/1").status_code == 200
    error(user.put("/campaign/1/rename", json={"name": "mine"}), 403, "AccessDenied")  # read only
    stats = user.get("/stats/campaign", params={"datePreset": "last_7_days"}).json()
    assert {row["id"] for row in stats[:-1]} == {"1"}  # seeded campaign 1 has traffic every day


def test_grants_drive_every_operation_and_revoking_takes_them_back(binom: Api) -> None:
    user = restricted(binom)
    assert user.get("/campaign/4").status_code == 403
    binom.post("/campaign/4/permissions", json={"userIds": [2], "accessLevel": "modify"})
    assert user.put("/campaign/4/rename", json={"name": "now mine"}).status_code == 200
    assert user.get("/binom/protect/campaign/4/settings").status_code == 200
    revoked = binom.delete("/campaign/4/permissions", params={"userIds[]": [2]})
    assert all(grant["userId"] != 2 for grant in revoked.json())
    for answer in (user.get("/campaign/4"), user.get("/binom/protect/campaign/4/settings"),
                   user.post("/report/mark/campaign/4", json={"token": "token_1", "value": "1", "mark": "bad"})):  # fmt: skip
        error(answer, 403, "AccessDenied")
    assert 4 not in [item["id"] for item in user.get("/campaign/list/filtered").json()]


def test_only_an_administrator_manages_users_and_grants(binom: Api) -> None:
    user = restricted(binom)
    for answer in (user.post("/user/create", json={"login": "x", "password": "secret1"}), user.delete("/user/1"),
                   user.post("/campaign/1/permissions", json={"userIds": [2], "accessLevel": "modify"}),
                   user.get("/campaign/1/permissions"), user.get("/identity/1"), user.get("/identity/api_key/1"),
                   user.put("/user/2/hide_profit", json={"hideProfit": False}), user.post("/identity/api_key/block/1")):  # fmt: skip
        error(answer, 403, "AccessDenied")
    assert user.get("/identity/2").json()["login"] == "media_buyer"  # its own


def test_nobody_locks_itself_out(binom: Api) -> None:
    for answer in (binom.delete("/user/1"), binom.post("/identity/api_key/block/1"),
                   binom.put("/user/1/edit", json={"role": "user"}),
                   binom.put("/user/1/can_create_users", json={"canCreateUsers": False})):  # fmt: skip
        error(answer, 403, "AccessDenied")
    assert binom.get("/user/role").json() == {"id": 1, "role": "admin"}


def test_an_administrator_has_no_grants_to_set(binom: Api) -> None:
    error(binom.post("/campaign/1/permissions", json={"userIds": [1], "accessLevel": "read"}), 409, "Conflict")
    error(binom.put("/user/1/hide_profit", json={"hideProfit": True}), 409, "Conflict")
    error(binom.get("/user/2/accessible-users"), 409, "Conflict")


def test_user_permissions_body_replaces_campaign_grants_and_shows_in_identity(binom: Api) -> None:
    body = {"permissions": [{"subject": "CAMPAIGN", "readUuids": [5, 6], "modifyUuids": [6]},
                            {"subject": "LANDING", "readUuids": [1]}]}  # fmt: skip
    identity = binom.put("/user/2/permissions", json=body).json()
    campaign = identity["permissions"][0]
    assert [entry["id"] for entry in campaign["read"]] == [5] and [entry["id"] for entry in campaign["modify"]] == [6]
    assert identity["permissions"][1]["subject"] == "LANDING"
    assert binom.get("/identity/2").json() == identity
    user = restricted(binom)
    assert sorted(item["id"] for item in user.get("/campaign/list/filtered").json()) == [5, 6]
    error(user.get("/campaign/1"), 403, "AccessDenied")  # its earlier grants are gone
    error(binom.put("/user/2/permissions", json={"permissions": [{"subject": "CAMPAIGN", "readUuids": [999]}]}), 404,
          "NotFound")  # fmt: skip
    assert binom.get("/identity/2").json() == identity  # nothing changed


def test_refresh_issues_a_new_key_and_the_old_one_stops_working(binom: Api) -> None:
    old = binom.get("/identity/api_key/2").json()
    assert old == {"userId": 2, "apiKey": BINOM_RESTRICTED, "isBlocked": False}
    new = binom.put("/identity/api_key/refresh/2").json()
    assert new["apiKey"] != BINOM_RESTRICTED and not new["isBlocked"]
    error(restricted(binom).get("/user/role"), 401, "Unauthorized")
    assert as_key(binom, new["apiKey"]).get("/user/role").json() == {"id": 2, "role": "user"}


def test_a_blocked_key_gets_403_until_unblocked(binom: Api) -> None:
    assert binom.post("/identity/api_key/block/2").json()["isBlocked"] is True
    assert error(restricted(binom).get("/campaign/1"), 403, "AccessDenied").startswith("API key is blocked")
    assert binom.post("/identity/api_key/unblock/2").json()["isBlocked"] is False
    assert restricted(binom).get("/campaign/1").status_code == 200


def test_deleting_a_user_removes_its_keys_and_own_records(binom: Api) -> None:
    user_id, user = new_user(binom)
    uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert user.post(f"/report/preset/campaign/{uuid}", json={"name": "p", "groupings": ["offer"]}).status_code == 200
    assert binom.delete(f"/user/{user_id}").status_code == 204
    error(user.get("/user/role"), 401, "Unauthorized")
    error(binom.get(f"/identity/{user_id}"), 404, "NotFound")
    assert list(binom.state.store.table("binom", "report_presets").rows(f"user:{user_id}")) == []
    _, again = new_user(binom, "buyer_4")  # should it get the same id, it starts empty
    assert again.get("/report/preset/campaign").json() == []


def test_edit_changes_login_and_role_and_a_taken_login_is_409(binom: Api) -> None:
    user_id, _ = new_user(binom)
    edited = binom.put(f"/user/{user_id}/edit", json={"login": "lead_buyer", "role": "admin"}).json()
    assert (edited["login"], edited["role"], edited["canCreateUsers"]) == ("lead_buyer", "admin", False)
    error(binom.put(f"/user/{user_id}/edit", json={"login": "admin"}), 409, "Conflict")
    error(binom.post("/user/create", json={"login": "media_buyer", "password": "secret1"}), 409, "Conflict")


def test_an_administrator_creates_users_only_if_allowed(binom: Api) -> None:
    admin_id, other_admin = new_user(binom, "second_admin", role="admin")
    assert binom.get(f"/user/{admin_id}/can_create_users").json() == {"userId": admin_id, "canCreateUsers": False}
    error(other_admin.post("/user/create", json={"login": "x1", "password": "secret1"}), 403, "AccessDenied")
    binom.put(f"/user/{admin_id}/can_create_users", json={"canCreateUsers": True})
    assert other_admin.post("/user/create", json={"login": "x1", "password": "secret1"}).status_code == 200


def test_clone_copies_role_and_grants_under_a_free_login(binom: Api) -> None:
    clone_id = binom.get("/identity/2/clone").json()["id"]
    clone = binom.get(f"/identity/{clone_id}").json()
    assert (clone["login"], clone["role"]) == ("media_buyer_copy", "user")
    assert clone["permissions"] == binom.get("/identity/2").json()["permissions"]
    assert binom.get(f"/identity/{binom.get('/identity/2/clone').json()['id']}").json()["login"] == "media_buyer_copy2"
    key = binom.get(f"/identity/api_key/{clone_id}").json()["apiKey"]
    assert key not in (None, BINOM_RESTRICTED)


def test_accessible_users_limit_what_an_administrator_lists(binom: Api) -> None:
    user_id, _ = new_user(binom)
    assert [user["id"] for user in binom.get("/users/accessible").json()] == [2, user_id]
    assert binom.post("/user/1/accessible-users", json={"userIds": [user_id]}).json() == {
        "adminId": 1,
        "userIds": [user_id],
    }
    assert binom.get("/identity/users/get").json()["totalCount"] == 1
    assert restricted(binom).get("/users/accessible").json() == []


def test_login_and_password_change_and_the_key_keeps_working(binom: Api) -> None:
    user = restricted(binom)
    error(user.put("/user/change_password", json={"oldPassword": "wrong", "newPassword": "new-secret"}), 400,
          "Webmozart.Assert.InvalidArgumentException")  # fmt: skip
    assert (
        user.put("/user/change_password", json={"oldPassword": DEMO_PASSWORD, "newPassword": "new-secret"}).status_code
        == 204
    )
    assert (
        user.put("/user/change_password", json={"oldPassword": DEMO_PASSWORD, "newPassword": "x" * 8}).status_code
        == 400
    )
    assert user.put("/user/change_login", json={"login": "buyer_two"}).json()["login"] == "buyer_two"
    error(user.put("/user/change_login", json={"login": "admin"}), 409, "Conflict")
    assert user.post("/user/logout").status_code == 204
    assert user.get("/user/role").status_code == 200  # a key has no session to end


def test_the_events_log_records_changes_newest_first_and_each_user_sees_its_own(binom: Api) -> None:
    binom.post("/campaign/1/permissions", json={"userIds": [2], "accessLevel": "read"})
    binom.put("/user/2/hide_profit", json={"hideProfit": True})
    restricted(binom).put("/user/change_login", json={"login": "buyer_two"})
    log = binom.get("/user/log").json()
    assert [event["type"] for event in log["events"]] == [
        "login_changed",
        "hide_profit_edited",
        "campaign_access_granted",
    ]
    assert log["totalCount"] == 3 and log["events"][0]["createdAt"] == "2026-06-15 12:00:30"
    mine = restricted(binom).get("/user/log").json()
    assert [event["type"] for event in mine["events"]] == ["login_changed"]
    assert binom.get("/user/log", params={"type": "hide_profit_edited"}).json()["totalCount"] == 1
    types = {entry["id"] for entry in binom.get("/user/log/types").json()}
    assert {event["type"] for event in log["events"]} <= types


def test_two_factor_needs_the_current_code_of_the_mock_clock(binom: Api) -> None:
    assert binom.get("/user/2fa/status").json() == {"enabled": False}
    error(binom.post("/user/2fa/enable", json={"code": "000000"}), 409, "Conflict")  # no secret yet
    secret = binom.put("/user/2fa/secret/generate").json()["secret"]
    now = binom.state.clock.now().timestamp()
    wrong = "000000" if twofactor.code(secret, now) != "000000" else "111111"
    error(binom.post("/user/2fa/enable", json={"code": wrong}), 400, "Webmozart.Assert.InvalidArgumentException")
    assert binom.post("/user/2fa/enable", json={"code": twofactor.code(secret, now)}).json() == {"enabled": True}
    assert binom.get("/identity/1").json()["twoFactorEnabled"] is True
    error(binom.put("/user/2fa/secret/generate"), 409, "Conflict")
    binom.state.clock.advance(300)
    later = binom.state.clock.now().timestamp()
    assert binom.post("/user/2fa/disable", json={"code": twofactor.code(secret, later)}).json() == {"enabled": False}


def test_rfc_6238_reference_code() -> None:
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (eight digits); its last six.
    assert twofactor.code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59) == "287082"


@pytest.mark.parametrize("path", ["/identity/cookie"])
def test_cookie_settings_are_the_administrators_to_change(binom: Api, path: str) -> None:
    assert binom.get(path).json() == {"lifetimeDays": 30, "sameSite": "Lax", "secure": True}
    assert binom.put(path, json={"lifetimeDays": 7}).json()["lifetimeDays"] == 7
    assert restricted(binom).get(path).json()["lifetimeDays"] == 7
    error(restricted(binom).put(path, json={"lifetimeDays": 1}), 403, "AccessDenied")


def test_hide_profit_leaves_money_made_out_of_the_users_stats_and_reports(binom: Api) -> None:
    user = restricted(binom)
    params = {"datePreset": "last_7_days"}
    before = user.get("/stats/campaign", params=params).json()
    assert {"revenue", "profit", "roi", "epc"} <= set(before[0])
    assert binom.put("/user/2/hide_profit", json={"hideProfit": True}).json() == {"userId": 2, "hideProfit": True}
    assert user.get("/user/2/hide_profit").json() == {"userId": 2, "hideProfit": True}
    hidden = {"revenue", "profit", "roi", "epc", "profit_last_hour"}
    stats = user.get("/stats/campaign", params=params).json()
    info = user.get("/info/campaign", params=params).json()
    report = user.get("/report/campaign", params={**params, "groupings[]": ["offer"]}).json()
    for row in [*stats, *info, *report["report"], report["totals"]]:
        assert not hidden & set(row), row
    assert [row["clicks"] for row in stats] == [row["clicks"] for row in before]  # the rest as it was
    assert "profit" in binom.get("/stats/campaign", params=params).json()[0]  # the administrator still sees it
