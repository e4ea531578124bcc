"""BannerTrackr authentication and scopes through HTTP: every failure mode answers in the doc's error shape."""

from __future__ import annotations

import pytest

from .conftest import FREE, GROWTH_REVOKED, GROWTH_RO, PRO_RW, Api


def test_valid_key_reads_its_own_account(bt: Api) -> None:
    response = bt.get("/me")
    assert response.status_code == 200
    assert response.json()["data"]["id"] == "user_123"
    assert bt.get("/me", key=PRO_RW).json()["data"]["plan"] == "pro"


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, "Missing API key"),
        ({"Authorization": "Bearer bt_live_not_a_key"}, "Invalid API key"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "Missing API key"),  # another scheme is no Bearer key
        ({"Authorization": "Bearer"}, "Missing API key"),
    ],
)
def test_missing_or_unknown_key_is_401(bt: Api, headers: dict[str, str], error: str) -> None:
    response = bt.get("/sites", key=None, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == error
    assert "X-RateLimit-Limit" in response.headers


def test_revoked_key_is_401(bt: Api) -> None:
    response = bt.get("/me", key=GROWTH_REVOKED)
    assert response.status_code == 401
    assert response.json() == {
        "error": "API key has been revoked",
        "hint": "Create a new key in Settings -> Developer API",
    }


def test_free_plan_keys_are_revoked_with_upgrade_hint(bt: Api) -> None:
    response = bt.get("/me", key=FREE)
    assert response.status_code == 401
    assert "not available on the Free plan" in response.json()["hint"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/sites", {"name": "n", "type": "website"}),
        ("PUT", "/sites/site_123", {"name": "n"}),
        ("DELETE", "/sites/site_123", None),
    ],
)
def test_read_only_key_cannot_write_and_nothing_changes(bt: Api, method: str, path: str, body: object) -> None:
    before = bt.all("/sites")
    response = bt.request(method, path, key=GROWTH_RO, json=body)
    assert response.status_code == 403
    assert response.json() == {
        "error": "This API key is read-only",
        "hint": "Create a key with read_write scope to perform this operation",
    }
    assert bt.all("/sites") == before


def test_read_only_key_can_read(bt: Api) -> None:
    assert bt.get("/sites", key=GROWTH_RO).status_code == 200


def test_other_accounts_records_are_absent_not_forbidden(bt: Api) -> None:
    """Pro's key cannot see, change or delete the Growth account's records: 404, so ids do not leak."""
    assert bt.get("/sites/site_123", key=PRO_RW).status_code == 404
    assert bt.put("/sites/site_123", key=PRO_RW, json={"name": "taken"}).status_code == 404
    assert bt.delete("/placements/plc_123", key=PRO_RW).status_code == 404
    assert bt.get("/placements/plc_123/stats", key=PRO_RW).status_code == 404
    assert bt.get("/placements", key=PRO_RW, params={"siteId": "site_123"}).status_code == 404
    pro_sites = {site["id"] for site in Api(bt.client, bt.base, PRO_RW).all("/sites")}
    assert "site_123" not in pro_sites
    assert bt.get("/sites/site_123").json()["data"]["name"] == "My Newsletter"  # untouched


def test_placement_on_another_accounts_site_is_404(bt: Api) -> None:
    response = bt.post("/placements", key=PRO_RW, json={"siteId": "site_123", "name": "x"})
    assert response.status_code == 404
    assert response.json() == {"error": "Site not found"}
