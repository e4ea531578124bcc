"""Reading our OpenAPI documents directly: resolved operations by id, the methods each path allows (for `Allow` on
405s), and enum-constrained path segments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER = re.compile(r"\\\{([^}]+)\\\}")


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


@cache
def _templates(path: Path, base_path: str) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    table = []
    for template, item in load(path)["paths"].items():
        pattern = _PARAMETER.sub("[^/]+", re.escape(base_path + template))
        table.append((re.compile(pattern + "$"), tuple(m.upper() for m in METHODS if m in item)))
    return tuple(table)


def allowed_methods(path: Path, base_path: str, request_path: str) -> list[str]:
    """Methods the document gives the path (HEAD wherever GET is), for the `Allow` header of a 405."""
    for pattern, methods in _templates(path, base_path):
        if pattern.match(request_path):
            return sorted({*methods, *(["HEAD"] if "GET" in methods else [])})
    return []


@cache
def _enum_table(path: Path, base_path: str) -> tuple[tuple[re.Pattern[str], tuple[frozenset[str], ...]], ...]:
    """Per template: a pattern capturing each path parameter as the router does, and the values each may take
    (empty: any)."""
    root = load(path)
    table = []
    for template, item in root["paths"].items():
        schemas: dict[str, dict[str, Any]] = {}
        for operation in [item, *(item[m] for m in METHODS if m in item)]:
            for parameter in (_deref(root, p) for p in operation.get("parameters", [])):
                if parameter.get("in") == "path":
                    schemas[parameter["name"]] = _deref(root, parameter.get("schema", {}))
        names = [name.replace("\\", "") for name in _PARAMETER.findall(re.escape(template))]
        # connexion routes integer parameters with starlette's int convertor: digits only.
        groups = iter(f"({'[0-9]+' if schemas.get(name, {}).get('type') == 'integer' else '[^/]+'})" for name in names)
        pattern = _PARAMETER.sub(lambda _: next(groups), re.escape(base_path + template))
        enums = tuple(frozenset(str(value) for value in schemas.get(name, {}).get("enum", ())) for name in names)
        table.append((re.compile(pattern + "$"), enums))
    return tuple(table)


def outside_enum(path: Path, base_path: str, request_path: str) -> bool:
    """True when `request_path` fits a template only with a path parameter outside its enum (`/stats.pdf` for json|xml|csv)."""
    fits_loosely = False
    for pattern, allowed in _enum_table(path, base_path):
        match = pattern.match(request_path)
        if match is None:
            continue
        if all(not values or value in values for value, values in zip(match.groups(), allowed, strict=True)):
            return False
        fits_loosely = True
    return fits_loosely


def _deref(root: dict[str, Any], node: Any) -> Any:
    """A local `#/...` reference followed to its target (repeatedly); anything else unchanged."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node
