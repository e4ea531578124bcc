"""`mockserver serve --workers N --store redis://...`, as deployed: processes and hosts on one Redis share one state."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.apis import APIS
from contracts.runner import RunOptions, run

from . import redis_server
from .conftest import BINOM_ADMIN, BT, GROWTH_RW, PC_TOKEN
from .test_serve import _free_port, wait_until_serving

AUTH = {"Authorization": f"Bearer {GROWTH_RW}"}
# A new connection per request: the kernel hands each to whichever worker accepts first, so the load is spread.
NO_KEEPALIVE = httpx.Limits(max_keepalive_connections=0)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server.running() as url:
        yield url


@contextmanager
def deployed(
    url: str, workers: int, prefix: str, *options: str, log: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[Any]]]:
    """`mockserver serve --workers N --store URL` on a free port until the block ends; yields its base URL and
    process."""
    port = _free_port()
    env = {**os.environ, "MOCKSERVER_STORE": url}
    command = [sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--workers", str(workers),
               "--store-prefix", prefix, *options]  # fmt: skip
    output = open(log, "w") if log else subprocess.DEVNULL
    server = subprocess.Popen(command, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server, log, seconds=180)
        wait_for_workers(server, workers)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log:
            output.close()  # type: ignore[union-attr]


@contextmanager
def serving(url: str, workers: int, prefix: str, *options: str) -> Iterator[str]:
    with deployed(url, workers, prefix, *options) as (base, _):
        yield base


def worker_pids(server: subprocess.Popen[Any]) -> list[int]:
    """The uvicorn worker processes under `server` (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def wait_for_workers(server: subprocess.Popen[Any], count: int) -> None:
    """Until `count` workers run: uvicorn starts them one after another, the first may answer before the last."""
    import time

    deadline = time.monotonic() + 180
    while count > 1 and len(worker_pids(server)) < count:
        assert time.monotonic() < deadline, "workers did not start"
        time.sleep(0.1)


def test_two_hosts_share_one_state_and_a_restart_keeps_it(redis_url: str) -> None:
    """Two `serve` processes (as two hosts behind a load balancer): create on one, read, change, delete on the other;
    stop both, start one again on the same Redis, and the state is there."""
    with serving(redis_url, 1, "hosts:") as one, serving(redis_url, 1, "hosts:") as other:
        created = httpx.post(one + BT + "/sites", headers=AUTH, json={"name": "S", "type": "website", "domain": None})
        assert created.status_code == 201, created.text
        site = created.json()["data"]
        assert httpx.get(f"{other}{BT}/sites/{site['id']}", headers=AUTH).json()["data"] == site
        changed = httpx.put(f"{other}{BT}/sites/{site['id']}", headers=AUTH, json={"name": "T"})
        assert changed.json()["data"]["name"] == "T"
        kept = httpx.post(one + BT + "/sites", headers=AUTH, json={"name": "K", "type": "website", "domain": None})
        assert httpx.delete(f"{one}{BT}/sites/{site['id']}", headers=AUTH).status_code == 200
        assert httpx.get(f"{other}{BT}/sites/{site['id']}", headers=AUTH).status_code == 404
    with serving(redis_url, 1, "hosts:") as again:
        found = httpx.get(f"{again}{BT}/sites/{kept.json()['data']['id']}", headers=AUTH)
        assert found.status_code == 200 and found.json()["data"]["name"] == "K"
        assert httpx.post(f"{again}/__admin/reset", json={}).status_code == 200
        assert httpx.get(f"{again}{BT}/sites/{kept.json()['data']['id']}", headers=AUTH).status_code == 404


def _active_placement(base: str) -> tuple[str, str]:
    """An active placement's id and its pixel's path (hits on a paused one count nothing)."""
    listed = httpx.get(f"{base}{BT}/placements", headers=AUTH).json()["data"]
    placement = next(p for p in listed if p["status"] == "active")
    return placement["id"], "/" + placement["trackingUrls"]["pixel"].split("/", 3)[3]


def _impressions(base: str, placement_id: str) -> int:
    stats = httpx.get(f"{base}{BT}/placements/{placement_id}/stats", headers=AUTH)
    assert stats.status_code == 200, stats.text
    return int(stats.json()["data"]["summary"]["impressions"])


def _load(base: str, path: str, requests: int, threads: int, statuses: list[int], **headers: str) -> None:
    """`requests` GETs of `path` from `threads` threads, each status appended to `statuses` (0: no answer)."""

    def send(count: int) -> None:
        with httpx.Client(base_url=base, limits=NO_KEEPALIVE, headers=headers, timeout=30) as client:
            for _ in range(count):
                try:
                    statuses.append(client.get(path).status_code)
                except httpx.TransportError:
                    statuses.append(0)

    workers = [threading.Thread(target=send, args=(requests // threads,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


@pytest.fixture(scope="module")
def four_workers(redis_url: str) -> Iterator[str]:
    with serving(redis_url, 4, "four:") as base:
        yield base


def test_a_rate_limit_is_exact_over_four_workers(four_workers: str) -> None:
    """The Growth plan's 120 reads a minute, asked for 300 times at once through four workers: 120 answers, 180 429s."""
    assert httpx.post(f"{four_workers}/__admin/reset", json={}).status_code == 200
    assert httpx.put(f"{four_workers}/__admin/clock", json={"frozen": True}).status_code == 200  # one window
    statuses: list[int] = []
    _load(four_workers, BT + "/sites", 300, 12, statuses, **AUTH)
    assert (statuses.count(200), statuses.count(429), len(statuses)) == (120, 180, 300)


def test_tracking_hits_over_four_workers_are_all_counted(four_workers: str) -> None:
    assert httpx.post(f"{four_workers}/__admin/reset", json={}).status_code == 200
    placement, pixel = _active_placement(four_workers)
    before = _impressions(four_workers, placement)
    statuses: list[int] = []
    _load(four_workers, pixel, 4000, 8, statuses, **{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"})
    assert statuses.count(200) == 4000
    assert _impressions(four_workers, placement) - before == 4000


HITS, WRK_THREADS = 100_000, 2
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}  # a crawler's hits are not counted


def wrk() -> str:
    """wrk, the load generator (Debian's package, which ./dev test installs): required in CI, as redis-server is."""
    found = shutil.which("wrk")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("wrk is required in CI (./dev installs Debian's wrk)")
        pytest.skip("wrk is not installed (./dev test installs it)")
    return found


def test_100000_tracking_hits_over_four_workers_are_all_counted(four_workers: str) -> None:
    """100,000 pixel hits from 32 keep-alive connections (which the kernel hands to the four workers as they
    accept): every hit is answered, and the placement's impressions grow by exactly 100,000."""
    binary = wrk()
    assert httpx.post(f"{four_workers}/__admin/reset", json={}).status_code == 200
    placement, pixel = _active_placement(four_workers)
    before = _impressions(four_workers, placement)
    script = Path(__file__).parent / "lua" / "hits.lua"
    command = [binary, f"-t{WRK_THREADS}", "-c32", "-d600s", "-s", str(script),
               *(f"-H{name}: {value}" for name, value in BROWSER.items()), four_workers + pixel]  # fmt: skip
    env = {**os.environ, "HITS_PER_THREAD": str(HITS // WRK_THREADS)}
    output = []
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as load:
        assert load.stdout is not None
        for line in load.stdout:  # each thread says when its last hit is answered; wrk's wait for -d is cut short
            output.append(line)
            if sum("THREAD DONE" in seen for seen in output) == WRK_THREADS:
                load.send_signal(signal.SIGINT)
    assert load.returncode == 0, "".join(output)
    summary = next(line for line in output if line.startswith("HITS "))
    assert summary.split()[1:] == [f"sent={HITS}", f"ok={HITS}", "failed=0"], "".join(output)
    assert _impressions(four_workers, placement) - before == HITS


def test_killing_a_worker_mid_load_leaves_the_others_answering(redis_url: str) -> None:
    """One of two workers is killed while hits arrive: the requests it held are lost with it, every other is
    answered, and the count is exactly the hits answered plus at most those the dead worker counted unanswered."""
    log = Path(tempfile.gettempdir()) / f"mock-workers-{os.getpid()}.log"
    with deployed(redis_url, 2, "kill:", log=log) as (base, server):
        placement, pixel = _active_placement(base)
        before = _impressions(base, placement)
        statuses: list[int] = []
        load = threading.Thread(target=_load, args=(base, pixel, 3000, 6, statuses))
        load.start()
        while len(statuses) < 500:  # mid-load
            load.join(0.01)
        os.kill(worker_pids(server)[0], signal.SIGKILL)
        load.join()
        answered = statuses.count(200)
        assert set(statuses) <= {200, 0} and statuses.count(0) <= 6  # at most one in flight per client thread
        counted = _impressions(base, placement) - before
        assert answered <= counted <= len(statuses)


CONTRACT_KEYS = {"bannertrackr": GROWTH_RW, "binom": BINOM_ADMIN, "peerclick": PC_TOKEN}
CONTRACTS_LOG = Path(tempfile.gettempdir()) / f"mock-contracts-{os.getpid()}.log"


@pytest.fixture(scope="module")
def two_workers(redis_url: str) -> Iterator[str]:
    """Every API served by two workers on Redis, rate limits counted but never refusing (as for any long run)."""
    with deployed(redis_url, 2, "contracts:", "--no-rate-limits", log=CONTRACTS_LOG) as (base, _):
        yield base


@pytest.mark.parametrize("api", sorted(CONTRACT_KEYS))
def test_the_contract_suite_passes_against_two_workers_on_redis(two_workers: str, api: str) -> None:
    """Stateless and stateful phases, by URL, against a 2-worker deployment: a write answered by one worker is
    what the next request, served by either, finds."""
    options = RunOptions(
        api=APIS[api], base_url=two_workers + APIS[api].mock_path, auth=CONTRACT_KEYS[api], allow_writes=True,
        max_examples=3, seed=1, phases=("examples", "coverage", "fuzzing", "stateful"),
    )  # fmt: skip
    result = run(options)
    failed = result.exit_code != 0 or result.failures or result.cleanup_errors
    assert not failed, f"{result.failures}\n{CONTRACTS_LOG.read_text()[-6000:]}"
