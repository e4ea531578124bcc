"""Check that a deleted record stays deleted: gone from its direct read and from its list."""

from __future__ import annotations

import re
from typing import Any

from schemathesis import Case, Response

from .checking import contract_check, documented, json_body, probe, sent_headers
from .paging import items_of
from .spec import parameters

_LAST_PARAMETER = re.compile(r"^(?P<parent>.*)/\{(?P<name>[^}/]+)\}$")


@contract_check
def deleted_stays_deleted(ctx: Any, response: Response, case: Case) -> bool | None:
    """After a successful DELETE of `/things/{id}`, a GET of it answers the documented 404 and no list of things
    holds it (BannerTrackr, PeerClick: "Unknown or deleted id"; Binom's soft delete: "a deleted entity answers 404
    on every direct access, is left out of list/filtered")."""
    if case.method.upper() != "DELETE" or not 200 <= response.status_code < 300:
        return None
    root = case.operation.schema.raw_schema
    path = case.operation.path
    match = _LAST_PARAMETER.match(path)
    if match is None or "get" not in root["paths"].get(path, {}):
        return None
    headers = sent_headers(response)
    again = probe(ctx, case, path=path, headers=headers)
    if 200 <= again.status_code < 300:
        raise AssertionError(
            f"DELETE answered {response.status_code}, but GET {path} still answers {again.status_code}"
        )
    if documented(case, 404, path, "get") and again.status_code not in (404, 429):
        raise AssertionError(f"GET of a deleted record answered {again.status_code}; the spec documents 404 for it")
    deleted_id = str(case.path_parameters.get(match["name"]))
    for list_path in _lists_of(root, match["parent"]):
        listing = probe(
            ctx, case, path=list_path, path_parameters={}, query=_largest_page(root, list_path), headers=headers
        )
        if listing.status_code != 200:
            continue
        ids = {str(item.get("id")) for item in items_of(json_body(listing)) or [] if isinstance(item, dict)}
        if deleted_id in ids:
            raise AssertionError(f"The deleted record {deleted_id} is still listed by GET {list_path}")
    return None


def _lists_of(root: dict[str, Any], parent: str) -> list[str]:
    """The list operations of a collection: GETs at or under its path that take no path parameter and a `limit`
    (`/sites`, PeerClick's `/campaign`, Binom's `/campaign/list/filtered`)."""
    found = []
    for path, item in root["paths"].items():
        if (path == parent or path.startswith(parent + "/")) and "{" not in path and "get" in item:
            if "limit" in parameters(root, path, "get"):
                found.append(path)
    return found


def _largest_page(root: dict[str, Any], path: str) -> dict[str, Any]:
    maximum = parameters(root, path, "get").get("limit", {}).get("schema", {}).get("maximum")
    return {"limit": maximum} if maximum else {}
