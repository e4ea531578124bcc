"""PeerClick behaviour through HTTP: key tokens and their expiry, rate limits, accounts, CRUD with cascades, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.apis.peerclick.sessions import delete_access_key

from .conftest import PC_OTHER, PC_TOKEN, PEERCLICK, Api

ACCESS = {"accessId": "pc_demo_access_id", "accessKey": "pc_demo_access_key"}
LOGIN = {"email": "media.buyer@example.com", "password": "correct horse battery staple"}
OFFER = {"name": "Sweeps - US", "workspaceId": 1, "url": "https://offers.example.com/?click_id={clickid}", "country": {"code": "US"},
         "affiliateNetwork": {"id": 1}, "payout": {"type": "MANUAL", "value": 2.5, "currency": "USD"}}  # fmt: skip
CAMPAIGN = {
    "name": "US - Push - Sweeps", "workspaceId": 1, "trafficSource": 1, "costModel": {"type": "CPC", "currency": "USD", "value": 0.01},
    "country": {"code": "US"}, "domain": "track.example.com", "tags": ["push"],
    "redirectTarget": {"destination": "PATH", "path": {"defaultPaths": [{"weight": 100, "direct": 0, "offers": [{"id": 1, "weight": 100}],
                                                                         "landers": [{"id": 1}]}]}},
}  # fmt: skip


def error(response: Any, status: int, code: str | None) -> str:
    """Assert PeerClick's error shape and return its description."""
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["description"], str) and body.get("code") == code
    assert set(body) <= {"description", "code", "errors"}
    return str(body["description"])


def as_other(peerclick: Api) -> Api:
    return Api(peerclick.client, PEERCLICK, PC_OTHER, header="api-token", prefix="")


@pytest.fixture
def enforcing(peerclick: Api) -> Api:
    """PeerClick with its limits enforced (the `peerclick` fixture only counts them)."""
    peerclick.state.limiter.enforce = True
    return peerclick


# ----------------------------------------------------------------------- auth
def test_access_key_session_gives_a_token_that_expires_by_the_clock(peerclick: Api) -> None:
    session = peerclick.post("/auth/access/session", key=None, json={**ACCESS, "lifetime": 120})
    assert session.status_code == 200
    body = session.json()
    assert (
        body["lifetime"] == 120
        and body["expirationTimestamp"] == "2026-06-15T12:02:30Z"
        and body["token"].startswith("pc_kt_")
    )
    assert peerclick.get("/campaign", key=body["token"]).status_code == 200
    peerclick.state.clock.advance(119)
    assert peerclick.get("/campaign", key=body["token"]).status_code == 200
    peerclick.state.clock.advance(1)
    assert error(peerclick.get("/campaign", key=body["token"]), 401, "UNAUTHORIZED").startswith("Token expired")
    assert peerclick.get("/campaign").status_code == 200  # the seeded demo token never expires


def test_default_lifetime_is_a_day(peerclick: Api) -> None:
    body = peerclick.post("/auth/access/session", key=None, json=ACCESS).json()
    assert (body["lifetime"], body["expirationTimestamp"]) == (86400, "2026-06-16T12:00:30Z")
    peerclick.state.clock.advance(86399)
    assert peerclick.get("/offer", key=body["token"]).status_code == 200
    peerclick.state.clock.advance(1)
    error(peerclick.get("/offer", key=body["token"]), 401, "UNAUTHORIZED")


