"""Schemathesis' status checks, taught the refusals a document gives before routing (over-long targets and headers).

A document may say that a request target or header block over some size is refused with a status of its own before
any path is matched (`x-before-routing` on a response under `components`). That status belongs to no operation, so
schemathesis' `status_code_conformance` and `positive_data_acceptance` would report it whenever a generated request
happens to be that long. Here both accept exactly that status for a request that really is over the stated limit,
and judge every other answer as schemathesis does. (`error_body_shape` still checks the refusal's body.)

They stand in for schemathesis' two (the runner excludes those, `REPLACED`), under names of their own, as schemathesis
allows one check per name; `positive_data_acceptance`'s configured expected statuses still apply.
"""

from __future__ import annotations

from typing import Any
from urllib import parse

from schemathesis import Case, Response
from schemathesis.specs.openapi import checks as builtin

from mockserver.kit.spec import RequestLimits, request_limits

from .checking import contract_check

REPLACED = ("status_code_conformance", "positive_data_acceptance")  # schemathesis' checks these stand in for
_limits: dict[int, tuple[dict[str, Any], RequestLimits]] = {}  # per document (held, so its id is not reused)


def limits(case: Case) -> RequestLimits:
    """What the case's document refuses before routing."""
    root = case.operation.schema.raw_schema
    found = _limits.get(id(root))
    if found is None or found[0] is not root:
        found = _limits[id(root)] = (root, request_limits(root))
    return found[1]


def sizes(response: Response) -> tuple[int, int]:
    """The bytes of the request target and of the request headers as sent (counted as on the wire, Host included)."""
    request = response.request
    target = len((request.path_url or "/").encode())
    headers = {name.lower(): value for name, value in request.headers.items()}
    headers.setdefault("host", parse.urlsplit(request.url).netloc)  # http.client adds it when the request has none
    return target, sum(len(name) + len(str(value)) + 4 for name, value in headers.items())


def refused_before_routing(case: Case, response: Response) -> bool:
    """Whether `response` is the refusal the document gives before routing to a request of the size sent."""
    refusal = limits(case).refusal(*sizes(response))
    return refusal is not None and response.status_code == refusal


@contract_check
def status_code_documented(ctx: Any, response: Response, case: Case) -> bool | None:
    """The status is documented for the operation, or is the document's refusal before routing of a request over its
    limit."""
    if refused_before_routing(case, response):
        return None
    return builtin.status_code_conformance(ctx, response, case)  # type: ignore[no-any-return]


@contract_check
def positive_data_accepted(ctx: Any, response: Response, case: Case) -> bool | None:
    """Schema-valid data is accepted, unless the request is over a limit the document refuses before routing."""
    if refused_before_routing(case, response):
        return None
    return builtin.positive_data_acceptance(ctx, response, case)  # type: ignore[no-any-return]
