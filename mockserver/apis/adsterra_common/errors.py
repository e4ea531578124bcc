"""Adsterra's error body `{"code","message","data"}`, with validation failures as 422 and their details in `data`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...kit.errors import ErrorShape
from ...kit.plain_errors import field_of


def _body(status: int, message: str, hint: str | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] | None = dict(extra) or None
    if status == 422:  # the specs' ValidationError: data.detail always, data.field when the validator names it
        detail = (hint or message).splitlines()[0]
        field = field_of(detail)
        data = {"detail": detail, **({"field": field} if field else {})}
    return {"code": status, "message": message, "data": data}


ERRORS = ErrorShape(
    body=_body,
    messages={
        401: "Token not found",
        404: "Not found",
        422: "Validation failed",
        429: "Too many requests",
        500: "Internal server error",
    },
    # "Validation status: 422, not 400" (both specs): connexion's and the shared layers' 400s leave as 422,
    # and so does a body that is not JSON (connexion's 415): it breaks the schema as much as malformed JSON.
    statuses={400: 422, 415: 422},
)
