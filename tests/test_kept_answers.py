"""Kept reports and stats (`Store.kept`) answer exactly what computing them afresh answers, after every kind of write:
a tracking hit, a click, a postback, a cost update, a click deletion, a record changed through the store. After a
hit, a click or a postback the answers come from the sums kept on write (`Store.folded`), never from the records."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest

from mockserver.apis.bannertrackr import stats
from mockserver.apis.binom import trees
from mockserver.apis.binom.seed import TRACKER
from mockserver.apis.peerclick import report
from mockserver.domain.kept import frozen
from mockserver.state.clock import parse_datetime

from .conftest import ADV, ADV_OTHER, ADV_TOKEN, BINOM_RESTRICTED, PC_OTHER, PUB, PUB_OTHER, PUB_TOKEN, Api

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "X-Country": "DE"}
Fetch = Callable[[], list[Any]]


def failing(target: Any, name: str) -> Callable[[], AbstractContextManager[None]]:
    """While it lasts, `target.name` (what computes sums from the records) fails the test if called."""

    @contextmanager
    def patched() -> Iterator[None]:
        def computed(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError(f"{name} computed the sums from the records instead of folding the write in")

        with mock.patch.object(target, name, computed):
            yield

    return patched


def answers(api: Api, corpus: list[tuple[str, dict[str, Any]]]) -> Fetch:
    """Each request of `corpus` once, as (status, content type, body text)."""

    def fetch() -> list[Any]:
        found = []
        for path, params in corpus:
            response = api.get(path, params=params)
            assert response.status_code == 200, (path, params, response.text[:300])
            found.append((path, params, response.headers["content-type"], response.text))
        return found

    return fetch


def assert_kept_follow(
    api: Api, name: str, fetch: Fetch, write: Callable[[], None], folded: Callable[[], Any] | None = None
) -> None:
    """After `write`, the answers served (kept or not) are those computed with nothing kept, and some changed. With
    `folded` (a context manager that makes computing the sums from records fail), the write was folded into them."""
    before = fetch()
    assert fetch() == before  # the second time, kept
    write()
    if folded is None:
        served = fetch()
    else:
        with folded():
            served = fetch()
    api.state.store.wrote(name)  # forget every kept answer and sum of the API: the next ones are computed afresh
    assert served == fetch()
    # The write shows in some answer, so an answer kept past it would fail the comparison above.
    assert served != before


# --------------------------------------------------------------------------------------------- BannerTrackr
BT_CORPUS = [
    ("/placements/plc_123/stats", {}),
    ("/placements/plc_123/stats", {"breakdowns": "true"}),
    ("/placements/plc_123/stats", {"from": "2026-06-10", "to": "2026-06-15"}),
    ("/placements/plc_456/stats", {}),
]


VISITORS = itertools.count(1)  # each hit's client address: every hit is a new visitor, so a unique one too


def _hit(bt: Api, kind: str) -> Callable[[], None]:
    def write() -> None:
        pixel = bt.get("/placements/plc_456").json()["data"]["pixelId"]  # active (plc_123 has expired)
        path = {
            "pixel": f"/bannertrackr/api/track/pixel.gif?p={pixel}",
            "click": f"/bannertrackr/api/track/click/{pixel}",
        }
        headers = {**BROWSER, "X-Forwarded-For": f"10.0.{next(VISITORS) % 250}.1"}
        assert bt.client.get(path[kind], headers=headers, follow_redirects=False).status_code < 400

    return write


@pytest.mark.parametrize("kind", ["pixel", "click", "rename"])
def test_bannertrackr_placement_stats(bt: Api, kind: str) -> None:
    def rename() -> None:
        placements = bt.state.store.table("bannertrackr", "placements")
        placements.update(placements.owner_of("plc_123"), "plc_123", {"name": "Renamed"})

    if kind != "rename":
        _hit(bt, kind)()  # the placement's first hit adds its traffic record: the write below only counts (tally)
    fetch = answers(bt, BT_CORPUS)
    if kind == "rename":
        assert_kept_follow(bt, "bannertrackr", fetch, rename)
    else:
        assert_kept_follow(bt, "bannertrackr", fetch, _hit(bt, kind), failing(stats, "seeded_day"))


BT_READS = [
    ("/sites", {}), ("/sites", {"limit": 1}), ("/sites/site_123", {}), ("/placements", {}),
    ("/placements", {"status": "active"}), ("/placements", {"status": "expired"}), ("/placements/plc_456", {}),
]  # fmt: skip


@pytest.mark.parametrize("kind", ["rename", "create", "hit", "ends"])
def test_bannertrackr_reads_follow_writes_and_the_clock(bt: Api, clock: Any, kind: str) -> None:
    """Sites and placements are kept answers (`RequestContext.kept_json`): a write shows at once, and so does the
    clock passing a placement's end date, which turns it `expired`."""

    def write() -> None:
        if kind == "rename":
            assert bt.put("/sites/site_123", json={"name": "Renamed"}).status_code == 200
        elif kind == "create":
            assert bt.post("/sites", json={"name": "New", "type": "website"}).status_code == 201
        elif kind == "hit":
            _hit(bt, "pixel")()
        else:
            ends = [p["endDate"] for p in bt.get("/placements").json()["data"] if p["status"] != "expired"]
            clock.set(min(parse_datetime(end) for end in ends if end).timestamp() + 1)

    fetch = answers(bt, BT_READS)
    if kind == "hit":  # a hit changes none of these answers: they are the same, computed afresh or kept
        before = fetch()
        write()
        served = fetch()
        bt.state.store.wrote("bannertrackr")
        assert served == fetch() == before
        return
    assert_kept_follow(bt, "bannertrackr", fetch, write)


