"""Throughput of one worker in memory, one worker on Redis and two workers on Redis, for a read, a write and the
tracking pixel, measured in one run; and the Redis round trips each request costs.

    .venv/bin/python bench/workers.py [--duration 3] [--warmup 1] [--rounds 5] [--connections 32] [--hits 100000]
                                      [--before-src DIR]

Each deployment is `mockserver serve --no-rate-limits` (every API): in memory; `--store redis://...` with one
worker; `--workers 2 --store redis://...`. A fresh redis-server of the script's own (no persistence) holds the state.
On two CPUs: one worker is pinned to the first CPU, two workers to both; wrk (one thread) and redis-server are pinned
to the second, so two workers share their CPUs with the load generator and Redis. Cases, round-robin for --rounds
rounds, the round with the median rate reported; r1/m1 and r2/r1 are the medians of the same-round ratios, as
bench/run.py gives them ("disagree" when those rounds do):

    read      BannerTrackr GET /placements (a page of 50)
    write     BannerTrackr POST /sites, then DELETE of the site created (bench/lua/create_delete.lua)
    pixel     BannerTrackr's tracking pixel /api/track/px/{id} of an active placement (a counted hit)

Each run also records the share of a CPU the server used (warm-up included): what one worker leaves of its CPU is
time it waited for Redis, or lost to other processes on that CPU (one worker in memory shows how much of that);
and the packets Redis received per request under that load ("packets r1/r2": redis-server's read calls over the
requests wrk made, warm-up included; what a worker sends together, such as log entries ahead of a script, is one).
Round trips: in process, the same three requests through an app on the Redis store, counting the packets redis-py
sends (a pipeline or a script is one); with one worker, and with two apps on one state taking turns (each request
after one of the other worker's, so what it holds is behind by the other's writes); and with 8 requests started at
once on one worker's event loop, as a loaded worker gets them (requests that arrive together share a snapshot and a
log write: "trips, 8", per request, over 5 rounds). Hits: --hits pixel requests over
the two Redis workers, then the counted impressions, which must grow by exactly --hits. --before-src DIR adds another
checkout's three deployments to the same round-robin rounds (served from DIR by this interpreter), for a before and
after in one window, and its round trips. Prints a table and writes bench/results/workers-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from harness import ROOT, Load, cpus, ensure_wrk, free_port, measure, paired_ratio, round_robin, serving, write_results

BT = "/bannertrackr/api/public/v1"
KEY = "bt_live_pro_read_write_demo"  # Pro: unlimited placements, 50 sites (the write case stays below)
AUTH = {"Authorization": f"Bearer {KEY}"}
BENCH_SITE = "Benchmark site"  # the name bench/lua/create_delete.lua gives the sites it creates
AGENT = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"}


REDIS_PIDS: dict[str, int] = {}  # URL -> the process of `redis_server` serving it


@contextmanager
def redis_server(cpu: int) -> Iterator[str]:
    """A fresh redis-server pinned to `cpu`, in a temporary directory, without persistence; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server not found: `./dev test` installs it (Debian's redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        process = subprocess.Popen(["taskset", "-c", str(cpu), binary, "--port", str(port), "--bind", "127.0.0.1",
                                    "--dir", directory, "--save", "", "--appendonly", "no"],
                                   stdout=subprocess.DEVNULL)  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        REDIS_PIDS[url] = process.pid
        import redis

        client = redis.Redis.from_url(url)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)  # waiting for the process to listen
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def worker_cpu_times(marker: str) -> dict[int, int]:
    """CPU ticks used so far by each uvicorn worker of the server whose command line holds `marker`."""
    times = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if b"spawn_main" not in (entry / "cmdline").read_bytes():
                continue
            if marker.encode() not in Path(f"/proc/{stat[1]}/cmdline").read_bytes():
                continue
            times[int(entry.name)] = int(stat[11]) + int(stat[12])
        except (OSError, IndexError):
            continue
    return times


def server_seconds(port: int) -> float:
    """CPU seconds used so far by the server listening on `port` and its worker processes."""
    stats: dict[int, tuple[int, int]] = {}  # pid -> (parent pid, ticks)
    servers = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            stats[int(entry.name)] = (int(stat[1]), int(stat[11]) + int(stat[12]))
            if f"--port\0{port}\0".encode() in (entry / "cmdline").read_bytes():
                servers.add(int(entry.name))
        except (OSError, IndexError):
            continue
    ticks = sum(used for pid, (parent, used) in stats.items() if pid in servers or parent in servers)
    return ticks / os.sysconf("SC_CLK_TCK")


