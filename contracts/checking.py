"""What every custom check shares: registration that never lets a check crash, body reading, bounded probing."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import schemathesis
from schemathesis import Case, Response

from . import apis
from .probe import send
from .spec import parameters

Check = Callable[[Any, Response, Case], "bool | None"]
_probed: dict[tuple[Any, ...], int] = {}  # probes already made per (check, target, operation)
# Set while checks judge traffic seen on the wire (the proxy, a HAR file): nothing may be sent on the client's behalf.
_offline: contextvars.ContextVar[bool] = contextvars.ContextVar("offline", default=False)
# ... and the rate-limit windows seen so far by the one judging (its traffic, not any run's against the same URL).
_windows: contextvars.ContextVar[dict[tuple[Any, ...], int] | None] = contextvars.ContextVar("windows", default=None)


@contextlib.contextmanager
def offline(windows: dict[tuple[Any, ...], int]) -> Iterator[None]:
    """Within the block, `may_probe` says no (checks judge the one response they are given) and `windows` holds the
    rate-limit windows seen."""
    tokens = _offline.set(True), _windows.set(windows)
    try:
        yield
    finally:
        _offline.reset(tokens[0])
        _windows.reset(tokens[1])


def offline_windows() -> dict[tuple[Any, ...], int] | None:
    """The rate-limit windows of the traffic being judged offline (None within a run)."""
    return _windows.get()


def contract_check(check: Check) -> Check:
    """Register `check` with schemathesis; an exception other than its verdict becomes a named, readable failure.

    A check reads bodies that a broken server may have mangled in any way: that must surface as this check failing
    with a message, never as a crash of the run (or, worse, a check silently passing on an exception).
    """

    @functools.wraps(check)
    def guarded(ctx: Any, response: Response, case: Case) -> bool | None:
        try:
            return check(ctx, response, case)
        except (AssertionError, KeyboardInterrupt):
            raise
        except Exception as error:
            raise AssertionError(
                f"The response is not in the shape the API documents ({type(error).__name__}: {error})"
            ) from None

    schemathesis.check(guarded)
    return guarded


def json_body(response: Response) -> Any:
    """The parsed JSON body, or None when it is not JSON (the body_matches_content_type check reports that)."""
    try:
        return json.loads(response.content)
    except (ValueError, TypeError):
        return None


def api_of(case: Case) -> apis.ContractApi | None:
    return apis.by_title(case.operation.schema.raw_schema.get("info", {}).get("title", ""))


def target_key(case: Case) -> Any:
    return id(case.operation.app) if case.operation.app is not None else str(case.operation.base_url)


def may_probe(check: str, case: Case, times: int = 1) -> bool:
    """Whether `check` may still probe this operation: probes cost requests, which a real account pays for."""
    if _offline.get():
        return False
    key = (check, target_key(case), case.operation.label)
    if _probed.get(key, 0) >= times:
        return False
    _probed[key] = _probed.get(key, 0) + 1
    return True


def is_positive(case: Case) -> bool:
    """A case generated to be valid (not one made to break the schema)."""
    return case.meta is None or case.meta.generation.mode.is_positive


def sent_headers(response: Response) -> dict[str, str]:
    skip = {"content-length", "content-type", "host"}
    return {name: value for name, value in response.request.headers.items() if name.lower() not in skip}


def probe(ctx: Any, case: Case, *, method: str = "GET", path: str | None = None, path_parameters: dict[str, Any] | None = None,
          query: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    """Send a follow-up request for `case` to another (or the same) operation of its API."""
    operation = case.operation
    if path is not None and (path != operation.path or method.upper() != operation.method.upper()):
        operation = case.operation.schema[path][method.upper()]
    follow_up = operation.Case(
        path_parameters=case.path_parameters if path_parameters is None else path_parameters,
        query=query if query is not None else {},
        headers=headers if headers is not None else {},
    )
    return send(ctx, case, follow_up)


def replay(ctx: Any, case: Case, headers: dict[str, str]) -> Response:
    """`case` sent again exactly (method, path, query, body) but with `headers`, e.g. another credential."""
    again = case.operation.Case(method=case.method, path_parameters=case.path_parameters, query=case.query or {},
                                headers=headers, body=case.body, media_type=case.media_type)  # fmt: skip
    return send(ctx, case, again)


def case_parameters(case: Case) -> dict[str, dict[str, Any]]:
    """The resolved parameters of the case's operation, by name."""
    return parameters(case.operation.schema.raw_schema, case.operation.path, case.operation.method.lower())


def formats_of(case: Case) -> set[str]:
    """The renderings a `{format}` path parameter offers (Adsterra's json, xml, csv); empty without one."""
    return set(case_parameters(case).get("format", {}).get("schema", {}).get("enum", []))


def documented(case: Case, status: int, path: str | None = None, method: str | None = None) -> bool:
    """Whether the operation (default: the case's) documents `status` explicitly."""
    root = case.operation.schema.raw_schema
    item = root["paths"][path or case.operation.path][(method or case.operation.method).lower()]
    return str(status) in item.get("responses", {})
