"""CRUD entities declared once (table, ids, owner, cascades, views), their create/get/update/delete/list/rename (and
restore, when soft-deleted, and clone, when the entity can be copied) derived from that."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ..kit.errors import ApiError
from ..state.store import DELETED, Hook, Limit, LimitReached, Record, Rules, Store, Table, View
from .kept import Depends, kept_answer

if TYPE_CHECKING:
    from ..context import RequestContext

Handler = Callable[..., Awaitable[Any]]
# The request body (and, on update, the stored record) -> the fields to store; raises ApiError before anything changes.
Write = Callable[["RequestContext", dict[str, Any], "View | None"], Record]
# May the caller `verb` ("create", "read", "edit", "delete", "restore") this entity (this record, but on create)?
# Raises ApiError.
Allow = Callable[["RequestContext", "Entity", str, "View | None"], None]
# A stored record -> the fields of its copy (the new id and the scheme's stamp are added); raises ApiError.
Clone = Callable[["RequestContext", View], Record]


def anyone(ctx: RequestContext, entity: Entity, verb: str, record: View | None) -> None:
    """Every caller may do everything to its own records."""


@dataclass(frozen=True)
class Entity:
    """One kind of CRUD record of an API: what a later operation of the same shape adds is one of these."""

    table: str  # store table and the list handler's stem: "traffic_sources"
    kind: str  # the other handlers' stem: "traffic_source"
    what: str  # in 404s: "Traffic source"
    write: Write
    view: Callable[[RequestContext, View], Any]  # the answer of get, create (for APIs answering the record) and update
    cascades: tuple[Hook, ...] = ()  # what removing one does to the records that refer to it
    allow: Allow | None = None  # overrides the scheme's access rule
    id_param: str = "id_"  # the path parameter as connexion passes it
    new_id: Callable[[RequestContext, Table], Any] | None = None  # overrides the scheme's ids (Binom's uuid groups)
    # The client names the new record's id in the create path (`id_param`): a taken one is a 409.
    client_id: bool = False
    path_fields: tuple[str, ...] = ()  # path parameters of the create stored with the record (Binom's `subject`)
    listing: Callable[[RequestContext, Entity, dict[str, Any]], Any] | None = None  # overrides the scheme's
    clone: Clone | None = None  # how a copy is made (`copied` or a variant of it); None: the entity has no clone
    # A field no two of the owner's (live, in a soft-deleting scheme) records share (Binom's user logins and campaign
    # keys): `write` checks it and words the 409; the create's add, the update and the restore check it again as they
    # write, so two workers taking the same value at once, one of them with a change, leave one record holding it.
    unique: str | None = None

    @property
    def plural(self) -> str:
        return self.table.replace("_", " ")


@dataclass(frozen=True)
class Scheme:
    """What all CRUD entities of one API have in common: ids, owner, stamps, deletes, access and answers."""

    api: str
    owner: Callable[[RequestContext], str]
    find: Callable[[RequestContext, Entity, Any], View]  # the caller's record, or the API's 404 (or 403)
    listing: Callable[[RequestContext, Entity, dict[str, Any]], Any]  # the list answer, from the query parameters
    created: Callable[[RequestContext, Entity, View], Any]
    deleted: Callable[[RequestContext, Entity, View], Any]
    stamp: Callable[[RequestContext, bool], Record] = lambda ctx, new: {}  # fields every create (new) or update sets
    allow: Allow = anyone
    soft_delete: bool = False  # a deleted record stays, flagged (store.DELETED), until restored
    # May this deleted record come back (a key since taken by another, say)? Raises ApiError before the restore.
    restorable: Callable[[RequestContext, Entity, View], None] = lambda ctx, entity, record: None
    # Through the table, not `Table.next_int_id` itself: a Redis table reserves its ids so workers never share one.
    new_id: Callable[[Table], Any] = lambda table: table.next_int_id()
    # Gets and lists answered from `kept.kept_answer` until a write to the API's records: what their views depend on
    # beyond those records, the caller, the URL and the parameters (None, the default: nothing is kept).
    kept: Depends | None = None


class Operations(NamedTuple):
    create: Handler
    get: Handler
    update: Handler
    delete: Handler
    list: Handler
    rename: Handler  # `{"name": ...}` changes the name alone, the rest as it was
    restore: Handler  # a soft-deleted record back as it was deleted (only a soft-deleting scheme has this one)
    clone: Handler  # a copy under a new id, answered as a create is (only an entity with `clone` has this one)


def operations(scheme: Scheme, entity: Entity) -> Operations:
    """The seven handlers of `entity`."""

    def table(ctx: RequestContext) -> Table:
        return ctx.state.store.table(scheme.api, entity.table)

    async def create(ctx: RequestContext, body: dict[str, Any], **params: Any) -> Any:
        (entity.allow or scheme.allow)(ctx, entity, "create", None)
        fields = entity.write(ctx, body, None) | {name: params[name] for name in entity.path_fields}
        if entity.client_id:
            new_id = params[entity.id_param]
            if new_id in table(ctx):  # ids are the table's, whoever owns them (a UUID is unique anyway)
                raise ApiError(409, f"{entity.what} {new_id} already exists", "Choose another id, or delete it first")
        else:
            new_id = entity.new_id(ctx, table(ctx)) if entity.new_id else scheme.new_id(table(ctx))
        record = {"id": new_id, **fields, **scheme.stamp(ctx, True)}
        with taken(entity, lambda: entity.write(ctx, body, None)):
            stored = table(ctx).add(scheme.owner(ctx), record, limit=unique_limit(scheme, entity, record))
        return scheme.created(ctx, entity, stored)

    async def get(ctx: RequestContext, **params: Any) -> Any:
        def compute() -> Any:
            return entity.view(ctx, found(ctx, scheme, entity, params[entity.id_param], "read"))

        return compute() if scheme.kept is None else kept_answer(ctx, get.__name__, params, compute, scheme.kept)

    async def update(ctx: RequestContext, body: dict[str, Any], **params: Any) -> Any:
        record = found(ctx, scheme, entity, params[entity.id_param], "edit")
        changes = entity.write(ctx, body, record) | scheme.stamp(ctx, False)  # checked as a whole first
        with taken(entity, lambda: entity.write(ctx, body, record)):
            updated = table(ctx).update(
                scheme.owner(ctx), record["id"], changes, limit=unique_limit(scheme, entity, {**record, **changes})
            )
        return entity.view(ctx, _stored(updated))

    async def delete(ctx: RequestContext, **params: Any) -> Any:
        record = found(ctx, scheme, entity, params[entity.id_param], "delete")
        return scheme.deleted(ctx, entity, _stored(table(ctx).remove(scheme.owner(ctx), record["id"])))

    async def list_(ctx: RequestContext, **params: Any) -> Any:
        def compute() -> Any:
            return (entity.listing or scheme.listing)(ctx, entity, params)

        return compute() if scheme.kept is None else kept_answer(ctx, list_.__name__, params, compute, scheme.kept)

    async def rename(ctx: RequestContext, body: dict[str, Any], **params: Any) -> Any:
        record = found(ctx, scheme, entity, params[entity.id_param], "edit")
        changes = {"name": body["name"], **scheme.stamp(ctx, False)}
        return entity.view(ctx, _stored(table(ctx).update(scheme.owner(ctx), record["id"], changes)))

    async def restore(ctx: RequestContext, **params: Any) -> Any:
        record = table(ctx).get(scheme.owner(ctx), params[entity.id_param])
        if record is None:  # never existed: the scheme's own 404
            record = scheme.find(ctx, entity, params[entity.id_param])
        (entity.allow or scheme.allow)(ctx, entity, "restore", record)
        if record.get(DELETED):  # restoring a live record changes nothing
            deleted = record
            scheme.restorable(ctx, entity, deleted)
            limit = unique_limit(scheme, entity, {**deleted, DELETED: False})
            with taken(entity, lambda: scheme.restorable(ctx, entity, deleted)):
                record = _stored(table(ctx).update(scheme.owner(ctx), deleted["id"], {DELETED: False}, limit=limit))
        return entity.view(ctx, record)

    async def clone(ctx: RequestContext, **params: Any) -> Any:
        record = found(ctx, scheme, entity, params[entity.id_param], "read")
        (entity.allow or scheme.allow)(ctx, entity, "create", None)  # a copy is a new record: whoever may create
        assert entity.clone is not None, "handlers() derives clone only for entities that have one"
        fields = entity.clone(ctx, record)
        new_id = entity.new_id(ctx, table(ctx)) if entity.new_id else scheme.new_id(table(ctx))
        stored = table(ctx).add(scheme.owner(ctx), {**fields, "id": new_id, **scheme.stamp(ctx, True)})
        return scheme.created(ctx, entity, stored)

    derived = Operations(create, get, update, delete, list_, rename, restore, clone)
    for verb, handler in zip(
        Operations._fields, derived, strict=True
    ):  # names that say which operation a traceback is about
        handler.__name__ = handler.__qualname__ = handler_name(verb, entity)
    return derived


def unique_limit(scheme: Scheme, entity: Entity, record: View) -> Limit | None:
    """The limit a write of `record` (as it will be stored) passes: no other live record holds its unique value."""
    if entity.unique is None or (scheme.soft_delete and record.get(DELETED)):
        return None
    return Limit(1, {entity.unique: record[entity.unique], **({DELETED: False} if scheme.soft_delete else {})})


class taken:
    """A write refused by its unique field's limit: another request took the value since `check` (the entity's
    write, or the scheme's `restorable`) passed, so `check` words the 409 now. A class, not a generator: every
    create and update of every entity passes through it."""

    __slots__ = ("check", "entity")

    def __init__(self, entity: Entity, check: Callable[[], Any]) -> None:
        self.entity, self.check = entity, check

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        if kind is not None and issubclass(kind, LimitReached):
            self.check()
            raise ApiError(409, f"{self.entity.what} {self.entity.unique} is already in use") from None


def handler_name(verb: str, entity: Entity) -> str:
    """The operationId's snake case: `list_traffic_sources`, `create_traffic_source`."""
    return f"list_{entity.table}" if verb == "list" else f"{verb}_{entity.kind}"


