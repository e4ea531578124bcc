"""Prism-compatible `Prefer` header (`code=`, `example=`, `dynamic=`, `seed=`) and `__code`-style query parameters."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connexion.lifecycle import ConnexionResponse

from ..kit.errors import ApiError
from ..kit.examples import example_for


@dataclass(frozen=True)
class Preference:
    code: int | None = None
    example: str | None = None
    dynamic: bool = False
    seed: int | None = None  # for dynamic bodies: another seed than the mock's, to vary them per request

    @property
    def any(self) -> bool:
        return self.code is not None or self.example is not None or self.dynamic


def parse(header: str | None, query: Mapping[str, str] | None = None) -> Preference:
    """`Prefer: code=404, example=notFound, dynamic=true, seed=7` (Prism's syntax; unknown preferences are ignored).

    Prism's query forms `__code`, `__example`, `__dynamic` and `__seed` say the same for clients that cannot set
    headers (an <img> or a link); they win over the header.
    """
    values: dict[str, str] = {}
    for part in (header or "").replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip():
            values[name.strip().lower()] = value.strip().strip('"')
    for name in ("code", "example", "dynamic", "seed"):
        if query and f"__{name}" in query:
            values[name] = query[f"__{name}"]
    return Preference(
        _integer(values, "code", "an HTTP status", 100, 599), values.get("example") or None,
        values.get("dynamic", "").lower() == "true", _integer(values, "seed", "a non-negative integer", 0, 2**63),
    )  # fmt: skip


def _integer(values: dict[str, str], name: str, what: str, low: int, high: int) -> int | None:
    value = values.get(name)
    if not value:
        return None
    # Length first: int() refuses (ValueError) strings of more than 4,300 digits, and no bound here needs 20.
    if not (len(value) <= 20 and value.isascii() and value.isdigit() and low <= int(value) <= high):
        raise ApiError(400, "Invalid Prefer header", f"{name} must be {what}, got {value!r}")
    return int(value)


def respond(operation: dict[str, Any], preference: Preference, seed: int) -> ConnexionResponse:
    """The documented response the preference names, with a body that conforms to its schema."""
    responses = operation.get("responses", {})
    code = (
        str(preference.code) if preference.code is not None else next((c for c in responses if c.startswith("2")), None)
    )
    response = responses.get(code) if code else None
    if response is None:
        documented = ", ".join(sorted(responses))
        raise ApiError(400, "Prefer names an undocumented response", f"this operation documents {documented}")
    media_type, content = next(iter(response.get("content", {}).items()), ("application/json", {}))
    body = _body(content, preference, seed)
    headers = {name: str(example_for(spec.get("schema", {}))) for name, spec in response.get("headers", {}).items()}
    return ConnexionResponse(
        status_code=int(code),  # type: ignore[arg-type]
        body=json.dumps(body) if "json" in media_type else str(body),
        content_type=media_type,
        mimetype=media_type,
        headers=headers,
    )


def _body(content: dict[str, Any], preference: Preference, seed: int) -> Any:
    examples = content.get("examples", {})
    if preference.example is not None:
        if preference.example not in examples:
            raise ApiError(
                400, "Prefer names an unknown example", f"documented examples: {', '.join(examples) or 'none'}"
            )
        return examples[preference.example].get("value")
    schema = content.get("schema", {})
    if preference.dynamic:
        return example_for(schema, random.Random(seed if preference.seed is None else preference.seed))
    if "example" in content:
        return content["example"]
    if examples:
        return next(iter(examples.values())).get("value")
    return example_for(schema)
