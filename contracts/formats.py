"""XML and CSV bodies for schemathesis: checked to be well-formed, then validated as the text the spec's schema names.

Without a deserializer schemathesis skips every non-JSON body ("Cannot deserialize response"), so a broken XML or
CSV rendering (Adsterra's `.xml` and `.csv` endpoints) would pass unseen.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.etree import ElementTree

import schemathesis

CSV_DELIMITER = ";"  # the Adsterra docs' delimiter, the only CSV the mocked APIs document


@schemathesis.deserializer("application/xml", "text/xml")
def xml_text(ctx: Any, response: Any) -> str:
    text = _text(response)
    try:
        ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as error:
        raise ValueError(f"The XML body is not well-formed: {error}") from None
    return text


@schemathesis.deserializer("text/csv")
def csv_text(ctx: Any, response: Any) -> str:
    text = _text(response)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=CSV_DELIMITER))
    if rows:
        width = len(rows[0])
        ragged = [number for number, row in enumerate(rows[1:], 2) if len(row) != width]
        if ragged:
            raise ValueError(f"CSV lines {ragged[:5]} do not have the header's {width} fields")
    return text


def _text(response: Any) -> str:
    try:
        return bytes(response.content).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"The body is not UTF-8: {error}") from None
