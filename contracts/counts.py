"""Check that the counts an answer states (Adsterra's itemCount, Binom's total_count, PeerClick's totalRows) agree
with the rows it holds."""

from __future__ import annotations

from typing import Any

from schemathesis import Case, Response

from .checking import (
    case_parameters,
    contract_check,
    formats_of,
    is_positive,
    json_body,
    may_probe,
    probe,
    sent_headers,
)
from .paging import items_of, totals_row


@contract_check
def item_counts(ctx: Any, response: Response, case: Case) -> bool | None:
    """`itemCount` is the number of `items` (Adsterra); a total of matching rows (Binom's totals `total_count`,
    PeerClick's `totalRows`) is at least `offset` + the rows on a non-empty page, and equals the rows when one page from
    offset 0 holds fewer rows than the limit."""
    if response.status_code != 200 or case.method.upper() != "GET":
        return None
    body = json_body(response)
    if body is None and is_positive(case) and "json" in formats_of(case) and may_probe("item_counts", case):
        # An XML or CSV answer states no count of its own to compare; its JSON rendering does (Adsterra).
        answer = probe(ctx, case, path=case.operation.path, path_parameters={**case.path_parameters, "format": "json"},
                       query=case.query or {}, headers=sent_headers(response))  # fmt: skip
        body = json_body(answer) if answer.status_code == 200 else None
    if isinstance(body, dict) and "itemCount" in body and isinstance(body.get("items"), list):
        if body["itemCount"] != len(body["items"]):
            raise AssertionError(f"itemCount is {body['itemCount']} but the answer holds {len(body['items'])} items")
        return None
    total = _stated_total(body)
    rows = items_of(body)
    if total is None or rows is None:
        return None
    query = case.query or {}
    documented = case_parameters(case)
    offset = _integer(query.get("offset"), documented.get("offset"), 0)
    limit = _integer(query.get("limit"), documented.get("limit"), None)
    if rows and total < offset + len(rows):
        raise AssertionError(
            f"The answer states {total} matching rows, but offset {offset} + {len(rows)} rows on the page is more"
        )
    if offset == 0 and limit is not None and len(rows) < limit and total != len(rows):
        raise AssertionError(f"The answer states {total} matching rows, but the whole result (fewer than limit={limit}) "
                             f"holds {len(rows)}")  # fmt: skip
    return None


def _stated_total(body: Any) -> int | None:
    row = totals_row(body)
    if row is not None:
        value = row.get("total_count")
    elif isinstance(body, dict) and "totalRows" in body:
        value = body["totalRows"]
    elif isinstance(body, dict) and isinstance(body.get("totals"), dict) and "total_count" in body["totals"]:
        value = body["totals"]["total_count"]
    else:
        return None
    return int(value)


def _integer(value: Any, parameter: dict[str, Any] | None, fallback: int | None) -> int | None:
    """The value sent, else the parameter's documented default."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    default = (parameter or {}).get("schema", {}).get("default")
    return int(default) if isinstance(default, int) else fallback
