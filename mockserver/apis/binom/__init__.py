"""Binom tracker API v2 (seed 001): `api-key` users with campaign grants, entities, info/stats lists and the report."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from ...api import ApiDefinition
from ...domain.resources import seeding
from ...kit.errors import ErrorShape
from . import access, accounts, clicks, contract, entities, handlers, presets, seed, users

# `title` is the PHP exception class in the captured errors; the others are INVENTED in the same spirit.
TITLES = {400: "Webmozart.Assert.InvalidArgumentException", 401: "Unauthorized", 403: "AccessDenied", 404: "NotFound",
          409: "Conflict", 429: "TooManyRequests", 500: "InternalServerError"}  # fmt: skip


def _error_body(status: int, message: str, hint: str | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    # The captured {"errors": {...}}: one object, `detail` and `message` the same text, `code` 0.
    text = f"{message}: {hint.splitlines()[0]}" if hint else message
    title = TITLES.get(status) or HTTPStatus(status).phrase.replace(" ", "")
    return {"errors": {"title": title, "detail": text, "message": text, "code": 0, "status": status}}


DEFINITION = ApiDefinition(
    name="binom",
    title="Binom tracker API v2",
    spec="binom.yaml",
    base_path="/binom/public/api/v1",
    real_base_url="https://your-tracker.com/public/api/v1",
    handlers=handlers,
    errors=ErrorShape(body=_error_body, messages={400: "Validation failed", 401: "Missing API key", 404: "Not found"}),
    authenticate=access.authenticate,
    seed=seeding(
        seed.seed,
        entities.SCHEME,
        entities.ENTITIES,
        (users.SCHEME, (users.ENTITY,)),
        (presets.SCHEME, presets.ENTITIES),
    ),
    demo_keys=seed.demo_keys,
    rate_headers=lambda quota: {},  # Binom documents no X-RateLimit-* headers; its optional limiter only answers 429
    request_id_header="X-Request-Id",
    doc_paths=("/binom/api/doc",),
    outside_paths=((clicks.CLICK_PATH, "/click"),),  # the tracker's /click, beside /public/api/v1 as on a real tracker
    accounts=accounts.ACCOUNTS,
    contract=contract.CONTRACT,
)
