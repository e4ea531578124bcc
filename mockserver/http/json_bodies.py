"""Request bodies are JSON as RFC 8259 defines it: Python's parser also takes NaN and Infinity, which no schema stops."""

from __future__ import annotations

import json
from typing import Any

from connexion.exceptions import BadRequestProblem

from .framework import RequestBodyValidator


def _not_json(constant: str) -> Any:
    raise BadRequestProblem(detail=f"{constant} is not a JSON number")


class StrictJSONBodyValidator(RequestBodyValidator):
    """connexion's JSON body validator, except that NaN, Infinity and -Infinity are rejected (400) before validation.

    A NaN passes every numeric schema check (comparisons with it are false), so without this it would be stored
    and later sent back as `NaN`, which no JSON client can read.
    """

    def parse_text(self, text: str) -> Any:
        try:
            return json.loads(text, parse_constant=_not_json)
        except json.decoder.JSONDecodeError as error:
            raise BadRequestProblem(detail=f"The body is not valid JSON: {error}") from None
