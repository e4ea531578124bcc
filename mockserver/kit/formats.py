"""Turns what a handler returns into a response with an explicit Content-Type (the one place bodies are serialised).

A handler returns a JSON body (200), a (body, status) pair, a finished ConnexionResponse, or a `Document`: the
JSON body plus the format the client asked for. JSON, XML and CSV are then three renderings of the same data:

    XML   `<?xml ...?>` and the body under a `<response>` root: an object key becomes an element of that name,
          an array one `<item>` child per entry, null an empty element, booleans `true`/`false`.
    CSV   semicolon-separated, a header row of `columns`, then one line per entry of the body's list `rows`
          (or one line for the body itself); null or absent is an empty field; fields holding `;`, `"` or a
          line break are quoted with `"` (quotes doubled); lines end in `\\n`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any
from xml.sax.saxutils import escape

import orjson
from connexion.lifecycle import ConnexionResponse

JSON = "application/json"
XML = "application/xml"
CSV = "text/csv"
MEDIA_TYPES = {"json": JSON, "xml": XML, "csv": CSV}
# Types orjson would write where json raises: left to json, so they fail (or not) exactly as before.
_PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
# Characters XML 1.0 cannot carry even escaped; they become U+FFFD rather than an unparseable document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Document:
    """A body to send in the format the client chose; `rows` and `columns` say how it becomes CSV lines."""

    data: Any  # the JSON body
    format: str = "json"  # a key of MEDIA_TYPES
    columns: Sequence[str] = ()  # CSV header; an entry that is not an object fills the one column alone
    rows: str | None = None  # the key of the list whose entries are the CSV lines; None: the body is one line
    status: int = 200

    @cached_property
    def rendered(self) -> tuple[bytes | str, str]:
        """(body, content type) in the document's format: written once per document, since a kept answer
        (`Store.kept`) is the same document for every request that asks it until the next write."""
        if self.format == "json":
            return dump_json(self.data), JSON
        if self.format == "xml":
            return to_xml(self.data), XML
        if self.format == "csv":
            lines = self.data[self.rows] if self.rows is not None else [self.data]
            return to_csv(lines, self.columns), CSV + "; charset=utf-8"
        raise ValueError(f"unknown format {self.format!r}")  # the spec's enum keeps clients from getting here


@dataclass(frozen=True)
class Reply:
    """A finished response: status, content type, body bytes and extra headers, with nothing left to serialise.

    Fast routes (`api.FastRoute`) return these and the gateway sends them as they are; the connexion handler of
    the same operation returns the same object, which `respond` turns into a ConnexionResponse. Constant replies
    (a tracking pixel) are built once, so the hot path allocates nothing for them.
    """

    status: int
    content_type: str
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The ASGI header list: Content-Type, Content-Length, then `headers`."""
        return [
            (b"content-type", self.content_type.encode("latin-1")),
            (b"content-length", str(len(self.body)).encode()),
            *((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers.items()),
        ]

    def response(self) -> ConnexionResponse:
        return ConnexionResponse(
            status_code=self.status,
            body=self.body,
            content_type=self.content_type,
            mimetype=self.content_type.split(";", 1)[0],
            headers=dict(self.headers),
        )


def dump_json(body: Any) -> bytes:
    """Compact UTF-8 JSON. orjson writes what json.dumps(separators=(",", ":"), ensure_ascii=False) does (but for
    numbers below 1e-4: 0.00001 for 1e-05), several times faster; whatever it declines (an integer past 64 bits,
    a key that is not a string, a str subclass) goes to json as before."""
    try:
        return orjson.dumps(body, option=_PASSTHROUGH)
    except TypeError:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> ConnexionResponse:
    # Explicit content type: connexion answers 500 when an operation declares several and the handler names none.
    response = ConnexionResponse(
        status_code=status,
        body=dump_json(body),
        content_type=JSON,
        mimetype=JSON,
        headers=headers or {},
    )
    response.source = body  # what the bytes say, for response validation (validation.py)
    return response


def render(document: Document) -> ConnexionResponse:
    body, content_type = document.rendered
    if document.format == "json":
        response = ConnexionResponse(
            status_code=document.status, body=body, content_type=JSON, mimetype=JSON, headers={}
        )
        response.source = document.data  # what the bytes say, for response validation (validation.py)
        return response
    return ConnexionResponse(
        status_code=document.status, body=body, content_type=content_type, mimetype=MEDIA_TYPES[document.format]
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
    """A handler returns a body (200), a (body, status) pair, a Document (JSON, XML or CSV), a Reply, or a
    finished ConnexionResponse."""
    if isinstance(result, ConnexionResponse):
        return result
    if isinstance(result, Reply):
        return result.response()
    if isinstance(result, Document):
        return render(result)
    if isinstance(result, tuple):
        body, status = result
        return json_response(body, status)
    return json_response(result)


def scalar(value: Any) -> str:
    """How a JSON scalar is written in XML text and CSV fields: numbers exactly as in the JSON body."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return str(value)


def to_xml(data: Any, root: str = "response") -> str:
    parts: list[str] = []
    _element(parts, root, data)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(parts) + "\n"


def _element(parts: list[str], name: str, value: Any) -> None:
    if value is None:
        parts.append(f"<{name}/>")
        return
    parts.append(f"<{name}>")
    if isinstance(value, Mapping):
        for key, child in value.items():
            _element(parts, str(key), child)
    elif isinstance(value, (list, tuple)):
        for child in value:
            _element(parts, "item", child)
    else:
        parts.append(escape(_NOT_XML.sub("\ufffd", scalar(value))))
    parts.append(f"</{name}>")


def to_csv(entries: Iterable[Any], columns: Sequence[str]) -> str:
    lines = [";".join(_field(name) for name in columns)]
    for entry in entries:
        values = [entry.get(name) for name in columns] if isinstance(entry, Mapping) else [entry]
        lines.append(";".join(_field(scalar(value)) for value in values))
    return "\n".join(lines) + "\n"


def _field(text: str) -> str:
    # By hand rather than with the csv module, which leaves a lone \r unquoted when lines end in \n.
    return '"' + text.replace('"', '""') + '"' if any(char in text for char in ';"\r\n') else text
