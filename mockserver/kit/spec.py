"""Reading our OpenAPI documents directly: the parsed document, resolved operations by id, credential headers, limits."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _cache_dir() -> Path | None:
    """The user's cache directory for the copies; None (parse every time) when there is no home to keep them in."""
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        return Path(base or Path.home() / ".cache") / "adapi-mocks" / "specs"
    except RuntimeError:  # no HOME and no password entry
        return None


# Parsed documents as JSON, named by a hash of the YAML they came from (as Python keeps bytecode): reading that JSON
# takes 1/40 of parsing the YAML with libyaml, which was a fifth of the mock's start-up. A missing, stale or
# unreadable copy only means parsing the YAML again.
CACHE_DIR = _cache_dir()
_CACHE_FORMAT = "1"  # part of every name: a change to what is cached makes every old copy stale


@cache
def load(path: Path) -> dict[str, Any]:
    """The parsed document (cached: read once per process, from the JSON copy of an earlier parse if there is one)."""
    text = path.read_bytes()
    digest = hashlib.sha256(b"\0".join((_CACHE_FORMAT.encode(), yaml.__version__.encode(), text))).hexdigest()
    copy = None if CACHE_DIR is None else CACHE_DIR / f"{path.stem}-{digest[:32]}.json"
    if copy is not None:
        with contextlib.suppress(OSError, orjson.JSONDecodeError):
            return orjson.loads(copy.read_bytes())  # type: ignore[no-any-return]
    document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if copy is not None:
        _keep(copy, document)
    return document  # type: ignore[no-any-return]


def _keep(copy: Path, document: Any) -> None:
    """Write the JSON copy, if it reads back as exactly the document (YAML can hold what JSON cannot, e.g. dates)."""
    try:
        data = orjson.dumps(document)
    except TypeError:
        return
    if orjson.loads(data) != document:
        return
    with contextlib.suppress(OSError):
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.with_name(f"{copy.name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, copy)  # whole or not at all, whichever process writes it


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


@dataclass(frozen=True)
class RequestLimits:
    """The sizes a document refuses before routing (its responses' `x-before-routing`), with the status of each."""

    max_target_bytes: int | None = None  # of the request target: path and query
    target_status: int | None = None
    max_header_bytes: int | None = None  # of the request headers in all, counted as on the wire
    header_status: int | None = None

    def refusal(self, target_bytes: int, header_bytes: int) -> int | None:
        """The status a request of these sizes is refused with before routing, or None if it is within the limits."""
        if self.max_target_bytes is not None and target_bytes > self.max_target_bytes:
            return self.target_status
        if self.max_header_bytes is not None and header_bytes > self.max_header_bytes:
            return self.header_status
        return None


def request_limits(root: Mapping[str, Any]) -> RequestLimits:
    """The limits `root` states in its components' responses."""
    target: tuple[int | None, int | None] = (None, None)
    headers: tuple[int | None, int | None] = (None, None)
    for response in root.get("components", {}).get("responses", {}).values():
        stated = response.get("x-before-routing")
        if not stated:
            continue
        status = int(stated["status"])
        if "maxTargetBytes" in stated:
            target = (int(stated["maxTargetBytes"]), status)
        if "maxHeaderBytes" in stated:
            headers = (int(stated["maxHeaderBytes"]), status)
    return RequestLimits(*target, *headers)


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