def test_a_kept_read_carries_the_host_it_was_asked_by(bt: Api) -> None:
    urls = set()
    for host in ("a.example", "b.example", "a.example"):
        body = bt.get("/placements/plc_456", headers={"Host": host}).json()
        urls.add(body["data"]["trackingUrls"]["pixel"].split("/")[2])
    assert urls == {"a.example", "b.example"}


# --------------------------------------------------------------------------------------------------- Binom
BINOM_CORPUS = [
    ("/report/campaign", {"datePreset": "today", "groupings[]": "campaign"}),
    ("/report/campaign", {"datePreset": "last_7_days", "groupings[]": ["campaign", "geoCountry"]}),
    ("/report/offer", {"datePreset": "today", "groupings[]": ["offer", "landing"]}),
    ("/report/campaign", {"datePreset": "yesterday", "groupings[]": "campaign", "ids[]": 2}),
    ("/stats/campaign", {"datePreset": "today"}),
    ("/stats/campaign", {"datePreset": "yesterday"}),
    ("/stats/offer", {"datePreset": "last_7_days"}),
    ("/info/campaign", {"datePreset": "today"}),
    ("/info/campaign", {"datePreset": "last_7_days"}),
]


def _binom_click(binom: Api, postback: bool) -> Callable[[], None]:
    def write() -> None:
        link = urlsplit(binom.get("/campaign/1/link").json()["link"])
        click = binom.client.get(f"{link.path}?{link.query}&zone=1", headers=BROWSER, follow_redirects=False)
        assert click.status_code == 302, click.text
        binom.state.clock.advance(60)  # a period up to now ends before now: let the click be in it
        if postback:
            click_id = list(binom.state.store.table("binom", "clicks").rows(TRACKER, campaignId=1))[-1]["id"]
            answer = binom.client.get("/binom/click", params={"cnv_id": click_id, "payout": "2.50"})
            assert answer.status_code == 200, answer.text

    return write


@pytest.mark.parametrize("kind", ["click", "postback", "cost", "delete clicks", "rename"])
def test_binom_reports_stats_and_info(binom: Api, kind: str) -> None:
    def cost() -> None:
        response = binom.put("/clicks/campaign/1", json={"cost": 125.5, "datePreset": "yesterday"})
        assert response.status_code < 300, response.text

    def delete_clicks() -> None:
        response = binom.delete("/clicks/campaign/2", params={"datePreset": "yesterday"})
        assert response.status_code < 300, response.text

    def rename() -> None:
        binom.state.store.table("binom", "campaigns").update(TRACKER, 1, {"name": "Renamed"})

    writes = {"click": _binom_click(binom, postback=False), "postback": _binom_click(binom, postback=True),
              "cost": cost, "delete clicks": delete_clicks, "rename": rename}  # fmt: skip
    folded = failing(trees, "_grouped") if kind in ("click", "postback") else None
    assert_kept_follow(binom, "binom", answers(binom, BINOM_CORPUS), writes[kind], folded)


