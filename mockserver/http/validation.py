"""Connexion's request and response validators with each schema compiled once (jsonschema_rs); connexion words the errors.

Connexion builds a pure-Python jsonschema validator for every parameter, body and response of every request, and
validating a 50-record list that way took most of a read's time. Here each schema is compiled once, to the same
Draft 4 rules connexion applies (its `nullable` extension included, and exactly the string formats its format
checker knows, checked by that checker), and a value the compiled schema accepts is accepted at once. A value it
rejects goes through connexion's own validator, which raises the error the client gets: the wording, the status
and the error body stay connexion's.

So whatever the compiled schema accepts, connexion's validator must accept too (the reverse only costs time: a
value the compiled schema rejects wrongly, say "x\n" for a pattern ending in `$`, which Python's `re` lets
through, is accepted by connexion's validator). With MOCKSERVER_CHECK_SPEEDUPS=1 (the test suite sets it) every
value is checked both ways and a compiled accept that connexion rejects raises SpeedupMismatch, which the tests
see as a 500.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

import jsonschema_rs
from connexion.exceptions import BadRequestProblem
from jsonschema import Draft4Validator
from jsonschema.exceptions import best_match

from .. import context
from ..kit import plain_errors
from . import framework, schema_formats
from .framework import FORMAT_CHECKER, is_null, is_nullable
from .json_bodies import StrictJSONBodyValidator

CHECK = os.environ.get("MOCKSERVER_CHECK_SPEEDUPS") == "1"

# Where Draft 4 nests schemas: one schema, a map of them, a list of them.
_ONE = ("items", "additionalProperties", "additionalItems", "not")
_MAP = ("properties", "patternProperties", "definitions")
_LIST = ("allOf", "anyOf", "oneOf", "items")


class SpeedupMismatch(AssertionError):
    """The compiled schema and connexion's validator disagreed about a value (only raised in check mode)."""


