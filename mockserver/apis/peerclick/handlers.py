"""PeerClick operations: one function per operationId, each parse -> store -> view."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...domain.kept import kept_answer, nothing_else
from . import clicks, sessions, views
from .entities import CAMPAIGNS, ENTITIES, SCHEME
from .report import report
from .sessions import DEFAULT_LIFETIME


# ----------------------------------------------------------------------- auth
async def create_access_session(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return sessions.access_session(ctx, body["accessId"], body["accessKey"], body.get("lifetime", DEFAULT_LIFETIME))


async def create_session(ctx: RequestContext, body: dict[str, Any]) -> Any:
    return sessions.password_session(ctx, body["email"], body["password"])


# --------------- campaigns, offers, landers, traffic sources, affiliate networks
globals().update(resources.handlers(SCHEME, ENTITIES))


async def get_campaign(ctx: RequestContext, campaign_id: int, with_pages: int = 0) -> Any:
    def compute() -> Any:
        record = resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "read")
        return views.envelope(ctx, "campaigns", record, pages=with_pages == 1)  # the derived get, with withPages

    params = {"campaign_id": campaign_id, "with_pages": with_pages}
    return kept_answer(ctx, "get_campaign", params, compute, SCHEME.kept or nothing_else)


# --------------------------------------------------------------------- report
async def get_report(ctx: RequestContext, **params: Any) -> Any:
    sessions.charge_report(ctx)
    return report(ctx, params)


# ------------------------------------------------ tracking: campaign URL and postback
async def click_campaign(ctx: RequestContext, campaign_key: str) -> Any:
    return clicks.click(ctx, campaign_key)


async def post_conversion(ctx: RequestContext, cid: str, payout: float | None = None, status: str | None = None,
                          **tokens: Any) -> Any:  # fmt: skip
    return clicks.postback(ctx, cid, payout, status)
