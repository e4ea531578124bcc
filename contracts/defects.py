"""Building blocks of breakages: what a broken implementation does to a request or an answer, as wrapper Defects."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from itertools import count
from typing import Any

from .wrapper import Answer, Call, Defect

JsonEdit = Callable[[Any], Any]


def on(method: str | None = None, path: str | None = None) -> Callable[[Call], bool]:
    pattern = re.compile(path) if path else None
    return lambda call: (
        (method is None or call.method == method) and (pattern is None or pattern.search(call.path) is not None)
    )


def edit_json(where: Callable[[Call], bool], edit: JsonEdit, status: int = 200) -> Callable[[Call, Answer], None]:
    """Change a JSON answer of status `status` to the calls `where` matches."""

    def respond(call: Call, answer: Answer) -> None:
        if answer.status != status or not where(call) or "json" not in (answer.header("content-type") or ""):
            return
        answer.body = json.dumps(edit(json.loads(answer.body))).encode()

    return respond


def edit_text(where: Callable[[Call], bool], edit: Callable[[str], str]) -> Callable[[Call, Answer], None]:
    def respond(call: Call, answer: Answer) -> None:
        if answer.status == 200 and where(call):
            answer.body = edit(answer.body.decode("utf-8")).encode("utf-8")

    return respond


def status_as(old: int, new: int) -> Defect:
    """Every `old` answered as `new`, body and headers unchanged."""

    def respond(call: Call, answer: Answer) -> None:
        if answer.status == old:
            answer.status = new

    return Defect(respond=respond)


def swap_credential(header: str, old: str, new: str, methods: tuple[str, ...] = ()) -> Defect:
    """The server treats credential `old` as `new` (a scope or owner it ignores), on `methods` (default: all)."""

    def request(call: Call) -> Call:
        if call.headers.get(header.lower()) == old and (not methods or call.method in methods):
            return call.with_header(header, new)
        return call

    return Defect(request=request)


def accept_unknown(header: str, valid: str, known: tuple[str, ...]) -> Defect:
    """Any credential the server never issued is taken as `valid` (a lookup that falls back instead of failing)."""

    def request(call: Call) -> Call:
        value = call.headers.get(header.lower())
        return call.with_header(header, valid) if value and value not in known else call

    return Defect(request=request)


def delete_keeps(path: str, status: int, body: bytes = b"", content_type: str | None = None) -> Defect:
    """DELETE answers success while the record stays: forwarded as a GET, so nothing is deleted."""
    where = on("DELETE", path)

    def request(call: Call) -> Call:
        return replace(call, method="GET") if where(call) else call

    def respond(call: Call, answer: Answer) -> None:
        if where(call) and answer.status == 200:
            answer.status, answer.body = status, body
            answer.set_header("content-type", content_type)

    return Defect(request=request, respond=respond)


def drop_query(name: str, where: Callable[[Call], bool]) -> Defect:
    """The server ignores a query parameter (as if it were never sent)."""
    return Defect(request=lambda call: call.with_query(**{name: None}) if where(call) else call)


def shift_offset(by: int, where: Callable[[Call], bool]) -> Defect:
    """An off-by-`by` offset: pages overlap (negative) or skip records (positive)."""

    def request(call: Call) -> Call:
        offset = call.param("offset")
        if where(call) and offset and offset.isdigit() and int(offset) > 0:
            return call.with_query(offset=str(max(int(offset) + by, 0)))
        return call

    return Defect(request=request)


def rising_remaining() -> Defect:
    counter = count()

    def respond(call: Call, answer: Answer) -> None:
        limit = answer.header("x-ratelimit-limit")
        if limit and limit.isdigit() and int(limit) > 0:
            answer.set_header("x-ratelimit-remaining", str(next(counter) % int(limit)))

    return Defect(respond=respond)


def every_third_limited(error: dict[str, Any]) -> Defect:
    """A limiter that answers 429 without telling when to come back."""
    counter = count(1)

    def respond(call: Call, answer: Answer) -> None:
        if next(counter) % 3 == 0:
            answer.status, answer.body = 429, json.dumps(error).encode()
            answer.set_header("content-type", "application/json")
            answer.set_header("retry-after", None)
            answer.set_header("x-ratelimit-remaining", "0")

    return Defect(respond=respond)


def drop_header(name: str) -> Defect:
    def respond(call: Call, answer: Answer) -> None:
        answer.set_header(name, None)

    return Defect(respond=respond)


def plain_405() -> Defect:
    def respond(call: Call, answer: Answer) -> None:
        if answer.status == 405:
            answer.body = b"Method Not Allowed"
            answer.set_header("content-type", "text/plain; charset=utf-8")

    return Defect(respond=respond)


def empty_body(where: Callable[[Call], bool]) -> Defect:
    def respond(call: Call, answer: Answer) -> None:
        if where(call) and answer.status == 200:
            answer.body = b""

    return Defect(respond=respond)


def crash_on_punctuation(where: Callable[[Call], bool]) -> Defect:
    """A 500 for a create whose body has a name that is not alphanumeric."""

    def respond(call: Call, answer: Answer) -> None:
        if where(call) and 200 <= answer.status < 300:
            name = json.loads(answer.body).get("data", {}).get("name", "")
            if not str(name).isalnum():
                answer.status, answer.body = (
                    500,
                    json.dumps({"error": {"code": "internal_error", "message": "boom"}}).encode(),
                )

    return Defect(respond=respond)


def refuse(status: int, body: bytes, when: Callable[[Call], bool]) -> Defect:
    """Calls `when` matches answered `status` with a JSON `body`, whatever the server would have answered."""

    def respond(call: Call, answer: Answer) -> None:
        if when(call):
            answer.status, answer.body = status, body
            answer.set_header("content-type", "application/json")

    return Defect(respond=respond)


def target_over(limit: int) -> Callable[[Call], bool]:
    """Calls whose request target (path and query) is over `limit` bytes, as a front with small buffers counts."""
    return lambda call: len(call.path) + sum(len(key) + len(value) + 2 for key, value in call.query) > limit


def query_over(name: str, most: int) -> Callable[[Call], bool]:
    """Calls whose integer query parameter `name` is over `most`."""

    def over(call: Call) -> bool:
        value = call.param(name)
        return value is not None and value.isdigit() and int(value) > most

    return over


def json_answer(where: Callable[[Call], bool], edit: JsonEdit) -> Defect:
    return Defect(respond=edit_json(where, edit))


def text_answer(where: Callable[[Call], bool], edit: Callable[[str], str]) -> Defect:
    return Defect(respond=edit_text(where, edit))


def inplace(edit: Callable[[Any], None]) -> JsonEdit:
    def apply(data: Any) -> Any:
        edit(data)
        return data

    return apply


def bump(mapping: dict[str, Any], key: str) -> None:
    """Add one to a number (Binom's numbers are strings)."""
    value = mapping[key]
    mapping[key] = str(int(float(value)) + 1) if isinstance(value, str) else value + 1


def binom_totals(edit: Callable[[dict[str, Any]], None]) -> JsonEdit:
    def apply(data: Any) -> Any:
        if isinstance(data, list) and data and isinstance(data[-1], dict) and data[-1].get("id") == "totals":
            edit(data[-1])
        return data

    return apply


def skip_last_on_pages_with_more(data: Any) -> Any:
    """A cursor page that loses its last record when another page follows."""
    if isinstance(data, dict) and data.get("pagination", {}).get("nextCursor") and len(data.get("data", [])) > 1:
        data["data"] = data["data"][:-1]
    return data


def summary_off(data: Any) -> Any:
    data["data"]["summary"]["impressions"] += 1
    return data


def ctr_to_one_place(data: Any) -> Any:
    for row in [data["data"]["summary"], *data["data"]["daily"]]:
        row["ctr"] = round(row["ctr"], 1) + (0.01 if row["ctr"] == round(row["ctr"], 1) and row["impressions"] else 0)
    return data


def item_count_off(data: Any) -> Any:
    if isinstance(data, dict) and "itemCount" in data:
        data["itemCount"] += 1
    return data


def xml_root(text: str) -> str:
    return (
        text.replace("<response>", "<result>").replace("</response>", "</result>").replace("<response/>", "<result/>")
    )


def csv_commas(text: str) -> str:
    return text.replace(";", ",")


def csv_no_header(text: str) -> str:
    return text.split("\n", 1)[1] if "\n" in text else ""


def csv_lines_reversed(text: str) -> str:
    header, *lines = text.rstrip("\n").split("\n")
    return "\n".join([header, *reversed(lines)]) + "\n"
