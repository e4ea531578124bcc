"""Reading our OpenAPI documents directly: the parsed document, resolved operations by id, credential headers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@cache
def load(path: Path) -> dict[str, Any]:
    """The parsed document (cached: read on first use, never at start-up)."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


def resolve(root: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """`node` with every local `$ref` inlined (our specs use only `#/...` references)."""
    if depth > 64:
        raise ValueError("reference cycle")
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return resolve(root, target, depth + 1)
        return {key: resolve(root, value, depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(root, value, depth + 1) for value in node]
    return node


def header_credentials(schemes: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """(lower-case header, value prefix) of each credential security `schemes` put in a header: http (Authorization,
    e.g. "bearer ") or apiKey in a header."""
    found = []
    for scheme in schemes.values():
        if scheme.get("type") == "http":
            found.append(("authorization", f"{scheme.get('scheme', '').lower()} "))
        elif scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            found.append((scheme["name"].lower(), ""))
    return tuple(found)


@cache
def credential_headers(path: Path) -> tuple[tuple[str, str], ...]:
    """header_credentials of the document at `path`."""
    return header_credentials(load(path).get("components", {}).get("securitySchemes", {}))


@cache
def operation(path: Path, operation_id: str) -> dict[str, Any]:
    """The operation `operation_id` with references resolved; KeyError if the document has none."""
    root = load(path)
    for item in root["paths"].values():
        for method in METHODS:
            if item.get(method, {}).get("operationId") == operation_id:
                return resolve(root, item[method])  # type: ignore[no-any-return]
    raise KeyError(operation_id)


def deref(root: dict[str, Any], node: Any) -> Any:
    """A local `#/...` reference followed to its target (repeatedly); anything else unchanged."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node
