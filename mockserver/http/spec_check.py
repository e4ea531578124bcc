"""Connexion's check of each spec against the OpenAPI 3.0 schema at start-up, with that schema compiled (jsonschema_rs).

connexion validates every spec it is given against its bundled OpenAPI 3.0 schema, and every `default` against
the schema it sits in, in pure Python: 0.6 s of the mock's start-up for its six specs. Here a spec the compiled
schema accepts, whose defaults all pass connexion's own check, is accepted at once; anything else goes through
connexion's validation, which raises its usual InvalidSpecification. Defaults are checked wherever a mapping has
a `default` key (more places than connexion looks, never fewer; a false alarm only costs the slow path).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema_rs

from . import framework


@cache
def _openapi_schema() -> Any:
    return jsonschema_rs.Draft4Validator(framework.OPENAPI_SCHEMA, validate_formats=False)


def _mappings_with_default(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "default" in node:
            yield node
        for value in node.values():
            yield from _mappings_with_default(value)
    elif isinstance(node, list):
        for value in node:
            yield from _mappings_with_default(value)


def valid(spec: dict[str, Any]) -> bool:
    """True when connexion would accept `spec` (False may also mean: let connexion decide)."""
    if not _openapi_schema().is_valid(spec):
        return False
    instance = framework.DefaultsValidator(spec)
    return all(instance.evolve(schema=node).is_valid(node["default"]) for node in _mappings_with_default(spec))


def compiled() -> contextlib.AbstractContextManager[None]:
    """While open, connexion checks OpenAPI 3 specs the fast way first (for the add_api calls of create_app)."""
    return framework.spec_validation(valid)
