"""What a spec says about its paths: the methods each allows (for `Allow` on 405s) and enum-constrained segments."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER = re.compile(r"\\\{([^}]+)\\\}")


@cache
def _spec(spec_path: Path) -> dict[str, Any]:
    # Read on first use only, so start-up does not pay for it.
    with spec_path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


@cache
def _table(spec_path: Path, base_path: str) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    table = []
    for template, item in _spec(spec_path)["paths"].items():
        pattern = _PARAMETER.sub("[^/]+", re.escape(base_path + template))
        methods = tuple(m.upper() for m in METHODS if m in item)
        table.append((re.compile(pattern + "$"), methods))
    return tuple(table)


def allowed_methods(spec_path: Path, base_path: str, path: str) -> list[str]:
    """Methods the spec documents for `path` (HEAD wherever GET is), empty when no template matches."""
    for pattern, methods in _table(spec_path, base_path):
        if pattern.match(path):
            return sorted({*methods, *(["HEAD"] if "GET" in methods else [])})
    return []


@cache
def _enum_table(spec_path: Path, base_path: str) -> tuple[tuple[re.Pattern[str], tuple[frozenset[str], ...]], ...]:
    """Per template: a pattern capturing each path parameter as the router does, and the values each may take
    (empty: any)."""
    spec = _spec(spec_path)
    table = []
    for template, item in spec["paths"].items():
        schemas: dict[str, dict[str, Any]] = {}
        for operation in [item, *(item[m] for m in METHODS if m in item)]:
            for parameter in (_deref(spec, p) for p in operation.get("parameters", [])):
                if parameter.get("in") == "path":
                    schemas[parameter["name"]] = _deref(spec, parameter.get("schema", {}))
        names = [name.replace("\\", "") for name in _PARAMETER.findall(re.escape(template))]
        # connexion routes integer parameters with starlette's int convertor: digits only.
        groups = iter(f"({'[0-9]+' if schemas.get(name, {}).get('type') == 'integer' else '[^/]+'})" for name in names)
        pattern = _PARAMETER.sub(lambda _: next(groups), re.escape(base_path + template))
        enums = tuple(frozenset(str(value) for value in schemas.get(name, {}).get("enum", ())) for name in names)
        table.append((re.compile(pattern + "$"), enums))
    return tuple(table)


def outside_enum(spec_path: Path, base_path: str, path: str) -> bool:
    """True when `path` fits a template only with a path parameter outside its enum (`/stats.pdf` for json|xml|csv)."""
    fits_loosely = False
    for pattern, allowed in _enum_table(spec_path, base_path):
        match = pattern.match(path)
        if match is None:
            continue
        if all(not values or value in values for value, values in zip(match.groups(), allowed, strict=True)):
            return False
        fits_loosely = True
    return fits_loosely


def _deref(spec: dict[str, Any], node: Any) -> Any:
    """A local `#/...` reference followed to its target (repeatedly); anything else unchanged."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node
