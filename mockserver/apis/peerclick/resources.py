"""PeerClick's entities: the store operations they share, and one definition each for offers, landers, sources, networks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ...clock import iso
from ...context import RequestContext
from ...pagination import offset_page
from ...store import Record
from . import views, writes

Handler = Callable[..., Awaitable[Any]]
Write = Callable[[RequestContext, dict[str, Any]], Record]


@dataclass(frozen=True)
class Resource:
    table: str  # store table, also the handler-name stem: "traffic_sources"
    what: str  # in 404 descriptions: "Traffic source"
    id_param: str  # the path parameter as connexion passes it: "traffic_source_id"
    write: Write  # request body -> stored fields (raises ApiError)
    # What deleting one does to the records that refer to it (the docs' cascades), given its id.
    cascade: Callable[[RequestContext, int], None] = lambda ctx, record_id: None


def listing(ctx: RequestContext, table: str, offset: int, limit: int) -> Any:
    page, total = offset_page(list(ctx.table(table).rows(ctx.account_id)), limit, offset)
    return views.listing(ctx, table, page, total)


def add(ctx: RequestContext, table: str, record: Record) -> Record:
    now = iso(ctx.state.clock.now())
    return ctx.table(table).add(ctx.account_id, {"id": ctx.table(table).next_int_id(), **record, "createdAt": now, "updatedAt": now})


def replace(ctx: RequestContext, table: str, record_id: int, what: str, write: Write, body: dict[str, Any]) -> Record:
    """Full replacement: the body is checked as a whole before the stored record changes."""
    record = writes.owned(ctx, table, record_id, what)
    record.update(write(ctx, body), updatedAt=iso(ctx.state.clock.now()))
    return record


def delete(ctx: RequestContext, table: str, record_id: int, what: str) -> Any:
    writes.owned(ctx, table, record_id, what)
    ctx.table(table).remove(ctx.account_id, record_id)
    return {"description": views.SUCCESS}


def handlers(resource: Resource) -> tuple[Handler, Handler, Handler, Handler, Handler]:
    """list, create, get, update and delete of one kind of entity, each answering in PeerClick's envelope."""
    table, what = resource.table, resource.what

    async def list_(ctx: RequestContext, offset: int = 0, limit: int = 100) -> Any:
        return listing(ctx, table, offset, limit)

    async def create(ctx: RequestContext, body: dict[str, Any]) -> Any:
        return views.envelope(ctx, table, add(ctx, table, resource.write(ctx, body)))

    # The id arrives under the operation's own parameter name (offer_id, lander_id, ...).
    async def get(ctx: RequestContext, **path: Any) -> Any:
        return views.envelope(ctx, table, writes.owned(ctx, table, path[resource.id_param], what))

    async def update(ctx: RequestContext, body: dict[str, Any], **path: Any) -> Any:
        return views.envelope(ctx, table, replace(ctx, table, path[resource.id_param], what, resource.write, body))

    async def remove(ctx: RequestContext, **path: Any) -> Any:
        answer = delete(ctx, table, path[resource.id_param], what)
        resource.cascade(ctx, path[resource.id_param])
        return answer

    operations = (list_, create, get, update, remove)
    for operation, verb in zip(operations, ("list", "create", "get", "update", "delete")):
        operation.__name__ = operation.__qualname__ = f"{verb}_{table}"  # for tracebacks and logs
    return operations
