"""Binom's users: create, edit, delete, clone, identity, role, login and password, their flags, accessible users."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...domain.accounts import READ_WRITE
from ...domain.resources import Entity, Handler, Scheme
from ...kit.errors import ApiError
from ...kit.formats import no_content
from ...state.store import Limit, LimitReached, Record, Store, View, removing
from . import access, accounts, userlog
from .seed import API, TRACKER, new_user, password_hash

USERS = "users"
# What a user owns on its own (store owner `user:<id>`): it goes with the user.
OWNED_TABLES = ("report_presets", "simple_filters", "csv_tasks")


def owner(ctx: RequestContext) -> str:
    """The store owner of the caller's own records (presets, filters, exports): one user never sees another's."""
    return f"user:{access.user(ctx)['id']}"


def found(ctx: RequestContext, user_id: int) -> View:
    record = ctx.table(USERS).get(TRACKER, user_id)
    if record is None:
        raise ApiError(404, f"User {user_id} not found")
    return record


def admin_target(ctx: RequestContext, user_id: int, what: str) -> View:
    """An administrator whose `what` the caller (an administrator) sets; a restricted user has none (409)."""
    access.require_admin(ctx, f"set {what}")
    record = found(ctx, user_id)
    if record["role"] != access.ADMIN:
        raise ApiError(409, f"User {user_id} is not an administrator", f"Only administrators have {what}")
    return record


def restricted_target(ctx: RequestContext, user_id: int, what: str) -> View:
    """A restricted user whose `what` an administrator sets; administrators have full access (409)."""
    access.require_admin(ctx, f"set {what}")
    record = found(ctx, user_id)
    if record["role"] == access.ADMIN:
        raise ApiError(409, f"User {user_id} is an administrator", f"Administrators have full access: no {what}")
    return record


def view(record: Record) -> dict[str, Any]:
    return {
        "id": record["id"], "login": record["login"], "role": record["role"], "hideProfit": record["hideProfit"],
        "canCreateUsers": record["canCreateUsers"], "twoFactorEnabled": record["twoFactor"]["enabled"],
    }  # fmt: skip


def _unique_login(ctx: RequestContext, login: str, current: View | None) -> None:
    for other in ctx.table(USERS).rows(TRACKER, login=login):
        if current is None or other["id"] != current["id"]:
            raise ApiError(409, "Login is already in use", f"User {other['id']} has the login {login!r}")


def _write(ctx: RequestContext, body: dict[str, Any], current: View | None) -> Record:
    if current is None:
        _unique_login(ctx, body["login"], None)
        fields = new_user(0, body["login"], body.get("role", "user"), body["password"])
        del fields["id"]
        return fields | {"canCreateUsers": False}  # a new administrator creates users once allowed (INVENTED)
    role = body.get("role", current["role"])
    if role != current["role"]:
        access.require_other(ctx, current["id"], "change the role of")
    fields: Record = {"role": role, "canCreateUsers": current["canCreateUsers"] and role == access.ADMIN}
    if "login" in body:
        _unique_login(ctx, body["login"], current)
        fields["login"] = body["login"]
    if "password" in body:
        fields["password"] = password_hash(body["password"])
    return fields


def _allow(ctx: RequestContext, entity: Entity, verb: str, record: View | None) -> None:
    """Administrators manage users (creating them if they may); nobody deletes itself."""
    if verb == "read":
        access.require_self_or_admin(ctx, record["id"] if record else 0)
        return
    access.require_admin(ctx, f"{verb} users")
    if verb == "create" and not access.user(ctx)["canCreateUsers"]:
        raise ApiError(403, "Access denied: this administrator may not create users", "PUT /user/{id}/can_create_users")
    if verb == "delete" and record is not None:
        access.require_other(ctx, record["id"], "delete")


def _drop_owned(store: Store, owner_id: str, removed: View) -> None:
    for name in OWNED_TABLES:
        table = store.table(API, name)
        for row in list(table.rows(f"user:{removed['id']}")):
            table.remove(f"user:{removed['id']}", row["id"])


SCHEME = Scheme(
    api=API,
    owner=lambda ctx: TRACKER,
    find=lambda ctx, entity, user_id: found(ctx, user_id),
    listing=lambda ctx, entity, params: [view(row) for row in ctx.table(USERS).rows(TRACKER)],
    created=lambda ctx, entity, record: {"id": record["id"]},
    deleted=lambda ctx, entity, record: no_content(),
    allow=_allow,
)
# Deleting a user takes its keys and its own records with it; the events log keeps what it did.
ENTITY = Entity(USERS, "user", "User", _write, lambda ctx, record: view(record), id_param="user_id",
                cascades=(removing(API, "keys", "userId"), _drop_owned), unique="login")  # fmt: skip
_OPS = resources.operations(SCHEME, ENTITY)


def _logged(handler: Handler, kind: str) -> Handler:
    async def logged(ctx: RequestContext, **params: Any) -> Any:
        answer = await handler(ctx, **params)
        target = params.get("user_id") or (answer.get("id") if isinstance(answer, dict) else None)
        userlog.record(ctx, kind, target, f"{kind.replace('_', ' ')}: user {target}")
        return answer

    return logged


async def _create_with_key(ctx: RequestContext, body: dict[str, Any]) -> Any:
    """A new user with its one API key (GET /identity/api_key/{id} shows it)."""
    answer = await _OPS.create(ctx, body)
    accounts.create_key(ctx.state, str(answer["id"]), READ_WRITE)
    return answer


create_user = _logged(_create_with_key, "user_created")
edit_user = _logged(_OPS.update, "user_edited")
delete_user = _logged(_OPS.delete, "user_deleted")


async def clone_identity(ctx: RequestContext, user_id: int) -> Any:
    """A copy of the user (role, grants, flags) under a free login, with its own new key; GET, as Binom clones."""
    source = found(ctx, user_id)
    _allow(ctx, ENTITY, "create", None)
    table = ctx.table(USERS)
    login = next(
        name
        for number in range(1, len(table) + 2)
        if not any(table.rows(TRACKER, login=(name := f"{source['login']}_copy{'' if number == 1 else number}")))
    )
    copy = {**source, "id": table.next_int_id(), "login": login, "twoFactor": {"enabled": False, "secret": None}}
    if copy["role"] == access.ADMIN:
        copy["canCreateUsers"] = False
    stored = table.add(TRACKER, copy)
    accounts.create_key(ctx.state, str(stored["id"]), READ_WRITE)
    userlog.record(ctx, "user_cloned", stored["id"], f"user {user_id} cloned as user {stored['id']}")
    return {"id": stored["id"]}


async def list_identity_users(ctx: RequestContext) -> Any:
    users = _manageable(ctx)
    return {"users": users, "totalCount": len(users)}


async def list_accessible_users(ctx: RequestContext) -> Any:
    return _manageable(ctx)


def _manageable(ctx: RequestContext) -> list[dict[str, Any]]:
    """The other users the caller manages: none for a restricted user; its accessible users (else all) for an admin."""
    me = access.user(ctx)
    if me["role"] != access.ADMIN:
        return []
    chosen = me["accessibleUsers"]
    return [
        view(row)
        for row in ctx.table(USERS).rows(TRACKER)
        if row["id"] != me["id"] and (chosen is None or row["id"] in chosen)
    ]


async def get_user_role(ctx: RequestContext) -> Any:
    me = access.user(ctx)
    return {"id": me["id"], "role": me["role"]}


async def change_user_login(ctx: RequestContext, body: dict[str, Any]) -> Any:
    me = access.user(ctx)
    _unique_login(ctx, body["login"], me)
    try:  # checked again as it writes: another worker may take the login meanwhile
        stored = ctx.table(USERS).update(
            TRACKER, me["id"], {"login": body["login"]}, limit=Limit(1, {"login": body["login"]})
        )
    except LimitReached:
        _unique_login(ctx, body["login"], me)
        raise ApiError(409, "Login is already in use") from None
    userlog.record(ctx, "login_changed", me["id"], f"login {me['login']!r} changed to {body['login']!r}")
    assert stored is not None
    return view(stored)


async def change_user_password(ctx: RequestContext, body: dict[str, Any]) -> Any:
    me = access.user(ctx)
    if password_hash(body["oldPassword"]) != me["password"]:
        raise ApiError(400, "Validation failed", "oldPassword is not the user's current password")
    ctx.table(USERS).update(TRACKER, me["id"], {"password": password_hash(body["newPassword"])})
    userlog.record(ctx, "password_changed", me["id"], "password changed")  # the API key stays as it was
    return no_content()


async def logout_user(ctx: RequestContext) -> Any:
    """Ends the caller's UI session; an API key has no session, so it keeps working (INVENTED)."""
    userlog.record(ctx, "logout", access.user(ctx)["id"], "logged out")
    return no_content()


