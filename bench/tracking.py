"""Benchmark of BannerTrackr's tracking pixel: hits per second next to a bare Starlette GIF, and memory per million hits.

    .venv/bin/python bench/tracking.py [--duration 3] [--warmup 1] [--rounds 5] [--connections 32] [--hits 1000000]
                                       [--before-src DIR] [--no-connexion] [--with-protocol] [--with-heap]

Throughput: each server runs as one uvicorn worker pinned to one CPU, wrk (installed with apt-get if missing)
runs pinned to another; every variant is warmed up, then measured for --duration seconds, in the same run and
round-robin for --rounds rounds (the median is reported; "vs bare" is the median of the same-round ratios, as
bench/run.py gives it), so a change of load on the machine hits all alike:

    bare       a bare Starlette endpoint returning the same GIF with the same headers (the reference)
    px         the mock's /api/track/px/{id}, answered by the gateway's fast route (counted hits)
    pixel.gif  the mock's /api/track/pixel.gif?p={id}, the form trackingUrls give (counted hits)
    connexion  the same pixel with fast routes off, through connexion's whole stack (for comparison; not with
               --no-connexion)
    bare, mock's protocol
               with --with-protocol: the bare endpoint served with the mock's HTTP protocol (uvicorn's httptools
               protocol with the request limits, `mockserver.http.http_limits`), so the table shows what that
               protocol costs apart from the mock's app (its process also builds a mock, for the protocol's limits)
    bare, mock's heap
               with --with-heap: the bare endpoint served by a process that has also built the mock (every API,
               seeded, its heap settled) and keeps it: what the mock's imports and memory alone cost a request
               that never runs the mock's code (caches and TLB shared with a larger heap)

The mock is served as users serve it, `mockserver serve` (one uvicorn worker: uvloop, httptools with the mock's
request limits, no access log, the heap settled before serving); the connexion variant is the app with fast routes
off, served by uvicorn from this file with the heap settled the same way. `--before-src DIR` serves another
checkout's `mockserver serve` too (`before px`, `before pixel.gif`), measured in the same rounds, so a change is
compared with what it changed under the same load.

Afterwards each mock's stats API is asked how many hits it counted, against what wrk completed. `--hits 0` skips
the memory measurement.

Memory: in process, --hits pixel hits through the tracking code on a fresh mock, spread over its active
placements and 30 days, every hit from a new visitor (the worst case for the unique-visitor sets). Reports
RSS growth, and tracemalloc's growth of live Python allocations in a second pass.

Prints a table and writes bench/results/tracking-<time>.json. A script, not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
import tracemalloc
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import ROOT, Load, cpus, ensure_wrk, measure, paired_ratio, round_robin, server, serving, write_results

from mockserver.apis.bannertrackr import tracking, traffic, views
from mockserver.apis.bannertrackr.images import PIXEL_GIF
from mockserver.app import create_app, settle_heap
from mockserver.context import RequestContext
from mockserver.settings import Settings

KEY = "bt_live_growth_read_write_demo"
BROWSER = {
    "User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
    "Accept": "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    "CF-IPCountry": "US",
}


# ---- the servers (uvicorn imports these from this file: `--app-dir bench tracking:<name>`)


async def _gif(request: Request) -> Response:
    return Response(PIXEL_GIF, media_type="image/gif", headers={"Cache-Control": "no-store"})


bare_app = Starlette(routes=[Route("/bannertrackr/api/track/px/{pixel_id}", _gif)])


def __getattr__(name: str) -> Any:
    # uvicorn resolves `--http tracking:limited_protocol` in the server's process, where the mock (whose documents
    # state the limits) is built; `mockserver.workers` hands its workers the protocol the same way.
    if name == "limited_protocol":
        from mockserver.http import http_limits

        return http_limits.protocol_for(create_app().state)
    raise AttributeError(name)


_held: list[Any] = []  # the mock `bare_in_mock_heap` builds, kept alive while the process serves


def bare_in_mock_heap() -> Starlette:
    _held.append(create_app())
    settle_heap()  # as `mockserver serve` does before serving
    return bare_app


def connexion_app() -> Any:
    app = create_app(Settings(fast_routes=False))
    settle_heap()  # as `mockserver serve` does before serving
    return app


# ---- throughput


def active_pixel(base: str) -> tuple[str, str]:
    """(placement id, pixel id) of an active placement, asked of the running mock through its Developer API."""
    response = httpx.get(f"{base}/bannertrackr/api/public/v1/placements", params={"status": "active", "limit": 1},
                         headers={"Authorization": f"Bearer {KEY}"})  # fmt: skip
    placement = response.json()["data"][0]
    return placement["id"], placement["pixelId"]


def impressions_today(base: str, placement_id: str) -> int:
    today = datetime.now(UTC).date().isoformat()
    url = f"{base}/bannertrackr/api/public/v1/placements/{placement_id}/stats"
    response = httpx.get(url, params={"from": today}, headers={"Authorization": f"Bearer {KEY}"})
    return int(response.json()["data"]["summary"]["impressions"])


def throughput(args: argparse.Namespace) -> dict[str, Any]:
    """Each variant --rounds times, round-robin, so a load change on the machine hits every variant alike."""
    binary = ensure_wrk()
    server_cpu, load_cpu = cpus()
    serve = [sys.executable, "-m", "mockserver", "serve", "--port"]  # run in the checkout it serves
    with ExitStack() as servers:
        bare = servers.enter_context(server("tracking:bare_app", server_cpu, factory=False))
        mocks = {"": servers.enter_context(serving(lambda port: [*serve, str(port)], server_cpu, cwd=ROOT))}
        if args.before_src is not None:
            before_src = args.before_src.resolve()
            mocks["before "] = servers.enter_context(
                serving(lambda port: [*serve, str(port)], server_cpu, cwd=before_src)
            )
        placement_id, pixel_id = active_pixel(mocks[""])
        loads = {"bare": Load(f"{bare}/bannertrackr/api/track/px/{pixel_id}", BROWSER)}
        for label, mock in mocks.items():
            loads[f"{label}px"] = Load(f"{mock}/bannertrackr/api/track/px/{pixel_id}", BROWSER)
            loads[f"{label}pixel.gif"] = Load(f"{mock}/bannertrackr/api/track/pixel.gif?p={pixel_id}", BROWSER)
        if args.with_protocol:
            limited = servers.enter_context(serving(lambda port: [
                sys.executable, "-m", "uvicorn", "tracking:bare_app", "--app-dir", str(ROOT / "bench"), "--port", str(port),
                "--log-level", "warning", "--no-access-log", "--loop", "uvloop", "--http", "tracking:limited_protocol",
            ], server_cpu))  # fmt: skip
            loads["bare, mock's protocol"] = Load(f"{limited}/bannertrackr/api/track/px/{pixel_id}", BROWSER)
        if args.with_heap:
            heavy = servers.enter_context(server("tracking:bare_in_mock_heap", server_cpu, factory=True))
            loads["bare, mock's heap"] = Load(f"{heavy}/bannertrackr/api/track/px/{pixel_id}", BROWSER)
        if not args.no_connexion:
            slow = servers.enter_context(server("tracking:connexion_app", server_cpu, factory=True))
            loads["connexion"] = Load(f"{slow}/bannertrackr/api/track/px/{pixel_id}", BROWSER)
        before = {label: impressions_today(mock, placement_id) for label, mock in mocks.items()}
        names = {id(load): name for name, load in loads.items()}
        completed: dict[str, int] = dict.fromkeys(loads, 0)  # by wrk, warm-ups included, every round

        def run(load: Load) -> dict[str, Any]:
            result = measure(binary, load_cpu, load, duration=args.duration, warmup=args.warmup,
                             connections=args.connections)  # fmt: skip
            completed[names[id(load)]] += result["requests"] + result["warmup_requests"]
            return result

        runs = round_robin(loads, args.rounds, run)
        counted = {}
        for label, mock in mocks.items():
            done = completed[f"{label}px"] + completed[f"{label}pixel.gif"]
            got = impressions_today(mock, placement_id) - before[label]
            # wrk stops with up to --connections requests in flight per run (warm-up and measured), which the mock
            # answers and counts after wrk stopped counting: more counted than completed, never fewer.
            in_flight = 2 * args.connections * args.rounds * 2
            counted[label.strip() or "mock"] = {"completed_by_wrk": done, "counted_by_mock": got,
                                                "every_hit_counted": done <= got <= done + in_flight}  # fmt: skip
    for name, run in runs.items():
        run["url"] = loads[name].url
    for run in runs.values():
        # The median of same-round ratios, as bench/run.py gives them; None when the rounds disagree.
        ratio, run["round_ratios"] = paired_ratio(run["rounds"], runs["bare"]["rounds"])
        run["vs_bare"] = None if ratio is None else round(ratio, 3)
    return {"cpus": {"server": server_cpu, "wrk": load_cpu}, "connections": args.connections, "duration_s": args.duration,
            "rounds": args.rounds, "runs": runs, "counting": counted,
            "before_src": None if args.before_src is None else str(args.before_src)}  # fmt: skip


# ---- memory


def _hits(app: Any, hits: int) -> dict[str, Any]:
    """`hits` pixel hits through the tracking code (as the gateway calls it), every one from a new visitor."""
    state = app.state
    api = state.apis["bannertrackr"]
    # Active and without an end date, so still counting 30 days on.
    table = state.store.table("bannertrackr", "placements")
    placements = [
        p for owner in table.owners() for p in table.rows(owner)
        if p["endDate"] is None and views.status(p, state.clock.now()) == "active"
    ]  # fmt: skip
    agents = [
        BROWSER["User-Agent"],
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0",
        "Mozilla/5.0 (iPad; CPU OS 17_4)",
    ]
    countries = "US GB DE FR CA AU NL IN BR ES IT SE PL JP MX KR".split()
    days, per_day = 30, -(-hits // 30)

    async def drive() -> None:
        for n in range(hits):
            if n and n % per_day == 0:
                state.clock.advance(86_400)
            headers = [
                (b"user-agent", agents[n % len(agents)].encode()),
                (b"cf-ipcountry", countries[n % len(countries)].encode()),
                (
                    b"x-forwarded-for",
                    b"10.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255),
                ),  # a new visitor each time
            ]
            scope = {
                "type": "http",
                "method": "GET",
                "headers": headers,
                "client": ("127.0.0.1", 1),
                "query_string": b"",
            }
            await tracking.pixel(RequestContext(state, api, scope), placements[n % len(placements)]["pixelId"])

    asyncio.run(drive())
    table = state.store.table("bannertrackr", traffic.TABLE)
    rows = [row for owner in table.owners() for row in table.rows(owner)]
    placement_days = sum(len(row["days"]) for row in rows)
    counted = sum(tally.counts.impressions for row in rows for tally in row["days"].values())
    assert counted == hits, (counted, hits)
    return {"placements": len(placements), "days": days, "placement_days": placement_days, "counted": counted}


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(hits: int) -> dict[str, Any]:
    frozen = datetime(2026, 6, 1, tzinfo=UTC).timestamp()
    app = create_app(Settings(clock_start=frozen))
    gc.collect()
    before = _rss()
    started = time.perf_counter()
    shape = _hits(app, hits)
    seconds = time.perf_counter() - started
    gc.collect()
    rss = _rss() - before
    del app
    gc.collect()
    app = create_app(Settings(clock_start=frozen))
    tracemalloc.start()
    traced_before = tracemalloc.get_traced_memory()[0]
    _hits(app, hits)
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] - traced_before
    tracemalloc.stop()
    return shape | {
        "hits": hits, "rss_growth_bytes": rss, "traced_growth_bytes": traced, "hits_per_second_in_process": round(hits / seconds),
    }  # fmt: skip


# ---- report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds measured per variant (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per variant (default %(default)s)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="round-robin rounds; medians are reported (default %(default)s)"
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default %(default)s)")
    parser.add_argument(
        "--hits", type=int, default=1_000_000, help="hits for the memory measurement (default %(default)s)"
    )
    parser.add_argument("--before-src", type=Path, default=None,
                        help="another checkout whose `mockserver serve` is measured in the same rounds")  # fmt: skip
    parser.add_argument("--no-connexion", action="store_true", help="leave out the connexion variant")
    parser.add_argument("--with-protocol", action="store_true",
                        help="add the bare endpoint served with the mock's HTTP protocol (request limits)")  # fmt: skip
    parser.add_argument("--with-heap", action="store_true",
                        help="add the bare endpoint served by a process that has built the mock and keeps it")  # fmt: skip
    args = parser.parse_args()

    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "python": sys.version.split()[0]}
    result["throughput"] = throughput(args)
    result["memory"] = memory(args.hits) if args.hits else None

    print(f"\nPixel hits per second: one uvicorn worker on CPU {result['throughput']['cpus']['server']}, "
          f"wrk -t1 -c{args.connections} on CPU {result['throughput']['cpus']['wrk']}, {args.duration} s after {args.warmup} s "
          f"warm-up, median of {args.rounds} round-robin rounds")  # fmt: skip
    print(
        f"{'variant':<22} {'req/s':>9} {'vs bare':>8} {'p50 ms':>9} {'p99 ms':>9} {'non-2xx':>8}  rounds (load after each)"
    )
    for name, run in result["throughput"]["runs"].items():
        rounds = " ".join(f"{rate:.0f} ({load})" for rate, load in zip(run["rounds"], run["load"], strict=True))
        versus = "disagree" if run["vs_bare"] is None else f"{run['vs_bare']:.2f}"
        ratios = " ".join(f"{ratio:.2f}" for ratio in run["round_ratios"])
        print(f"{name:<22} {run['requests_per_second']:>9.0f} {versus:>8} {run['latency_p50_ms']:>9} "
              f"{run['latency_p99_ms']:>9} {run['non_2xx']:>8}  {rounds}; ratios {ratios}")  # fmt: skip
    for label, counting in result["throughput"]["counting"].items():
        verdict = "every hit counted" if counting["every_hit_counted"] else "HITS MISSING OR EXTRA"
        print(f"{label}: counted {counting['counted_by_mock']} hits, wrk completed {counting['completed_by_wrk']} "
              f"(warm-ups included; those in flight as wrk stops are counted, not completed): {verdict}")  # fmt: skip
    mem = result["memory"]
    if mem is not None:
        print(f"\nMemory after {mem['hits']:,} counted hits ({mem['placements']} placements x {mem['days']} days = "
              f"{mem['placement_days']} placement-days, every hit a new visitor):")  # fmt: skip
        print(f"  RSS growth        {mem['rss_growth_bytes'] / 1e6:7.1f} MB")
        print(f"  tracemalloc       {mem['traced_growth_bytes'] / 1e6:7.1f} MB (live Python allocations)")
        print(f"  in-process rate   {mem['hits_per_second_in_process']:,} hits/s (tracking code only)")

    path = write_results("tracking", result)
    print(f"\nwritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
