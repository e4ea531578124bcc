"""Two mocks on one Redis, as two workers are: one state, exact counters, atomic cascades, resets seen by both."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
import redis.connection

from mockserver.apis import ALL_APIS
from mockserver.apis.bannertrackr import traffic
from mockserver.apis.binom.seed import TRACKER
from mockserver.kit.visitors import Visitor
from mockserver.mockstate import MockState
from mockserver.settings import Settings
from mockserver.state.redis_store import CHANGES
from mockserver.state.requestlog import Filter, LoggedRequest
from mockserver.state.store import OWNER, Limit, LimitReached, Parent, ParentMissing

from . import redis_server
from .conftest import BINOM, BINOM_ADMIN, BT, FROZEN_AT, GROWTH_RW, STARTER_RW, Api, fresh, make_app

PREFIXES = itertools.count()
OWNER_OF_GROWTH = "user_123"  # the account of the Growth demo keys


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server.running() as url:
        yield url


@pytest.fixture(scope="module")
def pair(redis_url: str) -> tuple[Any, Any]:
    """Two apps ("workers") on one Redis state."""
    prefix = f"pair{next(PREFIXES)}:"
    return make_app(store=redis_url, store_prefix=prefix), make_app(store=redis_url, store_prefix=prefix)


@pytest.fixture
def workers(pair: tuple[Any, Any]) -> tuple[Api, Api]:
    one, other = pair
    fresh(one)  # resets the shared state: the other worker sees it too
    other.state.limiter.enforce = True
    return Api(one.test_client(), BT, GROWTH_RW), Api(other.test_client(), BT, GROWTH_RW)


def states(url: str, count: int, **settings: Any) -> list[MockState]:
    """`count` states on one Redis prefix, as `count` workers hold them."""
    prefix = f"states{next(PREFIXES)}:"
    made = Settings(store=url, store_prefix=prefix, clock_start=FROZEN_AT, **settings)
    return [MockState(made, ALL_APIS) for _ in range(count)]


@contextlib.contextmanager
def _round_trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the packets redis-py sends meanwhile (a script or a pipeline is one) in the list's one item."""
    sent = [0]
    send = redis.connection.AbstractConnection.send_packed_command

    def counting(self: Any, command: Any, check_health: bool = True) -> None:
        sent[0] += 1
        send(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    try:
        yield sent
    finally:
        monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", send)


def test_a_redis_state_is_seeded_as_the_in_memory_one(redis_url: str) -> None:
    shared = states(redis_url, 1)[0]
    assert shared.store.export() == MockState(Settings(clock_start=FROZEN_AT), ALL_APIS).store.export()


def test_create_on_one_worker_read_update_delete_on_the_other(workers: tuple[Api, Api]) -> None:
    one, other = workers
    created = one.post("/sites", json={"name": "Shared", "type": "website", "domain": "shared.example"})
    assert created.status_code == 201, created.text
    site = created.json()["data"]
    assert other.get(f"/sites/{site['id']}").json()["data"] == site
    renamed = other.put(f"/sites/{site['id']}", json={"name": "Renamed"})
    assert renamed.status_code == 200, renamed.text
    assert one.get(f"/sites/{site['id']}").json()["data"]["name"] == "Renamed"
    assert other.delete(f"/sites/{site['id']}").status_code == 200
    assert one.get(f"/sites/{site['id']}").status_code == 404


def test_a_cascade_is_seen_whole_by_the_other_worker(workers: tuple[Api, Api]) -> None:
    one, other = workers
    placements = [p for p in one.all("/placements") if p["site"]["id"] == "site_123"]
    assert placements
    deleted = other.delete("/sites/site_123")
    assert deleted.json()["deletedPlacements"] == len(placements)
    assert [p for p in one.all("/placements") if p["site"]["id"] == "site_123"] == []
    for placement in placements:
        assert one.get(f"/placements/{placement['id']}").status_code == 404


def test_a_reset_on_one_worker_is_seen_by_the_other(workers: tuple[Api, Api], pair: tuple[Any, Any]) -> None:
    one, other = workers
    site = one.post("/sites", json={"name": "Gone soon", "type": "website", "domain": "gone.example"}).json()["data"]
    pair[1].state.reset(7)
    assert one.get(f"/sites/{site['id']}").status_code == 404
    assert pair[0].state.data.seed == 7  # the seed, and what it derives, is the other worker's too
    pair[1].state.reset(1)


def test_the_clock_is_shared(pair: tuple[Any, Any], workers: tuple[Api, Api]) -> None:
    pair[0].state.clock.advance(3600)
    assert pair[1].state.clock.time() == FROZEN_AT + 3600
    pair[1].state.clock.unfreeze()
    assert not pair[0].state.clock.frozen


def test_ids_stay_unique_across_workers(redis_url: str) -> None:
    """Both workers create at once: integer ids are reserved in Redis, random ids drawn per worker."""
    one, other = states(redis_url, 2)
    users = [state.store.table("binom", "users") for state in (one, other)]
    ids = {table.next_int_id() for table in users for _ in range(5)}
    assert len(ids) == 10
    assert one.data.token(12) != other.data.token(12)


def test_a_rate_limit_window_of_n_allows_n_under_concurrent_workers(redis_url: str) -> None:
    """Four workers charge the same 200 buckets in the same order, so they race for each bucket's last place: a
    window of 2 lets exactly 2 of the 4 through in every bucket, never 3."""
    limit, workers, buckets = 2, 4, 200
    limiters = [state.limiter for state in states(redis_url, workers)]
    allowed = [[0] * buckets for _ in range(workers)]
    start = threading.Barrier(workers)

    def charge(number: int) -> None:
        start.wait()
        for bucket in range(buckets):
            allowed[number][bucket] = not limiters[number].charge(("bt", bucket), limit).exceeded

    threads = [threading.Thread(target=charge, args=(number,)) for number in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [sum(column) for column in zip(*allowed, strict=True)] == [limit] * buckets
    assert limiters[0].charge(("bt", 0), limit).remaining == 0
    limiters[1].reset()  # every worker's windows start again
    assert limiters[0].charge(("bt", 0), limit).remaining == limit - 1


def test_concurrent_tracking_hits_on_several_workers_are_all_counted(redis_url: str) -> None:
    workers, hits = 4, 250
    shared = states(redis_url, workers)
    placement = shared[0].store.table("bannertrackr", "placements").lookup_credential("plc_123")
    assert placement is not None
    tables = [state.store.table("bannertrackr", traffic.TABLE) for state in shared]
    start = threading.Barrier(workers)

    def hit(number: int) -> None:
        start.wait()
        for n in range(hits):
            visitor = Visitor(device="desktop", country="US", id=1 + number * hits + n)  # 0 is no visitor id
            traffic.record(tables[number], dict(placement), 20_000, "impressions", visitor)

    threads = [threading.Thread(target=hit, args=(number,)) for number in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    day = traffic.recorded(tables[0], placement[OWNER], placement["id"])
    counts = next(iter(day.values()))
    assert (counts.impressions, counts.unique_visitors) == (workers * hits, workers * hits)


def test_faults_for_the_next_n_requests_hit_n_whichever_worker_serves(redis_url: str) -> None:
    one, other = states(redis_url, 2)
    one.faults.add(api="bannertrackr", status=503, count=3)
    taken = [state.faults.take("bannertrackr", "listSites") for state in (one, other, one, other, one)]
    assert [fault is not None for fault in taken] == [True, True, True, False, False]
    assert one.faults.all() == []


def test_a_restarted_worker_finds_the_state_as_it_was(redis_url: str) -> None:
    one, _ = states(redis_url, 2)
    sites = one.store.table("bannertrackr", "sites")
    sites.add("user_growth", {"id": "site_kept", "name": "Kept", "domain": "kept.example"})
    again = MockState(one.settings, ALL_APIS)  # a worker started later, on the same Redis: not seeded again
    assert again.store.table("bannertrackr", "sites").get("user_growth", "site_kept") is not None
    assert len(again.store) == len(one.store)


def test_the_request_log_and_coverage_are_every_workers(workers: tuple[Api, Api], pair: tuple[Any, Any]) -> None:
    """A client's calls through either worker: one log to filter and verify, one coverage report."""
    one, other = workers
    assert one.get("/me").status_code == 200
    assert other.get("/sites/nope").status_code == 404
    admin = pair[1].test_client()
    listed = admin.get("/__admin/requests", params={"api": "bannertrackr", "operationId": "getMe"}).json()
    assert [(entry["operationId"], entry["status"]) for entry in listed] == [("getMe", 200)]
    report = pair[0].test_client().get("/__admin/coverage", params={"api": "bannertrackr"}).json()
    (api,) = report["apis"]
    hit = {entry["operationId"]: entry["exercised"] for entry in api["byOperation"] if entry["calls"]}
    assert hit == {"getMe": {"200": 1}, "getSite": {"404": 1}}


def test_a_reset_replaces_records_clock_limits_faults_and_log_in_one_step(redis_url: str) -> None:
    """While one worker resets, another reads every part of the state at once, again and again: each reading is all
    old (the changed state) or all new (the seeded one), never some parts of each."""
    one, other = states(redis_url, 2)
    sites = one.store.table("bannertrackr", "sites")
    prefix = one.settings.store_prefix

    def change() -> None:
        sites.add("user_growth", {"id": "site_changed", "name": "Changed", "domain": None})
        one.clock.advance(3600)
        one.limiter.charge(("bt", "reset-test"), 10)
        one.faults.add(api="bannertrackr", status=503)
        one.log.add(
            LoggedRequest(time="t", api="bannertrackr", method="GET", path="/x", status=200, key=None, durationMs=1)
        )

    def reading() -> tuple[bool, ...]:
        pipe = one.shared.redis.pipeline(transaction=True)  # type: ignore[union-attr]
        pipe.hexists(sites.key, orjson.dumps("site_changed"))  # type: ignore[attr-defined]
        pipe.hget(prefix + "clock", "frozen")
        pipe.get(prefix + "limits:generation")
        pipe.exists(prefix + "faults")
        pipe.exists(prefix + "log")
        changed, frozen, generation, faulty, logged = pipe.execute()
        return changed, float(frozen) != FROZEN_AT, generation, bool(faulty), bool(logged)

    seen: set[tuple[bool, ...]] = set()
    for _ in range(5):
        change()
        old = reading()
        assert old[:2] == (True, True) and old[3:] == (True, True)
        done = threading.Event()

        def reset(done: threading.Event = done) -> None:
            other.reset()
            done.set()

        resetting = threading.Thread(target=reset)
        resetting.start()
        while not done.is_set():
            seen.add(reading())
        resetting.join()
        new = reading()
        assert new[:2] == (False, False) and new[3:] == (False, False) and new[2] != old[2]
        assert seen <= {old, new}, seen - {old, new}
        seen.clear()


def test_two_workers_creating_the_last_site_a_plan_allows_create_one(
    workers: tuple[Api, Api], pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race, made to happen: worker one has checked the plan's limit (one site of room left) when worker two
    creates the last site; worker one's create must then be the plan-limit 403, checked again as it writes."""
    one, other = workers
    room = 10 - one.get("/me").json()["data"]["usage"]["sites"]  # the Growth plan's 10 sites
    for _ in range(room - 1):
        assert one.post("/sites", json={"name": "Filler", "type": "website"}).status_code == 201
    data = pair[0].state.data
    new_id = data.new_id
    raced: list[int] = []

    def racing(prefix: str, *args: Any, **kwargs: Any) -> str:
        if prefix == "site_" and not raced:  # after worker one's count, before its write
            raced.append(other.post("/sites", json={"name": "Other", "type": "website"}).status_code)
        return str(new_id(prefix, *args, **kwargs))

    monkeypatch.setattr(data, "new_id", racing)
    late = one.post("/sites", json={"name": "Late", "type": "website"})
    assert raced == [201]
    assert late.status_code == 403, late.text
    assert late.json()["current"] == 10
    assert other.get("/me").json()["data"]["usage"]["sites"] == 10


@pytest.mark.parametrize("shared", [False, True], ids=["memory", "redis"])
def test_a_limit_on_a_field_counts_only_the_records_holding_its_value(redis_url: str, shared: bool) -> None:
    state = states(redis_url, 1)[0] if shared else MockState(Settings(clock_start=FROZEN_AT), ALL_APIS)
    keys = state.store.table("bannertrackr", "keys")
    active = keys.count("user_starter", status="active")
    unique = Limit(active + 1, {"status": "active"})
    keys.add("user_starter", {"id": "k_revoked", "status": "revoked"}, limit=unique)  # not active: not counted
    keys.add("user_starter", {"id": "k_active", "status": "active"}, limit=unique)
    with pytest.raises(LimitReached) as refused:
        keys.add("user_starter", {"id": "k_more", "status": "active"}, limit=unique)
    assert refused.value.current == active + 1
    assert keys.get("user_starter", "k_more") is None
    keys.add("user_starter", {"id": "k_none"}, limit=Limit(1, {"status": None}))  # a missing field is None
    with pytest.raises(LimitReached):
        keys.add("user_starter", {"id": "k_none_2"}, limit=Limit(1, {"status": None}))


@pytest.mark.parametrize("shared", [False, True], ids=["memory", "redis"])
def test_an_updates_limit_counts_the_other_records_and_a_parent_must_be_live(redis_url: str, shared: bool) -> None:
    state = states(redis_url, 1)[0] if shared else MockState(Settings(clock_start=FROZEN_AT), ALL_APIS)
    users = state.store.table("binom", "users")
    first, second = list(users.rows(TRACKER))[:2]
    taken = Limit(1, {"login": first["login"]})
    assert users.update(TRACKER, first["id"], {"role": first["role"]}, limit=taken) is not None  # itself: not counted
    with pytest.raises(LimitReached) as refused:
        users.update(TRACKER, second["id"], {"login": first["login"]}, limit=taken)
    assert refused.value.current == 1
    assert users.get(TRACKER, second["id"])["login"] == second["login"]  # type: ignore[index]
    children = state.store.table("binom", "children")
    children.add(TRACKER, {"id": 1, "campaignId": 1}, parent=Parent("campaigns", 1))
    for missing in (Parent("campaigns", 10), Parent("campaigns", 999)):  # 10 is deleted (soft), 999 never was
        with pytest.raises(ParentMissing):
            children.add(TRACKER, {"id": 2, "campaignId": missing.record_id}, parent=missing)
    with pytest.raises(ParentMissing):  # another owner's record is no parent
        children.add("someone", {"id": 3, "campaignId": 1}, parent=Parent("campaigns", 1))
    assert [row["id"] for row in children.rows(TRACKER)] == [1] and children.get(TRACKER, 2) is None


def test_what_a_worker_holds_is_never_served_after_another_worker_wrote(workers: tuple[Api, Api]) -> None:
    """Worker one has read the sites list and a placement's stats (held, and kept); worker two renames a site, deletes
    another and counts a hit: worker one's next requests see all three."""
    one, other = workers
    first, second = one.all("/sites")[:2]
    placement = next(p for p in one.all("/placements") if p["status"] == "active")
    stats = f"/placements/{placement['id']}/stats"
    before = one.get(stats).json()["data"]["summary"]["impressions"]
    assert one.get(stats).json()["data"]["summary"]["impressions"] == before  # asked twice: kept, and the same
    sites = one.get("/me").json()["data"]["usage"]["sites"]
    assert other.put(f"/sites/{first['id']}", json={"name": "Renamed elsewhere"}).status_code == 200
    assert other.delete(f"/sites/{second['id']}").status_code == 200
    assert other.post("/sites", json={"name": "Added elsewhere", "type": "website"}).status_code == 201
    pixel = "/" + placement["trackingUrls"]["pixel"].split("/", 3)[3]
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
    assert other.client.get(pixel, headers=browser).status_code == 200
    listed = {site["id"]: site["name"] for site in one.all("/sites")}
    assert listed[first["id"]] == "Renamed elsewhere" and second["id"] not in listed
    assert "Added elsewhere" in listed.values() and one.get("/me").json()["data"]["usage"]["sites"] == sites
    assert one.get(f"/sites/{second['id']}").status_code == 404
    assert one.get(stats).json()["data"]["summary"]["impressions"] == before + 1


def test_a_request_costs_a_few_round_trips_whatever_it_reads(
    workers: tuple[Api, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted as the packets redis-py sends (a pipeline or a script is one), once the worker holds what it reads: a
    page of placements, each naming its site and advertiser, is the snapshot (which also counts the rate-limit charge
    the last request of its kind made, once one did) and the log."""
    one, other = workers

    def trips(request: Any) -> int:
        with _round_trips(monkeypatch) as sent:
            request()
        return sent[0]

    page = lambda: one.get("/placements", params={"limit": 50})  # noqa: E731
    page()  # the first of its kind: it reads what it shows, and its charge is a round trip of its own
    assert len(page().json()["data"]) > 5
    assert trips(page) == 2
    create = lambda: one.post("/sites", json={"name": "Counted", "type": "website"})  # noqa: E731
    create()
    assert trips(create) == 3  # the snapshot with the charge, the commit (with the plan's limit), the log
    assert trips(page) == 2  # its own write kept what it holds current
    assert other.put("/sites/site_123", json={"name": "Elsewhere"}).status_code == 200
    answers: list[Any] = []
    assert trips(lambda: answers.append(page())) == 2  # another worker's write: the snapshot brought the site
    assert {p["site"]["name"] for p in answers[0].json()["data"] if p["site"]["id"] == "site_123"} == {"Elsewhere"}
    active = next(p for p in answers[0].json()["data"] if p["status"] == "active")
    pixel = "/" + active["trackingUrls"]["pixel"].split("/", 3)[3]
    stats = f"/placements/{active['id']}/stats"
    counted = one.get(stats).json()["data"]["summary"]["impressions"]
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
    hit = lambda api: api.client.get(pixel, headers=browser)  # noqa: E731
    hit(one)
    hit(one)  # the first presumed commit loads its script
    # The presumed commit (the snapshot, the check and the tally's commit), then the hit's log entry (which the hits
    # answered in one iteration of the event loop share).
    assert trips(lambda: hit(one)) == 2
    hit(other)
    # The other worker's hit moved the counters: the presumed commit fails, and brings them with its snapshot; then the
    # tally's commit, with no read of the counters; then the log.
    assert trips(lambda: hit(one)) == 3
    assert trips(lambda: hit(one)) == 2
    assert one.get(stats).json()["data"]["summary"]["impressions"] == counted + 6
    for number in range(CHANGES + 1):  # further behind than Redis keeps changes: read again, once
        other.state.store.table("bannertrackr", "sites").update(OWNER_OF_GROWTH, "site_123", {"name": f"E{number}"})
    assert trips(page) > 2
    assert trips(page) == 2


def test_two_workers_creating_one_login_create_one_user(
    workers: tuple[Api, Api], pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race, made to happen: worker one has checked that Binom's login is free when worker two creates a user
    with it; worker one's create is then the 409 its check words, checked again as it writes."""
    one, other = (Api(app.test_client(), BINOM, BINOM_ADMIN, header="api-key", prefix="") for app in pair)
    users = pair[0].state.store.table("binom", "users")
    next_int_id = users.next_int_id
    raced: list[int] = []

    def racing() -> int:  # after worker one's check, before its write
        if not raced:
            raced.append(other.post("/user/create", json={"login": "twin", "password": "a-secret"}).status_code)
        return int(next_int_id())

    monkeypatch.setattr(users, "next_int_id", racing)
    late = one.post("/user/create", json={"login": "twin", "password": "a-secret"})
    assert raced == [200]
    assert late.status_code == 409, late.text
    assert [user["login"] for user in other.get("/identity/users/get").json()["users"]].count("twin") == 1


def test_reports_follow_clicks_and_postbacks_recorded_on_another_worker(pair: tuple[Any, Any]) -> None:
    """Worker one keeps Binom's report and stats (their sums too); worker two records a click, then its postback:
    worker one answers what computing afresh answers, never its kept sums (on Redis they are not folded)."""
    one_app, other_app = pair
    fresh(one_app)
    one, other = (Api(app.test_client(), BINOM, BINOM_ADMIN, header="api-key", prefix="") for app in pair)
    corpus = [("/report/campaign", {"datePreset": "today", "groupings[]": ["campaign", "geoCountry"]}),
              ("/stats/campaign", {"datePreset": "today"})]  # fmt: skip

    def answers() -> list[Any]:
        return [one.get(path, params=params).json() for path, params in corpus]

    before = answers()
    assert answers() == before  # kept
    link = urlsplit(other.get("/campaign/1/link").json()["link"])
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
    assert other.client.get(f"{link.path}?{link.query}", headers=browser, follow_redirects=False).status_code == 302
    one_app.state.clock.advance(60)  # shared: the click is in a period up to now
    clicked = answers()
    assert clicked != before
    click_id = next(iter(other_app.state.store.table("binom", "clicks").rows("tracker")))["id"]
    assert other.client.get("/binom/click", params={"cnv_id": click_id, "payout": "2.50"}).status_code == 200
    converted = answers()
    assert converted != clicked
    one_app.state.store._kept_held.clear()  # forget what worker one kept: computed afresh
    assert answers() == converted


def _before_write(monkeypatch: pytest.MonkeyPatch, table: Any, method: str, race: Any) -> list[Any]:
    """Make `race()` happen once, on another worker, between a handler's checks and its write `table.<method>`."""
    write = getattr(table, method)
    raced: list[Any] = []

    def racing(*args: Any, **kwargs: Any) -> Any:
        if not raced:
            raced.append(race())
        return write(*args, **kwargs)

    monkeypatch.setattr(table, method, racing)
    return raced


def _binom(pair: tuple[Any, Any]) -> tuple[Api, Api]:
    return tuple(Api(app.test_client(), BINOM, BINOM_ADMIN, header="api-key", prefix="") for app in pair)  # type: ignore[return-value]


@pytest.mark.parametrize("route", ["/user/change_login", "/user/2/edit"])
def test_a_login_changed_to_one_another_worker_takes_at_once_is_refused(
    workers: tuple[Api, Api], pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    """The race, made to happen: worker one has checked that the new login is free when worker two creates a user
    with it; worker one's change is then the 409 its check words, checked again as it writes (unique on update)."""
    one, other = _binom(pair)
    users = pair[0].state.store.table("binom", "users")
    raced = _before_write(monkeypatch, users, "update",
                          lambda: other.post("/user/create", json={"login": "twin", "password": "a-secret"}).status_code)  # fmt: skip
    late = one.put(route, json={"login": "twin"})
    assert raced == [200]
    assert late.status_code == 409, late.text
    assert [user["login"] for user in other.get("/identity/users/get").json()["users"]].count("twin") == 1


@pytest.mark.parametrize("write", ["create", "update", "restore"])
def test_two_workers_giving_campaigns_one_key_at_once_leave_one_live_campaign_with_it(
    workers: tuple[Api, Api], pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, write: str
) -> None:
    """The race, made to happen: worker one has checked that a campaign key is free (for a new campaign, campaign 1's
    update, deleted campaign 10's restore) when worker two gives it to a campaign of its own; worker one's write is
    then the 409 of Binom's key check, checked again as it writes."""
    one, other = _binom(pair)
    body = {"name": "Keyed", "trafficSourceId": 1, "costModel": "CPC", "amount": 0.02, "currency": "USD",
            "customRotation": {"defaultPaths": [], "rules": []}}  # fmt: skip
    campaigns = pair[0].state.store.table("binom", "campaigns")
    key = campaigns.get(TRACKER, 10)["key"] if write == "restore" else "twin-campaign-key"  # 10 is deleted
    raced = _before_write(monkeypatch, campaigns, "add" if write == "create" else "update",
                          lambda: other.post("/campaign", json={**body, "key": key}).status_code)  # fmt: skip
    if write == "create":
        late = one.post("/campaign", json={**body, "key": key})
    elif write == "update":
        late = one.put("/campaign/1", json={**body, "key": key})
    else:
        late = one.request("PATCH", "/campaign/10")
    assert raced == [200]
    assert late.status_code == 409, late.text
    live = [row for row in pair[1].state.store.table("binom", "campaigns").rows(TRACKER) if not row["deleted"]]
    assert [row["key"] for row in live].count(key) == 1


def test_a_placement_created_on_a_site_another_worker_deletes_at_once_is_refused(
    workers: tuple[Api, Api], pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race, made to happen: worker one has found the site when worker two deletes it; worker one's add then
    finds its parent gone as it writes, and answers the 404 of a missing site, leaving no orphan placement."""
    one, other = workers
    site = one.post("/sites", json={"name": "Doomed", "type": "website"}).json()["data"]["id"]
    data = pair[0].state.data
    new_id = data.new_id
    raced: list[int] = []

    def racing(prefix: str, *args: Any, **kwargs: Any) -> str:
        if prefix == "plc_" and not raced:  # after worker one's site check, before its write
            raced.append(other.delete(f"/sites/{site}").status_code)
        return str(new_id(prefix, *args, **kwargs))

    monkeypatch.setattr(data, "new_id", racing)
    late = one.post("/placements", json={"siteId": site, "name": "Orphan?"})
    assert raced == [200]
    assert late.status_code == 404, late.text
    assert late.json()["error"] == "Site not found"
    assert [p for p in other.all("/placements") if p["site"]["id"] == site] == []
    pixels = pair[1].state.store.table("bannertrackr", "pixels")
    placements = pair[1].state.store.table("bannertrackr", "placements")
    assert all(placements.get(OWNER_OF_GROWTH, row["placementId"]) for row in pixels.rows(OWNER_OF_GROWTH))


def test_a_site_deleted_while_another_worker_adds_a_placement_to_it_takes_the_placement_too(
    workers: tuple[Api, Api], pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race, made to happen: worker one's removal has read the site's placements (its cascade) when worker two
    adds one more; worker one's commit finds the cascade's read changed, runs again and removes that one too."""
    one, other = workers
    site = one.post("/sites", json={"name": "Doomed", "type": "website"}).json()["data"]["id"]
    assert one.post("/placements", json={"siteId": site, "name": "First"}).status_code == 201
    store = pair[0].state.store
    flush = store.flush
    raced: list[int] = []

    def racing(guard: Any = None, *, final: bool = False) -> Any:
        if final and not raced:  # the removal's one commit, its cascades gathered
            raced.append(other.post("/placements", json={"siteId": site, "name": "Late"}).status_code)
        return flush(guard, final=final)

    monkeypatch.setattr(store, "flush", racing)
    deleted = one.delete(f"/sites/{site}")
    assert raced == [201]
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["deletedPlacements"] == 2  # counted by the removal that took both, not before its retry
    assert [p for p in other.all("/placements") if p["site"]["id"] == site] == []
    pixels = pair[1].state.store.table("bannertrackr", "pixels")
    placements = pair[1].state.store.table("bannertrackr", "placements")
    assert all(placements.get(OWNER_OF_GROWTH, row["placementId"]) for row in pixels.rows(OWNER_OF_GROWTH))


def _pixel_of(api: Api) -> tuple[str, str]:
    """An active placement's id and its pixel's path."""
    placement = next(p for p in api.all("/placements") if p["status"] == "active")
    return placement["id"], "/" + placement["trackingUrls"]["pixel"].split("/", 3)[3]


BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def test_a_hit_on_what_a_worker_holds_counts_as_the_state_is_when_it_commits(workers: tuple[Api, Api]) -> None:
    """A pixel hit reads only what its worker holds, with no snapshot first; another worker pausing, resuming and
    deleting the placement meanwhile must count as it would on a snapshot: a paused placement's hit is not counted
    (the presumed commit finds the placements moved), a resumed one's is (a hit that wrote nothing checks what it read
    before it answers), and a deleted one's pixel is a 404 with no counters left behind."""
    one, other = workers
    placement, pixel = _pixel_of(one)
    stats = f"/placements/{placement}/stats"
    counted = lambda: other.get(stats).json()["data"]["summary"]["impressions"]  # noqa: E731
    for _ in range(2):
        assert one.client.get(pixel, headers=BROWSER).status_code == 200  # now held by worker one
    before = counted()
    assert other.put(f"/placements/{placement}", json={"status": "paused"}).status_code == 200
    assert one.client.get(pixel, headers=BROWSER).status_code == 200
    assert counted() == before  # worker one held it active: presumed, refused, answered on the snapshot
    assert other.put(f"/placements/{placement}", json={"status": "active"}).status_code == 200
    assert one.client.get(pixel, headers=BROWSER).status_code == 200
    assert counted() == before + 1  # worker one held it paused: no write to check, so checked before answering
    assert other.delete(f"/placements/{placement}").status_code == 200
    gone = one.client.get(pixel, headers=BROWSER)
    assert gone.status_code == 404, gone.text
    traffic_rows = other.state.store.table("bannertrackr", traffic.TABLE)
    assert traffic_rows.get(OWNER_OF_GROWTH, placement) is None


def test_a_hit_presumed_on_a_clock_another_worker_moved_counts_on_the_day_it_is_now(workers: tuple[Api, Api]) -> None:
    """Worker two moves the shared clock a day on; worker one, which read the clock before, counts its next hit on
    the new day (the presumed commit checks the clock's numbers too)."""
    one, other = workers
    placement, pixel = _pixel_of(one)
    for _ in range(2):
        assert one.client.get(pixel, headers=BROWSER).status_code == 200
    other.state.clock.advance(traffic.SECONDS_PER_DAY)
    assert one.client.get(pixel, headers=BROWSER).status_code == 200
    row = other.state.store.table("bannertrackr", traffic.TABLE).get(OWNER_OF_GROWTH, placement)
    assert traffic.day_number(other.state.clock.time()) in row["days"]


def test_requests_that_arrive_together_share_one_snapshot_that_sees_every_earlier_write(
    workers: tuple[Api, Api], pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight page reads started at once on one worker (one event loop iteration) wait for one snapshot, taken after
    they all began, and their eight log entries are written by one script: 2 round trips for the eight (the
    snapshot, which also counts their eight rate-limit charges, and the log), and each sees the rename another
    worker finished before."""
    import asyncio

    import httpx

    one, other = workers
    app = pair[0]
    page = f"{BT}/sites"
    headers = {"Authorization": f"Bearer {GROWTH_RW}"}

    async def together(count: int) -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return list(await asyncio.gather(*(client.get(page, headers=headers) for _ in range(count))))

    asyncio.run(together(2))  # this worker holds the sites
    assert other.put("/sites/site_123", json={"name": "Renamed together"}).status_code == 200
    snapshots = app.state._snapshots
    batches, waited = snapshots.batches, snapshots.waited
    logged = len(list(other.state.log.select(Filter(api="bannertrackr"))))
    with _round_trips(monkeypatch) as sent:
        answers = asyncio.run(together(8))
    assert snapshots.batches - batches == 1 and snapshots.waited - waited == 8
    assert sent[0] == 2
    assert len(list(other.state.log.select(Filter(api="bannertrackr")))) == logged + 8
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert {site["name"] for site in answer.json()["data"] if site["id"] == "site_123"} == {"Renamed together"}


@pytest.mark.parametrize("write", ["create", "update"])
def test_a_campaign_naming_a_traffic_source_another_worker_deletes_at_once_is_refused(
    workers: tuple[Api, Api], pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, write: str
) -> None:
    """The race, made to happen: worker one has found traffic source 2 for a new campaign (or campaign 1's update)
    when worker two deletes it (and its campaigns); worker one's write then finds it gone as it commits and answers
    the 404 naming it, leaving no live campaign on a deleted source."""
    one, other = _binom(pair)
    body = {"name": "On a doomed source", "trafficSourceId": 2, "costModel": "CPC", "amount": 0.02,
            "currency": "USD", "customRotation": {"defaultPaths": [], "rules": []}}  # fmt: skip
    campaigns = pair[0].state.store.table("binom", "campaigns")
    raced = _before_write(monkeypatch, campaigns, "add" if write == "create" else "update",
                          lambda: other.request("DELETE", "/traffic_source/2").status_code)  # fmt: skip
    late = one.post("/campaign", json=body) if write == "create" else one.put("/campaign/1", json=body)
    assert raced == [204]
    assert late.status_code == 404, late.text
    assert "Traffic source 2 not found" in late.text
    live = [row for row in pair[1].state.store.table("binom", "campaigns").rows(TRACKER) if not row["deleted"]]
    assert [row["id"] for row in live if row["trafficSourceId"] == 2] == []


def test_a_first_hit_presumed_adds_the_counters_then_counts_on_a_snapshot(
    workers: tuple[Api, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A placement's first hit on a worker that holds its counters as absent (its stats were read): the presumed
    commit adds the counters' row, and the count after it comes with a snapshot (no presumption runs twice past a
    write): counted once, in 3 round trips (the add, the snapshot, the count), and logged (a fourth)."""
    one, _ = workers
    active = [p for p in one.all("/placements") if p["status"] == "active"][:2]
    first, second = ("/" + p["trackingUrls"]["pixel"].split("/", 3)[3] for p in active)
    for _ in range(2):  # worker one holds the counters' table (and has loaded the presumed commit's script)
        assert one.client.get(first, headers=BROWSER).status_code == 200
    assert one.client.head(second, headers=BROWSER).status_code == 200  # and the second's pixel (a HEAD counts none)
    stats = f"/placements/{active[1]['id']}/stats"
    before = one.get(stats).json()["data"]["summary"]["impressions"]  # and its counters' row, absent
    with _round_trips(monkeypatch) as sent:
        assert one.client.get(second, headers=BROWSER).status_code == 200
    assert sent[0] == 4
    assert one.get(stats).json()["data"]["summary"]["impressions"] == before + 1


def _counters(state: Any) -> dict[bytes, int]:
    """Every rate-limit counter of the shared state, as Redis holds it now."""
    client = state.shared.redis
    keys = [key for key in client.keys(state.shared.prefix + "limits:*") if not key.endswith(b"generation")]
    return {key: int(value) for key, value in zip(keys, client.mget(keys), strict=True) if value is not None}


@pytest.mark.parametrize("moved", ["plan", "clock"])
def test_a_charge_predicted_on_what_another_worker_changed_is_not_counted(
    workers: tuple[Api, Api], monkeypatch: pytest.MonkeyPatch, moved: str
) -> None:
    """The snapshot counts a request's predicted charge only if the clock and the tables its prediction was read
    from (the key, the account) are as the worker last saw them. Here another worker changes the account's plan
    (another limit) or moves the clock into the next window between two reads: the second's snapshot must count
    nothing for it, so at the instant the request charges, no counter holds a charge it will not make, and nothing
    needs counting back."""
    one, other = workers
    state = one.state
    assert one.get("/sites").status_code == 200  # learns: a read of this key charges (key, read) at Growth's 120
    assert one.get("/sites").headers["X-RateLimit-Limit"] == "120"
    if moved == "plan":
        other.state.store.table("bannertrackr", "accounts").update(
            OWNER_OF_GROWTH, OWNER_OF_GROWTH, {"plan": "starter"}
        )
    else:
        other.state.clock.advance(60)
    before, refunds = _counters(state), state.limiter.refunds
    seen: list[dict[bytes, int]] = []
    charge = state.limiter._charge

    def charging(**kwargs: Any) -> Any:
        seen.append(_counters(state))  # what every other worker sees as this request charges
        return charge(**kwargs)

    monkeypatch.setattr(state.limiter, "_charge", charging)
    answer = one.get("/sites")
    assert answer.status_code == 200
    assert answer.headers["X-RateLimit-Limit"] == ("60" if moved == "plan" else "120")
    assert seen == [before]  # charged as it went: nothing was counted for it in advance
    assert state.limiter.refunds == refunds
    after = _counters(state)
    assert sum(after.values()) == sum(before.values()) + 1


def test_a_predicted_charge_the_request_does_not_make_is_counted_back(
    workers: tuple[Api, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests of one kind (this key, GET, no operation) charge differently: a path of no operation is charged to
    the key (a 404, as the real API checks keys first), the served spec document is not charged. The document's
    snapshot counted the charge the 404 made, so as it ends that one is counted back; the next 404 is charged as it
    goes (the document left no prediction), and the one after it in advance again."""
    one, _ = workers
    state = one.state
    document = lambda: one.client.get("/bannertrackr/openapi.json", headers={"Authorization": f"Bearer {GROWTH_RW}"})  # noqa: E731
    assert one.get("/no-such-path").status_code == 404
    remaining = int(one.get("/no-such-path").headers["X-RateLimit-Remaining"])
    before, refunds = _counters(state), state.limiter.refunds
    assert document().status_code == 200
    assert state.limiter.refunds == refunds + 1
    assert _counters(state) == before
    with _round_trips(monkeypatch) as sent:
        assert int(one.get("/no-such-path").headers["X-RateLimit-Remaining"]) == remaining - 1
    assert sent[0] == 3  # the snapshot, the charge (no prediction left for the kind), the log
    with _round_trips(monkeypatch) as sent:
        assert int(one.get("/no-such-path").headers["X-RateLimit-Remaining"]) == remaining - 2
    assert sent[0] == 2


def test_a_window_of_n_allows_n_reads_from_two_workers_charging_in_advance(
    pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers, each with rounds of 8 page reads arriving together (after the first round, their charges are
    counted by the rounds' snapshots, in advance), on a Starter key's 60 reads a minute: exactly 60 of the 96 are
    answered, the rest are 429s, and the charges cost no round trips of their own but the first round's."""
    import asyncio

    import httpx

    for app in pair:
        fresh(app)
        app.state.limiter.enforce = True
    headers = {"Authorization": f"Bearer {STARTER_RW}"}
    statuses: list[int] = []
    start = threading.Barrier(2)

    def worker(app: Any) -> None:
        async def rounds() -> None:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                start.wait()
                for _ in range(6):
                    answers = await asyncio.gather(*(client.get(f"{BT}/sites", headers=headers) for _ in range(8)))
                    statuses.extend(answer.status_code for answer in answers)

        asyncio.run(rounds())

    refunds = [app.state.limiter.refunds for app in pair]
    charged: list[int] = []  # charges sent on their own (not counted in advance by a snapshot)
    for app in pair:
        charge = app.state.limiter._charge
        monkeypatch.setattr(
            app.state.limiter, "_charge", lambda charge=charge, **kwargs: charged.append(1) or charge(**kwargs)
        )
    threads = [threading.Thread(target=worker, args=(app,)) for app in pair]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [200, 429]
    assert statuses.count(200) == 60
    assert [app.state.limiter.refunds for app in pair] == refunds  # none counted back: each was the one made
    assert len(charged) <= 2 * 8  # the first round's: no request of the kind had charged yet
    for app in pair:
        fresh(app)


def test_a_fault_set_on_one_worker_applies_to_the_pixel_hits_another_worker_holds(
    workers: tuple[Api, Api], pair: tuple[Any, Any]
) -> None:
    """Worker two serves a placement's pixel from what it holds (presumed, no snapshot first); a fault set through
    worker one's control API must reach it at once: a HEAD (which writes nothing, so its snapshot shows the fault)
    and a hit (whose presumed commit finds the fault and writes nothing) get the fault's status, and nothing is
    counted. Once the fault is cleared (on worker one again), worker two's next hit is counted again. A fault set for
    another API leaves the pixel counted."""
    one, other = workers
    admin = pair[0].test_client()
    placement, pixel = _pixel_of(other)
    counted = lambda: one.get(f"/placements/{placement}/stats").json()["data"]["summary"]["impressions"]  # noqa: E731
    for _ in range(2):
        assert other.client.get(pixel, headers=BROWSER).status_code == 200  # worker two holds the placement
    before = counted()
    made = admin.post("/__admin/faults", json={"api": "bannertrackr", "operationId": "trackPixel", "status": 500})
    assert made.status_code == 201, made.text
    assert other.client.head(pixel, headers=BROWSER).status_code == 500
    for _ in range(2):
        hit = other.client.get(pixel, headers=BROWSER)
        assert hit.status_code == 500, hit.text
        assert "Injected by the mock's fault controls" in hit.text, hit.text  # in the API's error body
    assert counted() == before
    assert admin.delete("/__admin/faults", headers={"Content-Type": "application/json"}).status_code == 200
    assert other.client.get(pixel, headers=BROWSER).status_code == 200
    assert counted() == before + 1
    assert admin.post("/__admin/faults", json={"api": "binom", "status": 500}).status_code == 201
    assert other.client.get(pixel, headers=BROWSER).status_code == 200
    assert other.client.get(pixel, headers=BROWSER).status_code == 200
    assert counted() == before + 3


def test_a_pixel_hit_presumed_before_another_workers_reset_counts_on_the_reset_state(
    workers: tuple[Api, Api], pair: tuple[Any, Any]
) -> None:
    """Worker two counts hits on what it holds; worker one resets the state (the seeded counters again, a new epoch);
    worker two's next hit, presumed on what it held before the reset, counts on the reset state (the seeded count
    plus one). And a placement worker one created, whose pixel and counters (none yet) worker two holds, is gone
    after the reset: worker two's first hit on it, presumed on what it held, is a 404 and adds no counters (only the
    presumed commit's check of the epoch and the versions can tell: the counters it adds were absent, and are)."""
    one, other = workers
    placement, pixel = _pixel_of(other)
    counted = lambda: one.get(f"/placements/{placement}/stats").json()["data"]["summary"]["impressions"]  # noqa: E731
    seeded = counted()
    for _ in range(3):
        assert other.client.get(pixel, headers=BROWSER).status_code == 200
    assert counted() == seeded + 3
    created = one.post("/placements", json={"siteId": "site_123", "name": "Gone with the reset"})
    assert created.status_code == 201, created.text
    fresh_one = created.json()["data"]
    fresh_pixel = "/" + fresh_one["trackingUrls"]["pixel"].split("/", 3)[3]
    assert other.get(f"/placements/{fresh_one['id']}/stats").status_code == 200  # worker two holds no counters
    assert other.client.head(fresh_pixel, headers=BROWSER).status_code == 200  # and the placement
    pair[0].state.reset(pair[0].state.settings.seed)
    assert other.client.get(fresh_pixel, headers=BROWSER).status_code == 404
    assert pair[0].state.store.table("bannertrackr", traffic.TABLE).get(OWNER_OF_GROWTH, fresh_one["id"]) is None
    assert counted() == seeded
    assert other.client.get(pixel, headers=BROWSER).status_code == 200
    assert counted() == seeded + 1


def test_the_redis_log_shows_each_entry_as_the_in_memory_log_does(pair: tuple[Any, Any]) -> None:
    """The Redis log stores the values each request left and makes its entry when read, on whichever worker reads
    it: the control API's listing (read on the other worker) is the in-memory log's, field for field (but the
    duration), for a keyed read with a query (its credential masked), a write with a body, a near miss, a token in
    the path, a pixel hit (answered ahead of the pipeline) and a header of bytes outside ASCII."""
    memory, shared = make_app(), pair[0]
    token = GROWTH_RW

    def calls(app: Any) -> list[dict[str, Any]]:
        fresh(app)
        api = Api(app.test_client(), BT, GROWTH_RW)
        assert api.get("/placements", params={"limit": 2, "api_key": token}).status_code == 200
        assert api.post("/sites", json={"name": "Logged", "type": "website"}).status_code == 201
        assert api.get("/sites", params={"limit": "many"}).status_code == 400
        assert api.get(f"/sites/{token}").status_code == 404
        _, pixel = _pixel_of(api)
        assert (
            app.test_client().get(pixel, headers={**BROWSER, "X-Odd": "caf\xe9".encode("latin-1")}).status_code == 200
        )
        reader = pair[1].test_client() if app is shared else app.test_client()
        listed = reader.get("/__admin/requests", params={"limit": 10}).json()
        return [{name: value for name, value in entry.items() if name != "durationMs"} for entry in listed]

    shown, expected = calls(shared), calls(memory)
    assert len(shown) == 5 + 1  # each call, and the page of placements `_pixel_of` read
    assert shown == expected
    assert any(entry["valid"] is False and entry["nearest"] for entry in shown)
    assert any(entry["body"] and "Logged" in entry["body"] for entry in shown)
    assert all(token not in str(entry) for entry in shown)


def test_log_entries_pending_as_a_snapshot_is_due_are_written_by_it(
    pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request ends (its log entry pending) in the same event loop iteration as another begins: the snapshot the
    beginning one waits for writes the entry too, one packet instead of two; an entry with no snapshot due is
    written on its own, and both are in the log, in order."""
    import asyncio

    state = pair[0].state
    fresh(pair[0])

    def entry(path: str) -> LoggedRequest:
        return LoggedRequest(time="t", api="bannertrackr", method="GET", path=path, status=200, key=None, durationMs=1)

    async def ending_and_beginning() -> None:
        state.log.add(entry("/carried"))
        await state.begin_together()
        state.end_request()

    async def ending() -> None:
        state.log.add(entry("/alone"))
        await asyncio.sleep(0)  # one iteration: the entry's own write
        await asyncio.sleep(0)

    asyncio.run(ending_and_beginning())  # the server has the scripts from now on
    asyncio.run(ending())
    state.log.clear()
    with _round_trips(monkeypatch) as sent:
        asyncio.run(ending_and_beginning())
    assert sent[0] == 1
    with _round_trips(monkeypatch) as sent:
        asyncio.run(ending())
    assert sent[0] == 1
    assert [logged.path for logged in state.log.select(Filter())] == ["/alone", "/carried"]


def test_a_write_carries_the_log_entries_pending_as_it_is_sent(
    pair: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request's write on the event loop sends the log entries of requests answered before it (not written yet)
    in the same packet: the write costs the packets it costs with nothing pending, and the entry is in Redis at once,
    before the log's own write would have run."""
    import asyncio

    state = pair[0].state
    fresh(pair[0])
    sites = state.store.table("bannertrackr", "sites")
    log_key = state.shared.prefix + "log"
    entry = LoggedRequest(
        time="t", api="bannertrackr", method="GET", path="/carried", status=200, key=None, durationMs=1
    )

    async def write(name: str, *, logged: bool) -> tuple[int, list[bytes]]:
        if logged:
            state.log.add(entry)
        with _round_trips(monkeypatch) as sent:
            sites.update(OWNER_OF_GROWTH, "site_123", {"name": name})
        return sent[0], state.shared.redis.lrange(log_key, 0, -1)

    asyncio.run(write("Warm", logged=True))  # the scripts are loaded from now on
    alone, before = asyncio.run(write("Alone", logged=False))
    carrying, after = asyncio.run(write("Carrying", logged=True))
    assert carrying == alone
    assert len(after) == len(before) + 1 and b"/carried" in after[0]
    assert [logged.path for logged in state.log.select(Filter())][0] == "/carried"


def test_log_entries_carried_to_a_server_that_lost_the_scripts_are_written_all_the_same() -> None:
    """Redis restarted or flushed its scripts: a write carrying the log's pending entries gets NOSCRIPT for both;
    each loads its script again, the write is made and the entry written (a server of its own: the flush would cost
    other tests' counted round trips a reload)."""
    import asyncio

    with redis_server.running() as url:
        (state,) = states(url, 1)
        sites = state.store.table("bannertrackr", "sites")
        entry = LoggedRequest(time="t", api="bannertrackr", method="GET", path="/lost", status=200, key=None,
                              durationMs=1)  # fmt: skip

        async def write() -> None:
            state.log.add(entry)
            sites.update(OWNER_OF_GROWTH, "site_123", {"name": "After a flush"})

        asyncio.run(write())  # both scripts loaded
        state.shared.redis.script_flush()
        asyncio.run(write())
        assert [logged.path for logged in state.log.select(Filter())] == ["/lost", "/lost"]
        assert sites.get(OWNER_OF_GROWTH, "site_123")["name"] == "After a flush"
