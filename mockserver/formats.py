"""Turns what a handler returns into a response with an explicit Content-Type (the one place bodies are serialised)."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
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


def no_content(status: int = 204) -> ConnexionResponse:
    """An answer without a body (e.g. Binom's 204 after a delete)."""
    return ConnexionResponse(status_code=status, body=b"", headers={})


def decimal_string(value: Decimal | int | float, places: int, *, fixed: bool = False) -> str:
    """A number as the JSON string some APIs send instead of a number (Binom's "774.47", "0.163775", "-10.1").

    Rounded half-up to `places` decimals; `fixed` keeps trailing zeros (money: "696.00"), otherwise they
    are dropped ("50", "0.03"). Never an exponent and never "-0", so it always matches the pattern -?[0-9]+(.[0-9]+)?
    """
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)
    text = f"{number:f}"
    if not fixed and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def respond(result: Any) -> ConnexionResponse:
    """A handler returns a body (200), a (body, status) pair, or a finished ConnexionResponse."""
    if isinstance(result, ConnexionResponse):
        return result
    if isinstance(result, tuple):
        body, status = result
        return json_response(body, status)
    return json_response(result)
