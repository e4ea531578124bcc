"""Reading our OpenAPI documents directly: resolved operations by id, and the methods each path allows."""

from __future__ import annotations

import re
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
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(base_path + template))
        table.append((re.compile(pattern + "$"), tuple(m.upper() for m in METHODS if m in item)))
    return tuple(table)


def allowed_methods(path: Path, base_path: str, request_path: str) -> list[str]:
    """Methods the document gives the path (HEAD wherever GET is), for the `Allow` header of a 405."""
    for pattern, methods in _templates(path, base_path):
        if pattern.match(request_path):
            return sorted({*methods, *(["HEAD"] if "GET" in methods else [])})
    return []