# ----------------------------------------------------------- per-user flags
def _flag(name: str, kind: str, target: Any) -> tuple[Handler, Handler]:
    """GET and PUT of one boolean of a user (`{"userId", name}`), PUT by an administrator only."""

    async def get(ctx: RequestContext, **params: Any) -> Any:
        user_id = next(iter(params.values()))
        access.require_self_or_admin(ctx, user_id)
        return {"userId": user_id, name: found(ctx, user_id)[name]}

    async def put(ctx: RequestContext, body: dict[str, Any], **params: Any) -> Any:
        user_id = next(iter(params.values()))
        record = target(ctx, user_id, name)
        access.require_other(ctx, record["id"], f"set {name} of")
        ctx.table(USERS).update(TRACKER, user_id, {name: body[name]})
        userlog.record(ctx, kind, user_id, f"{name} of user {user_id} set to {str(body[name]).lower()}")
        return {"userId": user_id, name: body[name]}

    return get, put


get_can_create_users, set_can_create_users = _flag("canCreateUsers", "can_create_users_edited", admin_target)
get_hide_profit, set_hide_profit = _flag("hideProfit", "hide_profit_edited", restricted_target)


async def get_admin_accessible_users(ctx: RequestContext, admin_id: int) -> Any:
    access.require_self_or_admin(ctx, admin_id)
    record = found(ctx, admin_id)
    if record["role"] != access.ADMIN:
        raise ApiError(409, f"User {admin_id} is not an administrator", "Only administrators have accessible users")
    return {"adminId": admin_id, "userIds": record["accessibleUsers"]}


