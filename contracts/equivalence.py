"""Check that Adsterra's JSON, XML and CSV renderings of one request carry the same records and values."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree

from schemathesis import Case, Response

from .checking import contract_check, formats_of, is_positive, json_body, may_probe, probe, sent_headers
from .paging import items_of

CSV_DELIMITER = ";"


@contract_check
def format_equivalence(ctx: Any, response: Response, case: Case) -> bool | None:
    """For an operation with a `{format}` of json, xml and csv (Adsterra): `.csv` is `;`-separated with a header row
    naming the JSON record fields and one line per record, `.xml` is rooted at `<response>`, and both carry the
    JSON answer's values. Probed twice per operation."""
    if case.method.upper() != "GET" or response.status_code != 200 or not {"json", "xml", "csv"} <= formats_of(case):
        return None
    if not is_positive(case) or not may_probe("format_equivalence", case, 2):
        return None
    answers = {}
    for name in ("json", "csv", "xml"):
        answer = probe(ctx, case, path=case.operation.path, path_parameters={**case.path_parameters, "format": name},
                       query=case.query or {}, headers=sent_headers(response))  # fmt: skip
        if answer.status_code != 200:
            return None  # limited, or the data changed in between: nothing to compare
        answers[name] = answer
    data = json_body(answers["json"])
    if data is None:
        return None
    _compare_csv(data, _text(answers["csv"]))
    _compare_xml(data, _text(answers["xml"]))
    return None


def compare(data: Any, rendering: str, text: str) -> None:
    """Raise AssertionError unless `text`, the `rendering` ("csv" or "xml") of a request, carries the JSON answer `data`."""
    (_compare_csv if rendering == "csv" else _compare_xml)(data, text)


def _text(response: Response) -> str:
    return bytes(response.content).decode("utf-8", errors="replace")


def records(data: Any) -> list[Any]:
    """The CSV lines a JSON answer makes: the entries of its list (`items`, `placement_ids`), else itself."""
    entries = items_of(data) if isinstance(data, dict) else None
    return [data] if entries is None else entries


def _compare_csv(data: Any, text: str) -> None:
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=CSV_DELIMITER))
    if not lines:
        raise AssertionError("The CSV body is empty: it has no header row")
    header, rows = lines[0], lines[1:]
    expected = records(data)
    if len(rows) != len(expected):
        raise AssertionError(
            f"The CSV has {len(rows)} lines after its header; the JSON answer has {len(expected)} records"
        )
    for number, (record, row) in enumerate(zip(expected, rows, strict=True), 2):
        if isinstance(record, dict):
            missing = [name for name in record if name not in header]
            if missing:
                raise AssertionError(f"The CSV header {CSV_DELIMITER.join(header)!r} does not name the JSON fields {missing} "
                                     f"(is it {CSV_DELIMITER!r}-separated, and is the header row there?)")  # fmt: skip
            for name, value in record.items():
                if not _same(value, row[header.index(name)] if header.index(name) < len(row) else ""):
                    raise AssertionError(
                        f"CSV line {number}: {name} is {row[header.index(name)]!r}, JSON says {value!r}"
                    )
        elif len(header) != 1 or not row or not _same(record, row[0]):
            raise AssertionError(f"CSV line {number} is {row!r}, JSON says {record!r} (header {header!r})")


def _compare_xml(data: Any, text: str) -> None:
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except ElementTree.ParseError as error:
        raise AssertionError(f"The XML body is not well-formed: {error}") from None
    if root.tag != "response":
        raise AssertionError(f"The XML root is <{root.tag}>; the docs root every answer at <response>")
    problem = _difference(data, _xml_value(root), "response")
    if problem:
        raise AssertionError(f"The XML differs from the JSON answer at {problem}")


def _xml_value(element: ElementTree.Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    if all(child.tag == "item" for child in children):
        return [_xml_value(child) for child in children]
    return {child.tag: _xml_value(child) for child in children}


def _difference(json_value: Any, xml_value: Any, where: str) -> str | None:
    """Where the XML value differs from the JSON one (None: the same); an empty element stands for any empty value."""
    if xml_value == "" and json_value in (None, "", [], {}):
        return None
    if isinstance(json_value, dict):
        if isinstance(xml_value, list) and list(json_value) == ["item"] and len(xml_value) == 1:
            xml_value = {"item": xml_value[0]}  # `{"item": 1.5}` and `[1.5]` both render as one <item> child
        if not isinstance(xml_value, dict):
            return f"{where}: expected elements {sorted(json_value)}, got {xml_value!r}"
        for name, value in json_value.items():
            if name not in xml_value:
                if value is None:
                    continue  # an absent field has no element
                return f"{where}/{name}: missing"
            found = _difference(value, xml_value[name], f"{where}/{name}")
            if found:
                return found
        extra = sorted(set(xml_value) - set(json_value))
        return f"{where}: elements {extra} are not in the JSON answer" if extra else None
    if isinstance(json_value, list):
        if not isinstance(xml_value, list) or len(xml_value) != len(json_value):
            return f"{where}: {len(json_value)} <item>s expected, got {xml_value!r:.80}"
        for index, (value, item) in enumerate(zip(json_value, xml_value, strict=True)):
            found = _difference(value, item, f"{where}/item[{index + 1}]")
            if found:
                return found
        return None
    if isinstance(xml_value, str) and _same(json_value, xml_value):
        return None
    return f"{where}: {xml_value!r} vs JSON {json_value!r}"


def _same(value: Any, text: str) -> bool:
    """Whether a CSV field or XML text renders the JSON scalar `value`."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text.lower() in (("true", "1") if value else ("false", "0", ""))
    if isinstance(value, (int, float)):
        try:
            return Decimal(text) == Decimal(str(value))
        except InvalidOperation:
            return False
    return text == str(value)
