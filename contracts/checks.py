"""Checks for documented conventions that a schema cannot express; importing this module registers them (and formats)."""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import MutableMapping
from decimal import Decimal
from typing import Any

from openapi_schema_validator import OAS30Validator
from schemathesis import Case, Response

from . import (  # noqa: F401  (each registers its checks)
    access,
    bodies,
    cleanup,
    counts,
    deletion,
    equivalence,
    formats,
    paging,
    refusals,
)
from .checking import api_of, contract_check, json_body, may_probe, offline_windows, probe, replay, sent_headers
from .paging import totals_row
from .spec import (
    RATE_HEADERS,
    documented_response,
    documents_rate_headers,
    error_schema,
    query_parameter,
    security_headers,
)

READS = ("GET", "HEAD", "OPTIONS")
# Last X-RateLimit-Remaining seen per (target, credential, request class, limit, window end).
_windows: MutableMapping[Any, dict[tuple[Any, ...], int]] = weakref.WeakKeyDictionary()
_url_windows: dict[str, dict[tuple[Any, ...], int]] = {}
WALKS_PER_OPERATION = 2  # each paginated list is walked a bounded number of times per target


@contract_check
def rate_limit_headers(ctx: Any, response: Response, case: Case) -> bool | None:
    """X-RateLimit-* present on every status that documents them, consistent (Remaining <= Limit) and non-increasing within a window."""
    values = [response.headers.get(name, [None])[0] for name in RATE_HEADERS]
    if all(value is None for value in values):
        if documents_rate_headers(documented_response(case, response.status_code)):
            raise AssertionError("The response has no X-RateLimit-* headers although the spec documents them")
        return None
    try:
        limit, remaining, reset = (int(value) for value in values)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise AssertionError(
            f"X-RateLimit-* headers must all be present integers, got {dict(zip(RATE_HEADERS, values, strict=True))}"
        ) from None
    if not 0 <= remaining <= limit or reset < 0:
        raise AssertionError(f"Inconsistent rate-limit headers: Limit={limit}, Remaining={remaining}, Reset={reset}")
    sent = response.request.headers
    credential = tuple(sorted((name, sent.get(name, "")) for name in security_headers(case)))
    request_class = "read" if case.method.upper() in READS else "write"
    key = (credential, request_class, limit, reset)
    seen = _seen_for(case)
    previous = seen.get(key)
    seen[key] = remaining
    if previous is not None and remaining > previous:
        raise AssertionError(
            f"X-RateLimit-Remaining went up within one window ({previous} -> {remaining}, Reset={reset})"
        )
    return None


@contract_check
def retry_after_on_429(ctx: Any, response: Response, case: Case) -> bool | None:
    """A 429 tells the client when to come back."""
    if response.status_code != 429:
        return None
    value = response.headers.get("retry-after", [None])[0]
    if value is None or not value.strip().isdigit():
        raise AssertionError(f"429 without a Retry-After header in seconds (got {value!r})")
    return None


@contract_check
def error_body_shape(ctx: Any, response: Response, case: Case) -> bool | None:
    """Every error, documented for the operation or not (405, 413, ...), uses the API's own error body."""
    if response.status_code < 400 or documented_response(case, response.status_code) is not None:
        return None  # documented statuses are covered by response_schema_conformance
    schema = error_schema(case, response.status_code)
    if schema is None:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(f"{response.status_code} error body is not JSON: {response.content[:200]!r}") from None
    errors = sorted(OAS30Validator(schema).iter_errors(body), key=str)
    if errors:
        raise AssertionError(f"{response.status_code} error body is not in the API's error shape: {errors[0].message}")
    return None


