"""The contract suite's single-response checks applied to exchanges seen on the wire, outside a schemathesis run:
what the proxy reports live and `contracts check FILE.har` reports for a recording. Nothing is ever sent."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import schemathesis
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from schemathesis import Case, Response
from schemathesis.checks import CheckContext, not_a_server_error, run_checks
from schemathesis.config import ChecksConfig
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi import checks as builtin

from mockserver.kit import har, masking
from mockserver.kit.routing import Paths, nearest_operation
from mockserver.kit.spec import credential_headers, load, resolve

from . import bodies, checks, counts, equivalence, refusals
from .apis import ContractApi
from .checking import formats_of, offline
from .spec import parameters

REQUEST_RULE = "request_conformance"  # the request is one the spec allows: an operation, its parameters, its body
EQUIVALENCE_RULE = "format_equivalence"
# Schemathesis' own response checks, then the suite's that need nothing but the one response (and, for the
# rate-limit windows, the responses before it). Checks that must send requests of their own are left out.
RESPONSE_CHECKS: tuple[Callable[..., Any], ...] = (
    not_a_server_error,
    refusals.status_code_documented,
    builtin.content_type_conformance,
    builtin.response_headers_conformance,
    builtin.response_schema_conformance,
    checks.rate_limit_headers,
    checks.retry_after_on_429,
    checks.error_body_shape,
    checks.stats_arithmetic,
    checks.totals_arithmetic,
    counts.item_counts,
    bodies.body_matches_content_type,
)
# For a method the path has no operation for (a 405 is right): the answer must still be in the API's error body.
OTHER_METHOD_CHECKS: tuple[Callable[..., Any], ...] = (not_a_server_error, checks.error_body_shape,
                                                      bodies.body_matches_content_type)  # fmt: skip
MESSAGE_LENGTH = 400  # a finding is one line; its first MESSAGE_LENGTH characters


@dataclass(frozen=True)
class Seen:
    """One exchange as it crossed the wire. `path` is below the API's base URL (what the spec's paths name)."""

    method: str
    path: str
    query: Sequence[tuple[str, str]]
    request_headers: Sequence[tuple[str, str]]
    request_body: bytes
    status: int
    response_headers: Sequence[tuple[str, str]]
    response_body: bytes
    elapsed: float = 0.0  # seconds
    url: str = "http://upstream"


@dataclass(frozen=True)
class Finding:
    operation: str  # "GET /sites/{id}", or the method and path when no operation has them
    rule: str
    message: str

    def line(self) -> str:
        return f"{self.operation}  [{self.rule}]  {self.message}"


@dataclass
class Checker:
    """Judges exchanges of one API, in the order they happened (the rate-limit windows and format pairs need it)."""

    api: ContractApi
    _schema: Any = field(init=False)
    _paths: Paths = field(init=False)
    _renderings: dict[tuple[Any, ...], dict[str, Any]] = field(init=False, default_factory=dict)
    _windows: dict[tuple[Any, ...], int] = field(init=False, default_factory=dict)  # rate-limit windows seen
    _bodies: dict[str, dict[str, Any] | None] = field(init=False, default_factory=dict)  # resolved, per operation

    def __post_init__(self) -> None:
        self._schema = schemathesis.openapi.from_dict(load(self.api.spec_path))
        self._paths = Paths(self.api.spec_path, "")
        self._context = CheckContext(override=None, auth=None, headers=None, config=ChecksConfig(),
                                     transport_kwargs=None, response_checks=None)  # fmt: skip

    def check(self, seen: Seen) -> list[Finding]:
        secrets = self._secrets(seen)
        return [Finding(finding.operation, finding.rule, _one_line(masking.mask_secrets(finding.message, secrets)))
                for finding in self._check(seen)]  # fmt: skip

    def _check(self, seen: Seen) -> list[Finding]:
        match = self._paths.match(seen.method, seen.path)
        if match is None or match.operation_id is None:
            near = nearest_operation(self.api.spec_path, seen.method, seen.path)
            findings = [Finding(f"{seen.method} {seen.path}", REQUEST_RULE,
                                f"no operation of the spec has this method and path (nearest: {near})")]  # fmt: skip
            if match is None:
                return findings
            # The path is documented for other methods: judge the answer as that path's error.
            operation = self._schema.find_operation_by_id(next(iter(match.template.operations.values())))
            return findings + self._responses(findings[0].operation, operation, match.params, seen, OTHER_METHOD_CHECKS)
        operation = self._schema.find_operation_by_id(match.operation_id)
        label = f"{seen.method} {operation.path}"
        findings = [
            Finding(label, REQUEST_RULE, problem) for problem in self._request_problems(operation, seen, match.params)
        ]
        return findings + self._responses(label, operation, match.params, seen, RESPONSE_CHECKS)

    def _responses(self, label: str, operation: Any, params: dict[str, str], seen: Seen,
                   judged: Sequence[Callable[..., Any]]) -> list[Finding]:  # fmt: skip
        findings: list[Finding] = []
        case = operation.Case(method=seen.method, path_parameters=params, query=_grouped(seen.query),
                              headers=dict(seen.request_headers), body=_json_or_unset(seen.request_body),
                              media_type="application/json" if seen.request_body else None)  # fmt: skip
        response = self._response(seen)
        failures: list[tuple[str, Any]] = []
        with offline(self._windows):
            run_checks(case=case, response=response, ctx=self._context, checks=judged,
                       on_failure=lambda name, collected, failure: failures.append((name, failure)))  # fmt: skip
        findings += [Finding(label, name, f"{failure.title}: {failure.message}".strip()) for name, failure in failures]
        findings += self._equivalence(label, case, seen)
        return findings

    def _response(self, seen: Seen) -> Response:
        sent = requests.Request(
            seen.method, seen.url, headers=dict(seen.request_headers), data=seen.request_body or None
        )
        headers: dict[str, list[str]] = {}
        for name, value in seen.response_headers:
            headers.setdefault(name.lower(), []).append(value)
        return Response(status_code=seen.status, headers=headers, content=seen.response_body, request=sent.prepare(),
                        elapsed=seen.elapsed, verify=False)  # fmt: skip

    def _request_problems(self, operation: Any, seen: Seen, path_parameters: dict[str, str]) -> list[str]:
        root = self._schema.raw_schema
        headers = {name.lower(): value for name, value in seen.request_headers}
        problems = []
        for name, parameter in parameters(root, operation.path, operation.method.lower()).items():
            where = parameter.get("in")
            if where == "query":
                values = [value for key, value in seen.query if key == name]
            elif where == "header":
                values = [headers[name.lower()]] if name.lower() in headers else []
            elif where == "path":
                values = [path_parameters[name]] if name in path_parameters else []
            else:
                continue
            if not values:
                if parameter.get("required"):
                    problems.append(f"the {where} parameter {name!r} is required")
                continue
            schema = parameter.get("schema", {})
            error = _first_error(schema, _coerced(schema, values))
            if error:
                problems.append(f"the {where} parameter {name!r} ({', '.join(values)!s:.60}): {error}")
        if operation.label not in self._bodies:
            self._bodies[operation.label] = resolve(root, operation.definition.raw).get("requestBody")
        problems += self._body_problems(self._bodies[operation.label], seen, headers)
        return problems

    def _body_problems(self, documented: dict[str, Any] | None, seen: Seen, headers: dict[str, str]) -> list[str]:
        if not documented:
            return []
        if not seen.request_body:
            return ["the request body is required"] if documented.get("required") else []
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        content = documented.get("content", {})
        if media_type not in content:
            return [f"the body is sent as {media_type or 'no Content-Type'}; the spec takes {', '.join(content)}"]
        if "json" not in media_type:
            return []
        try:
            body = json.loads(seen.request_body)
        except ValueError as error:
            return [f"the body is not JSON ({error})"]
        error = _first_error(content[media_type].get("schema", {}), body)
        return [f"the body: {error}"] if error else []

    def _equivalence(self, label: str, case: Case, seen: Seen) -> list[Finding]:
        """Adsterra's renderings: once the client has fetched one request as JSON and as CSV or XML, compare them."""
        rendering = case.path_parameters.get("format") if case.path_parameters else None
        if (
            seen.method != "GET"
            or seen.status != 200
            or rendering is None
            or not {"json", "xml", "csv"} <= formats_of(case)
        ):
            return []
        credentials = {name for name, _ in credential_headers(self.api.spec_path)}
        key = (label, tuple(sorted((k, v) for k, v in case.path_parameters.items() if k != "format")),
               tuple(sorted(seen.query)), tuple(sorted((k, v) for k, v in seen.request_headers if k.lower() in credentials)))  # fmt: skip
        kept = self._renderings.setdefault(key, {})
        kept[rendering] = seen.response_body
        if "json" not in kept:
            return []
        try:
            data = json.loads(kept["json"])
        except ValueError:
            return []  # body_matches_content_type reports it
        findings: list[Finding] = []
        for other in ("csv", "xml"):
            if other in kept and (rendering == other or rendering == "json"):
                try:
                    equivalence.compare(data, other, kept[other].decode("utf-8", "replace"))
                except AssertionError as error:
                    findings.append(
                        Finding(
                            label, EQUIVALENCE_RULE, f"the {other.upper()} answer differs from the JSON one: {error}"
                        )
                    )
        return findings

    def _secrets(self, seen: Seen) -> list[str]:
        """The credentials in the request: masked in every finding (an error message may quote the request)."""
        names = {name for name, _ in credential_headers(self.api.spec_path)} | masking.CREDENTIAL_HEADERS
        found = [value.split(" ", 1)[-1] for name, value in seen.request_headers if name.lower() in names]
        found += [value for name, value in seen.query if name.lower() in masking.CREDENTIAL_PARAMETERS]
        found += re.findall(r"[A-Za-z0-9_\-]{24,}", seen.path)  # a token in the path (Adsterra's publisher URLs)
        return found


