"""The methods each path of an API's spec allows, for a correct `Allow` header on 405 responses."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@cache
def _table(spec_path: Path, base_path: str) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    # Read on the first 405 only, so start-up does not pay for it.
    with spec_path.open(encoding="utf-8") as handle:
        paths = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["paths"]
    table = []
    for template, item in paths.items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(base_path + template))
        methods = tuple(m.upper() for m in METHODS if m in item)
        table.append((re.compile(pattern + "$"), methods))
    return tuple(table)


def allowed_methods(spec_path: Path, base_path: str, path: str) -> list[str]:
    """Methods the spec documents for `path` (HEAD wherever GET is), empty when no template matches."""
    for pattern, methods in _table(spec_path, base_path):
        if pattern.match(path):
            return sorted({*methods, *(["HEAD"] if "GET" in methods else [])})
    return []
