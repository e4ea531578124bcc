"""Binom's offers, landings, traffic sources and networks: one definition each gives its create/get/update/delete/list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ...errors import ApiError
from ...formats import no_content
from ...context import RequestContext
from ...store import Record
from . import access, listings
from .seed import TRACKER

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Resource:
    table: str  # store table: "offers"
    kind: str  # listings kind and handler-name stem: "offer"
    what: str  # in 404 details: "Offer 7 not found"
    write: Callable[[RequestContext, dict[str, Any]], Record]  # request body -> stored fields (raises ApiError)
    view: Callable[[Record], dict[str, Any]]
    # What deleting one does to the records that refer to it (the docs' cascades), given its id.
    cascade: Callable[[RequestContext, int], None] = lambda ctx, record_id: None

    @property
    def plural(self) -> str:
        return self.table.replace("_", " ")


def add(ctx: RequestContext, table: str, record: Record) -> Record:
    return ctx.table(table).add(TRACKER, {"id": ctx.table(table).next_int_id(), **record, "deleted": False})


def live(ctx: RequestContext, table: str, record_id: int, what: str) -> Record:
    """A record that exists and is not deleted, or 404 (deleted entities are gone until restored)."""
    record = ctx.table(table).get(TRACKER, record_id)
    if record is None or record["deleted"]:
        raise ApiError(404, f"{what} {record_id} not found")
    return record


def handlers(resource: Resource) -> tuple[Handler, Handler, Handler, Handler, Handler]:
    """create, get, update, delete and list: restricted users may read these entities, only administrators write."""

    async def create(ctx: RequestContext, body: dict[str, Any]) -> Any:
        access.require_admin(ctx, f"create {resource.plural}")
        return {"id": add(ctx, resource.table, resource.write(ctx, body))["id"]}

    async def get(ctx: RequestContext, id_: int) -> Any:
        return resource.view(live(ctx, resource.table, id_, resource.what))

    async def update(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
        record = live(ctx, resource.table, id_, resource.what)
        access.require_admin(ctx, f"edit {resource.plural}")
        record.update(resource.write(ctx, body))  # checked as a whole first: a refused body changes nothing
        return resource.view(record)

    async def delete(ctx: RequestContext, id_: int) -> Any:
        record = live(ctx, resource.table, id_, resource.what)
        access.require_admin(ctx, f"delete {resource.plural}")
        record["deleted"] = True
        resource.cascade(ctx, id_)
        return no_content()

    async def list_(ctx: RequestContext, **params: Any) -> Any:
        return listings.filtered(ctx, resource.kind, params)

    operations = (create, get, update, delete, list_)
    for operation in operations:  # names that say which operation a traceback or log line is about
        operation.__name__ = operation.__qualname__ = f"{operation.__name__.rstrip('_')}_{resource.kind}"
    return operations
