"""The compiled validators (mockserver/validation.py, spec_check.py) accept exactly what connexion's accept, and say
nothing of their own."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from connexion.exceptions import BadRequestProblem, InvalidSpecification, NonConformingResponseBody
from connexion.spec import OpenAPISpecification
from connexion.validators import JSONResponseBodyValidator, ParameterValidator

from mockserver.http import spec_check, validation
from mockserver.http.validation import (
    FastJSONBodyValidator,
    FastJSONResponseBodyValidator,
    FastParameterValidator,
    SpeedupMismatch,
    compiled,
)
from mockserver.kit import spec
from mockserver.kit.formats import dump_json

PLACEMENT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "createdAt"],
    "properties": {
        "id": {"type": "string", "pattern": "^plc_[a-z0-9]+$"},
        "rate": {"type": "number", "nullable": True, "minimum": 0},
        "status": {"type": "string", "enum": ["active", "paused"], "nullable": True},
        "createdAt": {"type": "string", "format": "date-time"},
        "startDate": {"type": "string", "format": "date", "nullable": True},
        "email": {"type": "string", "format": "email"},
        "url": {"type": "string", "format": "uri"},
        "count": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "uniqueItems": True},
    },
}
GOOD = {"id": "plc_1", "createdAt": "2024-01-15T10:30:00Z"}
CASES: list[dict[str, Any]] = [
    GOOD,
    GOOD | {"rate": None, "status": None, "startDate": None},  # nullable
    GOOD | {"rate": -1},
    GOOD | {"status": "deleted"},
    GOOD | {"id": "plc_1\n"},  # Python's $ matches before a final line break, jsonschema_rs's does not
    GOOD | {"createdAt": "2024-01-15t10:30:00z"},  # RFC 3339 allows lowercase
    GOOD | {"createdAt": "2024-01-15"},
    GOOD | {"createdAt": "2024-13-15T10:30:00Z"},
    GOOD | {"startDate": "20240115"},  # our strict date format (schema_formats.py)
    GOOD | {"startDate": "2024-02-30"},
    GOOD | {"email": "nobody"},  # connexion's email check is only "has an @"
    GOOD | {"email": "a@b"},
    GOOD | {"url": "not a uri"},  # connexion checks no uri format: jsonschema_rs must not either
    GOOD | {"count": 1.0},  # Draft 4: 1.0 is not an integer
    GOOD | {"count": True},
    GOOD | {"tags": ["a", "a"]},
    GOOD | {"tags": ["abcd"]},
    GOOD | {"extra": 1},
    {"id": "plc_1"},
    None,
    [],
]


def connexion_accepts(validator: Any, body: Any) -> bool:
    try:
        validator._validate(body)
    except (BadRequestProblem, NonConformingResponseBody):
        return False
    return True


def test_the_test_suite_runs_in_check_mode() -> None:
    assert validation.CHECK, "tests/conftest.py must set MOCKSERVER_CHECK_SPEEDUPS=1 before the mock is imported"


@pytest.mark.parametrize("body", CASES, ids=[json.dumps(case)[:60] for case in CASES])
def test_bodies_are_accepted_exactly_when_connexion_accepts_them(body: Any) -> None:
    schema = PLACEMENT | {"components": {}}  # connexion adds the spec's components to every schema
    response = FastJSONResponseBodyValidator({}, schema=schema, encoding="utf-8")
    expected = connexion_accepts(JSONResponseBodyValidator({}, schema=schema, encoding="utf-8"), body)
    if compiled(schema, nullable=True)(body):  # type: ignore[misc]
        assert expected, "the compiled schema may reject more (connexion then decides), never accept more"
    assert connexion_accepts(response, body) is expected  # check mode: both ways, or SpeedupMismatch
    request = FastJSONBodyValidator(schema=schema, nullable=False, encoding="utf-8", strict_validation=False)
    assert connexion_accepts(request, body) is (expected and body is not None)


@pytest.mark.parametrize("value", ["10", 10, 0, 101, "abc", 1.5, [1, 2]])
def test_parameters_are_accepted_exactly_when_connexion_accepts_them(value: Any) -> None:
    param = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}
    expected = ParameterValidator.validate_parameter("query", value, param)
    verdict = FastParameterValidator.validate_parameter("query", value, param)
    assert (verdict is None) is (expected is None)
    assert verdict is None or verdict.startswith("query parameter 'limit' must be")  # the same error, in plain words


def test_a_disagreement_fails_loudly_in_check_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = {"type": "string", "components": {}}
    monkeypatch.setitem(validation._compiled, (id(schema), True), (schema, lambda value: True))  # a wrong fast path
    with pytest.raises(SpeedupMismatch, match="compiled schema accepted 5"):
        FastJSONResponseBodyValidator({}, schema=schema, encoding="utf-8")._validate(5)


def test_errors_are_said_in_plain_words(bt: Any, client: Any) -> None:
    response = bt.get("/placements", params={"limit": 0})
    assert response.status_code == 400
    assert response.json()["hint"] == "query parameter 'limit' must be at least 1 (got 0)"
    # the control API's too: no jsonschema dump ("Failed validating 'maximum' in schema: ...")
    hints = [
        client.get("/__admin/requests", params={"limit": "abc"}).json()["hint"],
        client.post("/__admin/clock/advance", json={"seconds": 1e12}).json()["hint"],
        client.post("/__admin/faults", json={"api": "bannertrackr", "surprise": 1}).json()["hint"],
        client.put("/__admin/state", json={"version": 1}).json()["hint"],
    ]
    assert hints == [
        "query parameter 'limit' must be an integer (got \"abc\")",
        "seconds must be at most 315360000 (got 1000000000000.0)",
        "the body has unknown field 'surprise'; known: api, operationId, status, latencyMs, count, fraction",
        "the body lacks the required fields 'seed', 'seq' and 'tables'",
    ]


@pytest.mark.parametrize(
    "value",
    [{"a": [1, 2.5, None, True, "é😀\u2028"]}, 0.1, 1e16, 10**30, {1: "int key"}, "\x1f", -0.0, (1, 2)],
)
def test_json_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert dump_json(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def test_tiny_numbers_are_written_without_an_exponent_the_same_value() -> None:
    assert json.loads(dump_json(1.234e-05)) == 1.234e-05


# ---- start-up: specs checked against the OpenAPI 3.0 schema (mockserver/http/spec_check.py)

SPECS = sorted((Path(__file__).resolve().parent.parent / "openapi").glob("*.yaml"))


@pytest.fixture
def no_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself, not a verdict remembered from an earlier run."""
    monkeypatch.setattr(spec, "CACHE_DIR", None)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_spec_passes_connexions_own_check_and_the_compiled_one(path: Path, no_verdicts: None) -> None:
    document = spec.load(path)
    OpenAPISpecification._validate_spec(copy.deepcopy(document))  # connexion's, in pure Python: raises if invalid
    assert spec_check.valid(document)