def test_password_session_under_the_real_clients_v1_1_prefix(peerclick: Api) -> None:
    body = peerclick.client.post("/peerclick/v1_1/auth/session", json={**LOGIN, "email": LOGIN["email"].upper()}).json()
    assert body["lifetime"] == 86400
    mine = peerclick.get("/campaign", key=body["token"]).json()["campaigns"]
    assert [campaign["id"] for campaign in mine] == [
        campaign["id"] for campaign in peerclick.get("/campaign").json()["campaigns"]
    ]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/auth/access/session", {**ACCESS, "accessKey": "wrong"}),
        ("/auth/access/session", {**ACCESS, "accessId": "pc_nobody"}),
        ("/auth/session", {**LOGIN, "password": "wrong"}),
        ("/auth/session", {**LOGIN, "email": "nobody@example.com"}),
    ],
)
def test_wrong_credentials_are_401(peerclick: Api, path: str, body: dict[str, Any]) -> None:
    error(peerclick.post(path, key=None, json=body), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    ("headers", "description"),
    [
        ({}, "Invalid token: No authorization token provided"),
        ({"api-token": "pc_kt_unknown"}, "Invalid token: Create a key token with POST /auth/access/session"),
        (
            {"api-token": "pc_demo_expired_token"},
            "Token expired: Create a new key token with POST /auth/access/session",
        ),
        (
            {"Authorization": f"Bearer {PC_TOKEN}"},
            "Invalid token: No authorization token provided",
        ),  # only api-token counts
    ],
)
def test_missing_unknown_or_expired_tokens_are_401(peerclick: Api, headers: dict[str, str], description: str) -> None:
    assert error(peerclick.get("/offer", key=None, headers=headers), 401, "UNAUTHORIZED") == description


@pytest.mark.parametrize("lifetime", [59, 2592001, "long"])
def test_lifetime_bounds(peerclick: Api, lifetime: Any) -> None:
    error(peerclick.post("/auth/access/session", key=None, json={**ACCESS, "lifetime": lifetime}), 400, "BAD_REQUEST")


def test_deleting_an_access_key_kills_its_tokens_only(peerclick: Api) -> None:
    key_token = peerclick.post("/auth/access/session", key=None, json=ACCESS).json()["token"]
    login_token = peerclick.post("/auth/session", key=None, json=LOGIN).json()["token"]
    assert delete_access_key(peerclick.state, "pc_demo_access_id") is True
    for token in (key_token, PC_TOKEN):  # the seeded demo token was made under the demo key too
        error(peerclick.get("/offer", key=token), 401, "UNAUTHORIZED")
    error(peerclick.post("/auth/access/session", key=None, json=ACCESS), 401, "UNAUTHORIZED")
    assert peerclick.get("/offer", key=login_token).status_code == 200  # a password session is not tied to the key
    assert as_other(peerclick).get("/offer").status_code == 200
    assert delete_access_key(peerclick.state, "pc_demo_access_id") is False


# ---------------------------------------------------------------- rate limits
def test_three_requests_per_second_per_account(enforcing: Api) -> None:
    api = enforcing
    assert [int(api.get("/offer").headers["X-RateLimit-Remaining"]) for _ in range(3)] == [2, 1, 0]
    refused = api.get("/offer")
    assert error(refused, 429, "TOO_MANY_REQUESTS").startswith("Rate limit exceeded")
    assert (
        refused.headers["Retry-After"],
        refused.headers["X-RateLimit-Limit"],
        refused.headers["X-RateLimit-Remaining"],
    ) == ("1", "3", "0")
    assert as_other(api).get("/offer").status_code == 200  # per account
    api.state.clock.advance(1)
    assert api.get("/offer").status_code == 200


def test_one_report_per_second(enforcing: Api) -> None:
    api = enforcing
    params = {"groupBy": "campaign", "from": "2026-06-01"}
    first = api.get("/report", params=params)
    assert first.status_code == 200 and first.headers["X-RateLimit-Limit"] == "1"
    second = api.get("/report", params=params)
    error(second, 429, "TOO_MANY_REQUESTS")
    assert (second.headers["X-RateLimit-Limit"], second.headers["Retry-After"]) == ("1", "1")
    assert api.get("/campaign").status_code == 200  # the third request of the second: other calls still pass
    api.state.clock.advance(1)
    assert api.get("/report", params=params).status_code == 200


