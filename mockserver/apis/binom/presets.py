"""Binom report presets and simple filters: each user's own, named by a client-chosen UUID under a report subject."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...domain.resources import Entity, Scheme
from ...kit.errors import ApiError
from ...kit.formats import no_content
from ...state.store import Record, View
from . import users
from .seed import API

# INVENTED vocabulary: the comparisons a simple filter's condition may make.
OPERATORS = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "contains": "contains",
             "not_contains": "does not contain"}  # fmt: skip


def _find(ctx: RequestContext, entity: Entity, uuid: str) -> View:
    record = ctx.table(entity.table).get(users.owner(ctx), uuid)
    if record is None:  # another user's preset is as absent as a missing one
        raise ApiError(404, f"{entity.what} {uuid} not found")
    return record


def _by_subject(ctx: RequestContext, entity: Entity, params: dict[str, Any]) -> Any:
    return [entity.view(ctx, row) for row in ctx.table(entity.table).rows(users.owner(ctx), subject=params["subject"])]


# Every user, restricted ones included, keeps its own (store owner `user:<id>`).
SCHEME = Scheme(
    api=API, owner=users.owner, find=_find, listing=_by_subject,
    created=lambda ctx, entity, record: entity.view(ctx, record), deleted=lambda ctx, entity, record: no_content(),
)  # fmt: skip


def _preset(ctx: RequestContext, body: dict[str, Any], current: View | None) -> Record:
    return {"name": body["name"], "groupings": list(body["groupings"]), "columns": list(body.get("columns", []))}


def _filter(ctx: RequestContext, body: dict[str, Any], current: View | None) -> Record:
    return {"name": body["name"], "conditions": [dict(condition) for condition in body["conditions"]]}


def _view(record: Record, *fields: str) -> dict[str, Any]:
    return {"uuid": record["id"], "subject": record["subject"], **{name: record[name] for name in fields}}


PRESETS = Entity("report_presets", "report_preset", "Report preset", _preset,
                 lambda ctx, record: _view(record, "name", "groupings", "columns"), id_param="uuid", client_id=True,
                 path_fields=("subject",))  # fmt: skip
SIMPLE_FILTERS = Entity("simple_filters", "simple_filter", "Simple filter", _filter,
                        lambda ctx, record: _view(record, "name", "conditions"), id_param="uuid", client_id=True,
                        path_fields=("subject",))  # fmt: skip
ENTITIES = (PRESETS, SIMPLE_FILTERS)


async def list_simple_filter_operators(ctx: RequestContext) -> Any:
    return [{"id": key, "name": name} for key, name in OPERATORS.items()]


_PRESET_OPS, _FILTER_OPS = (resources.operations(SCHEME, entity) for entity in ENTITIES)
HANDLERS = {
    handler.__name__: handler
    for handler in (_PRESET_OPS.create, _PRESET_OPS.delete, _PRESET_OPS.list, _FILTER_OPS.create, _FILTER_OPS.update,
                    _FILTER_OPS.delete, _FILTER_OPS.list, list_simple_filter_operators)
}  # fmt: skip
