"""Adsterra's error body `{"code","message","data"}`, with validation failures as 422 and their details in `data`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...errors import ErrorShape

# Where the validation hints name the field at fault: "Missing query parameter 'x'", "query parameter 'x' must ...",
# "a.b[0] must ..." (mockserver/plain_errors.py; the whole body is "the body").
_FIELD = re.compile(r"parameter '(?P<parameter>[^']+)'|^(?!the body )(?P<body>[A-Za-z_][\w.\[\]]*) (?:must|lacks|has|matches) ")


def _body(status: int, message: str, hint: str | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] | None = dict(extra) or None
    if status == 422:  # the specs' ValidationError: data.detail always, data.field when the validator names it
        detail = (hint or message).splitlines()[0]
        match = _FIELD.search(detail)
        data = {"detail": detail, **({"field": match["parameter"] or match["body"]} if match else {})}
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
