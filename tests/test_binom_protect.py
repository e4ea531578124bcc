"""Binom Protect and the CSV export queue through HTTP: settings per campaign, first visits, tasks on the clock."""

from __future__ import annotations

import csv
import io

from .conftest import Api
from .test_binom import error, restricted


def click(binom: Api, campaign_id: int, user_agent: str) -> None:
    link = binom.get(f"/campaign/{campaign_id}/link").json()["link"]
    answer = binom.client.get(
        link.split("testserver", 1)[-1], headers={"User-Agent": user_agent}, follow_redirects=False
    )
    assert answer.status_code == 302


BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def test_protect_settings_default_then_stored_and_presets_stand_for_methods(binom: Api) -> None:
    assert binom.get("/binom/protect/campaign/1/settings").json() == {
        "campaignId": 1, "enabled": False, "methods": [], "action": "mark", "firstVisits": 0}  # fmt: skip
    stored = binom.post(
        "/binom/protect/campaign/1/settings", json={"enabled": True, "preset": "soft", "action": "block"}
    )
    assert stored.json()["methods"] == ["crawler", "datacenter"]
    assert binom.get("/binom/protect/campaign/1/settings").json() == stored.json()
    presets = {preset["id"]: preset["methods"] for preset in binom.get("/binom/protect/methods").json()["presets"]}
    assert presets["soft"] == stored.json()["methods"]


def test_bulk_settings_check_every_campaign_before_writing(binom: Api) -> None:
    user = restricted(binom)
    body = {"campaignIds": [1, 3], "settings": {"enabled": True, "methods": ["crawler"]}}
    error(user.post("/binom/protect/campaigns/settings", json=body), 403, "AccessDenied")  # 3 is read-only
    assert user.get("/binom/protect/campaign/1/settings").json()["enabled"] is False  # nothing written
    answer = user.post("/binom/protect/campaigns/settings", json={**body, "campaignIds": [1, 2]})
    assert [entry["campaignId"] for entry in answer.json()] == [1, 2]
    error(binom.post("/binom/protect/campaigns/settings", json={**body, "campaignIds": [1, 999]}), 404, "NotFound")


def test_first_visits_count_distinct_visitors_since_the_reset(binom: Api) -> None:
    click(binom, 1, BROWSER)
    click(binom, 1, BROWSER)  # the same visitor
    click(binom, 1, BROWSER.replace("120.0", "121.0"))
    assert binom.get("/binom/protect/campaign/1/settings").json()["firstVisits"] == 2
    binom.state.clock.advance(1)
    assert binom.post("/binom/protect/visits/1/reset").json()["firstVisits"] == 0
    error(restricted(binom).post("/binom/protect/visits/3/reset"), 403, "AccessDenied")


def test_the_beta_is_left_by_the_administrator(binom: Api) -> None:
    assert binom.get("/binom/protect/beta/status").json() == {"enabled": True}
    error(restricted(binom).post("/binom/protect/beta/disable"), 403, "AccessDenied")
    assert binom.post("/binom/protect/beta/disable").json() == {"enabled": False}
    assert restricted(binom).get("/binom/protect/beta/status").json() == {"enabled": False}


def test_a_csv_task_is_ready_a_minute_later_with_the_recorded_clicks(binom: Api) -> None:
    click(binom, 1, BROWSER)
    click(binom, 4, BROWSER)
    task = binom.post("/csv/task/enqueue", json={"type": "clicklog", "campaignIds": [1]}).json()
    assert (task["status"], task["filename"]) == ("queued", f"clicklog_{task['id']}.csv")
    error(binom.get(f"/csv/file/{task['filename']}"), 409, "Conflict")
    binom.state.clock.advance(60)
    assert binom.get("/csv/files").json()[0]["status"] == "ready"
    answer = binom.get(f"/csv/file/{task['filename']}")
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text), delimiter=";"))
    assert [row["campaign_id"] for row in rows] == ["1"]
    error(binom.post(f"/csv/task/dequeue/{task['id']}"), 409, "Conflict")  # done: delete the file instead
    assert binom.delete(f"/csv/file/{task['filename']}").status_code == 204
    error(binom.get(f"/csv/file/{task['filename']}"), 404, "NotFound")


def test_exports_are_each_users_own_and_cover_only_granted_campaigns(binom: Api) -> None:
    click(binom, 1, BROWSER)
    click(binom, 4, BROWSER)
    user = restricted(binom)
    error(user.post("/csv/task/enqueue", json={"type": "clicklog", "campaignIds": [4]}), 403, "AccessDenied")
    task = user.post("/csv/task/enqueue", json={"type": "clicklog"}).json()
    assert binom.get("/csv/files").json() == []
    binom.state.clock.advance(60)
    rows = list(csv.DictReader(io.StringIO(user.get(f"/csv/file/{task['filename']}").text), delimiter=";"))
    assert [row["campaign_id"] for row in rows] == ["1"]  # campaign 4 is not granted
    error(binom.get(f"/csv/file/{task['filename']}"), 404, "NotFound")


def test_dequeue_and_clear(binom: Api) -> None:
    first = binom.post("/csv/task/enqueue", json={"type": "conversions"}).json()
    assert binom.post(f"/csv/task/dequeue/{first['id']}").status_code == 204
    error(binom.post(f"/csv/task/dequeue/{first['id']}"), 404, "NotFound")
    binom.post("/csv/task/enqueue", json={"type": "conversions"})
    binom.post("/csv/task/enqueue", json={"type": "clicklog"})
    assert binom.delete("/csv/conversions/clear").status_code == 204
    assert [task["type"] for task in binom.get("/csv/files").json()] == ["clicklog"]
    assert binom.delete("/csv/clicklog/clear").status_code == 204
    assert binom.get("/csv/files").json() == []
