"""Binom report marks: a mark on one value of a token (a zone, a placement) of a campaign or a traffic source."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...domain.resources import Entity, Handler
from ...kit.errors import ApiError
from ...kit.formats import no_content
from .entities import CAMPAIGNS, SCHEME, TRAFFIC_SOURCES
from .seed import TRACKER

TABLE = "token_marks"


def _operations(entity: Entity) -> tuple[Handler, Handler, Handler]:
    """Set one, delete one and set many marks on tokens of `entity`'s records (editing rights on the record)."""

    def mark_id(record_id: int, token: str, value: str) -> str:
        return f"{entity.kind}:{record_id}:{token}:{value}"

    def put(ctx: RequestContext, record_id: int, token: str, value: str, mark: str) -> dict[str, Any]:
        table = ctx.table(TABLE)
        key = mark_id(record_id, token, value)
        fields = {"subject": entity.kind, "subjectId": record_id, "token": token, "value": value, "mark": mark}
        stored = table.update(TRACKER, key, fields) if key in table else table.add(TRACKER, {"id": key, **fields})
        assert stored is not None
        return {name: stored[name] for name in fields}

    async def set_one(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
        resources.found(ctx, SCHEME, entity, id_, "edit")
        return put(ctx, id_, body["token"], body["value"], body["mark"])

    async def delete_one(ctx: RequestContext, id_: int, token: str, value: str) -> Any:
        resources.found(ctx, SCHEME, entity, id_, "edit")
        if ctx.table(TABLE).remove(TRACKER, mark_id(id_, token, value)) is None:
            raise ApiError(404, f"No mark on {token} value {value!r} of {entity.what.lower()} {id_}")
        return no_content()

    async def set_many(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
        resources.found(ctx, SCHEME, entity, id_, "edit")
        return [put(ctx, id_, body["token"], value, body["mark"]) for value in dict.fromkeys(body["values"])]

    for handler, name in ((set_one, "set_{}_token_mark"), (delete_one, "delete_{}_token_mark"),
                          (set_many, "set_{}_token_marks")):  # fmt: skip
        handler.__name__ = handler.__qualname__ = name.format(entity.kind)
    return set_one, delete_one, set_many


HANDLERS = {handler.__name__: handler for entity in (CAMPAIGNS, TRAFFIC_SOURCES) for handler in _operations(entity)}
