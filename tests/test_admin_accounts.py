"""Account and key administration through the admin API for Binom, PeerClick and Adsterra, and token expiry by its clock."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ADV, ADV_TOKEN, BINOM, PEERCLICK, PUB, PUB_TOKEN, Adsterra, Api

ADMIN = "/__admin"
JSON = {"Content-Type": "application/json"}  # a body-less control call must show it is not a plain form


def created(client: Any, api: str, **body: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    response = client.post(f"{ADMIN}/apis/{api}/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json()["account"], response.json()["keys"]


def admin_post(client: Any, path: str, **kwargs: Any) -> Any:
    response = client.post(ADMIN + path, **{"headers": JSON, **kwargs})
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_binom_account_is_a_user_whose_role_decides_what_it_sees(client: Any) -> None:
    user, [key] = created(client, "binom", name="buyer_two")
    assert user["plan"] == "user" and user["name"] == "buyer_two" and key["account"] == user["id"]
    restricted = Api(client, BINOM, key["value"], header="api-key", prefix="")
    # A new restricted user has no campaign grants: only the totals row, of nothing.
    assert [row["id"] for row in restricted.get("/info/campaign").json()] == ["totals"]
    assert restricted.delete("/landing/1").status_code == 403 and restricted.get("/campaign/1").status_code == 403
    admin, [admin_key] = created(client, "binom", plan="admin")
    assert len(Api(client, BINOM, admin_key["value"], header="api-key", prefix="").get("/info/campaign").json()) > 1
    assert admin["id"] != user["id"]


def test_binom_keys_rotate_and_revoke_to_401(client: Any) -> None:
    user, [first] = created(client, "binom", plan="admin")
    second = admin_post(client, f"/apis/binom/accounts/{user['id']}/keys", json={})
    binom = Api(client, BINOM, None, header="api-key", prefix="")
    assert binom.get("/info/campaign", key=second["value"]).status_code == 200
    rotated = admin_post(client, f"/apis/binom/keys/{first['value']}/rotate")
    assert rotated["account"] == user["id"] and rotated["value"] != first["value"]
    assert binom.get("/info/campaign", key=first["value"]).status_code == 401
    assert admin_post(client, f"/apis/binom/keys/{second['value']}/revoke")["status"] == "revoked"
    assert binom.get("/info/campaign", key=second["value"]).json()["errors"]["status"] == 401
    assert binom.get("/info/campaign", key=rotated["value"]).status_code == 200


def test_peerclick_account_with_an_access_key_that_makes_tokens(client: Any) -> None:
    account, [key] = created(client, "peerclick", email="ci@example.com")
    peerclick = Api(client, PEERCLICK, None, header="api-token", prefix="")
    session = peerclick.post("/auth/access/session", json={"accessId": key["value"], "accessKey": key["secret"]})
    assert session.status_code == 200, session.text
    token = session.json()["token"]
    assert peerclick.get("/campaign", key=token).json()["total"] == 0  # a new account owns nothing
    login = peerclick.post("/auth/session", json={"email": "ci@example.com", "password": account["password"]})
    assert login.status_code == 200
    client.post(f"{ADMIN}/clock/advance", json={"seconds": 1})  # PeerClick allows 3 requests a second
    # Revoking the access key ends the tokens made with it, as deleting it in the panel does.
    assert admin_post(client, f"/apis/peerclick/keys/{key['value']}/revoke")["status"] == "revoked"
    assert peerclick.get("/campaign", key=token).json()["description"].startswith("Invalid token")
    again = peerclick.post("/auth/access/session", json={"accessId": key["value"], "accessKey": key["secret"]})
    assert again.status_code == 401
    assert client.post(f"{ADMIN}/apis/peerclick/keys/{key['value']}/rotate", headers=JSON).status_code == 404


def test_peerclick_token_expires_when_the_admin_clock_passes_its_lifetime(client: Any) -> None:
    peerclick = Api(client, PEERCLICK, None, header="api-token", prefix="")
    access = {"accessId": "pc_demo_access_id", "accessKey": "pc_demo_access_key", "lifetime": 120}
    token = peerclick.post("/auth/access/session", json=access).json()["token"]
    assert peerclick.get("/campaign", key=token).status_code == 200
    admin_post(client, "/clock/advance", json={"seconds": 119})
    assert peerclick.get("/campaign", key=token).status_code == 200
    admin_post(client, "/clock/advance", json={"seconds": 1})
    expired = peerclick.get("/campaign", key=token)
    assert expired.status_code == 401 and expired.json() == {
        "description": "Token expired: Create a new key token with POST /auth/access/session",
        "code": "UNAUTHORIZED",
    }


@pytest.mark.parametrize(("api", "base", "token", "path"), [
    ("adsterra_advertiser", ADV, ADV_TOKEN, "/balance.json"),
    ("adsterra_publisher", PUB, PUB_TOKEN, "/domains.json"),
])  # fmt: skip
def test_adsterra_account_keeps_one_valid_token(client: Any, api: str, base: str, token: str, path: str) -> None:
    account, [first] = created(client, api)
    adsterra = Adsterra(client, base, None)
    assert adsterra.get(path, token=first["value"]).status_code == 200
    second = admin_post(client, f"/apis/{api}/accounts/{account['id']}/keys", json={})
    assert adsterra.get(path, token=first["value"]).json()["message"] == "Invalid token"  # replaced by the new one
    rotated = admin_post(client, f"/apis/{api}/keys/{second['value']}/rotate")
    assert adsterra.get(path, token=second["value"]).status_code == 403
    assert adsterra.get(path, token=rotated["value"]).status_code == 200
    assert admin_post(client, f"/apis/{api}/keys/{rotated['value']}/revoke")["status"] == "revoked"
    assert adsterra.get(path, token=rotated["value"]).json()["message"] == "Invalid token"
    assert adsterra.get(path, token=token).status_code == 200  # the demo account is untouched
    # The other Adsterra API's tokens are not this API's keys.
    other = "adsterra_publisher" if api == "adsterra_advertiser" else "adsterra_advertiser"
    assert client.post(f"{ADMIN}/apis/{other}/keys/{token}/revoke", headers=JSON).status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/apis/binom/accounts", {"plan": "owner"}, 400),
        ("/apis/binom/accounts/999/keys", {}, 404),
        ("/apis/binom/accounts/admin/keys", {}, 404),
        ("/apis/binom/accounts/1/keys", {"scope": "read_only"}, 400),
        ("/apis/binom/keys/nope/rotate", None, 404),
        ("/apis/peerclick/accounts", {"plan": "pro"}, 400),
        ("/apis/peerclick/accounts/demo/keys", {"scope": "read_only"}, 400),
        ("/apis/peerclick/accounts/nobody/keys", {}, 404),
        ("/apis/adsterra_advertiser/accounts", {"plan": "pro"}, 400),
        ("/apis/adsterra_publisher/accounts/advertiser_demo/keys", {}, 404),
        ("/apis/adsterra_publisher/accounts/publisher_demo/keys", {"scope": "read_only"}, 400),
    ],
)
def test_account_errors_change_nothing(client: Any, path: str, body: Any, status: int) -> None:
    before = client.get(f"{ADMIN}/state").json()
    response = client.post(ADMIN + path, json=body, headers=JSON)
    assert response.status_code == status and "error" in response.json(), response.text
    assert client.get(f"{ADMIN}/state").json() == before


def test_every_mocked_api_offers_account_administration(client: Any) -> None:
    assert all(api["accounts"] for api in client.get(f"{ADMIN}/apis").json())