async def set_admin_accessible_users(ctx: RequestContext, admin_id: int, body: dict[str, Any]) -> Any:
    admin_target(ctx, admin_id, "accessible users")
    ids = body["userIds"]
    for user_id in ids if ids is not None else ():
        found(ctx, user_id)
    ctx.table(USERS).update(TRACKER, admin_id, {"accessibleUsers": None if ids is None else sorted(set(ids))})
    userlog.record(ctx, "accessible_users_edited", admin_id, f"accessible users of user {admin_id}: {ids}")
    return {"adminId": admin_id, "userIds": None if ids is None else sorted(set(ids))}


# ------------------------------------------------------------ cookie settings
COOKIE_DEFAULTS = {"lifetimeDays": 30, "sameSite": "Lax", "secure": True}  # INVENTED tracker-wide settings


async def get_cookie_settings(ctx: RequestContext) -> Any:
    stored = ctx.table("settings").get(TRACKER, "cookie")
    return {**COOKIE_DEFAULTS, **(stored["values"] if stored else {})}


async def edit_cookie_settings(ctx: RequestContext, body: dict[str, Any]) -> Any:
    access.require_admin(ctx, "edit cookie settings")
    table = ctx.table("settings")
    values = {**(await get_cookie_settings(ctx)), **body}
    if table.get(TRACKER, "cookie") is None:
        table.add(TRACKER, {"id": "cookie", "values": values})
    else:
        table.update(TRACKER, "cookie", {"values": values})
    userlog.record(ctx, "cookie_settings_edited", None, f"cookie settings: {values}")
    return values


HANDLERS: dict[str, Handler] = {
    "create_user": create_user, "edit_user": edit_user, "delete_user": delete_user,
    "clone_identity": clone_identity, "list_identity_users": list_identity_users,
    "list_accessible_users": list_accessible_users, "get_user_role": get_user_role,
    "change_user_login": change_user_login, "change_user_password": change_user_password, "logout_user": logout_user,
    "get_can_create_users": get_can_create_users, "set_can_create_users": set_can_create_users,
    "get_hide_profit": get_hide_profit, "set_hide_profit": set_hide_profit,
    "get_admin_accessible_users": get_admin_accessible_users, "set_admin_accessible_users": set_admin_accessible_users,
    "get_cookie_settings": get_cookie_settings, "edit_cookie_settings": edit_cookie_settings,
}  # fmt: skip
