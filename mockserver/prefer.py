"""Prism-compatible `Prefer` header: `code=`, `example=` and `dynamic=` pick a documented response instead of the handler's."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from connexion.lifecycle import ConnexionResponse

from .errors import ApiError
from .examples import example_for


@dataclass(frozen=True)
class Preference:
    code: int | None = None
    example: str | None = None
    dynamic: bool = False

    @property
    def any(self) -> bool:
        return self.code is not None or self.example is not None or self.dynamic


def parse(header: str | None) -> Preference:
    """`Prefer: code=404, example=notFound, dynamic=true` (Prism's syntax; unknown preferences are ignored)."""
    if not header:
        return Preference()
    values = {}
    for part in header.replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    code = values.get("code")
    if code is not None and not (code.isdigit() and 100 <= int(code) <= 599):
        raise ApiError(400, "Invalid Prefer header", f"code must be an HTTP status, got {code!r}")
    return Preference(int(code) if code else None, values.get("example") or None, values.get("dynamic", "").lower() == "true")


def respond(operation: dict[str, Any], preference: Preference, seed: int) -> ConnexionResponse:
    """The documented response the preference names, with a body that conforms to its schema."""
    responses = operation.get("responses", {})
    code = str(preference.code) if preference.code is not None else next((c for c in responses if c.startswith("2")), None)
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
            raise ApiError(400, "Prefer names an unknown example", f"documented examples: {', '.join(examples) or 'none'}")
        return examples[preference.example].get("value")
    schema = content.get("schema", {})
    if preference.dynamic:
        return example_for(schema, random.Random(seed))
    if "example" in content:
        return content["example"]
    if examples:
        return next(iter(examples.values())).get("value")
    return example_for(schema)
