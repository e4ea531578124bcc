"""The shared renderer: one body as JSON, XML or CSV; and the generic error-status remap and enum-route rule it serves."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mockserver.kit.errors import ApiError, ErrorShape, render
from mockserver.kit.formats import Document, respond, to_csv, to_xml
from mockserver.kit.routing import Paths

SPECS = Path(__file__).resolve().parent.parent / "openapi"
BODY = {
    "items": [
        {"id": 1, "alias": "Spring promo", "active": 3, "bid": 0.85, "ok": True},
        {"id": 2, "alias": None, "active": 1, "bid": 2, "ok": False},
    ],
    "itemCount": 2,
}


def test_xml_maps_the_json_body_element_by_element() -> None:
    text = to_xml(BODY)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<response><items><item><id>1</id>')
    root = ET.fromstring(text.encode())
    assert root.tag == "response" and [child.tag for child in root] == ["items", "itemCount"]
    first, second = root.find("items")  # type: ignore[misc]
    assert [(child.tag, child.text) for child in first] == [
        ("id", "1"), ("alias", "Spring promo"), ("active", "3"), ("bid", "0.85"), ("ok", "true"),
    ]  # fmt: skip
    assert second.find("alias").text is None and len(second.find("alias")) == 0  # type: ignore[union-attr, arg-type]
    assert root.find("itemCount").text == "2"  # type: ignore[union-attr]


def test_xml_arrays_of_scalars_and_hostile_text() -> None:
    root = ET.fromstring(to_xml({"placement_ids": [15413270, 15413272], "text": "<a & 'b'>\x00"}).encode())
    assert [item.text for item in root.find("placement_ids")] == ["15413270", "15413272"]  # type: ignore[union-attr]
    assert root.find("text").text == "<a & 'b'>\ufffd"  # type: ignore[union-attr]  # NUL cannot be XML: replaced


def test_csv_has_a_header_row_and_one_line_per_entry() -> None:
    text = to_csv(BODY["items"], ("id", "alias", "active", "bid", "ok", "absent"))
    assert text == "id;alias;active;bid;ok;absent\n1;Spring promo;3;0.85;true;\n2;;1;2;false;\n"
    assert to_csv([], ("id", "title")) == "id;title\n"
    assert to_csv([15413270, 15413272], ("placement_id",)) == "placement_id\n15413270\n15413272\n"


@pytest.mark.parametrize("value", ["a;b", 'say "hi"', "two\nlines", "carriage\rreturn", "plain text"])
def test_csv_quotes_only_what_needs_it_and_round_trips(value: str) -> None:
    text = to_csv([{"v": value, "n": 1}], ("v", "n"))
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";")) == [["v", "n"], [value, "1"]]
    assert (text.count('"') > 0) == (value != "plain text")


@pytest.mark.parametrize(
    ("format_", "content_type"),
    [("json", "application/json"), ("xml", "application/xml"), ("csv", "text/csv; charset=utf-8")],
)
def test_a_document_renders_the_same_data_with_a_matching_content_type(format_: str, content_type: str) -> None:
    response = respond(Document(BODY, format_, ("id", "alias"), rows="items", status=201))
    assert response.status_code == 201 and response.content_type == content_type
    body = response.body.decode() if isinstance(response.body, bytes) else response.body
    expected = {
        "json": json.dumps(BODY, separators=(",", ":")),
        "xml": to_xml(BODY),
        "csv": "id;alias\n1;Spring promo\n2;\n",
    }
    assert body == expected[format_]


@pytest.mark.parametrize("format_", ["json", "xml", "csv"])
def test_a_document_is_written_once_however_often_it_is_sent(format_: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kept answer is one document for every request until a write: serialising it again each time was most of
    what a kept CSV or XML report still cost."""
    from mockserver.kit import formats

    writes = []
    for name in ("dump_json", "to_xml", "to_csv"):
        writer = getattr(formats, name)
        monkeypatch.setattr(formats, name, lambda *args, _writer=writer: writes.append(1) or _writer(*args))
    document = Document(BODY, format_, ("id", "alias"), rows="items")
    first, second = respond(document), respond(document)
    assert first is not second and first.headers is not second.headers  # each request stamps its own headers
    assert first.body == second.body and first.content_type == second.content_type and len(writes) == 1


def test_a_single_object_is_one_csv_line() -> None:
    response = respond(Document({"item": 1234.56}, "csv", ("item",)))
    assert response.body == "item\n1234.56\n"


def test_plain_bodies_still_become_json() -> None:
    assert respond({"a": 1}).body == b'{"a":1}' and respond(({"a": 1}, 201)).status_code == 201


def test_error_shape_can_rename_statuses() -> None:
    shape = ErrorShape(
        body=lambda status, message, hint, extra: {"code": status, "message": message},
        messages={422: "Validation failed"},
        statuses={400: 422},
    )
    response = render(shape, ApiError(400, "Request body too large"))
    assert response.status_code == 422 and json.loads(response.body) == {
        "code": 422,
        "message": "Request body too large",
    }
    assert shape.message_for(400) == "Validation failed" and shape.status(404) == 404
    assert render(ErrorShape(body=lambda *args: {}), ApiError(400, "x")).status_code == 400  # no remap by default


def test_a_path_value_outside_its_enum_fits_no_route() -> None:
    paths = Paths(SPECS / "adsterra_advertiser.yaml", "/a")
    assert paths.outside_enum("/a/stats.pdf")
    assert paths.outside_enum("/a/campaign/5.json.pdf")
    assert paths.outside_enum("/a/campaign/5..json")  # an integer id takes digits only, as routed
    assert not paths.outside_enum("/a/campaign/5.csv")
    assert not paths.outside_enum("/a/nothing.pdf")  # no template at all: the router's own 404
    assert not Paths(SPECS / "bannertrackr.yaml", "/a").outside_enum("/a/sites/site_123")  # no enums in its paths
