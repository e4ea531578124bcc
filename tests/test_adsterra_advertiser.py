"""Adsterra Advertiser API through HTTP: every endpoint in three formats, tokens, linking lists, custom bids, stats."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mockserver.apis.adsterra_common.tokens import rotate_token

from .conftest import (
    ADV,
    ADV_OTHER,
    ADV_REPLACED,
    ADV_TOKEN,
    FROZEN_AT,
    PUB_TOKEN,
    Adsterra,
    assert_csv_is,
    assert_xml_is,
    make_app,
)

CAMPAIGN = 1234567  # the spec's example campaign, in the demo account whatever the seed
BANNER = 7654321
METRICS = ("impressions", "conversions", "clicks", "ctr", "cpm", "spent")
CAMPAIGN_COLUMNS = ("id", "alias", "active")
BANNER_COLUMNS = ("id", "campaign_id", "alias", "active")
LANDING_COLUMNS = ("id", "url", "active")
BID_COLUMNS = ("placement_id", "bid")
WEEK = {"start_date": "2026-06-09", "finish_date": "2026-06-15"}  # the clock is frozen on 2026-06-15
LIST_BODY = {"campaign_id": CAMPAIGN, "placement_ids": [22, 11, 22]}
BIDS_BODY = {"items": [{"placement_id": 30, "bid": 1.25}, {"placement_id": 20, "bid": 0.5}]}

# (method, path, request options, CSV columns as the spec documents them, the list that holds the CSV lines)
ENDPOINTS = [
    ("GET", "/balance.{format}", {}, ("item",), None),
    ("GET", "/campaigns.{format}", {}, CAMPAIGN_COLUMNS, "items"),
    ("GET", f"/campaign/{CAMPAIGN}.{{format}}", {}, CAMPAIGN_COLUMNS, None),
    ("PATCH", f"/campaign/{CAMPAIGN}.{{format}}", {"json": {"active": False}}, CAMPAIGN_COLUMNS, None),
    ("GET", f"/campaign/{CAMPAIGN}/banners.{{format}}", {}, BANNER_COLUMNS, "items"),
    ("GET", f"/campaign/{CAMPAIGN}/landings.{{format}}", {}, LANDING_COLUMNS, "items"),
    ("PATCH", f"/banner/{BANNER}.{{format}}", {"json": {"active": False}}, BANNER_COLUMNS, None),
    ("GET", f"/banner/{BANNER}/landings.{{format}}", {}, LANDING_COLUMNS, "items"),
    ("GET", f"/campaign/{CAMPAIGN}/linking/blacklist.{{format}}", {}, ("placement_id",), "placement_ids"),
    ("POST", "/linking/blacklist.{format}", {"json": LIST_BODY}, ("placement_id",), "placement_ids"),
    ("PUT", "/linking/blacklist.{format}", {"json": LIST_BODY}, ("placement_id",), "placement_ids"),
    ("POST", "/linking/blacklist/delete.{format}", {"json": LIST_BODY}, ("placement_id",), "placement_ids"),
    ("POST", "/linking/blacklist/clean.{format}", {"json": {"campaign_id": CAMPAIGN}}, ("placement_id",), "placement_ids"),
    ("POST", "/linking/whitelist.{format}", {"json": LIST_BODY}, ("placement_id",), "placement_ids"),
    ("PUT", "/linking/whitelist.{format}", {"json": LIST_BODY}, ("placement_id",), "placement_ids"),
    ("POST", "/linking/whitelist/delete.{format}", {"json": LIST_BODY}, ("placement_id",), "placement_ids"),
    ("GET", f"/campaign/{CAMPAIGN}/linking/whitelist.{{format}}", {}, ("placement_id",), "placement_ids"),
    ("DELETE", f"/campaign/{CAMPAIGN}/linking/whitelist.{{format}}", {}, ("placement_id",), "placement_ids"),
    ("GET", f"/campaign/{CAMPAIGN}/custom_bid.{{format}}", {}, BID_COLUMNS, "items"),
    ("POST", f"/campaign/{CAMPAIGN}/custom_bid.{{format}}", {"json": BIDS_BODY}, BID_COLUMNS, "items"),
    ("PATCH", f"/campaign/{CAMPAIGN}/custom_bid.{{format}}", {"json": BIDS_BODY}, BID_COLUMNS, "items"),
    ("DELETE", f"/campaign/{CAMPAIGN}/custom_bid.{{format}}", {"params": {"placement_ids": [20]}}, BID_COLUMNS, "items"),
    ("POST", f"/campaign/{CAMPAIGN}/custom_bid/clean.{{format}}", {}, BID_COLUMNS, "items"),
    ("GET", "/stats.{format}", {"params": WEEK}, ("date", *METRICS), "items"),
    ("GET", "/stats.{format}", {"params": {**WEEK, "group_by[]": ["country"], "group_by": "campaign"}},
     ("campaign", "country", *METRICS), "items"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "options", "columns", "rows"), ENDPOINTS, ids=lambda v: v if isinstance(v, str) else None
)
def test_every_endpoint_gives_the_same_data_in_json_xml_and_csv(
    adv: Adsterra, method: str, path: str, options: dict[str, Any], columns: tuple[str, ...], rows: str | None
) -> None:
    responses = adv.formats(method, path, **options)  # writes here are idempotent: three calls, one result
    body = responses["json"].json()
    assert_xml_is(responses["xml"].text, body)
    assert_csv_is(responses["csv"].text, columns, body[rows] if rows else [body])


def test_errors_are_json_whatever_the_format(adv: Adsterra) -> None:
    for format_ in ("json", "xml", "csv"):
        response = adv.get(f"/campaign/1.{format_}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"code": 404, "message": "Not found", "data": None}


def test_seeded_demo_account_holds_the_spec_examples(adv: Adsterra) -> None:
    assert adv.json("GET", "/balance.{format}") == {"item": 1234.56}
    assert adv.json("GET", f"/campaign/{CAMPAIGN}.{{format}}") == {"id": CAMPAIGN, "alias": "Spring promo", "active": 3}
    campaigns = adv.json("GET", "/campaigns.{format}")
    assert [item["id"] for item in campaigns["items"]] == [1234567, 1234568, 1234569, 1234570]
    assert campaigns["itemCount"] == 4 and campaigns["items"][-1]["alias"] is None  # alias may be null
    banners = adv.json("GET", f"/campaign/{CAMPAIGN}/banners.{{format}}")["items"]
    assert banners[0] == {"id": BANNER, "campaign_id": CAMPAIGN, "alias": "300x250 blue", "active": 3}
    assert adv.json("GET", f"/banner/{BANNER}/landings.{{format}}")["items"] == [
        {"id": 555001, "url": "https://example.com/offer?sub={SUBID}", "active": 3}
    ]
    assert adv.json("GET", f"/campaign/{CAMPAIGN}/linking/blacklist.{{format}}") == {
        "placement_ids": [15413270, 15413272]
    }
    assert adv.json("GET", f"/campaign/{CAMPAIGN}/custom_bid.{{format}}") == {
        "items": [{"placement_id": 15413270, "bid": 0.85}], "itemCount": 1,
    }  # fmt: skip


# Tokens


def test_token_failures_answer_in_the_documented_bodies(adv: Adsterra) -> None:
    cases = [
        (None, 401, "Token not found"),
        ("0" * 32, 401, "Token not found"),
        (ADV_REPLACED, 403, "Invalid token"),
        (PUB_TOKEN, 403, "Invalid owner type"),
    ]
    for token, status, message in cases:
        response = adv.get("/campaigns.json", token=token)
        assert response.status_code == status, token
        assert response.json() == {"code": status, "message": message, "data": None}


def test_header_name_is_case_insensitive(adv: Adsterra) -> None:
    assert adv.get("/balance.json", token=None, headers={"x-api-key": ADV_TOKEN}).status_code == 200


@pytest.mark.parametrize("format_", ["json", "xml", "csv"])
def test_rotation_makes_the_new_token_the_only_valid_one(adv: Adsterra, format_: str) -> None:
    response = adv.request("POST", f"/_mock/token.{format_}")
    assert response.status_code == 200
    new = _issued_token(response, format_)
    assert re.fullmatch(r"[a-z0-9]{32}", new)
    assert adv.get("/balance.json", token=new).json() == {"item": 1234.56}
    assert adv.get("/balance.json").json() == {"code": 403, "message": "Invalid token", "data": None}
    assert adv.get("/balance.json", token=ADV_OTHER).status_code == 200  # other accounts keep theirs


def _issued_token(response: Any, format_: str) -> str:
    if format_ == "json":
        body = response.json()
        assert body["created_at"] == "2026-06-15T12:00:30Z"
        return str(body["token"])
    if format_ == "xml":
        assert "<created_at>2026-06-15T12:00:30Z</created_at>" in response.text
        return response.text.split("<token>")[1].split("</token>")[0]
    header, line = response.text.splitlines()
    assert header == "token;created_at"
    return line.split(";")[0]


def test_rotate_token_is_a_plain_function_for_other_control_surfaces(app: Any, adv: Adsterra) -> None:
    new = rotate_token(app.state, "advertiser_demo")
    assert adv.get("/campaigns.json").status_code == 403
    assert adv.get("/campaigns.json", token=new).status_code == 200
    newer = rotate_token(app.state, "advertiser_demo")
    assert adv.get("/campaigns.json", token=new).json()["message"] == "Invalid token"
    assert adv.get("/campaigns.json", token=newer).status_code == 200


# Writes change later reads


def test_activity_updates_show_in_every_later_read(adv: Adsterra) -> None:
    assert adv.json("PATCH", f"/campaign/{CAMPAIGN}.{{format}}", json={"active": False})["active"] == 1
    assert adv.get(f"/campaign/{CAMPAIGN}.csv").text == "id;alias;active\n1234567;Spring promo;1\n"
    assert "<active>1</active>" in adv.get("/campaigns.xml").text.split("</item>")[0]
    assert adv.json("PATCH", f"/campaign/{CAMPAIGN}.{{format}}", json={"active": True})["active"] == 3
    assert adv.json("PATCH", f"/banner/{BANNER}.{{format}}", json={"active": False})["active"] == 1
    banners = adv.json("GET", f"/campaign/{CAMPAIGN}/banners.{{format}}")["items"]
    assert next(banner for banner in banners if banner["id"] == BANNER)["active"] == 1


def test_black_and_white_lists_round_trip(adv: Adsterra) -> None:
    blacklist = f"/campaign/{CAMPAIGN}/linking/blacklist.{{format}}"
    whitelist = f"/campaign/{CAMPAIGN}/linking/whitelist.{{format}}"
    added = adv.json("POST", "/linking/blacklist.{format}", json={"campaign_id": CAMPAIGN, "placement_ids": [9, 1, 9]})
    assert added == {"placement_ids": [1, 9, 15413270, 15413272]}  # merged, duplicates dropped, ascending
    assert adv.json("GET", blacklist) == added
    assert adv.json(
        "POST", "/linking/blacklist/delete.{format}", json={"campaign_id": CAMPAIGN, "placement_ids": [9, 777]}
    ) == {"placement_ids": [1, 15413270, 15413272]}  # an id not in the list is ignored
    assert adv.json("PUT", "/linking/blacklist.{format}", json={"campaign_id": CAMPAIGN, "placement_ids": [5]}) == {
        "placement_ids": [5]
    }
    assert adv.json("GET", whitelist) == {"placement_ids": []}  # the two lists are independent
    adv.json("POST", "/linking/whitelist.{format}", json={"campaign_id": CAMPAIGN, "placement_ids": [3, 2]})
    assert adv.json("GET", whitelist) == {"placement_ids": [2, 3]}
    assert adv.json(
        "POST", "/linking/whitelist/delete.{format}", json={"campaign_id": CAMPAIGN, "placement_ids": [2]}
    ) == {"placement_ids": [3]}
    assert adv.json("DELETE", whitelist) == {"placement_ids": []}
    assert adv.json("GET", whitelist) == {"placement_ids": []}
    assert adv.json("POST", "/linking/blacklist/clean.{format}", json={"campaign_id": CAMPAIGN}) == {
        "placement_ids": []
    }
    assert adv.json("GET", blacklist) == {"placement_ids": []}
    assert adv.json("PUT", "/linking/whitelist.{format}", json={"campaign_id": CAMPAIGN, "placement_ids": []}) == {
        "placement_ids": []
    }
    assert adv.json("GET", "/campaign/1234568/linking/blacklist.{format}") != added  # other campaigns untouched


def test_custom_bids_round_trip(adv: Adsterra) -> None:
    bids = f"/campaign/{CAMPAIGN}/custom_bid.{{format}}"
    entries = [{"placement_id": 7, "bid": 1}, {"placement_id": 3, "bid": 0.2}, {"placement_id": 7, "bid": 2.5}]
    replaced = adv.json("POST", bids, json={"items": entries})
    assert replaced == {
        "items": [{"placement_id": 3, "bid": 0.2}, {"placement_id": 7, "bid": 2.5}],
        "itemCount": 2,
    }  # last wins
    assert adv.json("GET", bids) == replaced  # POST replaced the seeded bid on 15413270
    updated = adv.json("PATCH", bids, json={"items": [{"placement_id": 7, "bid": 0.9}, {"placement_id": 1, "bid": 4}]})
    assert updated["items"] == [
        {"placement_id": 1, "bid": 4},
        {"placement_id": 3, "bid": 0.2},
        {"placement_id": 7, "bid": 0.9},
    ]
    removed = adv.json("DELETE", bids, params={"placement_ids": [3, 99]})
    assert [item["placement_id"] for item in removed["items"]] == [1, 7]
    assert adv.json("GET", bids) == removed
    assert adv.json("POST", f"/campaign/{CAMPAIGN}/custom_bid/clean.{{format}}") == {"items": [], "itemCount": 0}
    assert adv.get(bids.format(format="csv")).text == "placement_id;bid\n"


# Statistics


def _stats(adv: Adsterra, **params: Any) -> list[dict[str, Any]]:
    return list(adv.json("GET", "/stats.{format}", params={**WEEK, **params})["items"])


def _totals(rows: list[dict[str, Any]]) -> tuple[int, int, int, float]:
    return (
        sum(row["impressions"] for row in rows),
        sum(row["conversions"] for row in rows),
        sum(row["clicks"] for row in rows),
        round(sum(row["spent"] for row in rows), 4),
    )


@pytest.mark.parametrize(
    "grouping",
    [
        ["campaign"],
        ["banner"],
        ["placement"],
        ["country"],
        ["date", "country"],
        ["date", "campaign", "banner", "placement", "country"],
    ],
)
def test_every_grouping_has_the_same_totals(adv: Adsterra, grouping: list[str]) -> None:
    by_date = _stats(adv)
    assert [row["date"] for row in by_date] == [f"2026-06-{day:02d}" for day in range(9, 16)]
    rows = _stats(adv, **{"group_by[]": grouping})
    assert _totals(rows) == _totals(by_date)
    keys = [tuple(row[name] for name in grouping) for row in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # one row per combination, sorted
    for row in rows:
        assert list(row) == [*grouping, *METRICS]
        assert row["ctr"] == (round(row["clicks"] / row["impressions"] * 100, 4) if row["impressions"] else 0)
        assert row["cpm"] == pytest.approx(
            row["spent"] / row["impressions"] * 1000 if row["impressions"] else 0, abs=1e-4
        )


def test_filters_select_a_subset_that_adds_up(adv: Adsterra) -> None:
    by_campaign = {row["campaign"]: row for row in _stats(adv, group_by="campaign")}
    assert set(by_campaign) == {1234567, 1234568, 1234569, 1234570}
    only = _stats(adv, campaign=CAMPAIGN)
    assert _totals(only)[0] == by_campaign[CAMPAIGN]["impressions"]
    by_country = _stats(adv, group_by="country", campaign=CAMPAIGN)
    country = by_country[0]["country"]
    assert _stats(adv, group_by="country", campaign=CAMPAIGN, country=country) == [by_country[0]]
    banner_rows = _stats(adv, banner=BANNER)
    assert 0 < _totals(banner_rows)[0] < _totals(only)[0]
    assert _stats(adv, campaign=99) == [] and _stats(adv, country="ZZ") == []  # unknown ids match nothing


def test_grouping_is_the_union_of_both_parameters_in_column_order(adv: Adsterra) -> None:
    rows = _stats(adv, **{"group_by": ["country", "date"], "group_by[]": ["campaign", "date"]})
    assert list(rows[0]) == ["date", "campaign", "country", *METRICS]
    csv_header = adv.get("/stats.csv", params={**WEEK, "group_by[]": ["country", "date"]}).text.splitlines()[0]
    assert csv_header == "date;country;" + ";".join(METRICS)
    assert _stats(adv, group_by="banner,date") == _stats(
        adv, group_by=["date", "banner"]
    )  # commas separate, as validated


def test_the_help_articles_example_range_has_rows_that_add_up(adv: Adsterra) -> None:
    doc = {"start_date": "2024-12-01", "finish_date": "2025-01-15"}  # long before the clock's 2026-06-15
    by_campaign = _stats(adv, group_by="campaign", **doc)
    assert [row["campaign"] for row in by_campaign] == [1234567, 1234568, 1234569, 1234570]
    by_date = _stats(adv, **doc)
    assert len(by_date) == 46 and _totals(by_date) == _totals(by_campaign)
    assert _stats(adv, start_date="2024-12-01", finish_date="2024-12-01") == by_date[:1]  # the same day, alone


def test_days_outside_the_window_or_a_reversed_range_have_no_rows(adv: Adsterra) -> None:
    assert _stats(adv, start_date="2026-06-20", finish_date="2026-06-10") == []
    assert _stats(adv, start_date="2000-01-01", finish_date="2024-11-30") == []  # before the first kept day
    every_day = _stats(adv, start_date="2000-01-01", finish_date="2099-12-31")
    assert every_day[0]["date"] == "2024-12-01" and every_day[-1]["date"] == "2026-06-15"  # the clock's today
    assert len(every_day) == 562
    empty = adv.get("/stats.csv", params={"start_date": "2030-01-01", "finish_date": "2030-01-02"})
    assert empty.text == "date;" + ";".join(METRICS) + "\n"  # the header alone


def test_stats_are_deterministic_from_the_seed(adv: Adsterra) -> None:
    again = Adsterra(make_app().test_client(), ADV, ADV_TOKEN)
    other = Adsterra(make_app(seed=2).test_client(), ADV, ADV_TOKEN)
    assert _stats(again, group_by="country") == _stats(adv, group_by="country")
    assert _stats(other) != _stats(adv)
    assert [c["id"] for c in other.json("GET", "/campaigns.{format}")["items"]][
        0
    ] == CAMPAIGN  # ids fixed whatever the seed


# Bad input and unknown ids


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "2026-02-30", "finish_date": "2026-03-01"}, None),
        ({"start_date": "yesterday", "finish_date": "2026-03-01"}, "start_date"),
        ({"finish_date": "2026-03-01"}, "start_date"),
        ({**WEEK, "group_by": "os"}, None),
        ({**WEEK, "group_by[]": ["date", "date"]}, None),
        ({**WEEK, "campaign": "abc"}, "campaign"),
        ({**WEEK, "country": "us"}, "country"),
    ],
)
def test_bad_stats_parameters_are_422_with_details(adv: Adsterra, params: dict[str, Any], field: str | None) -> None:
    response = adv.get("/stats.json", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == 422 and body["message"] == "Validation failed" and body["data"]["detail"]
    if field:
        assert body["data"]["field"] == field


@pytest.mark.parametrize(
    ("method", "path", "options"),
    [
        ("GET", "/campaign/99.json", {}),
        ("PATCH", "/campaign/99.json", {"json": {"active": True}}),
        ("GET", "/campaign/99/banners.json", {}),
        ("GET", "/campaign/99/landings.json", {}),
        ("PATCH", "/banner/99.json", {"json": {"active": True}}),
        ("GET", "/banner/99/landings.json", {}),
        ("GET", "/campaign/99/linking/blacklist.json", {}),
        ("POST", "/linking/blacklist.json", {"json": {"campaign_id": 99, "placement_ids": [1]}}),
        ("POST", "/linking/whitelist/delete.json", {"json": {"campaign_id": 99, "placement_ids": [1]}}),
        ("POST", "/linking/blacklist/clean.json", {"json": {"campaign_id": 99}}),
        ("DELETE", "/campaign/99/linking/whitelist.json", {}),
        ("PATCH", "/campaign/99/custom_bid.json", {"json": BIDS_BODY}),
        ("POST", "/campaign/99/custom_bid/clean.json", {}),
        ("GET", "/campaign/abc.json", {}),  # a non-numeric id segment matches no route
        ("GET", f"/campaign/{CAMPAIGN}..json", {}),  # the suffix is ".json"
        ("GET", "/stats.pdf", {}),  # an unsupported format is an unknown URI, before any validation
        ("POST", "/linking/blacklist.txt", {"json": {}}),
    ],
)
def test_unknown_ids_and_uris_are_404(adv: Adsterra, method: str, path: str, options: dict[str, Any]) -> None:
    response = adv.request(method, path, **options)
    assert response.status_code == 404
    assert response.json() == {"code": 404, "message": "Not found", "data": None}


def test_unsupported_format_is_404_even_without_a_token(adv: Adsterra) -> None:
    assert adv.get("/campaigns.yaml", token=None).status_code == 404
    assert adv.get("/campaigns.json", token=None).status_code == 401


def test_another_accounts_campaign_is_as_absent_as_a_missing_one(adv: Adsterra) -> None:
    other = Adsterra(adv.client, ADV, ADV_OTHER)
    theirs = other.json("GET", "/campaigns.{format}")["items"]
    assert CAMPAIGN not in {campaign["id"] for campaign in theirs}
    assert other.get(f"/campaign/{CAMPAIGN}.json").status_code == 404
    assert other.request("POST", "/linking/blacklist/clean.json", json={"campaign_id": CAMPAIGN}).status_code == 404
    assert other.request("POST", f"/campaign/{CAMPAIGN}/custom_bid/clean.json").status_code == 404
    assert other.get(f"/banner/{BANNER}/landings.json").status_code == 404
    assert adv.get(f"/campaign/{theirs[0]['id']}.json").status_code == 404
    assert _stats(adv, campaign=theirs[0]["id"]) == []
    assert adv.json("GET", f"/campaign/{CAMPAIGN}/linking/blacklist.{{format}}") == {
        "placement_ids": [15413270, 15413272]
    }


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"campaign_id": 1234567, "placement_ids": ["\xff"]}', "application/json"),
        (b'{"campaign_id": "1234567", "placement_ids": [1]}', "application/json"),
        (b'{"campaign_id": 1234567, "placement_ids": []}', "application/json"),
        (b'{"campaign_id": 1234567, "placement_ids": [0]}', "application/json"),
        (b'{"campaign_id": 1234567}', "application/json"),
        (b"campaign_id=1234567&placement_ids=1", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
    ],
)
def test_bad_bodies_are_422_and_change_nothing(adv: Adsterra, content: bytes, content_type: str) -> None:
    before = adv.json("GET", f"/campaign/{CAMPAIGN}/linking/blacklist.{{format}}")
    response = adv.request("POST", "/linking/blacklist.json", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text
    assert response.json()["message"] == "Validation failed" and response.json()["data"]["detail"]
    assert adv.json("GET", f"/campaign/{CAMPAIGN}/linking/blacklist.{{format}}") == before


def test_a_nan_bid_is_not_json(adv: Adsterra) -> None:
    bids = f"/campaign/{CAMPAIGN}/custom_bid.json"
    response = adv.request(
        "PATCH",
        bids,
        content=b'{"items": [{"placement_id": 1, "bid": NaN}]}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422 and response.json()["data"] == {"detail": "NaN is not a JSON number"}
    assert adv.get(bids).json()["items"] == [{"placement_id": 15413270, "bid": 0.85}]


def test_path_id_below_the_minimum_is_422(adv: Adsterra) -> None:
    response = adv.get("/campaign/0.json")
    assert response.status_code == 422 and response.json()["code"] == 422


# Rate limit


def test_1200_requests_per_minute_per_account_then_429_until_the_next_window(adv: Adsterra, clock: Any) -> None:
    other = Adsterra(adv.client, ADV, ADV_OTHER)
    statuses = [adv.get("/balance.json").status_code for _ in range(1200)]
    assert statuses == [200] * 1200
    refused = adv.get("/campaigns.json")
    assert refused.status_code == 429
    assert refused.json() == {"code": 429, "message": "Too many requests", "data": None}
    assert refused.headers["Retry-After"] == str(60 - int(FROZEN_AT) % 60)
    assert "X-RateLimit-Limit" not in refused.headers  # the API documents none
    assert other.get("/balance.json").status_code == 200  # per account
    clock.advance(int(refused.headers["Retry-After"]))
    assert adv.get("/balance.json").status_code == 200
