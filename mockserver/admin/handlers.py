"""Control API operations: reset and seed, state export/import, accounts and keys, clock, faults, request log."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from ..api import ApiDefinition
from ..context import RequestContext
from ..domain.accounts import AccountAdmin
from ..kit import spec
from ..kit.errors import ApiError
from ..kit.formats import Reply, json_response
from ..state import persistence
from ..state.clock import iso, parse_datetime
from ..state.requestlog import Filter
from . import coverage


async def list_apis(ctx: RequestContext) -> Any:
    return [
        {
            "name": api.name,
            "title": api.title,
            "basePath": api.api_base,
            "docs": f"{api.base_path}/ui/",
            "requests": ctx.state.log.counts[api.name],
            "accounts": api.accounts is not None,
            "demoKeys": [{"label": key.label, "value": key.value} for key in api.demo_keys(ctx.state)],
        }
        for api in ctx.state.mocked
    ]


async def reset(ctx: RequestContext) -> Any:
    ctx.state.reset()
    return {"seed": ctx.state.data.seed}


async def reseed(ctx: RequestContext, body: dict[str, Any]) -> Any:
    ctx.state.reset(body["seed"])
    return {"seed": ctx.state.data.seed}


async def export_state(ctx: RequestContext) -> Any:
    return persistence.snapshot(ctx.state)


async def import_state(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return {"records": persistence.restore(ctx.state, body)}


async def create_account(ctx: RequestContext, api: str, body: dict[str, Any]) -> Any:
    account, keys = _accounts(ctx, api).create_account(ctx.state, body.get("plan"), body.get("name"), body.get("email"))
    return {"account": account, "keys": keys}, 201


async def create_key(ctx: RequestContext, api: str, account_id: str, body: dict[str, Any]) -> Any:
    return _accounts(ctx, api).create_key(ctx.state, account_id, body.get("scope", "read_write")), 201


async def revoke_key(ctx: RequestContext, api: str, key: str) -> Any:
    return _accounts(ctx, api).revoke_key(ctx.state, key)


async def rotate_key(ctx: RequestContext, api: str, key: str) -> Any:
    return _accounts(ctx, api).rotate_key(ctx.state, key)


async def list_requests(
    ctx: RequestContext,
    limit: int = 50,
    api: str | None = None,
    operation_id: str | None = None,
    method: str | None = None,
    status: int | None = None,
    since: str | None = None,
    until: str | None = None,
    valid: bool | None = None,
) -> Any:
    _only_documented_parameters(ctx, "listRequests")
    selection = Filter(api=api, operation_id=operation_id, method=method, status=status, since=_instant(since),
                       until=_instant(until), valid=valid)  # fmt: skip
    return _listing(ctx, selection, limit)


async def list_near_misses(ctx: RequestContext, limit: int = 50, api: str | None = None) -> Any:
    _only_documented_parameters(ctx, "listNearMisses")
    return _listing(ctx, Filter(api=api, valid=False), limit)


async def get_coverage(ctx: RequestContext, api: str | None = None) -> Any:
    _only_documented_parameters(ctx, "getCoverage")
    return coverage.report(ctx.state, [_mocked(ctx, api)] if api else list(ctx.state.mocked))


async def get_coverage_page(ctx: RequestContext) -> Any:
    page = coverage.html(coverage.report(ctx.state, list(ctx.state.mocked)))
    return Reply(200, "text/html; charset=utf-8", page.encode("utf-8"))


def _listing(ctx: RequestContext, selection: Filter, limit: int) -> Any:
    """The newest `limit` matching entries, and how many the log holds in all (`X-Total-Count`)."""
    matching = list(ctx.state.log.select(selection))
    response = json_response([entry.as_json() for entry in matching[:limit]])
    response.headers["X-Total-Count"] = str(len(matching))
    return response


def _instant(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return parse_datetime(text).timestamp()
    except (ValueError, OverflowError) as error:
        raise ApiError(400, "Invalid time", str(error)) from None


def _only_documented_parameters(ctx: RequestContext, operation_id: str) -> None:
    """A filter this API does not know is a 400, not silently no filter (which would list every request)."""
    known = {parameter["name"] for parameter in spec.operation(ctx.api.spec_path, operation_id).get("parameters", [])
             if parameter.get("in") == "query"} if ctx.api else set()  # fmt: skip
    sent = {name for name, _ in parse_qsl(ctx.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)}
    unknown = sorted(sent - known)
    if unknown:
        raise ApiError(
            400, f"Unknown query parameter {unknown[0]!r}", f"This operation takes: {', '.join(sorted(known))}"
        )


async def get_clock(ctx: RequestContext) -> Any:
    return _clock(ctx)


async def set_clock(ctx: RequestContext, body: dict[str, Any]) -> Any:
    clock = ctx.state.clock
    if "time" in body and body["time"] is None:
        clock.real_time()  # `{"time": null}`: back to the wall clock (frozen there if `frozen` is also true)
    if "frozen" in body:
        clock.freeze() if body["frozen"] else clock.unfreeze()
    if body.get("time") is not None:
        try:
            clock.set(parse_datetime(body["time"]).timestamp())
        except (ValueError, OverflowError) as error:
            raise ApiError(400, "Invalid time", str(error)) from None
    return _clock(ctx)


async def reset_clock(ctx: RequestContext) -> Any:
    ctx.state.clock.real_time()
    return _clock(ctx)


async def advance_clock(ctx: RequestContext, body: dict[str, Any]) -> Any:
    try:
        ctx.state.clock.advance(body["seconds"])
    except ValueError as error:
        raise ApiError(400, "Cannot advance that far", str(error)) from None
    return _clock(ctx)


async def list_faults(ctx: RequestContext) -> Any:
    return [fault.as_json() for fault in ctx.state.faults.all()]


async def create_fault(ctx: RequestContext, body: dict[str, Any]) -> Any:
    api = _mocked(ctx, body["api"])
    operations = _operations(api, body.get("operationId"))
    status = body.get("status")
    if status is not None:
        # Forced answers must still conform to the spec: only operations that document the status get it.
        operations = [op for op in operations if str(status) in spec.operation(api.spec_path, op).get("responses", {})]
        if not operations:
            raise ApiError(400, f"{api.name} documents no {status} for the targeted operations")
    return ctx.state.faults.add(**body, targets=frozenset(operations)).as_json(), 201


async def clear_faults(ctx: RequestContext) -> Any:
    return {"removed": ctx.state.faults.clear()}


async def delete_fault(ctx: RequestContext, fault_id: str) -> Any:
    if not ctx.state.faults.remove(fault_id):
        raise ApiError(404, "No such fault")
    return {"removed": 1}


def _mocked(ctx: RequestContext, name: str) -> ApiDefinition:
    api = ctx.state.apis.get(name)
    if api is None or api.control:
        raise ApiError(
            404, f"No mocked API {name!r}", f"This instance serves: {', '.join(a.name for a in ctx.state.mocked)}"
        )
    return api


def _accounts(ctx: RequestContext, name: str) -> AccountAdmin:
    accounts = _mocked(ctx, name).accounts
    if accounts is None:
        raise ApiError(404, f"{name} has no account administration")
    return accounts


def _operations(api: ApiDefinition, operation_id: str | None) -> list[str]:
    documented = [op["operationId"] for item in spec.load(api.spec_path)["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op]  # fmt: skip
    if operation_id is None:
        return documented
    if operation_id not in documented:
        raise ApiError(404, f"{api.name} has no operation {operation_id!r}")
    return [operation_id]


def _clock(ctx: RequestContext) -> dict[str, Any]:
    clock = ctx.state.clock
    return {"time": iso(clock.now()), "timestamp": clock.time(), "frozen": clock.frozen}
