"""Connexion's check of each spec against the OpenAPI 3.0 schema at start-up, with that schema compiled (jsonschema_rs).

connexion validates every spec it is given against its bundled OpenAPI 3.0 schema, and every `default` against
the schema it sits in, in pure Python: 0.6 s of the mock's start-up for its six specs. Here a spec the compiled
schema accepts, whose defaults all pass connexion's own check, is accepted at once; anything else goes through
connexion's validation, which raises its usual InvalidSpecification. Defaults are checked wherever a mapping has
a `default` key (more places than connexion looks, never fewer; a false alarm only costs the slow path).

A verdict is remembered: a spec found valid leaves an empty marker file named by a hash of everything the verdict
depends on (the document, the OpenAPI schema, the versions of connexion, jsonschema and jsonschema_rs) beside the
parsed documents' JSON copies (kit/spec.py's cache directory), so a later start with the same spec skips the check
and the compiled schema's 3.5 MB. Any change to one of them is another name; a missing marker only means checking.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson

from ..kit import spec as specs
from . import framework

_VERDICT_FORMAT = "1"  # part of every marker's name: a change to this check makes every old verdict stale


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


@cache
def _checker() -> bytes:
    """What the verdict depends on besides the document: the schema and the code that applies it."""
    versions = [importlib.metadata.version(name) for name in ("connexion", "jsonschema", "jsonschema-rs")]
    return b"\0".join([_VERDICT_FORMAT.encode(), *(version.encode() for version in versions)]) + orjson.dumps(
        framework.OPENAPI_SCHEMA
    )


def _marker(spec: dict[str, Any]) -> Path | None:
    """Where a valid verdict on `spec` is remembered; None when there is nowhere, or `spec` is not JSON."""
    if specs.CACHE_DIR is None:
        return None
    try:
        checker, document = _checker(), orjson.dumps(spec)
    except importlib.metadata.PackageNotFoundError:  # not installed as a distribution: no version to name it by
        return None
    except TypeError:  # e.g. an integer key inside a list: not what a JSON name can stand for
        return None
    digest = hashlib.sha256(b"\0".join((checker, document))).hexdigest()
    return specs.CACHE_DIR / f"valid-{digest[:32]}"


def valid(spec: dict[str, Any]) -> bool:
    """True when connexion would accept `spec` (False may also mean: let connexion decide)."""
    marker = _marker(spec)
    if marker is not None and marker.exists():
        return True
    if not _openapi_schema().is_valid(spec):
        return False
    instance = framework.DefaultsValidator(spec)
    if not all(instance.evolve(schema=node).is_valid(node["default"]) for node in _mappings_with_default(spec)):
        return False
    if marker is not None:
        with contextlib.suppress(OSError):
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()  # empty: there is nothing to read half of
    return True


def compiled() -> contextlib.AbstractContextManager[None]:
    """While open, connexion checks OpenAPI 3 specs the fast way first (for the add_api calls of create_app)."""
    return framework.spec_validation(valid)
