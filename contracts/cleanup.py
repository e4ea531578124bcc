"""Deletes what a write-enabled run created, by following each create operation's OpenAPI link to its delete operation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import schemathesis
from schemathesis import Case, Response

from mockserver.kit.spec import resolve

from . import pacing


@dataclass(frozen=True)
class Created:
    delete_path: str  # path template of the delete operation, e.g. /sites/{siteId}
    parameters: dict[str, str]


_created: list[Created] = []
_installed = False


def install() -> None:
    """Record every successful create of this process's runs (hooks are global in schemathesis, so install once)."""
    global _installed
    if not _installed:
        schemathesis.hook("after_call")(_after_call)
        _installed = True


def _after_call(context: Any, case: Case, response: Response) -> None:
    # Not only POSTs create: Binom's `GET /<entity>/{id}/clone` does too (a PUT's answer may link to the DELETE of a
    # record the run did not create, so only these two kinds are creates).
    creates = case.method.upper() == "POST" or (case.method.upper() == "GET" and case.operation.path.endswith("/clone"))
    if creates and 200 <= response.status_code < 300:
        record(case.operation, response)


def record(operation: Any, response: Response) -> None:
    """Remember how to delete what `response` created, if the spec links its operation to a DELETE."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    root = operation.schema.raw_schema
    item = resolve(root, root["paths"][operation.path][operation.method.lower()])
    links = item.get("responses", {}).get(str(response.status_code), {}).get("links", {})
    for link in links.values():
        target = _operation_path(root, link.get("operationId"), "delete")
        if target is None:
            continue
        values = {name: _evaluate(expression, body) for name, expression in link.get("parameters", {}).items()}
        if all(isinstance(value, (str, int)) for value in values.values()):
            _created.append(Created(target, {name: str(value) for name, value in values.items()}))


def pending() -> int:
    return len(_created)


def delete_all(base_url: str, headers: dict[str, str]) -> tuple[int, list[str]]:
    """Delete everything recorded, newest first, at the run's pace; 404 counts as done (the run or a cascade
    already removed it). Cleanup is outside the budget: a spent budget must not leave records behind.
    What still fails after the pacer's 429 retries (or on the network) is returned by path and status."""
    deleted, failed = 0, []
    pacer = pacing.current()
    with httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=30) as client:
        while _created:
            created = _created.pop()
            values = created.parameters
            path = re.sub(
                r"\{(\w+)\}", lambda m, values=values: quote(values[m.group(1)], safe=""), created.delete_path
            )
            try:
                status = pacer.send(
                    lambda path=path: client.delete(path),
                    status=lambda answer: answer.status_code,
                    retry_after=lambda answer: answer.headers.get("retry-after"),
                    budgeted=False,
                ).status_code
            except httpx.HTTPError as error:
                failed.append(f"DELETE {path} -> {type(error).__name__}: {error}")
                continue
            if status < 300 or status == 404:
                deleted += status != 404
            else:
                failed.append(f"DELETE {path} -> {status}")
    return deleted, failed


def _operation_path(root: dict[str, Any], operation_id: str | None, method: str) -> str | None:
    if operation_id is None:
        return None
    for path, item in root.get("paths", {}).items():
        if item.get(method, {}).get("operationId") == operation_id:
            return str(path)
    return None


def _evaluate(expression: Any, body: Any) -> Any:
    """The `$response.body#/json/pointer` runtime expressions our specs' links use."""
    if not isinstance(expression, str) or not expression.startswith("$response.body#"):
        return None
    value = body
    for part in expression.removeprefix("$response.body#").strip("/").split("/"):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value