@contract_check
def cursor_pagination(ctx: Any, response: Response, case: Case) -> bool | None:
    """Following nextCursor visits every record exactly once, in the same order as one large page."""
    if not _is_first_page(case, response) or not may_probe("cursor_pagination", case, WALKS_PER_OPERATION):
        return None
    query = {name: value for name, value in (case.query or {}).items() if name not in ("cursor", "limit")}
    walked: list[Any] = []
    cursor = None
    for page_number in range(1, 201):
        body = _page(ctx, case, response, {**query, "limit": 2, **({"cursor": cursor} if cursor else {})})
        if body is None:
            return None
        ids = [item.get("id") for item in body["data"] if isinstance(item, dict)]
        repeated = sorted(set(ids) & set(walked), key=str)
        if repeated:
            raise AssertionError(f"Cursor pagination repeated records {repeated} on page {page_number}")
        walked += ids
        cursor = body["pagination"].get("nextCursor")
        if body["pagination"].get("hasMore") is not (cursor is not None):
            raise AssertionError(f"pagination.hasMore disagrees with nextCursor on page {page_number}")
        if cursor is None:
            break
    largest = (query_parameter(case, "limit") or {}).get("schema", {}).get("maximum", 100)
    whole = _page(ctx, case, response, {**query, "limit": largest})
    if whole is not None and not whole["pagination"].get("hasMore"):
        expected = [item.get("id") for item in whole["data"] if isinstance(item, dict)]
        if walked != expected:
            missing = sorted(set(expected) - set(walked), key=str)
            raise AssertionError(
                f"Pages of 2 do not add up to one page of {largest}: missing {missing}, got {walked} vs {expected}"
            )
    return None


@contract_check
def stats_arithmetic(ctx: Any, response: Response, case: Case) -> bool | None:
    """BannerTrackr stats: summary is the sum of daily rows; ctr = clicks / impressions * 100 to 2 places; breakdowns add up."""
    api = api_of(case)
    if (
        api is None
        or api.name != "bannertrackr"
        or not case.operation.path.endswith("/stats")
        or response.status_code != 200
    ):
        return None
    body = json_body(response)
    if not isinstance(body, dict):
        return None  # not JSON: body_matches_content_type names that
    data = body["data"]
    summary, daily = data["summary"], data["daily"]
    for metric in ("impressions", "clicks", "uniqueVisitors"):
        total = sum(row[metric] for row in daily)
        if summary[metric] != total:
            raise AssertionError(f"summary.{metric} is {summary[metric]} but the daily rows add up to {total}")
    for row in [summary, *daily]:
        expected = round(row["clicks"] / row["impressions"] * 100, 2) if row["impressions"] else 0
        if row["ctr"] != expected:
            raise AssertionError(
                f"ctr {row['ctr']} != clicks / impressions * 100 = {expected} ({row.get('date', 'summary')})"
            )
    breakdowns = data.get("breakdowns")
    if breakdowns:
        for metric in ("impressions", "clicks"):
            total = sum(row[metric] for row in breakdowns["byDevice"])
            if total != summary[metric]:
                raise AssertionError(f"byDevice {metric} add up to {total}, summary says {summary[metric]}")
        countries = [row["impressions"] for row in breakdowns["byCountry"]]
        if countries != sorted(countries, reverse=True) or len(countries) > 10:
            raise AssertionError("byCountry must be the top 10 countries by impressions, in descending order")
    return None


# Additive metrics whose totals must be the sum of the rows (Binom as strings, PeerClick as numbers).
BINOM_ADDITIVE = ("clicks", "unique_clicks", "unique_campaign_clicks", "leads", "bots", "revenue", "cost", "profit",
                  "lander_views", "lander_clicks")  # fmt: skip
PEERCLICK_ADDITIVE = ("visits", "clicks", "conversions", "revenue", "cost", "profit")


