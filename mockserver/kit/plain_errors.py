"""Validation errors in plain words: what was wrong and where, instead of jsonschema's dump of the schema."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match

_TYPES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
          "object": "an object", "array": "an array", "null": "null"}  # fmt: skip
_FORMATS = {"date-time": "an RFC 3339 date-time such as 2024-01-31T12:00:00Z", "date": "a date as YYYY-MM-DD",
            "email": "an e-mail address", "uri": "an absolute URL"}  # fmt: skip


# Where a hint names the value at fault: "Missing query parameter 'x'" (connexion's), "query parameter 'x' must ...",
# "a.b[0] must ..." (describe's; the whole body is "the body").
_FIELD = re.compile(
    r"parameter '(?P<parameter>[^']+)'|^(?!the body )(?P<body>[A-Za-z_][\w.\[\]]*) (?:must|lacks|has|matches) "
)


def field_of(hint: str) -> str | None:
    """The parameter or body field a validation hint names, for APIs whose error bodies carry it apart."""
    match = _FIELD.search(hint.splitlines()[0]) if hint else None
    return (match["parameter"] or match["body"]) if match else None


def shown(value: Any, limit: int = 60) -> str:
    """A value as the client sent it (JSON), cut short: the hint must stay readable whatever was sent."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def location(path: Iterable[Any], root: str = "the body") -> str:
    """`tables.binom.offers[0].name` from jsonschema's path in the body; `root` for the whole value, and before the
    path of a value that has a name of its own (`query parameter 'ids' item [2]`)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    if not out:
        return root
    if root == "the body":
        return out
    # A document's part ("tables") leads its path; a parameter's name stands apart from the item's.
    return f"{root}{'' if out.startswith('[') else '.'}{out}" if " " not in root else f"{root} item {out}"


def _names(names: Iterable[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def describe(error: ValidationError, root: str = "the body") -> str:
    """One sentence for the most relevant of `error` and its alternatives, e.g. "seconds must be at most 10 (got 12)"."""
    if error.context and error.validator in ("anyOf", "oneOf"):
        error = best_match(error.context) or error
    where, rule, instance, schema = location(error.absolute_path, root), error.validator, error.instance, error.schema
    got = f" (got {shown(instance)})"
    if rule == "required" and isinstance(instance, dict):
        missing = [name for name in error.validator_value if name not in instance] or list(error.validator_value)
        return f"{where} lacks the required field{'s' if len(missing) > 1 else ''} {_names(missing)}"
    if rule == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {})
        extra = [name for name in instance if name not in known] or list(instance)
        return f"{where} has unknown field{'s' if len(extra) > 1 else ''} {_names(extra)}" + (
            f"; known: {', '.join(known)}" if known else "")  # fmt: skip
    if rule == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"{where} must be {' or '.join(str(_TYPES.get(kind, kind)) for kind in wanted)}{got}"
    message = _rule(rule, error.validator_value, schema)
    if not message:
        return f"{where}: {error.message}"
    # Sizes and repeats speak of the value as a whole; showing a long list or object again helps nobody.
    return f"{where} {message}" + (
        "" if rule in ("minItems", "maxItems", "minProperties", "maxProperties", "uniqueItems") else got
    )


def _rule(rule: str, bound: Any, schema: dict[str, Any]) -> str | None:
    """What keyword `rule` (with its value `bound`) asks of a value, or None for one without plain words here."""
    plural = "" if bound == 1 else "s"
    if rule in ("minimum", "maximum"):
        exclusive = schema.get("exclusiveMinimum" if rule == "minimum" else "exclusiveMaximum") is True
        word = (
            ("more than" if exclusive else "at least")
            if rule == "minimum"
            else ("less than" if exclusive else "at most")
        )
        return f"must be {word} {bound}"
    sizes = {"minLength": ("at least", "character", " long"), "maxLength": ("at most", "character", " long"),
             "minItems": ("at least", "item", ""), "maxItems": ("at most", "item", ""),
             "minProperties": ("at least", "field", ""), "maxProperties": ("at most", "field", "")}  # fmt: skip
    if rule in sizes:
        word, unit, tail = sizes[rule]
        verb = "be" if tail else "have"
        return f"must {verb} {word} {bound} {unit}{plural}{tail}"
    if rule == "enum" and isinstance(bound, list):
        return "must be one of " + ", ".join(shown(value) for value in bound)
    if rule == "format" and isinstance(bound, str):
        return f"must be {_FORMATS.get(bound, f'a valid {bound}')}"
    return {
        "uniqueItems": "must not repeat an item",
        "multipleOf": f"must be a multiple of {bound}",
        "pattern": f"must match the pattern {bound}",
        "anyOf": "matches none of the allowed forms",
        "oneOf": "must match exactly one of the allowed forms",
        "not": "has a value that is not allowed",
    }.get(rule)
