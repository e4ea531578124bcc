"""Binom's click update URL (`/binom/click?upd_clickid=...`) through HTTP: tokens and events change, reports follow."""

from __future__ import annotations

from .conftest import Api
from .test_binom import error

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "X-Country": "US"}
TODAY = {"datePreset": "today", "timezone": "UTC", "ids[]": 1, "groupings[]": "token_1"}


def _click(binom: Api) -> str:
    link = binom.get("/campaign/1/link").json()["link"].replace("http://testserver", "")
    response = binom.client.get(link + "&zone=111&site=news", headers=BROWSER, follow_redirects=False)
    assert response.status_code == 302, response.text
    rows = list(binom.state.store.table("binom", "clicks").rows("tracker", campaignId=1))
    assert len(rows) == 1
    return str(rows[0]["id"])


def _token_rows(binom: Api) -> dict[str, str]:
    report = binom.get("/report/campaign", params=TODAY).json()["report"]
    return {row["entity_id"]: row["clicks"] for row in report}


def test_a_click_update_changes_the_tokens_it_names_and_the_report_follows(binom: Api) -> None:
    click_id = _click(binom)
    binom.state.clock.advance(60)  # the frozen clock's "today" ends at now, exclusive: let the click be in it
    assert _token_rows(binom).get("111") == "1"
    update = binom.client.get("/binom/click", params={"upd_clickid": click_id, "upd_key": "", "zone": "222",
                                                      "event1": "3"})  # fmt: skip
    assert update.status_code == 200 and update.text == "OK"
    record = binom.state.store.table("binom", "clicks").get("tracker", click_id)
    assert dict(record["tokens"]) == {"zone": "222", "site": "news"} and dict(record["events"]) == {"event1": "3"}
    rows = _token_rows(binom)
    assert rows.get("222") == "1" and "111" not in rows


def test_an_unknown_click_is_404(binom: Api) -> None:
    error(binom.client.get("/binom/click", params={"upd_clickid": "nope", "zone": "1"}), 404, "NotFound")
