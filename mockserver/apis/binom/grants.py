"""Binom campaign grants: who may read or modify which campaign, set per campaign or per user, and shown in identity.

The grants are the `grants` of a restricted user's record (`access.campaign_level` reads them on every operation).
"""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...state.store import View
from . import access, userlog, users
from .entities import CAMPAIGNS, SCHEME
from .seed import TRACKER

CAMPAIGN = "CAMPAIGN"


def _campaign(ctx: RequestContext, campaign_id: int) -> View:
    access.require_admin(ctx, "manage campaign access")
    return resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "read")


def _granted_users(ctx: RequestContext, campaign_id: int) -> list[dict[str, Any]]:
    return [
        {"userId": row["id"], "login": row["login"], "accessLevel": row["grants"][str(campaign_id)]}
        for row in ctx.table(users.USERS).rows(TRACKER)
        if str(campaign_id) in row["grants"]
    ]


async def get_campaign_permissions(ctx: RequestContext, id_: int) -> Any:
    _campaign(ctx, id_)
    return _granted_users(ctx, id_)


async def grant_campaign_permissions(ctx: RequestContext, id_: int, body: dict[str, Any]) -> Any:
    _campaign(ctx, id_)
    chosen = [users.restricted_target(ctx, user_id, "campaign grants") for user_id in body["userIds"]]
    for record in chosen:  # every user checked before any is granted
        ctx.table(users.USERS).update(
            TRACKER, record["id"], {"grants": {**record["grants"], str(id_): body["accessLevel"]}}
        )
        userlog.record(ctx, "campaign_access_granted", record["id"], f"{body['accessLevel']} access to campaign {id_}")
    return _granted_users(ctx, id_)


async def revoke_campaign_permissions(ctx: RequestContext, id_: int, user_ids: list[int]) -> Any:
    _campaign(ctx, id_)
    chosen = [users.restricted_target(ctx, user_id, "campaign grants") for user_id in user_ids]
    for record in chosen:
        if str(id_) in record["grants"]:
            grants = {key: level for key, level in record["grants"].items() if key != str(id_)}
            ctx.table(users.USERS).update(TRACKER, record["id"], {"grants": grants})
            userlog.record(ctx, "campaign_access_revoked", record["id"], f"access to campaign {id_} revoked")
    return _granted_users(ctx, id_)


async def edit_user_permissions(ctx: RequestContext, user_id: int, body: dict[str, Any]) -> Any:
    """The permissions body of the Binom docs' example; its CAMPAIGN entry replaces the user's campaign grants."""
    record = users.restricted_target(ctx, user_id, "permissions")
    grants: dict[str, str] | None = None
    others = []
    for entry in body["permissions"]:
        if entry["subject"] != CAMPAIGN:
            others.append(entry)  # other subjects are kept as sent (INVENTED: only campaigns are enforced)
            continue
        grants = {}
        for level, ids in ((access.READ, entry.get("readUuids", [])), (access.MODIFY, entry.get("modifyUuids", []))):
            for campaign_id in ids:
                resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "read")  # a 404 before anything changes
                grants[str(campaign_id)] = level  # modify, listed second, wins over read
    changes: dict[str, Any] = {"permissions": others}
    if grants is not None:
        changes["grants"] = grants
    stored = ctx.table(users.USERS).update(TRACKER, record["id"], changes)
    assert stored is not None
    userlog.record(ctx, "permissions_edited", user_id, f"permissions of user {user_id} edited")
    return users.view(stored) | {"permissions": permissions(ctx, stored)}


async def get_identity(ctx: RequestContext, user_id: int) -> Any:
    access.require_self_or_admin(ctx, user_id)
    record = users.found(ctx, user_id)
    return users.view(record) | {"permissions": permissions(ctx, record)}


def permissions(ctx: RequestContext, record: View) -> list[dict[str, Any]]:
    """The `permissions` of `GET /identity/{userId}`: an administrator's is empty (full access, INVENTED)."""
    if record["role"] == access.ADMIN:
        return []
    names = {row["id"]: row["name"] for row in ctx.table("campaigns").rows(TRACKER)}

    def entries(level: str) -> list[dict[str, Any]]:
        return [
            {"id": int(key), "name": names.get(int(key), "")}
            for key, granted in sorted(record["grants"].items(), key=lambda item: int(item[0]))
            if granted == level
        ]

    campaign = {"subject": CAMPAIGN, "accessLevel": "custom", "read": entries(access.READ),
                "modify": entries(access.MODIFY), "readGroups": [], "modifyGroups": []}  # fmt: skip
    return [campaign, *(
        {"subject": entry["subject"], "accessLevel": entry.get("accessLevel", "custom"),
         "read": [{"id": value} for value in entry.get("readUuids", [])],
         "modify": [{"id": value} for value in entry.get("modifyUuids", [])],
         "readGroups": [{"id": value} for value in entry.get("readGroupUuids", [])],
         "modifyGroups": [{"id": value} for value in entry.get("modifyGroupUuids", [])]}
        for entry in record["permissions"]
    )]  # fmt: skip


HANDLERS = {
    handler.__name__: handler
    for handler in (get_campaign_permissions, grant_campaign_permissions, revoke_campaign_permissions,
                    edit_user_permissions, get_identity)
}  # fmt: skip