@pytest.mark.parametrize(
    "change",
    [
        lambda document: document.pop("info"),
        lambda document: document["paths"].update({"no-slash": {}}),
        # Valid OpenAPI, but a default its own schema refuses: only connexion's check of defaults sees it.
        lambda document: document["components"]["schemas"].update({"Bad": {"type": "integer", "default": "x"}}),
    ],
    ids=["no info", "path without slash", "bad default"],
)
def test_a_spec_connexion_refuses_is_refused_with_connexions_error(change: Any, no_verdicts: None) -> None:
    document = copy.deepcopy(spec.load(SPECS[0]))
    document.setdefault("components", {}).setdefault("schemas", {})
    change(document)
    assert not spec_check.valid(document)
    with pytest.raises(InvalidSpecification) as slow:
        OpenAPISpecification._validate_spec(copy.deepcopy(document))
    with spec_check.compiled(), pytest.raises(InvalidSpecification) as fast:
        OpenAPISpecification._validate_spec(copy.deepcopy(document))
    assert str(fast.value) == str(slow.value)
    assert "_validate_spec" not in OpenAPISpecification.__dict__  # connexion's own again once closed


def test_a_valid_verdict_is_remembered_for_that_document_and_checker_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(spec, "CACHE_DIR", tmp_path)
    document = copy.deepcopy(spec.load(SPECS[0]))
    assert spec_check.valid(document) and len(list(tmp_path.glob("valid-*"))) == 1

    def compiled_schema() -> Any:
        raise AssertionError("checked again")

    monkeypatch.setattr(spec_check, "_openapi_schema", compiled_schema)
    assert spec_check.valid(document)  # remembered: no compiled schema needed
    document["info"]["title"] += " (changed)"
    with pytest.raises(AssertionError, match="checked again"):
        spec_check.valid(document)  # another document: another name
    monkeypatch.undo()
    monkeypatch.setattr(spec, "CACHE_DIR", tmp_path)
    document["paths"]["no-slash"] = {}
    assert not spec_check.valid(document) and len(list(tmp_path.glob("valid-*"))) == 1  # a refusal is not kept
    del document["paths"]["no-slash"]
    monkeypatch.setattr(spec_check, "_checker", lambda: b"another connexion")
    assert spec_check.valid(document) and len(list(tmp_path.glob("valid-*"))) == 2  # another checker: its own name


