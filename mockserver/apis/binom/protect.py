"""Binom Protect (bot detection): the beta switch, the methods and presets, each campaign's settings and visits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...state.store import View
from . import access
from .entities import CAMPAIGNS, SCHEME
from .seed import TRACKER
from .traffic import CLICKS

TABLE = "protect_settings"
# INVENTED catalogue (the real one was not captured): what each method looks at, and two presets of them.
METHODS = {
    "crawler": "Known crawlers and bots by User-Agent", "datacenter": "Datacenter and hosting IP ranges",
    "proxy_vpn": "Proxies and VPNs", "headless": "Headless browsers", "frequency": "Repeated clicks from one visitor",
}  # fmt: skip
PRESETS = {"soft": ["crawler", "datacenter"], "strict": list(METHODS)}
DEFAULTS: dict[str, Any] = {"enabled": False, "methods": [], "action": "mark"}


async def disable_protect_beta(ctx: RequestContext) -> Any:
    access.require_admin(ctx, "change Binom Protect")
    table = ctx.table("settings")
    if table.get(TRACKER, "protect_beta") is None:
        table.add(TRACKER, {"id": "protect_beta", "values": {"enabled": False}})
    else:
        table.update(TRACKER, "protect_beta", {"values": {"enabled": False}})
    return {"enabled": False}


async def get_protect_beta_status(ctx: RequestContext) -> Any:
    stored = ctx.table("settings").get(TRACKER, "protect_beta")
    return {"enabled": True if stored is None else stored["values"]["enabled"]}  # a tracker starts in the beta


async def list_protect_methods(ctx: RequestContext) -> Any:
    return {"methods": [{"id": key, "name": name} for key, name in METHODS.items()],
            "presets": [{"id": key, "methods": methods} for key, methods in PRESETS.items()]}  # fmt: skip


def _settings(ctx: RequestContext, campaign: View) -> dict[str, Any]:
    stored = ctx.table(TABLE).get(TRACKER, campaign["id"])
    values = {**DEFAULTS, **(stored["values"] if stored else {})}
    since = stored["visitsSince"] if stored else None
    visitors = {
        click["visitor"]
        for click in ctx.table(CLICKS).rows(TRACKER, campaignId=campaign["id"])
        if since is None or datetime.fromisoformat(click["time"]) >= datetime.fromisoformat(since)
    }
    return {"campaignId": campaign["id"], **values, "firstVisits": len(visitors)}


def _store(ctx: RequestContext, campaign_id: int, changes: dict[str, Any]) -> None:
    table = ctx.table(TABLE)
    stored = table.get(TRACKER, campaign_id)
    if stored is None:
        table.add(TRACKER, {"id": campaign_id, "values": dict(DEFAULTS), "visitsSince": None} | changes)
    else:
        table.update(TRACKER, campaign_id, changes)


def _values(body: dict[str, Any]) -> dict[str, Any]:
    methods = PRESETS[body["preset"]] if body.get("preset") else body.get("methods", [])
    return {"enabled": body["enabled"], "methods": list(dict.fromkeys(methods)), "action": body.get("action", "mark")}


async def get_protect_campaign_settings(ctx: RequestContext, campaign_id: int) -> Any:
    return _settings(ctx, resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "read"))


async def update_protect_campaign_settings(ctx: RequestContext, campaign_id: int, body: dict[str, Any]) -> Any:
    campaign = resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "edit")
    _store(ctx, campaign_id, {"values": _values(body)})
    return _settings(ctx, campaign)


async def update_protect_campaigns_settings(ctx: RequestContext, body: dict[str, Any]) -> Any:
    """The same settings on several campaigns: every one found and modifiable before any changes."""
    campaigns = [resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "edit") for campaign_id in body["campaignIds"]]
    for campaign in campaigns:
        _store(ctx, campaign["id"], {"values": _values(body["settings"])})
    return [_settings(ctx, campaign) for campaign in dict((c["id"], c) for c in campaigns).values()]


async def reset_protect_visits(ctx: RequestContext, campaign_id: int) -> Any:
    """First visits count again from now: the distinct visitors of the campaign's recorded clicks since the reset."""
    campaign = resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "edit")
    _store(ctx, campaign_id, {"visitsSince": ctx.state.clock.now().isoformat()})
    return _settings(ctx, campaign)


HANDLERS = {
    handler.__name__: handler
    for handler in (disable_protect_beta, get_protect_beta_status, list_protect_methods, get_protect_campaign_settings,
                    update_protect_campaign_settings, update_protect_campaigns_settings, reset_protect_visits)
}  # fmt: skip
