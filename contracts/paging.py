"""Checks of page size and offset paging: no page longer than asked, pages that neither repeat nor skip."""

from __future__ import annotations

import json
from typing import Any

from schemathesis import Case, Response

from .checking import case_parameters, contract_check, is_positive, json_body, may_probe, probe, sent_headers

# The names of a page's records in an envelope that holds more than one array.
PAGE_KEYS = ("data", "rows", "items", "report")
MAX_PAGES = 25  # pages of 2 walked per list: enough to see a repeat or a gap, bounded for rate-limited accounts


def totals_row(body: Any) -> dict[str, Any] | None:
    """Binom's totals row: the last element of a bare array answer, `{"id": "totals", "total_count": N, ...}`."""
    if isinstance(body, list) and body and isinstance(body[-1], dict) and body[-1].get("id") == "totals":
        return body[-1]
    return None


def items_of(body: Any) -> list[Any] | None:
    """The records of a list answer: the array itself (less Binom's trailing totals row), or the one array property
    of an envelope (`data`, `campaigns`, `rows`, `items`, ...; a report's level-1 rows); None when the body is not
    a list answer."""
    if isinstance(body, list):
        return body[:-1] if totals_row(body) is not None else body
    if isinstance(body, dict):
        arrays = [value for value in body.values() if isinstance(value, list)]
        if len(arrays) != 1:  # e.g. PeerClick's report: `rows` beside `columnMappings`
            arrays = [body[name] for name in PAGE_KEYS if isinstance(body.get(name), list)][:1]
        if not arrays:
            return None
        # Binom's report is a tree in one array: its page is the level-1 rows, each followed by its children.
        return [row for row in arrays[0] if not isinstance(row, dict) or str(row.get("level", "1")) == "1"]
    return None


@contract_check
def page_size(ctx: Any, response: Response, case: Case) -> bool | None:
    """A list never holds more records than the `limit` asked (every paginated list of BannerTrackr, Binom and
    PeerClick documents `limit` as the page size); probed once per list with the smallest limit."""
    if case.method.upper() != "GET" or response.status_code != 200:
        return None
    limit_parameter = case_parameters(case).get("limit")
    if limit_parameter is None or limit_parameter.get("in") != "query":
        return None
    items = items_of(json_body(response))
    if items is None:
        return None
    asked = (case.query or {}).get("limit")
    if isinstance(asked, int) and not isinstance(asked, bool) and asked >= 1 and len(items) > asked:
        raise AssertionError(f"limit={asked} but the page holds {len(items)} records")
    smallest = max(int(limit_parameter.get("schema", {}).get("minimum", 1)), 1)
    if len(items) > smallest and is_positive(case) and may_probe("page_size", case):
        query = {**(case.query or {}), "limit": smallest}
        small = probe(ctx, case, query=query, headers=sent_headers(response))
        small_items = items_of(json_body(small)) if small.status_code == 200 else None
        if small_items is not None and len(small_items) > smallest:
            raise AssertionError(f"limit={smallest} but the page holds {len(small_items)} records")
    return None


@contract_check
def offset_paging(ctx: Any, response: Response, case: Case) -> bool | None:
    """Walking `offset` in pages of 2 (Binom, PeerClick) visits the records of one large page exactly once, in order."""
    if case.method.upper() != "GET" or response.status_code != 200 or not is_positive(case):
        return None
    documented = case_parameters(case)
    if "offset" not in documented or "limit" not in documented or items_of(json_body(response)) is None:
        return None
    if not may_probe("offset_paging", case):
        return None
    query = {name: value for name, value in (case.query or {}).items() if name not in ("offset", "limit")}
    headers = sent_headers(response)
    largest = int(documented["limit"].get("schema", {}).get("maximum", 100))
    whole = _page(ctx, case, headers, {**query, "offset": 0, "limit": largest})
    if whole is None or len(whole) >= largest:
        return None  # nothing to compare with, or more records than one page: no complete reference
    walked: list[str] = []
    for number in range(MAX_PAGES):
        page = _page(ctx, case, headers, {**query, "offset": 2 * number, "limit": 2})
        if page is None:
            return None
        if len(page) > 2:
            raise AssertionError(f"offset={2 * number}&limit=2 answered {len(page)} records")
        keys = [_identity(item) for item in page]
        repeated = [key for key in keys if key in walked]
        if repeated:
            raise AssertionError(f"offset={2 * number} repeats records of earlier pages: {repeated[:3]}")
        walked += keys
        if len(page) < 2:
            break
    expected = [_identity(item) for item in whole]
    if len(walked) < MAX_PAGES * 2 and walked != expected:
        missing = [key for key in expected if key not in walked]
        raise AssertionError(f"Pages of 2 do not add up to one page of {largest}: missing {missing[:3]}, "
                             f"{len(walked)} walked vs {len(expected)}")  # fmt: skip
    return None


def _page(ctx: Any, case: Case, headers: dict[str, str], query: dict[str, Any]) -> list[Any] | None:
    answer = probe(ctx, case, query=query, headers=headers)
    return items_of(json_body(answer)) if answer.status_code == 200 else None


def _identity(item: Any) -> str:
    if isinstance(item, dict) and "id" in item:
        return str(item["id"])
    return json.dumps(item, sort_keys=True)
