"""HAR 1.2 recordings: an exchange written as an entry (with harfile), entries read back, and what a replay matches."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .masking import mask, mask_value

# harfile is imported by the writer: it reads its own version from the installed packages' metadata when imported,
# a cost every start-up paid though only a recording writes HAR (a replay only reads JSON).
CREATOR_NAME, CREATOR_VERSION = "adapi-mocks", "1"


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, credentials already masked."""

    started: float  # unix time
    duration_ms: float
    method: str
    url: str  # absolute
    request_headers: Sequence[tuple[str, str]]
    request_body: bytes
    status: int
    response_headers: Sequence[tuple[str, str]]
    response_body: bytes
    http_version: str = "HTTP/1.1"


class Writer:
    """A HAR file written entry by entry as exchanges finish, complete once closed."""

    def __init__(self, path: Path, comment: str | None = None) -> None:
        import harfile

        self.path = path
        self._harfile = harfile
        self._har = harfile.open(path, creator=harfile.Creator(name=CREATOR_NAME, version=CREATOR_VERSION),
                                 comment=comment)  # fmt: skip
        self._lock = threading.Lock()  # the proxy's and the mock's loops are one thread, tests may not be
        self.entries = 0

    def add(self, exchange: Exchange) -> None:
        harfile = self._harfile
        query = parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)
        content_type = _header(exchange.request_headers, "content-type")
        post = (
            harfile.PostData(mimeType=content_type or "", text=exchange.request_body.decode("utf-8", "replace"))
            if exchange.request_body
            else None
        )
        text, encoding = _text(exchange.response_body)
        request = harfile.Request(
            method=exchange.method, url=exchange.url, httpVersion=exchange.http_version,
            headers=[harfile.Record(name, value) for name, value in exchange.request_headers],
            queryString=[harfile.Record(name, value) for name, value in query],
            postData=post, bodySize=len(exchange.request_body),
        )  # fmt: skip
        response = harfile.Response(
            status=exchange.status, statusText=_reason(exchange.status), httpVersion=exchange.http_version,
            headers=[harfile.Record(name, value) for name, value in exchange.response_headers],
            content=harfile.Content(size=len(exchange.response_body), mimeType=_header(exchange.response_headers,
                                    "content-type") or "", text=text, encoding=encoding),
            redirectURL=_header(exchange.response_headers, "location") or "", bodySize=len(exchange.response_body),
        )  # fmt: skip
        with self._lock:
            self._har.add_entry(
                startedDateTime=datetime.fromtimestamp(exchange.started, UTC),
                time=round(exchange.duration_ms, 3),
                request=request,
                response=response,
                timings=harfile.Timings(send=0, wait=round(exchange.duration_ms, 3), receive=0),
            )
            self._har.flush()
            self.entries += 1

    def close(self) -> None:
        with self._lock:
            self._har.close()


def read(path: Path) -> list[dict[str, Any]]:
    """The entries of the HAR file at `path`; ValueError when it is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document["log"]["entries"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a HAR file ({type(error).__name__}: {error})") from None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: log.entries is not a list")
    return entries


def response_body(entry: dict[str, Any]) -> bytes:
    content = entry["response"].get("content", {})
    text = content.get("text") or ""
    return base64.b64decode(text) if content.get("encoding") == "base64" else text.encode("utf-8")


def request_body(entry: dict[str, Any]) -> bytes:
    return str((entry["request"].get("postData") or {}).get("text") or "").encode("utf-8")


def pairs(records: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(record["name"]), str(record["value"])) for record in records]


@dataclass(frozen=True)
class Key:
    """What a replay matches a request on: method, path, query (in any order) and body."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of(cls, method: str, path: str, query: str, body: bytes) -> Key:
        return cls(method.upper(), path, tuple(sorted(parse_qsl(query, keep_blank_values=True))), body)

    @classmethod
    def of_entry(cls, entry: dict[str, Any]) -> Key:
        url = urlsplit(entry["request"]["url"])
        return cls.of(entry["request"]["method"], url.path, url.query, request_body(entry))

    def matches(self, recorded: Key) -> bool:
        """`recorded` (credentials masked when it was written) is this request: a masked part matches what masks to it."""
        if self.method != recorded.method or self.body != recorded.body or len(self.query) != len(recorded.query):
            return False
        segments, masked = self.path.split("/"), recorded.path.split("/")
        if len(segments) != len(masked) or not all(map(_same, segments, masked)):
            return False
        return all(name == other and _same(value, kept) for (name, value), (other, kept) in zip(self.query, recorded.query, strict=True))  # fmt: skip


def _same(value: str, recorded: str) -> bool:
    return value == recorded or ("…" in recorded and recorded in (mask(value), mask_value(value)))


def _text(body: bytes) -> tuple[str, str | None]:
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
