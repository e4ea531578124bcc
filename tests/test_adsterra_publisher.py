"""Adsterra Publisher API through HTTP: every endpoint in three formats, header and legacy path tokens, stats, limits."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import (
    ADV_TOKEN,
    FROZEN_AT,
    PUB,
    PUB_OTHER,
    PUB_REPLACED,
    PUB_TOKEN,
    Adsterra,
    assert_csv_is,
    assert_xml_is,
    make_app,
)

HELP_DOMAIN = 1385226  # the help article's "first website", then the 2.3.0 docs' example domains, in the demo
DOMAIN = 11104450  # account whatever the seed
OTHER_DOMAIN = 11561045
METRICS = ("impression", "clicks", "ctr", "cpm", "revenue")
PLACEMENT_COLUMNS = ("id", "title", "alias", "direct_url", "domain_id")
SMART_LINK_COLUMNS = ("id", "title", "alias", "url", "traffic_type", "status")
WEEK = {"start_date": "2026-06-09", "finish_date": "2026-06-15"}  # the clock is frozen on 2026-06-15

# (path, query, CSV columns as the spec documents them); each also in the legacy form with the token in the path
ENDPOINTS = [
    ("/domains.{format}", {}, ("id", "title")),
    (f"/domain/{DOMAIN}/placements.{{format}}", {}, PLACEMENT_COLUMNS),
    ("/placements.{format}", {}, PLACEMENT_COLUMNS),
    ("/smart-links.{format}", {}, SMART_LINK_COLUMNS),
    ("/smart-links.{format}", {"status": 3, "traffic_type": 1}, SMART_LINK_COLUMNS),
    ("/stats.{format}", WEEK, ("date", *METRICS)),
    (
        "/stats.{format}",
        {**WEEK, "group_by[]": ["placement_sub_id", "domain"]},
        ("domain", "placement_sub_id", *METRICS),
    ),
]
LEGACY = {"/domains.{format}", f"/domain/{DOMAIN}/placements.{{format}}", "/placements.{format}", "/stats.{format}"}


@pytest.mark.parametrize(("path", "query", "columns"), ENDPOINTS, ids=lambda v: v if isinstance(v, str) else None)
def test_every_endpoint_gives_the_same_data_in_json_xml_and_csv(
    pub: Adsterra, path: str, query: dict[str, Any], columns: tuple[str, ...]
) -> None:
    responses = pub.formats("GET", path, params=query)
    body = responses["json"].json()
    assert body["items"] and body["itemCount"] == len(body["items"])
    assert_xml_is(responses["xml"].text, body)
    assert_csv_is(responses["csv"].text, columns, body["items"])
    if path in LEGACY:  # the 2.3.0 form: the token in the path instead of the header, the same answers
        legacy = pub.formats("GET", f"/{PUB_TOKEN}{path}", token=None, params=query)
        assert {format_: r.text for format_, r in legacy.items()} == {
            format_: r.text for format_, r in responses.items()
        }


def test_seeded_demo_account_holds_the_doc_examples(pub: Adsterra) -> None:
    domains = pub.json("GET", "/domains.{format}")
    assert domains["items"][:3] == [
        {"id": 1385226, "title": "my-website.com"}, {"id": 11104450, "title": "title1.com"}, {"id": 11561045, "title": "title2.com"},
    ]  # fmt: skip
    help_placements = pub.json("GET", f"/domain/{HELP_DOMAIN}/placements.{{format}}")["items"]
    assert [p["id"] for p in help_placements] == [13852261, 13852262]  # INVENTED ids: the article names none
    assert pub.json("GET", f"/domain/{DOMAIN}/placements.{{format}}") == {
        "items": [
            {"id": 34895644, "title": "Popunder_1", "alias": "Popunder_1",
             "direct_url": "https://www.directurl.com/p67vbgm2?key=e2ptum41vg83gkg92r9g"},
            {"id": 34845646, "title": "Vast_1", "alias": "Vast_1"},
        ],
        "itemCount": 2,
    }  # fmt: skip
    assert pub.get(f"/domain/{DOMAIN}/placements.csv").text.splitlines()[2] == "34845646;Vast_1;Vast_1;;"


def test_all_placements_name_their_domain_and_the_domain_lists_add_up(pub: Adsterra) -> None:
    everything = pub.json("GET", "/placements.{format}")["items"]
    assert all(set(item) <= set(PLACEMENT_COLUMNS) and "domain_id" in item for item in everything)
    per_domain = []
    for domain in pub.json("GET", "/domains.{format}")["items"]:
        items = pub.json("GET", f"/domain/{domain['id']}/placements.{{format}}")["items"]
        assert all("domain_id" not in item for item in items)
        per_domain += [{**item, "domain_id": domain["id"]} for item in items]
    assert per_domain == everything


def test_smart_links_filter_by_status_and_traffic_type(pub: Adsterra) -> None:
    links = pub.json("GET", "/smart-links.{format}")["items"]
    assert links[0] == {"id": 4211001, "title": "Smartlink_1", "alias": "Smartlink_1",
                        "url": "https://www.example-smartlink.com/abc123?key=0f1e2d3c", "traffic_type": 1, "status": 3}  # fmt: skip
    for status in (3, 4):
        filtered = pub.json("GET", "/smart-links.{format}", params={"status": status})["items"]
        assert filtered == [link for link in links if link["status"] == status]
    adult = pub.json("GET", "/smart-links.{format}", params={"traffic_type": 2, "status": 3})["items"]
    assert adult == [link for link in links if link["traffic_type"] == 2 and link["status"] == 3]


# Tokens: header and legacy path alike


@pytest.mark.parametrize("in_path", [False, True], ids=["header", "path"])
def test_token_failures_answer_in_the_documented_bodies(pub: Adsterra, in_path: bool) -> None:
    cases = [
        ("0" * 32, 401, "Token not found"),
        (PUB_REPLACED, 403, "Invalid token"),
        (ADV_TOKEN, 403, "Invalid owner type"),
    ]
    for token, status, message in cases:
        response = pub.get(f"/{token}/domains.json", token=None) if in_path else pub.get("/domains.json", token=token)
        assert response.status_code == status, token
        assert response.json() == {"code": status, "message": message, "data": None}


def test_missing_or_malformed_token(pub: Adsterra) -> None:
    assert pub.get("/domains.json", token=None).json() == {"code": 401, "message": "Token not found", "data": None}
    malformed = pub.get("/NOT-A-TOKEN/domains.json", token=None)
    assert malformed.status_code == 422 and malformed.json()["message"] == "Validation failed"


def test_rotation_replaces_the_token_in_both_forms(pub: Adsterra) -> None:
    new = pub.json("POST", "/_mock/token.{format}")["token"]
    assert pub.get(f"/{new}/domains.json", token=None).status_code == 200
    assert pub.get("/domains.json", token=new).status_code == 200
    for old in (pub.get(f"/{PUB_TOKEN}/domains.json", token=None), pub.get("/domains.json")):
        assert old.status_code == 403 and old.json()["message"] == "Invalid token"
    assert pub.get("/domains.json", token=PUB_OTHER).status_code == 200


def test_rotation_answers_in_every_format(pub: Adsterra) -> None:
    xml = pub.request("POST", "/_mock/token.xml")
    token = xml.text.split("<token>")[1].split("</token>")[0]
    csv = pub.request("POST", "/_mock/token.csv", token=token)
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    header, line = csv.text.splitlines()
    assert header == "token;created_at" and line.endswith(";2026-06-15T12:00:30Z")
    assert pub.get("/domains.json", token=line.split(";")[0]).status_code == 200
    assert pub.get("/domains.json", token=token).status_code == 403


# Statistics


def _stats(pub: Adsterra, **params: Any) -> list[dict[str, Any]]:
    return list(pub.json("GET", "/stats.{format}", params={**WEEK, **params})["items"])


def _totals(rows: list[dict[str, Any]]) -> tuple[int, int, float]:
    return sum(r["impression"] for r in rows), sum(r["clicks"] for r in rows), round(sum(r["revenue"] for r in rows), 4)


@pytest.mark.parametrize(
    "grouping", [["domain"], ["placement"], ["country"], ["placement_sub_id"], ["date", "country"],
                 ["date", "domain", "placement", "country", "placement_sub_id"]],
)  # fmt: skip
def test_every_grouping_has_the_same_totals(pub: Adsterra, grouping: list[str]) -> None:
    by_date = _stats(pub)
    assert [row["date"] for row in by_date] == [f"2026-06-{day:02d}" for day in range(9, 16)]
    rows = _stats(pub, **{"group_by[]": grouping})
    assert _totals(rows) == _totals(by_date)
    keys = [tuple(row[name] for name in grouping) for row in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for row in rows:
        assert list(row) == [*grouping, *METRICS]
        assert row["ctr"] == (round(row["clicks"] / row["impression"] * 100, 4) if row["impression"] else 0)
        assert row["cpm"] == pytest.approx(
            row["revenue"] / row["impression"] * 1000 if row["impression"] else 0, abs=1e-4
        )


def test_filters_select_a_subset_that_adds_up(pub: Adsterra) -> None:
    by_domain = {row["domain"]: row for row in _stats(pub, group_by="domain")}
    assert set(by_domain) == {HELP_DOMAIN, DOMAIN, OTHER_DOMAIN}
    assert _totals(_stats(pub, domain=DOMAIN))[0] == by_domain[DOMAIN]["impression"]
    by_placement = _stats(pub, group_by="placement", domain=DOMAIN)
    assert {row["placement"] for row in by_placement} == {34895644, 34845646}
    assert _stats(pub, group_by="placement", placement=34845646) == [by_placement[0]]
    sub_ids = _stats(pub, group_by="placement_sub_id")
    assert sub_ids[0]["placement_sub_id"] == ""  # traffic without a sub id
    for row in sub_ids[1:]:
        assert _totals(_stats(pub, placement_sub_id=row["placement_sub_id"]))[0] == row["impression"]
    country = _stats(pub, group_by="country")[0]
    assert _totals(_stats(pub, country=country["country"]))[0] == country["impression"]
    assert _stats(pub, domain=99) == [] and _stats(pub, placement_sub_id="nope") == []


def test_grouping_is_the_union_of_both_parameters_in_column_order(pub: Adsterra) -> None:
    rows = _stats(pub, **{"group_by": ["country", "date"], "group_by[]": ["placement_sub_id", "domain"]})
    assert list(rows[0]) == ["date", "domain", "country", "placement_sub_id", *METRICS]


def test_the_date_csv_has_the_column_order_seen_in_the_wild(pub: Adsterra) -> None:
    text = pub.get("/stats.csv", params={**WEEK, "group_by": "date"}).text
    assert text.splitlines()[0] == "date;impression;clicks;ctr;cpm;revenue"
    assert _totals(_stats(pub))[0] == sum(int(line.split(";")[1]) for line in text.splitlines()[1:])


def test_out_of_window_and_reversed_ranges_have_no_rows(pub: Adsterra) -> None:
    assert _stats(pub, start_date="2026-06-15", finish_date="2026-06-14") == []
    assert _stats(pub, start_date="2030-01-01", finish_date="2030-12-31") == []
    assert _stats(pub, start_date="2000-01-01", finish_date="2024-11-30") == []  # before the first kept day
    every_day = _stats(pub, start_date="2000-01-01", finish_date="2099-12-31")
    assert every_day[0]["date"] == "2024-12-01" and every_day[-1]["date"] == "2026-06-15"  # the clock's today
    assert len(every_day) == 562


def test_stats_are_deterministic_from_the_seed(pub: Adsterra) -> None:
    again = Adsterra(make_app().test_client(), PUB, PUB_TOKEN)
    assert _stats(again, group_by="country") == _stats(pub, group_by="country")
    assert _stats(Adsterra(make_app(seed=3).test_client(), PUB, PUB_TOKEN)) != _stats(pub)


# Bad input and unknown ids


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-13-01", "finish_date": "2026-06-15"},
        {"start_date": "1999-12-31", "finish_date": "2026-06-15"},
        {"start_date": "2026-06-01"},
        {**WEEK, "group_by": "device"},
        {**WEEK, "domain": 0},
        {**WEEK, "placement_sub_id": "x" * 65},
    ],
)
def test_bad_stats_parameters_are_422(pub: Adsterra, params: dict[str, Any]) -> None:
    for response in (
        pub.get("/stats.json", params=params),
        pub.get(f"/{PUB_TOKEN}/stats.json", token=None, params=params),
    ):
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == 422 and body["message"] == "Validation failed" and body["data"]["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/domain/99/placements.json",
        f"/{PUB_TOKEN}/domain/99/placements.json",
        "/domain/abc/placements.json",
        "/stats.pdf",
        f"/{PUB_TOKEN}/domains.html",
        "/domains.JSON",
    ],
)
def test_unknown_ids_and_uris_are_404(pub: Adsterra, path: str) -> None:
    response = pub.get(path)
    assert response.status_code == 404
    assert response.json() == {"code": 404, "message": "Not found", "data": None}


def test_another_accounts_domain_is_as_absent_as_a_missing_one(pub: Adsterra) -> None:
    other = Adsterra(pub.client, PUB, PUB_OTHER)
    theirs = other.json("GET", "/domains.{format}")["items"]
    assert {DOMAIN, OTHER_DOMAIN}.isdisjoint(domain["id"] for domain in theirs)
    assert other.get(f"/domain/{DOMAIN}/placements.json").status_code == 404
    assert pub.get(f"/domain/{theirs[0]['id']}/placements.json").status_code == 404
    assert _stats(pub, domain=theirs[0]["id"]) == []
    assert {p["id"] for p in other.json("GET", "/placements.{format}")["items"]}.isdisjoint({34895644, 34845646})


def test_the_api_is_get_only_apart_from_the_mock_rotation(pub: Adsterra) -> None:
    response = pub.request("POST", "/domains.json")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD"
    assert response.json() == {"code": 405, "message": "Method Not Allowed", "data": None}


# Rate limit


def test_1200_requests_per_minute_shared_by_header_and_path_forms_then_429(pub: Adsterra, clock: Any) -> None:
    statuses = {pub.get("/domains.json").status_code for _ in range(600)}
    statuses |= {pub.get(f"/{PUB_TOKEN}/domains.json", token=None).status_code for _ in range(600)}
    assert statuses == {200}
    for refused in (pub.get("/domains.json"), pub.get(f"/{PUB_TOKEN}/stats.json", token=None, params=WEEK)):
        assert refused.status_code == 429
        assert refused.json() == {"code": 429, "message": "Too many requests", "data": None}
        assert refused.headers["Retry-After"] == str(60 - int(FROZEN_AT) % 60)
    assert pub.get("/domains.json", token=PUB_OTHER).status_code == 200  # per user
    clock.advance(29)
    assert pub.get("/domains.json").status_code == 429  # same window
    clock.advance(1)
    assert pub.get("/domains.json").status_code == 200  # the next one


def test_the_help_articles_filter_names_filter_as_the_documented_ones(pub: Adsterra) -> None:
    """The help article names the filters `domain_id` and `placement_id`; unknown, they would come back unfiltered."""
    assert _stats(pub, domain_id=DOMAIN) == _stats(pub, domain=DOMAIN) != _stats(pub)
    assert _stats(pub, placement_id=34845646) == _stats(pub, placement=34845646) != _stats(pub)
    assert _stats(pub, domain=DOMAIN, domain_id=DOMAIN) == _stats(pub, domain=DOMAIN)


def test_a_filter_and_its_alias_both_apply(pub: Adsterra) -> None:
    assert _stats(pub, domain=DOMAIN, domain_id=OTHER_DOMAIN) == []
    assert _stats(pub, placement=34845646, placement_id=34895644) == []