# ----------------------------------------------------------------------------------------------- PeerClick
PC_CORPUS = [
    ("/report", {"groupBy": "campaign", "from": "2026-06-01"}),
    ("/report", {"groupBy": ["campaign", "country"], "from": "2026-06-15"}),
    ("/report", {"groupBy": "day", "from": "2026-06-08", "campaignId": 1}),
    ("/report", {"groupBy": "offer", "from": "2026-06-15", "to": "2026-06-15T18:00"}),
]


@pytest.mark.parametrize("kind", ["click", "postback", "rename"])
def test_peerclick_report(peerclick: Api, kind: str) -> None:
    def click() -> str:
        url = peerclick.get("/campaign/1").json()["campaign"]["url"]
        response = peerclick.client.get(urlsplit(url).path, params={"zoneid": "4711"}, headers=BROWSER,
                                        follow_redirects=False)  # fmt: skip
        assert response.status_code == 302, response.text
        peerclick.state.clock.advance(60)  # a report up to now ends before now: let the click be in it
        query = parse_qs(urlsplit(response.headers["location"]).query)
        return (query.get("cid") or query["click_id"])[0]

    def postback() -> None:
        answer = peerclick.client.get("/peerclick/v1/postback", params={"cid": click(), "payout": "3.25"})
        assert answer.status_code == 200, answer.text

    def rename() -> None:
        campaigns = peerclick.state.store.table("peerclick", "campaigns")
        campaigns.update(campaigns.owner_of(1), 1, {"name": "Renamed"})

    writes = {"click": click, "postback": postback, "rename": rename}
    folded = failing(report, "_grouped") if kind in ("click", "postback") else None
    assert_kept_follow(peerclick, "peerclick", answers(peerclick, PC_CORPUS), writes[kind], folded)


# ------------------------------------------------------------------------------------------------ Adsterra
@pytest.mark.parametrize(("name", "base", "token", "table", "group"), [
    ("adsterra_advertiser", ADV, ADV_TOKEN, "campaigns", "campaign"),
    ("adsterra_publisher", PUB, PUB_TOKEN, "placements", "domain"),
])  # fmt: skip
def test_adsterra_stats_in_every_format(client: Any, name: str, base: str, token: str, table: str, group: str) -> None:
    """Adsterra's statistics change with a record's traffic profile only, which no operation changes: a change made
    through the store, as an import would."""
    api = Api(client, base, token, header="X-API-Key", prefix="")
    days = {"start_date": "2026-06-01", "finish_date": "2026-06-15"}
    corpus = [(f"/stats.{format_}", {**days, "group_by": grouping}) for format_ in ("json", "csv", "xml")
              for grouping in (group, "date", "country")]  # fmt: skip
    records = api.state.store.table(name, table)
    owner = f"{name.removeprefix('adsterra_')}_demo"  # the demo token's account (seed.DEMO_ACCOUNT)

    def retune() -> None:
        record = next(record for record in records.rows(owner) if "_traffic" in record)
        records.update(
            owner, record["id"], {"_traffic": record["_traffic"] | {"volume": record["_traffic"]["volume"] * 2}}
        )

    assert_kept_follow(api, name, answers(api, corpus), retune)


# ------------------------------------------------------- record reads of Binom, PeerClick and Adsterra (kept_read)
RECORD_READS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "binom": [("/campaign/1", {}), ("/campaign/2", {}), ("/offer/1", {}), ("/campaign/list/filtered", {}),
              ("/campaign/list/filtered", {"limit": 2}), ("/campaign/list/filtered", {"status": "with_traffic"}),
              ("/landing/list/filtered", {})],
    "peerclick": [("/campaign", {}), ("/campaign", {"limit": 1}), ("/campaign/1", {}), ("/campaign/1", {"withPages": 1}),
                  ("/offer", {}), ("/lander", {})],
    "adsterra_advertiser": [(f"/{path}.{format_}", {}) for format_ in ("json", "csv", "xml")
                            for path in ("campaigns", "balance", "campaign/1234567", "campaign/1234567/banners")],
    "adsterra_publisher": [(f"/{path}.{format_}", {}) for format_ in ("json", "csv", "xml")
                           for path in ("domains", "placements", "smart-links")],
}  # fmt: skip
# What each read's first record is renamed through (as any write would, through the store).
RENAMED = {"binom": ("campaigns", 1, "name"), "peerclick": ("campaigns", 1, "name"),
           "adsterra_advertiser": ("campaigns", 1234567, "alias"), "adsterra_publisher": ("domains", 1385226, "title")}  # fmt: skip


