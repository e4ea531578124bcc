"""Requests made from a spec's path templates, shared by the tests that compare two request paths operation by operation."""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any

from mockserver.api import ApiDefinition
from mockserver.kit import spec
from mockserver.kit.examples import example_for

PARAMETER = re.compile(r"\{([^}]+)\}")
Request = tuple[str, str, dict[str, str], bytes | None]


def filled(api: ApiDefinition, template: str, root: dict[str, Any], parameters: dict[str, Any], variant: str) -> str:
    """`template` under the API's base path with each path parameter's value: its schema's example ("example"), or
    one that names nothing ("other")."""
    return api.base_path + PARAMETER.sub(partial(_value, root, parameters, variant), template)


def parameters_of(root: dict[str, Any], item: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """The parameters an operation takes by name: its path item's and its own, references followed."""
    declared = [spec.deref(root, p) for p in [*item.get("parameters", []), *operation.get("parameters", [])]]
    return {p["name"]: p for p in declared}


def example_body(operation: dict[str, Any]) -> bytes | None:
    """The operation's JSON request body made from its schema's examples, or None when it takes no JSON body."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return json.dumps(example_for(content["application/json"].get("schema", {}))).encode()


def _value(root: dict[str, Any], parameters: dict[str, Any], variant: str, found: re.Match[str]) -> str:
    schema = spec.deref(root, parameters.get(found.group(1), {}).get("schema", {}))
    if variant == "other":
        return "999999" if schema.get("type") == "integer" else "nope"
    return str(example_for(schema))


def off_the_operations(
    api: ApiDefinition, template: str, item: dict[str, Any], headers: dict[str, str]
) -> list[Request]:
    """A method the template does not have (if any), and HEAD, on the template with every parameter 1."""
    path = api.base_path + PARAMETER.sub("1", template)
    missing = next((m for m in ("patch", "put", "delete", "post") if m not in item), None)
    return [*([(missing.upper(), path, headers, None)] if missing else []), ("HEAD", path, headers, None)]


def outside(api: ApiDefinition, headers: dict[str, str]) -> list[Request]:
    """An unknown path under the API, and its spec."""
    return [("GET", api.base_path + "/no/such/path", headers, None), ("GET", api.base_path + "/openapi.json", {}, None)]


def credential(api: ApiDefinition, key: str) -> dict[str, str]:
    """The header the API's first security scheme reads, carrying `key`."""
    header, prefix = spec.credential_headers(api.spec_path)[0]
    return {header: f"{prefix}{key}".strip() if prefix else key}