def _with_nullable(schema: Any) -> Any:
    """`schema` with OpenAPI's `nullable: true` spelled in Draft 4 (null added to `type` and `enum`), as
    connexion's request and response validators read it."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in _ONE:
        if isinstance(schema.get(key), dict):
            out[key] = _with_nullable(schema[key])
    for key in _MAP:
        if isinstance(schema.get(key), dict):
            out[key] = {name: _with_nullable(value) for name, value in schema[key].items()}
    for key in _LIST:
        if isinstance(schema.get(key), list):
            out[key] = [_with_nullable(value) for value in schema[key]]
    if schema.get("x-nullable") is True or schema.get("nullable"):
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            out["type"] = [*types, "null"]
        if "enum" in schema:
            out["enum"] = [*schema["enum"], None]
    return out


def _values(node: Any, key: str) -> set[Any]:
    """Every value `key` has anywhere in `node` (over-approximated: also in examples, which is harmless)."""
    if isinstance(node, dict):
        found = {node[key]} if isinstance(node.get(key), str) else set()
        return found.union(*(_values(value, key) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_values(value, key) for value in node))
    return set()


def _has_key(node: Any, keys: tuple[str, ...]) -> bool:
    if isinstance(node, dict):
        return any(key in node for key in keys) or any(_has_key(value, keys) for value in node.values())
    if isinstance(node, list):
        return any(_has_key(value, keys) for value in node)
    return False


@cache
def _format_check(name: str) -> Callable[[str], bool]:
    """connexion's verdict on format `name`: its checker's, or none (it checks no `uri`, say, where jsonschema_rs would)."""
    # Our formats first: this verdict is remembered, so it must not be made before create_app installs them.
    schema_formats.install()
    if name not in FORMAT_CHECKER.checkers:
        return lambda value: True
    # The same strings recur (timestamps of the same records), and a format's verdict on a string never changes.
    return lru_cache(maxsize=16_384)(lambda value: FORMAT_CHECKER.conforms(value, name))


_compiled: dict[tuple[int, bool], tuple[Any, Callable[[Any], bool] | None]] = {}


def compiled(schema: dict[str, Any], *, nullable: bool) -> Callable[[Any], bool] | None:
    """A fast `is_valid` for `schema` (connexion's per-operation schema objects live as long as the app), or None
    where connexion's validator must decide alone (a write-only property, a reference left unresolved)."""
    key = (id(schema), nullable)
    entry = _compiled.get(key)
    if entry is None or entry[0] is not schema:
        entry = (schema, _compile(schema, nullable))  # the schema is kept, so its id is not reused
        _compiled[key] = entry
    return entry[1]


def _compile(schema: dict[str, Any], nullable: bool) -> Callable[[Any], bool] | None:
    # connexion adds the spec's whole `components` to every schema for $refs, which it has already resolved.
    body = {key: value for key, value in schema.items() if key != "components"}
    if _has_key(body, ("$ref", "writeOnly", "x-writeOnly")):
        return None
    formats = {name: _format_check(name) for name in _values(body, "format")}
    validator = jsonschema_rs.Draft4Validator(
        _with_nullable(body) if nullable else body, validate_formats=True, formats=formats
    )
    return validator.is_valid


def _agrees(fast: bool, slow: Callable[[], Any], what: str, value: Any) -> None:
    """Check mode: run connexion's validation (`slow` raises when invalid); a value the compiled schema accepted
    must pass it. (The other way round is no error: connexion decides, as it does outside check mode.)"""
    try:
        slow()
    except Exception as error:
        if fast:
            raise SpeedupMismatch(
                f"{what}: compiled schema accepted {value!r}, connexion rejects it: {error}"
            ) from error
        raise


def _plain_parameter(parameter_type: str, value: Any, param: dict[str, Any], param_name: Any = None) -> Any:
    """connexion's verdict on a parameter, with its error (a dump of the schema) said in plain words."""
    error = framework.connexion_parameter_error(parameter_type, value, param, param_name)
    if error is None or value is None:
        return error  # valid, or connexion's own "Missing query parameter 'x'"
    schema = param.get("schema", param)
    found = best_match(Draft4Validator(schema, format_checker=FORMAT_CHECKER).iter_errors(value))
    return error if found is None else plain_errors.describe(found, f"{parameter_type} parameter '{param.get('name')}'")


# Parameter values found valid, by (the parameter's definition, the value): a client sends the same few ids and
# limits again and again, and a definition's verdict on a value never changes. Bounded; check mode asks again.
VALID_REMEMBERED = 4096
_valid: dict[tuple[int, str, type, Any], dict[str, Any]] = {}


def _validate_parameter(parameter_type: str, value: Any, param: dict[str, Any], param_name: Any = None) -> Any:
    kind = type(value)
    if kind in (str, int, float, bool):
        key = (id(param), parameter_type, kind, value)  # the type too: True == 1, and 1 == 1.0
        if _valid.get(key) is param:  # the definition kept, so its id is not reused
            if CHECK and _verdict(parameter_type, value, param, param_name) is not None:
                raise SpeedupMismatch(f"{parameter_type} parameter {param.get('name')}: {value!r} remembered valid")
            return None
        error = _verdict(parameter_type, value, param, param_name)
        if error is None:
            if len(_valid) >= VALID_REMEMBERED:
                _valid.clear()
            _valid[key] = param
        return error
    return _verdict(parameter_type, value, param, param_name)


def _verdict(parameter_type: str, value: Any, param: dict[str, Any], param_name: Any = None) -> Any:
    if value is None and not param.get("required"):
        # connexion's verdict on an optional parameter the request leaves out, nullable or not: none
        if CHECK and _plain_parameter(parameter_type, value, param, param_name) is not None:
            raise SpeedupMismatch(f"{parameter_type} parameter {param.get('name')}: absent, connexion refuses it")
        return None
    slow = _plain_parameter
    if value is None or (is_nullable(param) and is_null(value)):
        return slow(parameter_type, value, param, param_name)
    schema = param.get("schema", param)
    is_valid = compiled(schema, nullable=False)  # connexion checks parameters with plain Draft 4
    if is_valid is None:
        return slow(parameter_type, value, param, param_name)
    fast = is_valid(value)
    if CHECK:
        error = slow(parameter_type, value, param, param_name)
        if fast and error is not None:
            raise SpeedupMismatch(
                f"{parameter_type} parameter {param.get('name')}: {value!r}: compiled {fast}, connexion {error}"
            )
        return error
    return None if fast else slow(parameter_type, value, param, param_name)


def _body(is_valid: Callable[[Any], bool] | None, body: Any, slow: Callable[[], Any], what: str) -> Any:
    """A body's validation: the compiled schema's verdict where there is one, connexion's (`slow`) otherwise."""
    if is_valid is None:
        return slow()
    fast = is_valid(body)
    if CHECK:
        _agrees(fast, slow, what, body)
        return None
    return None if fast else slow()


class FastJSONBodyValidator(StrictJSONBodyValidator):
    def check(self, body: Any) -> Any:
        is_valid = compiled(self.schema, nullable=True) if body is not None else None
        return _body(is_valid, body, lambda: self._plain(body), "request body")

    def _plain(self, body: Any) -> Any:
        """connexion's validation of the body, with its error said in plain words (where in the body, what rule)."""
        try:
            return super().check(body)
        except BadRequestProblem:
            found = best_match(self.errors(body)) if body is not None else None
            if found is None:
                raise
            raise BadRequestProblem(detail=plain_errors.describe(found)) from None


# Response bodies found to fit a schema, by (schema, the bytes sent). A kept answer (`Store.kept`) is the same
# value for every request that gets it until the next write, so it is sent as the same bytes again and again, and
# bytes equal to bytes that fitted a schema fit it again: the check is skipped for them, whatever value they were
# written from. Any other answer differs in its bytes and is checked. Bounded (the entries hold the bodies), and
# only for bodies large enough that checking them costs more than hashing and comparing their bytes.
FITTING_REMEMBERED = 32
FITTING_MIN_BYTES = 128
_fitting: dict[tuple[int, bytes], dict[str, Any]] = {}


class _FastResponse:
    schema: dict[str, Any]
    _sent_bytes: bytes | None = None

    def parse_bytes(self, body: bytes) -> Any:
        self._sent_bytes = body
        return super().parse_bytes(body)  # type: ignore[misc]

    def check(self, body: Any) -> Any:
        def slow() -> Any:
            return super(_FastResponse, self).check(body)  # type: ignore[misc]

        sent = self._sent_bytes
        key = (id(self.schema), sent) if sent is not None and len(sent) >= FITTING_MIN_BYTES else None
        if key is not None and _fitting.get(key) is self.schema:  # the schema kept, so its id is not reused
            if CHECK:
                _agrees(True, slow, "remembered response body", body)
            return None
        verdict = _body(compiled(self.schema, nullable=True), body, slow, "response body")  # raises if unfit
        if key is not None:
            if len(_fitting) >= FITTING_REMEMBERED:
                del _fitting[next(iter(_fitting))]
            _fitting[key] = self.schema
        return verdict


class FastJSONResponseBodyValidator(_FastResponse, framework.JSONResponseValidator):
    def parse_bytes(self, body: bytes) -> Any:
        # A handler's JSON answer is validated as the value it was serialised from (formats.json_response), not
        # parsed back from its bytes: the same value, and nothing runs between serialising and sending.
        self._sent_bytes = body
        sent = context.sent_json(self.scope, body)
        if sent is not None:
            if CHECK and sent != super().parse_bytes(body):
                raise SpeedupMismatch(
                    f"a response body reads back differently from the value it was made of: {body[:200]!r}"
                )
            return sent
        return super().parse_bytes(body)


class FastTextResponseBodyValidator(_FastResponse, framework.TextResponseValidator):
    pass


FastParameterValidator = framework.parameter_validator(_validate_parameter)

# Given to connexion as `validator_map`: its own table with the compiled validators in place.
VALIDATORS = framework.validator_map(
    parameter=FastParameterValidator,
    body={"*/*json": FastJSONBodyValidator},
    response={"*/*json": FastJSONResponseBodyValidator, "text/plain": FastTextResponseBodyValidator},
)