def handlers(scheme: Scheme, entities: Iterable[Entity]) -> dict[str, Handler]:
    """Every entity's handlers by name, for a handlers module to take in: `globals().update(handlers(...))`."""
    return {
        handler.__name__: handler
        for entity in entities
        for verb, handler in operations(scheme, entity)._asdict().items()
        if (verb != "restore" or scheme.soft_delete) and (verb != "clone" or entity.clone is not None)
    }


def copied(ctx: RequestContext, record: View) -> Record:
    """The plain copy: every field but the id and bookkeeping (`_`-prefixed: a seeded history stays with the
    original), named "<name> (copy)" (as trackers name copies)."""
    fields = {name: value for name, value in record.items() if name != "id" and not name.startswith("_")}
    return fields | {"name": f"{record['name']} (copy)"}


def declare(store: Store, scheme: Scheme, entities: Iterable[Entity]) -> None:
    """Tell the store what removing each entity's records does: its cascades, and the scheme's soft delete."""
    for entity in entities:
        store.declare(scheme.api, entity.table, Rules(on_remove=entity.cascades, soft_delete=scheme.soft_delete))


def seeding(
    seed: Callable[[Any], None], scheme: Scheme, entities: Iterable[Entity], *more: tuple[Scheme, Iterable[Entity]]
) -> Callable[[Any], None]:
    """The API's seed, on a store told the entities' rules first (every new store is: reseed, reset, restore);
    `more` are the API's other schemes, each with its entities."""
    schemes = [(scheme, tuple(entities)), *((other, tuple(kinds)) for other, kinds in more)]

    def seeded(state: Any) -> None:
        for each, kinds in schemes:
            declare(state.store, each, kinds)
        seed(state)

    return seeded


def found(ctx: RequestContext, scheme: Scheme, entity: Entity, record_id: Any, verb: str) -> View:
    """The caller's record `record_id`, if it may `verb` it (a 404 comes before a 403)."""
    record = scheme.find(ctx, entity, record_id)
    (entity.allow or scheme.allow)(ctx, entity, verb, record)
    return record


def _stored(record: View | None) -> View:
    assert record is not None, "found a moment ago, with no await in between"
    return record
