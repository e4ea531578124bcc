"""`python -m mockserver.learn_state_schema`: learns the shape of exported states from the mock (state_schema.json)."""

from __future__ import annotations

import json
import sys
import warnings
from typing import Any

from genson import SchemaBuilder

from . import admin
from .apis import ALL_APIS
from .app import create_app
from .kit import spec
from .kit.examples import example_for
from .mockstate import MockState
from .settings import Settings
from .state.persistence import snapshot
from .state.state_schema import SCHEMA_FILE

SAMPLE_SEEDS = range(1, 9)


def generate() -> dict[str, Any]:
    """The schema, learnt afresh from the exports the mock makes (a second or two: it seeds and drives a mock)."""
    builder = SchemaBuilder(schema_uri=None)
    for seed in SAMPLE_SEEDS:
        builder.add_object(snapshot(MockState(Settings(seed=seed), [*ALL_APIS, admin.DEFINITION]))["tables"])
    builder.add_object(snapshot(_written())["tables"])
    return _widened(builder.to_schema())


def _written() -> Any:
    """A mock's state after creating records through every API, with full and with minimal bodies."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's test client warns about httpx; the client is only a tool here
        app = create_app(Settings(enforce_rate_limits=False, validate_responses=False))
        client = app.test_client()
    state = app.state
    json_header = {"Content-Type": "application/json"}
    for api in state.mocked:
        if api.accounts is not None:
            account = client.post(f"/__admin/apis/{api.name}/accounts", json={}, headers=json_header).json()["account"]
            client.post(f"/__admin/apis/{api.name}/accounts/{account['id']}/keys", json={}, headers=json_header)
        document = spec.load(api.spec_path)
        key = api.demo_keys(state)[0].value
        headers = {}
        for scheme in document["components"].get("securitySchemes", {}).values():
            if scheme.get("type") == "http":
                headers["Authorization"] = f"Bearer {key}"
            elif scheme.get("in") == "header":
                headers[scheme["name"]] = key
        for path, method, operation in _writes(document):
            target = _filled(document, path, item_parameters(document, path, operation))
            if target is None:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "requestBody" in operation and "application/json" not in content:
                continue
            bodies: list[Any] = [None]
            if "application/json" in content:
                media = spec.resolve(document, content["application/json"])
                schema = media.get("schema", {})
                full = media.get("example", example_for(schema))
                # The example's values, so that references (a siteId) name records that exist.
                minimal = {name: full[name] if isinstance(full, dict) and name in full else example_for(schema["properties"][name])
                           for name in schema.get("required", []) if name in schema.get("properties", {})}  # fmt: skip
                bodies = [full, minimal]
            for body in bodies:
                response = client.request(method, api.base_path + target, json=body, headers=headers)
                if response.status_code >= 300:
                    print(
                        f"state_schema: {api.name} {method.upper()} {path}: {response.status_code} {response.text[:200]}",
                        file=sys.stderr,
                    )
    return state


def _writes(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every POST, then every PUT, of the spec: records are created before anything edits them."""
    return [
        (path, method, item[method])
        for method in ("post", "put")
        for path, item in document["paths"].items()
        if method in item
    ]


def item_parameters(document: dict[str, Any], path: str, operation: dict[str, Any]) -> list[dict[str, Any]]:
    shared = document["paths"][path].get("parameters", [])
    return [spec.resolve(document, parameter) for parameter in [*shared, *operation.get("parameters", [])]]


def _filled(document: dict[str, Any], path: str, parameters: list[dict[str, Any]]) -> str | None:
    """`path` with each path parameter's example (None if one has none: what to write is unknown)."""
    for parameter in parameters:
        if parameter.get("in") != "path":
            continue
        example = parameter.get("example", parameter.get("schema", {}).get("example"))
        if example is None:
            return None
        path = path.replace("{" + parameter["name"] + "}", str(example))
    return None if "{" in path else path


def _widened(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` without the guesses a sample cannot support: null-only types, integer-only numbers."""
    out = dict(schema)
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {name: _widened(value) for name, value in schema["properties"].items()}
    if isinstance(schema.get("items"), dict):
        out["items"] = _widened(schema["items"])
    elif isinstance(schema.get("items"), list):
        out["items"] = [_widened(value) for value in schema["items"]]
    if isinstance(schema.get("anyOf"), list):  # genson's way of saying "one of several kinds"
        out["anyOf"] = [_widened(value) for value in schema["anyOf"]]
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if kinds == ["null"]:
            del out["type"]
        else:
            out["type"] = sorted({"number" if kind == "integer" else kind for kind in kinds})
    return out


if __name__ == "__main__":
    SCHEMA_FILE.write_text(json.dumps(generate(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