def measured(binary: str, cpu: int, load: Load, redis_pid: int, **options: Any) -> dict[str, Any]:
    """`measure`, with the share of a CPU the server used meanwhile (warm-up included): what one worker does not
    use of its CPU is time it waited (for Redis, here), or lost to other processes on that CPU; and the packets
    Redis received per request under that load (warm-up included): redis-server's read calls, one per packet it
    finds on a connection (commands a worker sends together are one), over the requests wrk made."""
    port = urlsplit(load.url).port
    assert port is not None
    used, started, read = server_seconds(port), time.monotonic(), read_calls(redis_pid)
    result = measure(binary, cpu, load, **options)
    share = (server_seconds(port) - used) / (time.monotonic() - started)
    packets = (read_calls(redis_pid) - read) / max(result["requests"] + result["warmup_requests"], 1)
    return result | {"server_cpu_share": round(share, 2), "redis_packets_per_request": round(packets, 3)}


def read_calls(pid: int) -> int:
    """The read system calls process `pid` has made so far (/proc/PID/io's syscr)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("syscr:"):
            return int(line.split()[1])
    return 0


def wait_for_workers(marker: str, count: int) -> None:
    """Until `count` workers run and have gone idle (their apps built: specs loaded, store joined)."""
    deadline, before = time.monotonic() + 240, worker_cpu_times(marker)
    while True:
        time.sleep(1)  # sampling CPU use, not synchronising with anything
        now = worker_cpu_times(marker)
        if len(now) >= count and all(now[pid] - before.get(pid, -1) <= 2 for pid in now):
            return
        if time.monotonic() > deadline:
            sys.exit(f"{count} workers did not start")
        before = now


def delete_leftover_sites(base: str) -> None:
    """Sites whose DELETE was never sent (wrk stopped first): left alone, they would reach the plan's 50 sites."""
    for site in httpx.get(f"{base}{BT}/sites", params={"limit": 100}, headers=AUTH).json()["data"]:
        if site["name"] == BENCH_SITE:
            httpx.delete(f"{base}{BT}/sites/{site['id']}", headers=AUTH)


def active_placement(base: str) -> tuple[str, str]:
    response = httpx.get(f"{base}{BT}/placements", params={"status": "active", "limit": 1}, headers=AUTH)
    placement = response.json()["data"][0]
    return placement["id"], f"/bannertrackr/api/track/px/{placement['pixelId']}"


def impressions(base: str, placement_id: str) -> int:
    today = datetime.now(UTC).date().isoformat()
    stats = httpx.get(f"{base}{BT}/placements/{placement_id}/stats", params={"from": today}, headers=AUTH)
    return int(stats.json()["data"]["summary"]["impressions"])


def round_trips(url: str, prefix: str = "roundtrips:", root: Path = ROOT) -> dict[str, float]:
    """Redis round trips per request of each case, in process: packets redis-py sends, over 50 requests each, with one
    worker ("read") and with two taking turns ("read/2"); and over 5 rounds of 8 requests started together on one
    worker's event loop ("read/8"), as a loaded worker gets them (`together`)."""
    import redis.connection

    sys.path.insert(0, str(root))
    from mockserver.app import create_app
    from mockserver.settings import Settings

    sent = [0]
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self: Any, command: Any, check_health: bool = True) -> None:
        sent[0] += 1
        original(self, command, check_health)

    made = Settings(store=url, store_prefix=prefix, enforce_rate_limits=False)
    clients = [create_app(made).test_client(), create_app(made).test_client()]
    _, pixel = active_placement_in(clients[0])
    cases: dict[str, Callable[[Any], Any]] = {
        "read": lambda client: client.get(f"{BT}/placements", headers=AUTH),
        "write": _create_delete,
        "pixel": lambda client: client.get(pixel, headers=AGENT),
    }
    counts = {}
    redis.connection.AbstractConnection.send_packed_command = counting  # type: ignore[method-assign]
    try:
        for name, request in cases.items():
            for label, turns in ((name, [clients[0]]), (f"{name}/2", clients)):
                for client in turns:
                    request(client)  # warm: the first request of a kind may read what later ones do not
                sent[0] = 0
                for number in range(50):
                    request(turns[number % len(turns)])
                counts[label] = sent[0] / (100 if name == "write" else 50)  # a write round is a POST and a DELETE
    finally:
        redis.connection.AbstractConnection.send_packed_command = original  # type: ignore[method-assign]
    for name, packets in together(clients[0].app, pixel).items():  # 5 rounds of 8 (a write round: 16 requests)
        counts[f"{name}/8"] = packets / (80 if name == "write" else 40)
    return counts