def check_har(api: ContractApi, entries: Iterable[dict[str, Any]], base_url: str) -> tuple[int, list[Finding]]:
    """`contracts check`: the entries of a recording whose URL is below `base_url` (path), judged in order."""
    checker, seen, findings = Checker(api), 0, []
    base_path = urlsplit(base_url).path.rstrip("/")
    for entry in entries:
        url = urlsplit(entry["request"]["url"])
        if not (url.path == base_path or url.path.startswith(base_path + "/")):
            continue
        seen += 1
        findings += checker.check(
            Seen(
                method=entry["request"]["method"].upper(), path=url.path[len(base_path) :] or "/",
                query=har.pairs(entry["request"].get("queryString", [])),
                request_headers=har.pairs(entry["request"].get("headers", [])), request_body=har.request_body(entry),
                status=int(entry["response"]["status"]), response_headers=har.pairs(entry["response"].get("headers", [])),
                response_body=har.response_body(entry), elapsed=float(entry.get("time", 0)) / 1000,
                url=entry["request"]["url"],
            )
        )  # fmt: skip
    return seen, findings


def _grouped(query: Sequence[tuple[str, str]]) -> dict[str, Any]:
    grouped: dict[str, Any] = {}
    for name, value in query:
        grouped[name] = [*grouped[name], value] if isinstance(grouped.get(name), list) else (
            [grouped[name], value] if name in grouped else value)  # fmt: skip
    return grouped


def _json_or_unset(body: bytes) -> Any:
    if not body:
        return NOT_SET
    try:
        return json.loads(body)
    except ValueError:
        return body


def _coerced(schema: dict[str, Any], values: list[str]) -> Any:
    """A parameter's text as the value its schema describes: numbers, booleans, arrays of repeated parameters."""
    if schema.get("type") == "array":
        items = schema.get("items", {})
        parts = values if len(values) > 1 else [part for part in values[0].split(",")] if values[0] else []
        return [_scalar(items, part) for part in parts]
    return _scalar(schema, values[-1])


def _scalar(schema: dict[str, Any], text: str) -> Any:
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", text):
        return int(text)
    if kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
        return float(text)
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _first_error(schema: dict[str, Any], value: Any) -> str | None:
    errors = sorted(OAS30Validator(schema, format_checker=oas30_format_checker).iter_errors(value), key=str)
    return errors[0].message if errors else None


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MESSAGE_LENGTH else line[: MESSAGE_LENGTH - 1] + "…"
