"""Bad input never breaks the mock: each gets a 4xx in the API's error shape and changes nothing."""

from __future__ import annotations

import pytest

from .conftest import Api

BODIES = [
    pytest.param(b"{not json", {"Content-Type": "application/json"}, id="malformed-json"),
    pytest.param(b'{"name": "\xff\xfe", "type": "website"}', {"Content-Type": "application/json"}, id="not-utf8"),
    pytest.param(b"[1, 2, 3]", {"Content-Type": "application/json"}, id="array-not-object"),
    pytest.param(b'{"name": 5, "type": "website"}', {"Content-Type": "application/json"}, id="wrong-type"),
    pytest.param(b'{"name": "x", "type": "blog"}', {"Content-Type": "application/json"}, id="bad-enum"),
    pytest.param(
        b'{"name": "x", "type": "website", "owner": "me"}', {"Content-Type": "application/json"}, id="unknown-field"
    ),
    pytest.param(b'{"name": "' + b"x" * 2_000_000 + b'"}', {"Content-Type": "application/json"}, id="huge-body"),
    pytest.param(b"name=x&type=website", {"Content-Type": "application/x-www-form-urlencoded"}, id="form-body"),
    pytest.param(b"", {"Content-Type": "application/json"}, id="empty-body"),
    pytest.param(b"null", {"Content-Type": "application/json"}, id="null-body"),
]


@pytest.mark.parametrize(("body", "headers"), BODIES)
def test_bad_bodies_get_4xx_in_the_error_shape_and_write_nothing(bt: Api, body: bytes, headers: dict[str, str]) -> None:
    before = bt.all("/sites")
    response = bt.post("/sites", content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()
    assert isinstance(error["error"], str) and set(error) <= {"error", "hint"}
    assert bt.all("/sites") == before


@pytest.mark.parametrize(
    "name",
    ["Ünïcödé ✓", "emoji 🎯🚀", "rtl \u202eevil", "zero\u200bwidth", "日本語のサイト", "tab\tand\nnewline", "\ud7ff"],
)
def test_odd_unicode_round_trips(bt: Api, name: str) -> None:
    created = bt.post("/sites", json={"name": name, "type": "website"})
    assert created.status_code == 201
    assert bt.get(f"/sites/{created.json()['data']['id']}").json()["data"]["name"] == name


@pytest.mark.parametrize(
    "path",
    [
        "/sites/%00",
        "/sites/" + "a" * 500,
        "/placements/💥/stats",
        "/sites/..%2F..%2Fetc",
        "/placements/plc_123/stats/extra",
        "/nope",
    ],
)
def test_odd_paths_are_4xx(bt: Api, path: str) -> None:
    response = bt.get(path)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_unsupported_method_is_405_with_allow_from_the_spec(bt: Api) -> None:
    response = bt.request("PATCH", "/sites/site_123")
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET, HEAD, PUT"
    assert response.json()["error"] == "Method Not Allowed"


def test_a_line_break_in_an_id_is_an_unknown_id_of_the_caller(bt: Api) -> None:
    """Not a router miss: the key is checked and its own quota reported (starlette's mounts stop at a line break)."""
    response = bt.delete("/sites/a%0Ab")
    assert response.status_code == 404 and response.json() == {"error": "Site not found"}
    assert response.headers["X-RateLimit-Limit"] == "30"  # the Growth key's writes, not the anonymous bucket
    assert bt.get("/sites/a%0Ab", key=None).status_code == 401


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_finite_numbers_are_not_json_and_change_nothing(bt: Api, constant: bytes) -> None:
    """Python's parser takes them and a NaN passes every numeric schema check; it would come back as invalid JSON."""
    before = bt.get("/placements/plc_123").json()
    response = bt.put(
        "/placements/plc_123", content=b'{"rate": ' + constant + b"}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json() == {
        "error": "Validation error",
        "hint": f"{constant.decode()} is not a JSON number",
    }
    assert bt.get("/placements/plc_123").json() == before
