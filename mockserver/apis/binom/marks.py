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


def marked(ctx: RequestContext, page: str, params: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The report with each token row's `mark`: that of the campaign (else the traffic source, or the campaign's
    source) the row falls under, named by a single `ids[]` of that page or by a row grouped by it above the row."""
    groupings, ids = params["groupings"], params.get("ids") or []
    table = ctx.table(TABLE)
    if not any(grouping.startswith("token_") for grouping in groupings) or not len(table):
        return answer
    fixed = {page: ids[0]} if len(ids) == 1 else {}
    above: dict[int, dict[str, Any]] = {}
    rows = []
    for row in answer["report"]:
        level = int(row["level"])
        above[level] = row
        grouping = groupings[level - 1]
        if grouping.startswith("token_"):
            scope = dict(fixed)
            for upper in range(1, level):
                if groupings[upper - 1] in ("campaign", "traffic_source"):
                    scope[groupings[upper - 1]] = above[upper]["entity_id"]
            if "campaign" in scope and "traffic_source" not in scope:  # a campaign's own source
                campaign = ctx.table("campaigns").get(TRACKER, int(scope["campaign"]))
                if campaign is not None:
                    scope["traffic_source"] = campaign["trafficSourceId"]
            for kind in ("campaign", "traffic_source"):  # a campaign's mark wins over its source's
                stored = table.get(TRACKER, f"{kind}:{scope.get(kind)}:{grouping}:{row['entity_id']}")
                if kind in scope and stored is not None:
                    row = {**row, "mark": stored["mark"]}
                    break
        rows.append(row)
    return {**answer, "report": rows}
