"""Builds response bodies from a spec's schemas: its own examples first, else values that satisfy the schema."""

from __future__ import annotations

import random
import string
from typing import Any

_FORMATS = {
    "date-time": "2024-01-15T10:30:00Z",
    "date": "2024-01-15",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
}


def example_for(schema: dict[str, Any], rng: random.Random | None = None) -> Any:
    """A value valid against `schema` (references already resolved).

    Without `rng`: the schema's own `example`/`default`/first enum value, else the simplest valid value.
    With `rng` (Prefer: dynamic=true): random values within the schema's constraints.
    """
    if rng is None:
        for key in ("example", "default"):
            if key in schema:
                return schema[key]
    if "enum" in schema:
        options = [value for value in schema["enum"] if value is not None] or schema["enum"]
        return rng.choice(options) if rng else options[0]
    for combinator in ("allOf", "anyOf", "oneOf"):
        if combinator in schema:
            parts = [part for part in schema[combinator] if isinstance(part, dict)]
            if combinator == "allOf":
                merged: dict[str, Any] = {}
                for part in parts:
                    value = example_for(part, rng)
                    merged |= value if isinstance(value, dict) else {}
                return merged
            return example_for(parts[0], rng)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", properties))
        return {name: example_for(sub, rng) for name, sub in properties.items() if name in required}
    if kind == "array":
        count = max(schema.get("minItems", 1), min(schema.get("maxItems", 3), rng.randint(1, 3) if rng else 1))
        return [example_for(schema.get("items", {}), rng) for _ in range(count)]
    if kind in ("integer", "number"):
        low = schema.get("minimum", 0)
        high = schema.get("maximum", max(low, 1000))
        value = rng.uniform(low, high) if rng else low
        return int(value) if kind == "integer" else round(value, 2)
    if kind == "boolean":
        return rng.random() < 0.5 if rng else True
    if "format" in schema and schema["format"] in _FORMATS:
        return _FORMATS[schema["format"]]
    length = max(schema.get("minLength", 1), min(schema.get("maxLength", 12), 12))
    return "".join((rng or random.Random(0)).choice(string.ascii_lowercase) for _ in range(length))
