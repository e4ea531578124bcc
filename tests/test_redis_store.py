"""Two mocks on one Redis, as two workers are: one state, exact counters, atomic cascades, resets seen by both."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.apis import ALL_APIS
from mockserver.apis.bannertrackr import traffic
from mockserver.kit.visitors import Visitor
from mockserver.mockstate import MockState
from mockserver.settings import Settings
from mockserver.state.store import OWNER

from . import redis_server
from .conftest import BT, FROZEN_AT, GROWTH_RW, Api, fresh, make_app

PREFIXES = itertools.count()


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