def _answer(schema: dict[str, Any], value: Any) -> None:
    """Response validation of `value` sent as JSON under `schema` (raises NonConformingResponseBody if unfit)."""
    validator = FastJSONResponseBodyValidator({}, schema=schema, encoding="utf-8")
    validator._validate(validator.parse_bytes(dump_json(value)))


def test_bytes_that_fitted_a_schema_are_not_checked_again_and_any_other_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "CHECK", False)
    monkeypatch.setattr(validation, "_fitting", {})
    checked: list[Any] = []
    original = validation._body
    monkeypatch.setattr(validation, "_body", lambda *args: checked.append(args[1]) or original(*args))
    schema = PLACEMENT | {"components": {}}
    good = GOOD | {"url": "https://example.com/" + "a" * validation.FITTING_MIN_BYTES}  # a kept report's size
    bad = good | {"count": 1.5}
    _answer(schema, good)
    _answer(schema, dict(good))  # another value, the same bytes: they fitted
    assert len(checked) == 1
    for _ in range(2):
        with pytest.raises(NonConformingResponseBody):
            _answer(schema, bad)  # unfit bytes are never remembered
    _answer(dict(schema), good)  # another schema
    _answer(schema, good | {"count": 2})  # other bytes
    _answer(schema, GOOD)
    _answer(schema, GOOD)  # a small body is checked every time
    assert len(checked) == 7


def test_check_mode_checks_remembered_bytes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = PLACEMENT | {"components": {}}
    bad = GOOD | {"url": "https://example.com/" + "a" * validation.FITTING_MIN_BYTES, "count": 1.5}
    # as if a fault had remembered these unfit bytes as fitting
    monkeypatch.setattr(validation, "_fitting", {(id(schema), dump_json(bad)): schema})
    with pytest.raises(SpeedupMismatch, match="remembered response body"):
        _answer(schema, bad)


def test_a_parameter_value_found_valid_is_remembered_for_that_definition_and_value_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    param = {"name": "on", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    monkeypatch.setattr(validation, "_valid", {})
    assert FastParameterValidator.validate_parameter("query", 1, param) is None
    assert FastParameterValidator.validate_parameter("query", 1, param) is None  # remembered (check mode: asked again)
    assert list(validation._valid) == [(id(param), "query", int, 1)]
    # True == 1, but True is no integer to Draft 4: a value of another type is not the one remembered
    assert FastParameterValidator.validate_parameter("query", True, param) is not None
    assert FastParameterValidator.validate_parameter("query", 0, param) is not None
    other = {**param, "schema": {"type": "integer", "minimum": 2}}
    assert FastParameterValidator.validate_parameter("query", 1, other) is not None
    validation._valid[(id(param), "query", int, 0)] = param  # a wrong memory: check mode catches it
    with pytest.raises(SpeedupMismatch, match="remembered valid"):
        FastParameterValidator.validate_parameter("query", 0, param)