def _record_api(name: str, binom: Any, peerclick: Any, client: Any, other: bool = False) -> Api:
    if name == "binom":
        return binom if not other else Api(binom.client, binom.base, BINOM_RESTRICTED, header="api-key", prefix="")
    if name == "peerclick":
        return (
            peerclick if not other else Api(peerclick.client, peerclick.base, PC_OTHER, header="api-token", prefix="")
        )
    base, token = {"adsterra_advertiser": (ADV, ADV_OTHER if other else ADV_TOKEN),
                   "adsterra_publisher": (PUB, PUB_OTHER if other else PUB_TOKEN)}[name]  # fmt: skip
    return Api(client, base, token, header="X-API-Key", prefix="")


RECORD_APIS = list(RECORD_READS)


@contextmanager
def nothing_kept(api: Api) -> Iterator[None]:
    """While it lasts, every answer is computed afresh: `Store.kept` keeps nothing (so no key can mix answers up)."""
    with mock.patch.object(type(api.state.store), "kept", lambda store, name, key, compute: compute()):
        yield


def fresh_answers(api: Api, corpus: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    with nothing_kept(api):
        return answers(api, corpus)()


@pytest.mark.parametrize("name", RECORD_APIS)
def test_record_reads_follow_a_write(name: str, binom: Api, peerclick: Api, client: Any) -> None:
    """Gets and lists are kept answers (`domain.kept`), each the answer computed afresh; a write to one of the
    API's records shows at once."""
    api = _record_api(name, binom, peerclick, client)
    table, record_id, field = RENAMED[name]
    corpus = RECORD_READS[name]
    before = answers(api, corpus)()
    assert answers(api, corpus)() == before == fresh_answers(api, corpus)  # the second time, kept
    records = api.state.store.table(name, table)
    records.update(records.owner_of(record_id), record_id, {field: "Renamed by the test"})
    served = answers(api, corpus)()
    assert served == fresh_answers(api, corpus)
    assert served != before


@pytest.mark.parametrize("name", RECORD_APIS)
def test_record_reads_follow_the_clock(name: str, binom: Api, peerclick: Api, client: Any) -> None:
    """No kept record read shows anything the clock decides (Binom's `with_traffic` list, the clicks of today, is
    not kept): after the clock passes a day's (and a year's) end, each answer served is the one computed afresh."""
    api = _record_api(name, binom, peerclick, client)
    corpus = RECORD_READS[name]
    answers(api, corpus)()
    api.state.clock.advance(366 * 86400 + 3600)
    assert answers(api, corpus)() == fresh_answers(api, corpus)


@pytest.mark.parametrize("name", RECORD_APIS)
def test_record_reads_are_the_callers_own(name: str, binom: Api, peerclick: Api, client: Any) -> None:
    """Another caller (another account; for Binom, the tracker's restricted user, on the same account) gets its own
    answers, not the ones kept for the first."""
    api, other = _record_api(name, binom, peerclick, client), _record_api(name, binom, peerclick, client, other=True)
    corpus = [
        (path, params) for path, params in RECORD_READS[name] if other.get(path, params=params).status_code == 200
    ]
    api.state.store.wrote(name)
    mine = answers(api, corpus)()  # kept for the first caller
    theirs = answers(other, corpus)()
    assert theirs == fresh_answers(other, corpus)
    assert mine == fresh_answers(api, corpus)
    assert theirs != mine


def test_a_kept_reads_key_names_every_argument_and_its_value() -> None:
    assert frozen({"limit": 2, "status": "all"}) == frozen({"limit": 2, "status": "all"})
    assert frozen({"limit": 2}) != frozen({"limit": 3}) != frozen({"offset": 3})
    assert frozen({"limit": 1}) != frozen({"limit": True})  # 1 == True, but not the same argument
    listed = frozen({"ids": [1, 2], "filter": {"a": [3]}})
    hash(listed)  # lists and objects become tuples: a key
    assert listed == frozen({"filter": {"a": [3]}, "ids": [1, 2]}) != frozen({"ids": [2, 1], "filter": {"a": [3]}})