@contract_check
def totals_arithmetic(ctx: Any, response: Response, case: Case) -> bool | None:
    """Binom `/stats/*`, `/info/*` and `/report/*`, PeerClick `/report`: when one page holds every row, the totals are
    the sum of the rows (Binom's report: of the level-1 rows, and every parent of its children)."""
    api = api_of(case)
    if (
        api is None
        or api.name not in ("binom", "peerclick")
        or response.status_code != 200
        or case.method.upper() != "GET"
    ):
        return None
    path, body = case.operation.path, json_body(response)
    if body is None:
        return None
    whole = int((case.query or {}).get("offset") or 0) == 0
    if api.name == "peerclick" and path == "/report":
        if whole and len(body["rows"]) == body["totalRows"]:
            _same_sums(body["rows"], body["totals"], PEERCLICK_ADDITIVE, "totals")
    elif path.startswith(("/stats/", "/info/")) and totals_row(body) is not None:
        rows, totals = body[:-1], body[-1]
        if whole and len(rows) == int(totals["total_count"]):
            _same_sums(rows, totals, BINOM_ADDITIVE, "the totals row")
    elif (
        path.startswith("/report/") and isinstance(body, dict) and "report" in body
    ):  # not presets, filters, marks, groupings lists
        rows = body["report"]
        tops = [row for row in rows if row["level"] == "1"]
        if whole and len(tops) == int(body["totals"].get("total_count", len(tops))):
            _same_sums(tops, body["totals"], BINOM_ADDITIVE, "totals")
        for index, row in enumerate(rows):
            children = []
            for later in rows[index + 1 :]:
                if int(later["level"]) <= int(row["level"]):
                    break
                if int(later["level"]) == int(row["level"]) + 1:
                    children.append(later)
            if children:
                _same_sums(children, row, BINOM_ADDITIVE, f"the level-{row['level']} row {row['entity_id']!r}")
    return None


def _same_sums(rows: list[dict[str, Any]], totals: dict[str, Any], metrics: tuple[str, ...], what: str) -> None:
    """Each metric of `totals` is the sum of `rows` (0 without rows), to the cent; metrics a row lacks are skipped."""
    for metric in metrics:
        if metric not in totals or any(metric not in row for row in rows):
            continue
        total = sum((Decimal(str(row[metric])) for row in rows), Decimal(0))
        if total.quantize(Decimal("0.01")) != Decimal(str(totals[metric])).quantize(Decimal("0.01")):
            raise AssertionError(f"{what} says {metric} = {totals[metric]}, but its rows add up to {total}")


@contract_check
def read_only_scope(ctx: Any, response: Response, case: Case) -> bool | None:
    """A write that succeeded with the read-write credential is refused (401/403) with the read-only one."""
    api = api_of(case)
    if api is None or api.read_only is None or case.method.upper() in READS or not 200 <= response.status_code < 300:
        return None
    read_only = os.environ.get(api.read_only.env)
    if not read_only:
        return None
    replayed = replay(ctx, case, {**sent_headers(response), api.read_only.header: api.read_only.prefix + read_only})
    if 200 <= replayed.status_code < 300:
        cleanup.record(case.operation, replayed)
        raise AssertionError(f"{case.method} succeeded ({replayed.status_code}) with a read-only credential")
    if replayed.status_code not in (401, 403):
        raise AssertionError(f"A read-only credential on {case.method} got {replayed.status_code}, expected 403")
    return None


def _seen_for(case: Case) -> dict[tuple[Any, ...], int]:
    judged = offline_windows()
    if judged is not None:
        return judged
    app = case.operation.app
    if app is not None:
        return _windows.setdefault(app, {})
    return _url_windows.setdefault(str(case.operation.base_url), {})


def _is_first_page(case: Case, response: Response) -> bool:
    if case.method.upper() != "GET" or response.status_code != 200 or query_parameter(case, "cursor") is None:
        return False
    if (case.query or {}).get("cursor") or (case.meta is not None and not case.meta.generation.mode.is_positive):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("data"), list) and isinstance(body.get("pagination"), dict)


def _page(ctx: Any, case: Case, response: Response, query: dict[str, Any]) -> dict[str, Any] | None:
    page = probe(ctx, case, query=query, headers=sent_headers(response))
    if page.status_code != 200:
        return None  # e.g. rate limited: nothing to conclude
    body = json.loads(page.content)
    return body if isinstance(body, dict) and isinstance(body.get("pagination"), dict) else None
