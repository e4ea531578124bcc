"""Turns what a handler returns into a response with an explicit Content-Type (the one place bodies are serialised)."""

from __future__ import annotations

import json
from typing import Any

from connexion.lifecycle import ConnexionResponse

JSON = "application/json"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> ConnexionResponse:
    # Explicit content type: connexion answers 500 when an operation declares several and the handler names none.
    return ConnexionResponse(
        status_code=status,
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        content_type=JSON,
        mimetype=JSON,
        headers=headers or {},
    )


def respond(result: Any) -> ConnexionResponse:
    """A handler returns a body (200), a (body, status) pair, or a finished ConnexionResponse."""
    if isinstance(result, ConnexionResponse):
        return result
    if isinstance(result, tuple):
        body, status = result
        return json_response(body, status)
    return json_response(result)