def test_session_calls_count_per_client_address(enforcing: Api) -> None:
    api = enforcing
    statuses = [api.post("/auth/session", key=None, json=LOGIN).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    api.state.clock.advance(1)
    assert api.post("/auth/access/session", key=None, json=ACCESS).status_code == 200


# ------------------------------------------------------------------- accounts
def test_another_accounts_entities_are_forbidden_and_invisible(peerclick: Api) -> None:
    other = as_other(peerclick)
    theirs = other.get("/campaign").json()["campaigns"][0]["id"]
    mine = {campaign["id"] for campaign in peerclick.get("/campaign").json()["campaigns"]}
    assert theirs not in mine
    for method, path, body in [("GET", f"/campaign/{theirs}", None), ("PUT", f"/campaign/{theirs}", CAMPAIGN),
                               ("DELETE", f"/campaign/{theirs}", None)]:  # fmt: skip
        assert (
            error(peerclick.request(method, path, json=body), 403, "FORBIDDEN")
            == f"Access to campaign {theirs} is denied"
        )
    assert other.get(f"/campaign/{theirs}").status_code == 200  # untouched
    their_source = other.get("/traffic-source").json()["trafficSources"][0]["id"]
    error(peerclick.post("/campaign", json={**CAMPAIGN, "trafficSource": their_source}), 403, "FORBIDDEN")
    assert (
        error(other.post("/offer", json={**OFFER, "workspaceId": 2, "affiliateNetwork": None}), 403, "FORBIDDEN")
        == "Access to workspace 2 is denied"
    )  # the demo account has workspace 2, the other account does not
    report = peerclick.get("/report", params={"groupBy": "campaign", "from": "2026-01-01"}).json()
    assert {row["campaignId"] for row in report["rows"]} <= mine


# ---------------------------------------------------------- CRUD and cascades
def test_offer_round_trip_with_defaults(peerclick: Api) -> None:
    created = peerclick.post("/offer", json={"name": "Bare", "workspaceId": 1, "url": "https://example.com/o"})
    assert created.status_code == 200 and created.json()["description"] == "Success"
    offer = created.json()["offer"]
    assert (offer["country"], offer["payout"], offer["affiliateNetwork"], offer["tags"]) == (
        {"code": "GLB"}, {"type": "AUTO", "value": None, "currency": "USD"}, None, [])  # fmt: skip
    assert offer["createdAt"] == offer["updatedAt"] == "2026-06-15T12:00:30Z"
    assert peerclick.get(f"/offer/{offer['id']}").json() == created.json()
    peerclick.state.clock.advance(60)
    updated = peerclick.put(f"/offer/{offer['id']}", json=OFFER).json()["offer"]
    network = peerclick.get("/affiliate-network/1").json()["affiliateNetwork"]["name"]
    assert updated["affiliateNetwork"] == {"id": 1, "name": network} and updated["updatedAt"] == "2026-06-15T12:01:30Z"
    assert peerclick.delete(f"/offer/{offer['id']}").json() == {"description": "Success"}
    assert error(peerclick.get(f"/offer/{offer['id']}"), 404, "NOT_FOUND") == f"Offer {offer['id']} not found"


def test_campaign_paths_only_with_pages(peerclick: Api) -> None:
    campaign = peerclick.post("/campaign", json=CAMPAIGN).json()["campaign"]
    assert "/peerclick/v1/click/" in campaign["url"] and len(campaign["url"].rsplit("/", 1)[1]) == 8
    path = campaign["redirectTarget"]["path"]["defaultPaths"][0]
    assert path["landers"] == [{"id": 1, "weight": 100, "name": peerclick.get("/lander/1").json()["lander"]["name"]}]
    plain = peerclick.get(f"/campaign/{campaign['id']}").json()["campaign"]
    assert "redirectTarget" not in plain and plain["url"] == campaign["url"]
    assert peerclick.get(f"/campaign/{campaign['id']}", params={"withPages": 1}).json()["campaign"] == campaign
    defaults = peerclick.put(f"/campaign/{campaign['id']}", json={key: value for key, value in CAMPAIGN.items()
                                                                   if key not in ("costModel", "country", "domain", "tags")}).json()  # fmt: skip
    assert defaults["campaign"]["costModel"] == {"type": "AUTO", "currency": "USD", "value": None}
    assert defaults["campaign"]["domain"] == "demo.trk.example.com" and defaults["campaign"]["country"] == {
        "code": "GLB"
    }


def test_the_v1_1_prefix_serves_the_same_state(peerclick: Api) -> None:
    created = peerclick.client.post("/peerclick/v1_1/offer", json=OFFER, headers={"api-token": PC_TOKEN}).json()[
        "offer"
    ]
    assert peerclick.get(f"/offer/{created['id']}").json()["offer"] == created
    assert peerclick.client.get("/peerclick/v1_1/ui/").status_code == 200


def test_deleting_a_traffic_source_deletes_its_campaigns(peerclick: Api) -> None:
    on_source = [c["id"] for c in peerclick.get("/campaign").json()["campaigns"] if c["trafficSource"] == 1]
    assert on_source
    peerclick.delete("/traffic-source/1")
    for campaign_id in on_source:
        error(peerclick.get(f"/campaign/{campaign_id}"), 404, "NOT_FOUND")
    error(peerclick.post("/campaign", json=CAMPAIGN), 404, "NOT_FOUND")


def test_deleting_a_network_unlinks_its_offers(peerclick: Api) -> None:
    linked = [o["id"] for o in peerclick.get("/offer").json()["offers"] if (o["affiliateNetwork"] or {}).get("id") == 1]
    assert linked
    peerclick.delete("/affiliate-network/1")
    assert {peerclick.get(f"/offer/{offer_id}").json()["offer"]["affiliateNetwork"] for offer_id in linked} == {None}
    # The view hides a dangling link by itself; the stored offers (the control API's export) show the cascade ran.
    stored = peerclick.client.get("/__admin/state").json()["tables"]["peerclick"]["offers"]
    assert [offer["affiliateNetwork"] for offer in stored if offer["id"] in linked] == [None] * len(linked)


@pytest.mark.parametrize(("path", "kind"), [("/offer/{}", "offers"), ("/lander/{}", "landers")])
def test_deleting_an_offer_or_lander_takes_it_out_of_every_path(peerclick: Api, path: str, kind: str) -> None:
    def used(entity_id: int) -> list[int]:
        campaigns = [peerclick.get(f"/campaign/{c['id']}", params={"withPages": 1}).json()["campaign"]
                     for c in peerclick.get("/campaign").json()["campaigns"]]  # fmt: skip
        return [
            c["id"]
            for c in campaigns
            if any(e["id"] == entity_id for p in c["redirectTarget"]["path"]["defaultPaths"] for e in p[kind])
        ]

    entity_id = next(n for n in range(1, 6) if used(n))
    peerclick.delete(path.format(entity_id))
    assert used(entity_id) == []


def test_other_entities_round_trip(peerclick: Api) -> None:
    lander = peerclick.post("/lander", json={"name": "LP", "workspaceId": 2, "url": "https://lp.example.com/"}).json()[
        "lander"
    ]
    assert (lander["numberOfOffers"], lander["country"]) == (1, {"code": "GLB"})
    source = peerclick.post(
        "/traffic-source",
        json={
            "name": "Src",
            "workspaceId": 1,
            "customVariables": [
                {"index": 2, "name": "A", "parameter": "a"},
                {"index": 1, "name": "Z", "parameter": "z"},
                {"index": 2, "name": "B", "parameter": "b"},
            ],
        },
    ).json()
    assert [v["name"] for v in source["trafficSource"]["customVariables"]] == [
        "Z",
        "B",
    ]  # by index; the last of an index wins
    network = peerclick.post(
        "/affiliate-network", json={"name": "Net", "workspaceId": 1, "postbackIpWhitelist": ["::1"]}
    ).json()
    assert network["affiliateNetwork"]["appendClickIdToOfferUrl"] is False
    for table, key, record in (("lander", "lander", lander), ("traffic-source", "trafficSource", source["trafficSource"]),
                               ("affiliate-network", "affiliateNetwork", network["affiliateNetwork"])):  # fmt: skip
        assert peerclick.get(f"/{table}/{record['id']}").json()[key] == record
        assert peerclick.delete(f"/{table}/{record['id']}").status_code == 200
        error(peerclick.get(f"/{table}/{record['id']}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("change", "description"),
    [
        ({"trafficSource": 999}, "Traffic source 999 not found"),
        (
            {"redirectTarget": {"destination": "PATH", "path": {"defaultPaths": [{"offers": [{"id": 999}]}]}}},
            "Offer 999 not found",
        ),
        (
            {
                "redirectTarget": {
                    "destination": "PATH",
                    "path": {"defaultPaths": [{"offers": [], "landers": [{"id": 999}]}]},
                }
            },
            "Lander 999 not found",
        ),
    ],
)
def test_unknown_references_are_404_and_write_nothing(peerclick: Api, change: dict[str, Any], description: str) -> None:
    before = peerclick.get("/campaign").json()
    assert error(peerclick.post("/campaign", json={**CAMPAIGN, **change}), 404, "NOT_FOUND") == description
    error(peerclick.put("/campaign/1", json={**CAMPAIGN, **change}), 404, "NOT_FOUND")
    assert peerclick.get("/campaign").json() == before


def test_lists_page_with_offset_and_limit(peerclick: Api) -> None:
    whole = peerclick.get("/offer", params={"limit": 10000}).json()
    assert whole["total"] == len(whole["offers"]) == 5
    pages = [peerclick.get("/offer", params={"limit": 2, "offset": offset}).json() for offset in (0, 2, 4, 6)]
    assert [offer for page in pages for offer in page["offers"]] == whole["offers"]
    assert {page["total"] for page in pages} == {5} and pages[-1]["offers"] == []


# ------------------------------------------------------------------ bad input
BAD_WRITES = [
    ("POST", "/campaign", {**CAMPAIGN, "redirectTarget": {"destination": "PATH", "path": {"defaultPaths": []}}}),
    ("POST", "/campaign", {**CAMPAIGN, "country": {"code": "us"}}),
    ("PUT", "/campaign/1", {**CAMPAIGN, "domain": "not a host"}),
    ("PUT", "/campaign/1", {key: value for key, value in CAMPAIGN.items() if key != "workspaceId"}),
    ("POST", "/offer", {**OFFER, "url": "offers.example.com"}),
    ("POST", "/offer", {**OFFER, "url": "http://[oops/"}),  # echoed back, it broke clients' URL parsers (schemathesis')
    ("PUT", "/offer/1", {**OFFER, "payout": {"type": "FIXED"}}),
    ("POST", "/lander", {"name": "LP", "workspaceId": 1, "url": "https://lp.example.com/", "numberOfOffers": 0}),
    ("PUT", "/lander/1", {"name": "", "workspaceId": 1, "url": "https://lp.example.com/"}),
    (
        "POST",
        "/traffic-source",
        {"name": "S", "workspaceId": 1, "customVariables": [{"index": 11, "name": "x", "parameter": "x"}]},
    ),
    ("PUT", "/traffic-source/1", {"name": "S", "workspaceId": 0}),
    ("POST", "/affiliate-network", {"name": "N", "workspaceId": 1, "postbackIpWhitelist": ["300.1.1.1"]}),
    ("PUT", "/affiliate-network/1", {"name": "N", "workspaceId": "1"}),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), BAD_WRITES, ids=[f"{m} {p} {i}" for i, (m, p, _) in enumerate(BAD_WRITES)]
)
def test_bad_bodies_are_400_with_field_errors_and_write_nothing(
    peerclick: Api, method: str, path: str, body: Any
) -> None:
    lists = ("/campaign", "/offer", "/lander", "/traffic-source", "/affiliate-network")
    before = [peerclick.get(path).json() for path in lists]
    response = peerclick.request(method, path, json=body)
    assert error(response, 400, "BAD_REQUEST").startswith("Validation failed: ")
    assert len(response.json()["errors"]) == 1 and {"field", "message"} == set(response.json()["errors"][0])
    assert [peerclick.get(path).json() for path in lists] == before


def test_a_field_error_names_the_field(peerclick: Api) -> None:
    response = peerclick.put("/affiliate-network/1", json={"name": "N", "workspaceId": "1"})
    assert response.json()["errors"] == [
        {"field": "workspaceId", "message": 'workspaceId must be an integer (got "1")'}
    ]


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"null", b'{"name": "\xff"}'])
def test_malformed_bodies_are_400(peerclick: Api, body: bytes) -> None:
    error(peerclick.post("/offer", content=body, headers={"Content-Type": "application/json"}), 400, "BAD_REQUEST")


def test_router_errors_use_the_error_shape(peerclick: Api) -> None:
    error(peerclick.get("/campaign/abc"), 404, "NOT_FOUND")
    response = peerclick.request("PATCH", "/campaign/1")
    error(response, 405, None)  # no code for 405: the documented codes have none
    assert response.headers["Allow"] == "DELETE, GET, HEAD, PUT"


def test_an_internal_error_is_a_500_in_the_error_shape(peerclick: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("mockserver.apis.peerclick.views.envelope", broken)
    assert error(peerclick.get("/offer/1"), 500, "INTERNAL_ERROR") == "Internal error"
