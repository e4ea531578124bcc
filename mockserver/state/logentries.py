"""A request-log entry as the control API shows it, made when it is read from the plain values its request left."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from ..kit import masking, routing, spec
from .clock import iso

BODY_EXCERPT = 2048  # bytes of a request body the log keeps: enough to read a JSON body, bounded for 1000 entries


@dataclass(frozen=True)
class LoggedRequest:
    time: str
    api: str
    method: str
    path: str
    status: int
    key: str | None  # masked
    durationMs: float
    query: dict[str, list[str]] = field(default_factory=dict)  # credentials masked
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names, credentials masked
    body: str | None = None  # the first BODY_EXCERPT bytes, as text
    bodyBytes: int = 0
    operationId: str | None = None  # None: no operation of the spec has this method and path
    valid: bool = True  # False: refused by the spec's request validation or routing (`error` says why)
    error: str | None = None
    nearest: str | None = None  # for an invalid request: the operation it was closest to
    timestamp: float = 0.0  # the mock clock's time, for filtering (not shown)

    def as_json(self) -> dict[str, Any]:
        shown = asdict(self)
        del shown["timestamp"]
        return shown

    def logged(self) -> LoggedRequest:
        return self


# What a request leaves for its entry (`raw`): the values as the request had them, unmasked, nothing worked out, in
# this order. Nothing changes them once the request is logged, so the entry made from them whenever it is read
# (`shown`) is the same; and they are all a log kept elsewhere (`RedisRequestLog`) stores, for any worker to read.
Raw = tuple[Any, ...]
SPEC, QUERY, HEADERS, BODY = 1, 9, 10, 11  # the spec's Path, and the values given as bytes (headers as pairs)


def raw(
    api: str, spec_path: Path, base_path: str, method: str, path: str, status: int, credential: str | None,
    timestamp: float, duration_ms: float, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes | bytearray,
    body_bytes: int, operation: str | None, error: str | None,
) -> Raw:  # fmt: skip
    """The values a request's entry is made from: its API (name, spec, base path), method, path as routed, status,
    credential, mock-clock timestamp, duration, query string, header list, body excerpt and size, operation and the
    refusal (None: valid)."""
    return (api, spec_path, base_path, method, path, status, credential, timestamp, duration_ms, query, headers,
            bytes(body[:BODY_EXCERPT]), body_bytes, operation, error)  # fmt: skip


def shown(values: Raw) -> LoggedRequest:
    """The entry as the control API shows it: credentials masked, the query grouped by name."""
    (api, spec_path, base_path, method, path, status, credential, timestamp, duration_ms, query, headers, body,
     body_bytes, operation, error) = values  # fmt: skip
    secrets = (credential,) if credential else ()
    grouped: dict[str, list[str]] = {}
    for name, value in masked_query(query, secrets):
        grouped.setdefault(name, []).append(value)
    valid = error is None
    return LoggedRequest(
        time=iso(datetime.fromtimestamp(timestamp, tz=UTC)), api=api, method=method,
        path=masking.mask_secrets(path, secrets), status=status, key=masking.mask(credential),
        durationMs=round(duration_ms, 3), query=grouped, headers=dict(masked_headers(spec_path, headers, secrets)),
        body=masking.mask_secrets(body.decode("utf-8", "replace"), secrets) if body else None,
        bodyBytes=body_bytes, operationId=operation, valid=valid, error=error,
        nearest=None if valid else (operation or routing.nearest_operation(spec_path, method, path[len(base_path) :])),
        timestamp=timestamp,
    )  # fmt: skip


def masked_headers(
    spec_path: Path, headers: list[tuple[bytes, bytes]], secrets: tuple[str, ...]
) -> list[tuple[str, str]]:
    """A request's headers as text, the API's credential headers and any of `secrets` masked."""
    credential_headers = [name for name, _ in spec.credential_headers(spec_path)]
    pairs = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]
    return masking.headers(pairs, credential_headers, secrets)


def masked_query(query: bytes, secrets: tuple[str, ...]) -> list[tuple[str, str]]:
    """A query string's parameters, credentials and any of `secrets` masked."""
    text = query.decode("latin-1")
    return masking.query(parse_qsl(text, keep_blank_values=True), secrets) if text else []
