"""Sending follow-up requests from inside a check, to the server that answered, with the run's transport and pace."""

from __future__ import annotations

from typing import Any

from schemathesis import Case, Response

from . import pacing


def send(ctx: Any, parent: Case, probe: Case) -> Response:
    """Send `probe`, recorded under `parent`; throttled, budgeted and waiting out 429s like the run's own requests."""
    kwargs = dict(ctx.internals.transport_kwargs or {})
    if parent.operation.app is not None:
        kwargs.setdefault("app", parent.operation.app)
    ctx.internals.record_case(parent_id=parent.id, case=probe)
    response = pacing.current().send(
        lambda: parent.operation.schema.transport.send(probe, **kwargs),
        status=lambda answer: answer.status_code,
        retry_after=lambda answer: answer.headers.get("retry-after", [None])[0],
    )
    ctx.internals.record_response(case_id=probe.id, response=response)
    return response  # type: ignore[no-any-return]
