"""Binom's CSV export queue: a task per export, ready a minute later on the mock's clock, then a file to download."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ...context import RequestContext
from ...domain import resources
from ...kit.errors import ApiError
from ...kit.formats import Reply, no_content, to_csv
from ...state.store import View
from . import access, users
from .entities import CAMPAIGNS, SCHEME
from .seed import TRACKER
from .traffic import CLICKS

TABLE = "csv_tasks"
PROCESSING = timedelta(seconds=60)  # INVENTED: how long a queued task takes; advance the clock to have it sooner
COLUMNS = {  # names from the captured click log and conversion log columns
    "clicklog": ("id", "click_time", "campaign_id", "path_id", "landing_id", "offer_id", "country", "device_type",
                 "is_offer_clicked", "conversion", "payout"),
    "conversions": ("id", "campaign_id", "clicked_at", "offer_id", "payout", "status", "geo"),
}  # fmt: skip


def _status(ctx: RequestContext, task: View) -> str:
    ready = datetime.fromisoformat(task["createdAt"]) + PROCESSING <= ctx.state.clock.now()
    return "ready" if ready else "queued"


def _view(ctx: RequestContext, task: View) -> dict[str, Any]:
    return {"id": task["id"], "type": task["type"], "filename": task["filename"], "status": _status(ctx, task),
            "campaignIds": task["campaignIds"], "createdAt": task["createdAt"][:19].replace("T", " ")}  # fmt: skip


def _task(ctx: RequestContext, filename: str) -> View:
    for task in ctx.table(TABLE).rows(users.owner(ctx), filename=filename):
        return task
    raise ApiError(404, f"File {filename} not found")


async def enqueue_csv_task(ctx: RequestContext, body: dict[str, Any]) -> Any:
    ids = sorted(set(body.get("campaignIds", [])))
    for campaign_id in ids:  # only campaigns the caller may read
        resources.found(ctx, SCHEME, CAMPAIGNS, campaign_id, "read")
    table = ctx.table(TABLE)
    task_id = table.next_int_id()
    task = table.add(users.owner(ctx), {
        "id": task_id, "type": body["type"], "filename": f"{body['type']}_{task_id}.csv", "campaignIds": ids,
        "createdAt": ctx.state.clock.now().isoformat(),
    })  # fmt: skip
    return _view(ctx, task)


async def dequeue_csv_task(ctx: RequestContext, id_: int) -> Any:
    task = ctx.table(TABLE).get(users.owner(ctx), id_)
    if task is None:
        raise ApiError(404, f"Task {id_} not found")
    if _status(ctx, task) != "queued":
        raise ApiError(409, f"Task {id_} is done", f"Delete its file instead: DELETE /csv/file/{task['filename']}")
    ctx.table(TABLE).remove(users.owner(ctx), id_)
    return no_content()


async def list_csv_files(ctx: RequestContext) -> Any:
    return [_view(ctx, task) for task in ctx.table(TABLE).rows(users.owner(ctx))]


async def download_csv_file(ctx: RequestContext, filename: str) -> Any:
    """The file's rows: the recorded clicks (or conversions) of the task's campaigns the caller may still read."""
    task = _task(ctx, filename)
    if _status(ctx, task) != "ready":
        raise ApiError(409, f"File {filename} is not ready yet", "A task is ready a minute after it was queued")
    rows = []
    for click in ctx.table(CLICKS).rows(TRACKER):
        campaign = ctx.table("campaigns").get(TRACKER, click["campaignId"])
        if campaign is None or not access.visible(ctx, campaign):
            continue
        if (task["campaignIds"] and click["campaignId"] not in task["campaignIds"]) or (
            task["type"] == "conversions" and not click["converted"]
        ):
            continue
        rows.append({
            "id": click["id"], "click_time": click["time"], "clicked_at": click["time"], "campaign_id": click["campaignId"],
            "path_id": click["path"], "landing_id": click["landing"], "offer_id": click["offer"], "country": click["country"],
            "geo": click["country"], "device_type": click["device"], "is_offer_clicked": click["landerClicked"],
            "conversion": click["converted"], "payout": click["payout"] / 100, "status": click["status"] or "",
        })  # fmt: skip
    body = to_csv(rows, COLUMNS[task["type"]]).encode()
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Reply(200, "text/csv; charset=utf-8", body, disposition)


async def delete_csv_file(ctx: RequestContext, filename: str) -> Any:
    task = _task(ctx, filename)
    ctx.table(TABLE).remove(users.owner(ctx), task["id"])
    return no_content()


def _clear(kind: str) -> Any:
    async def clear(ctx: RequestContext) -> Any:
        for task in list(ctx.table(TABLE).rows(users.owner(ctx), type=kind)):
            ctx.table(TABLE).remove(users.owner(ctx), task["id"])
        return no_content()

    clear.__name__ = clear.__qualname__ = f"clear_csv_{kind}"
    return clear


HANDLERS = {
    handler.__name__: handler
    for handler in (enqueue_csv_task, dequeue_csv_task, list_csv_files, download_csv_file, delete_csv_file,
                    _clear("clicklog"), _clear("conversions"))
}  # fmt: skip