def together(app: Any, pixel: str, rounds: int = 5, count: int = 8) -> dict[str, int]:
    """Redis packets sent for `rounds` rounds of `count` requests of each case started at once on one event loop (as
    many connections' requests reach a loaded worker in one iteration): pages read, pixel hits, and for the write
    `count` site creations at once, then their deletions at once."""
    import asyncio

    import redis.connection

    sent = [0]
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self: Any, command: Any, check_health: bool = True) -> None:
        sent[0] += 1
        original(self, command, check_health)

    async def main() -> dict[str, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

            async def at_once(*requests: Any) -> list[httpx.Response]:
                return list(await asyncio.gather(*requests))

            async def write() -> None:
                body = {"name": BENCH_SITE, "type": "website"}
                created = await at_once(*(client.post(f"{BT}/sites", headers=AUTH, json=body) for _ in range(count)))
                ids = [response.json()["data"]["id"] for response in created]
                await at_once(*(client.delete(f"{BT}/sites/{site}", headers=AUTH) for site in ids))

            cases = {
                "read": lambda: at_once(*(client.get(f"{BT}/placements", headers=AUTH) for _ in range(count))),
                "write": write,
                "pixel": lambda: at_once(*(client.get(pixel, headers=AGENT) for _ in range(count))),
            }
            packets = {}
            for name, case in cases.items():
                await case()  # warm
                before = sent[0]
                for _ in range(rounds):
                    await case()
                packets[name] = sent[0] - before
            return packets

    redis.connection.AbstractConnection.send_packed_command = counting  # type: ignore[method-assign]
    try:
        return asyncio.run(main())
    finally:
        redis.connection.AbstractConnection.send_packed_command = original  # type: ignore[method-assign]


def round_trips_of(src: Path, url: str) -> dict[str, float]:
    """`round_trips` of the mock in `src` (another checkout), in a process of its own that imports that mock."""
    code = (f"import json, sys; sys.path[:0] = [{str(src)!r}, {str(ROOT / 'bench')!r}]; import workers; "
            f"from pathlib import Path; print(json.dumps(workers.round_trips({url!r}, 'roundtrips-before:', Path({str(src)!r}))))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], cwd=src, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def active_placement_in(client: Any) -> tuple[str, str]:
    placement = client.get(f"{BT}/placements", params={"status": "active", "limit": 1}, headers=AUTH).json()["data"][0]
    return placement["id"], f"/bannertrackr/api/track/px/{placement['pixelId']}"


def _create_delete(client: Any) -> None:  # the write case: a POST and the DELETE of what it created
    created = client.post(f"{BT}/sites", headers=AUTH, json={"name": BENCH_SITE, "type": "website"})
    assert created.status_code == 201, created.text
    assert client.delete(f"{BT}/sites/{created.json()['data']['id']}", headers=AUTH).status_code == 200


def hits_over_workers(base: str, hits: int, threads: int = 8) -> dict[str, Any]:
    """`hits` pixel requests from `threads` clients, each on fresh connections (spread over the workers), on another
    placement than the throughput runs' (whose last requests may still be in flight)."""
    response = httpx.get(f"{base}{BT}/placements", params={"status": "active", "limit": 2}, headers=AUTH)
    placement = response.json()["data"][1]
    placement, pixel = placement["id"], f"/bannertrackr/api/track/px/{placement['pixelId']}"
    before = impressions(base, placement)
    answered = [0] * threads
    started = time.perf_counter()

    def send(number: int) -> None:
        with httpx.Client(base_url=base, headers=AGENT, limits=httpx.Limits(max_keepalive_connections=0)) as client:
            for _ in range(hits // threads):
                answered[number] += client.get(pixel).status_code == 200

    workers = [threading.Thread(target=send, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    counted = impressions(base, placement) - before
    return {"sent": hits // threads * threads, "answered": sum(answered), "counted": counted,
            "lost": sum(answered) - counted, "seconds": round(seconds, 1)}  # fmt: skip


def _ratio(value: float | None) -> str:
    return f"{'disagree' if value is None else f'{value:.2f}':>9}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--hits", type=int, default=100_000, help="pixel hits over two Redis workers (0: skip)")
    parser.add_argument("--before-src", type=Path, help="another checkout, measured in the same rounds")
    args = parser.parse_args()
    binary = ensure_wrk()
    server_cpu, load_cpu = cpus()
    both = ",".join(str(cpu) for cpu in sorted(os.sched_getaffinity(0))[:2])
    serve = [sys.executable, "-m", "mockserver", "serve", "--no-rate-limits"]
    trees = {"": ROOT} | ({"before:": args.before_src.resolve()} if args.before_src else {})
    with ExitStack() as stack:
        url = stack.enter_context(redis_server(load_cpu))
        trips = {tree: round_trips(url) if src == ROOT else round_trips_of(src, url) for tree, src in trees.items()}
        deployments: dict[str, str] = {}
        for tree, src in trees.items():
            one, two = f"{tree or 'after:'}one:", f"{tree or 'after:'}two:"
            deployments |= {
                f"{tree}memory-1": stack.enter_context(serving(lambda port: [*serve, "--port", str(port)], server_cpu, cwd=src)),
                f"{tree}redis-1": stack.enter_context(serving(
                    lambda port, one=one: [*serve, "--port", str(port), "--store", url, "--store-prefix", one],
                    server_cpu, cwd=src)),
                f"{tree}redis-2": stack.enter_context(serving(
                    lambda port, two=two: [*serve, "--port", str(port), "--store", url, "--store-prefix", two,
                                           "--workers", "2"],
                    both, cwd=src)),  # type: ignore[arg-type]
            }  # fmt: skip
            wait_for_workers(two, 2)
        loads = {}
        for deployment, base in deployments.items():
            _, pixel = active_placement(base)
            after = lambda base=base: delete_leftover_sites(base)  # noqa: E731
            loads[f"read/{deployment}"] = Load(base + f"{BT}/placements", AUTH)
            loads[f"write/{deployment}"] = Load(
                base + f"{BT}/sites", AUTH, ROOT / "bench" / "lua" / "create_delete.lua", after
            )
            loads[f"pixel/{deployment}"] = Load(base + pixel, AGENT)
        runs = round_robin(loads, args.rounds, lambda load: measured(binary, load_cpu, load, REDIS_PIDS[url],
                                                                     duration=args.duration, warmup=args.warmup,
                                                                     connections=args.connections))  # fmt: skip
        hits = hits_over_workers(deployments["redis-2"], args.hits) if args.hits else None
    rates = {name: run["requests_per_second"] for name, run in runs.items()}
    loads_seen = [load for run in runs.values() for load in run["load"]]
    print(f"load average after each run: {min(loads_seen):.1f} to {max(loads_seen):.1f}")
    print(f"{'case':<16}{'memory, 1':>10}{'redis, 1':>10}{'redis, 2':>10}{'r1/m1':>9}{'r2/r1':>9}"
          f"{'trips, 1':>10}{'trips, 2':>10}{'trips, 8':>10}{'CPU m1/r1/r2':>16}{'packets r1/r2':>15}")  # fmt: skip
    table: dict[str, Any] = {}
    for tree in trees:
        for case in ("read", "write", "pixel"):
            m1, r1, r2 = (rates[f"{case}/{tree}{d}"] for d in ("memory-1", "redis-1", "redis-2"))
            m1s, r1s, r2s = (runs[f"{case}/{tree}{d}"]["rounds"] for d in ("memory-1", "redis-1", "redis-2"))
            over_memory, over_one = paired_ratio(r1s, m1s)[0], paired_ratio(r2s, r1s)[0]
            alone, turns, eight = trips[tree][case], trips[tree][f"{case}/2"], trips[tree][f"{case}/8"]
            table[f"{tree}{case}"] = {"memory_1": m1, "redis_1": r1, "redis_2": r2,
                                      "redis_1_over_memory_1": over_memory and round(over_memory, 2),
                                      "redis_2_over_redis_1": over_one and round(over_one, 2),
                                      "round_trips_per_request": alone, "round_trips_two_workers": turns,
                                      "round_trips_eight_together": eight}  # fmt: skip
            shares = [runs[f"{case}/{tree}{d}"]["server_cpu_share"] for d in ("memory-1", "redis-1", "redis-2")]
            table[f"{tree}{case}"]["server_cpu_share"] = shares
            packets = [runs[f"{case}/{tree}{d}"]["redis_packets_per_request"] for d in ("redis-1", "redis-2")]
            table[f"{tree}{case}"]["redis_packets_per_request"] = packets
            shown = (f"{turns:>10.1f}{eight:>10.2f}{'/'.join(f'{x:.2f}' for x in shares):>16}"
                     f"{'/'.join(f'{x:.2f}' for x in packets):>15}")  # fmt: skip
            print(
                f"{tree + case:<16}{m1:>10.0f}{r1:>10.0f}{r2:>10.0f}{_ratio(over_memory)}{_ratio(over_one)}{alone:>10.1f}{shown}"
            )
    if hits:
        print(f"pixel hits over 2 Redis workers: {hits}")
    path = write_results("workers", {"cases": table, "runs": runs, "hits": hits, "cpus": os.cpu_count(),
                                     "duration": args.duration, "rounds": args.rounds, "connections": args.connections,
                                     "before_src": str(args.before_src) if args.before_src else None})  # fmt: skip
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
