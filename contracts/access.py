"""Checks of who may call what: a missing or unknown credential gets the documented status, another account's
credential never reaches the first account's records."""

from __future__ import annotations

import os
from typing import Any

from schemathesis import Case, Response

from .checking import (
    api_of,
    case_parameters,
    contract_check,
    documented,
    is_positive,
    may_probe,
    probe,
    replay,
    sent_headers,
)
from .spec import security_headers


def _secured(case: Case) -> bool:
    """Whether the operation takes its credential in a header (not `security: []`, not a token in the path)."""
    root = case.operation.schema.raw_schema
    item = root["paths"][case.operation.path][case.operation.method.lower()]
    return item.get("security", root.get("security")) not in (None, []) and bool(security_headers(case))


@contract_check
def credential_statuses(ctx: Any, response: Response, case: Case) -> bool | None:
    """A request without a credential, and one with a credential the server never issued, both get 401 where the
    operation documents it (every mocked API's docs: 401 = missing or unknown key; 403 is for a known key that may
    not do this: read-only, revoked by rotation, another owner type). Probed once per read operation, after a success."""
    api = api_of(case)
    if api is None or api.credential is None:
        return None  # an API whose credential is optional (the mock's control API on loopback)
    # Reads only: replaying a write could change a real account. A read that worked shows that the credential was
    # all that stood in the way.
    if case.method.upper() != "GET" or not 200 <= response.status_code < 300 or not is_positive(case):
        return None
    if not _secured(case) or not documented(case, 401):
        return None
    sent = sent_headers(response)
    carried = {name.lower(): value for name, value in sent.items() if name.lower() in security_headers(case)}
    if not carried or not may_probe("credential_statuses", case):
        return None
    bare = {name: value for name, value in sent.items() if name.lower() not in carried}
    unknown = {**bare, **{name: _unknown(value) for name, value in carried.items()}}
    for what, headers in (("no credential", bare), ("an unknown credential", unknown)):
        answer = probe(ctx, case, path=case.operation.path, query=case.query or {}, headers=headers)
        if answer.status_code == 429:
            continue  # still limited after waiting: nothing to conclude
        if answer.status_code != 401:
            raise AssertionError(
                f"{case.method} with {what} answered {answer.status_code}; the spec documents 401 for it"
            )
    return None


@contract_check
def account_isolation(ctx: Any, response: Response, case: Case) -> bool | None:
    """A record one account reads or changes is out of reach of another account's credential (`--other-auth`): the
    other account gets the API's documented 404 (or 403), never the record ("also for ids of other accounts").
    A successful PUT or PATCH is replayed as it was sent, so a broken server changes nothing it had not just changed."""
    api = api_of(case)
    method = case.method.upper()
    if (
        api is None
        or api.other is None
        or method not in ("GET", "PUT", "PATCH")
        or not 200 <= response.status_code < 300
    ):
        return None
    other = os.environ.get(api.other.env)
    if not other or not _secured(case) or not _names_a_record(case) or not may_probe("account_isolation", case, 2):
        return None
    headers = {
        name: value for name, value in sent_headers(response).items() if name.lower() != api.other.header.lower()
    }
    headers[api.other.header] = api.other.prefix + other
    answer = replay(ctx, case, headers)
    done = "read" if method == "GET" else "changed"
    if 200 <= answer.status_code < 300:
        raise AssertionError(f"Another account's credential {done} {case.formatted_path} ({answer.status_code})")
    if answer.status_code not in (403, 404, 429):
        raise AssertionError(f"Another account's credential got {answer.status_code} for {method} {case.formatted_path}; "
                             "the spec documents 404 or 403")  # fmt: skip
    return None


def _names_a_record(case: Case) -> bool:
    """Whether a path parameter picks a record (an id), not a rendering (`{format}` is an enum)."""
    return any(parameter.get("in") == "path" and "enum" not in parameter.get("schema", {})
               for parameter in case_parameters(case).values())  # fmt: skip


def _unknown(value: str) -> str:
    """A credential of the same form as `value` that no server issued: same prefix and length, other characters."""
    scheme, _, secret = value.rpartition(" ")
    keep = min(4, len(secret) // 3)
    filler = ("unknown0contracts" * (len(secret) // 17 + 1))[: len(secret) - keep]
    return (scheme + " " if scheme else "") + secret[:keep] + filler
