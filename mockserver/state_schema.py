"""The JSON Schema of an exported state's tables, generated (genson) from what the mock itself writes.

An import (`PUT /__admin/state`, `--state-file`) is checked table by table against it, so a record that lacks a
field every record of its table has, or holds a list where there is always a string, is a 400 listing the
problems, instead of a 500 on some later call.

The shapes are learnt from exports the mock makes: the seeded state of several seeds (each varies which optional
fields are set), and records created through each API with its spec's example bodies and with only their required
fields. They are then widened where samples cannot know: a field seen only as null may hold anything, and an
integer may be any number (an API may store 1.5 where the samples happened to hold 2). Unknown fields and tables
are allowed. The result is kept in `state_schema.json` (`python -m mockserver.state_schema` writes it); a test
checks that it is what the mock writes today.
"""

from __future__ import annotations

import itertools
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft4Validator

from . import plain_errors

SCHEMA_FILE = Path(__file__).with_name("state_schema.json")
SAMPLE_SEEDS = range(1, 9)
MAX_PROBLEMS = 20


@cache
def _compiled() -> Any:
    return jsonschema_rs.Draft4Validator(tables_schema())


@cache
def tables_schema() -> dict[str, Any]:
    """API -> table -> the schema of its records, as generated (see the module's docstring)."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def generate() -> dict[str, Any]:
    """The schema, learnt afresh from the exports the mock makes (a second or two: it seeds and drives a mock)."""
    from genson import SchemaBuilder  # only to generate: serving reads the file

    from . import admin
    from .apis import ALL_APIS
    from .persistence import snapshot
    from .settings import Settings
    from .state import MockState

    builder = SchemaBuilder(schema_uri=None)
    for seed in SAMPLE_SEEDS:
        builder.add_object(snapshot(MockState(Settings(seed=seed), [*ALL_APIS, admin.DEFINITION]))["tables"])
    builder.add_object(snapshot(_written())["tables"])
    return _widened(builder.to_schema())


def _written() -> Any:
    """A mock's state after creating records through every API, with full and with minimal bodies."""
    import warnings

    from . import spec
    from .app import create_app
    from .examples import example_for
    from .settings import Settings

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
        for path, item in document["paths"].items():
            operation = item.get("post")
            if "{" in path or not operation or "application/json" not in operation.get("requestBody", {}).get("content", {}):
                continue
            media = spec.resolve(document, operation["requestBody"]["content"]["application/json"])
            schema = media.get("schema", {})
            full = media.get("example", example_for(schema))
            # The example's values, so that references (a siteId) name records that exist.
            minimal = {name: full[name] if isinstance(full, dict) and name in full else example_for(schema["properties"][name])
                       for name in schema.get("required", []) if name in schema.get("properties", {})}  # fmt: skip
            for body in (full, minimal):
                response = client.post(api.base_path + path, json=body, headers=headers)
                if response.status_code >= 300:
                    print(f"state_schema: {api.name} POST {path}: {response.status_code} {response.text[:200]}", file=sys.stderr)
    return state


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


def problems(tables: Any) -> list[str]:
    """What is wrong with an export's `tables`, in plain words (at most MAX_PROBLEMS of them); empty if nothing."""
    if _compiled().is_valid(tables):  # compiled: a whole export in milliseconds; the slow validator only words errors
        return []
    # The first errors in document order: a document that is wrong everywhere must not cost a list of all of them.
    errors = list(itertools.islice(Draft4Validator(tables_schema()).iter_errors(tables), MAX_PROBLEMS + 1))
    described = [plain_errors.describe(error, "tables") for error in errors[:MAX_PROBLEMS]]
    if len(errors) > MAX_PROBLEMS:
        described.append("and more")
    return described


if __name__ == "__main__":
    SCHEMA_FILE.write_text(json.dumps(generate(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
