"""Reading the parts of an OpenAPI document the checks need: resolved schemas, documented headers, security headers."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from schemathesis import Case

from mockserver.kit.spec import METHODS, header_credentials, load, resolve

RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


_resolved: OrderedDict[tuple[int, str, str], tuple[dict[str, Any], dict[str, Any]]] = OrderedDict()
RESOLVED_KEPT = 256  # operations kept resolved; each entry holds its document, so its id cannot be reused meanwhile


def raw_operation(case: Case) -> dict[str, Any]:
    """The case's operation with its references resolved, once per document and operation (checks ask per response)."""
    root = case.operation.schema.raw_schema
    key = (id(root), case.operation.path, case.operation.method.lower())
    found = _resolved.get(key)
    if found is None or found[0] is not root:
        found = (root, resolve(root, root["paths"][case.operation.path][case.operation.method.lower()]))
        _resolved[key] = found
        if len(_resolved) > RESOLVED_KEPT:
            _resolved.popitem(last=False)
    return found[1]


def documented_response(case: Case, status: int) -> dict[str, Any] | None:
    responses = raw_operation(case).get("responses", {})
    return responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")


def json_schema(response: dict[str, Any] | None) -> dict[str, Any] | None:
    if not response:
        return None
    for media_type, content in response.get("content", {}).items():
        if "json" in media_type and "schema" in content:
            return content["schema"]  # type: ignore[no-any-return]
    return None


def error_schema(case: Case, status: int) -> dict[str, Any] | None:
    """The schema an error with `status` must follow: the documented one, else the operation's 400 (or first 4xx)."""
    schema = json_schema(documented_response(case, status))
    if schema is not None:
        return schema
    responses = raw_operation(case).get("responses", {})
    for code in ["400", *sorted(code for code in responses if code.startswith("4"))]:
        schema = json_schema(responses.get(code))
        if schema is not None:
            return schema
    return None


def documents_rate_headers(response: dict[str, Any] | None) -> bool:
    """Whether a documented response lists all three X-RateLimit-* headers (BannerTrackr: every response;
    PeerClick: only its 429)."""
    return response is not None and {h.lower() for h in response.get("headers", {})} >= set(RATE_HEADERS)


def security_headers(case: Case) -> set[str]:
    """Lower-case names of the headers that carry this API's credentials."""
    schemes = case.operation.schema.raw_schema.get("components", {}).get("securitySchemes", {})
    return {header for header, _ in header_credentials(schemes)}


def parameters(root: dict[str, Any], path: str, method: str) -> dict[str, dict[str, Any]]:
    """The resolved parameters of an operation (path-level ones included), by name."""
    item = root["paths"][path]
    found = [
        resolve(root, parameter) for parameter in [*item.get("parameters", []), *item[method].get("parameters", [])]
    ]
    return {parameter["name"]: parameter for parameter in found}


def query_parameter(case: Case, name: str) -> dict[str, Any] | None:
    parameter = parameters(case.operation.schema.raw_schema, case.operation.path, case.operation.method.lower()).get(
        name
    )
    return parameter if parameter is not None and parameter.get("in") == "query" else None


def operations(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path template, operation) of every operation of the spec at `path`."""
    root = load(path)
    return [(method.upper(), template, item[method]) for template, item in root["paths"].items() for method in METHODS
            if method in item]  # fmt: skip


def has_links_between(path: Path, selected: Callable[[str, dict[str, Any]], bool]) -> bool:
    """Whether a documented link leads from one selected operation to another: the stateful phase needs one."""
    root, every = load(path), operations(path)
    chosen = {op.get("operationId") for method, _, op in every if selected(method, op)}
    for _, _, op in every:
        if op.get("operationId") not in chosen:
            continue
        for response in op.get("responses", {}).values():
            for link in resolve(root, response).get("links", {}).values():
                if link.get("operationId") in chosen:
                    return True
    return False
