"""Sending follow-up requests from inside a check, to the server that answered, with the run's transport settings."""

from __future__ import annotations

from typing import Any

from schemathesis import Case, Response


def send(ctx: Any, parent: Case, probe: Case) -> Response:
    kwargs = dict(ctx.internals.transport_kwargs or {})
    if parent.operation.app is not None:
        kwargs.setdefault("app", parent.operation.app)
    ctx.internals.record_case(parent_id=parent.id, case=probe)
    response = parent.operation.schema.transport.send(probe, **kwargs)
    ctx.internals.record_response(case_id=probe.id, response=response)
    return response  # type: ignore[no-any-return]
