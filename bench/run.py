"""The mock's speed next to a baseline measured the same way in the same run: throughput and latency, start-up,
memory and the contract suite's wall time.

    .venv/bin/python bench/run.py [--duration 3] [--warmup 1] [--rounds 5] [--connections 32] [--records 100000]
                                  [--only throughput,startup,memory,contracts] [--cases read,write,...]
                                  [--mock-src ../other-checkout] [--before-src ../main-clone] [--no-prism]
                                  [--prism-warmup 2]

Throughput: `mockserver serve --no-rate-limits` (every API, validation on as by default; rate limits counted but
never refusing the load) and a bare Starlette app that answers each request with the bytes the mock sent for it,
each one uvicorn worker pinned to one CPU; wrk (installed with apt-get if missing) pinned to the other, one thread.
Every case is warmed up, then measured --duration seconds, round-robin for --rounds rounds; the round with the
median rate is reported, and the ratio is the median of the same-round ratios (not the ratio of medians), left out
("rounds disagree") when those ratios, but for the highest and the lowest, are more than 1.5 times apart. The machine's load average is recorded before,
after and at each round's end. Next to the sites case, Prism 5 (`prism mock -v warn`, installed from the npm
registry into bench/.prism on first use) serves the same spec and path in the same rounds, after being driven in
rounds of --prism-warmup seconds, at least 4, until three successive ones agree within 10 % (at most 12; Node compiles its hot
code as it runs, so unwarmed, Prism's rounds climbed from 712 to 1,944 req/s in one run); `--before-src` adds
another checkout's mock (e.g. a clone of main) to the same rounds, for a before/after figure:

    sites       BannerTrackr GET /sites (one read per API: this and the next five)
    read        BannerTrackr GET /placements (a page of 50)
    binom       Binom GET /campaign/1
    peerclick   PeerClick GET /campaign
    advertiser  Adsterra Advertiser GET /campaigns.json
    publisher   Adsterra Publisher GET /domains.json
    write     BannerTrackr POST /sites, then DELETE of the site created (bench/lua/create_delete.lua)
    stats     BannerTrackr GET /placements/{id}/stats (31 days)
    report    Binom GET /report/campaign by campaign and country (last 7 days)
    csv       Adsterra Advertiser GET /stats.csv grouped by campaign (60 days, the first 60 kept)
    binom_stats, binom_info   Binom GET /stats/campaign and /info/campaign (last 7 days)
    pc_report PeerClick GET /report by campaign and country (the last 7 days to now)
    adv_json, adv_xml         Adsterra Advertiser GET /stats.json and .xml, as the csv case
    pub_json, pub_csv, pub_xml   Adsterra Publisher GET /stats.{json,csv,xml} grouped by domain (the same 60 days)

Start-up: process start to the first 200, `mockserver serve` (every API) against uvicorn serving the bare app;
the median of 5 starts each, alternating. Memory: peak RSS of a fresh process after building the app, and after
--records placements created through BannerTrackr's handler; the baseline is a process holding the bare app and
the same records in a plain dict. Contracts: `contracts run --api X` for every API at its defaults, one after
the other, each starting the mock in its own process (there is no baseline: the target is under 3 minutes).

Prints a table with each figure, its baseline and the ratio, and writes bench/results/run-<time>.json to compare
between commits. A script, not a test: absolute figures depend on the machine and what else runs on it; the
ratio to the baseline measured alongside is the figure to read.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from harness import (
    ROOT,
    Load,
    cpus,
    ensure_prism,
    ensure_wrk,
    free_port,
    measure,
    median,
    paired_ratio,
    peak_rss,
    round_robin,
    server,
    serving,
    warm_until_steady,
    write_results,
)

BT = "/bannertrackr/api/public/v1"
BT_KEY = "bt_live_pro_read_write_demo"  # Pro: unlimited placements, 50 sites (the write case stays below)
BT_STATS_KEY = "bt_live_growth_read_write_demo"  # owns the doc's placement plc_123
BENCH_SITE = "Benchmark site"  # the name bench/lua/create_delete.lua gives the sites it creates
ADV_KEY = "adsterraadvertiserdemo0000000001"
PUB_KEY = "adsterrapublisherdemo00000000001"
PRISM = "@stoplight/prism-cli@5"  # the static mock the issue compares with, from the npm registry
APIS = ("bannertrackr", "binom", "peerclick", "adsterra_advertiser", "adsterra_publisher")


def cases() -> dict[str, dict[str, Any]]:
    """Per case: what wrk sends to the mock, and the route(s) of the bare app that answer it."""
    auth = {"Authorization": f"Bearer {BT_KEY}"}
    binom = {"api-key": "binom_admin_demo_key"}
    adsterra = "start_date=2024-12-01&finish_date=2025-01-29"  # the first 60 kept days, as the csv case
    week_ago = (datetime.now(UTC).date() - timedelta(days=7)).isoformat()  # the mock's clock starts at the real time
    return {
        "sites": {"path": f"{BT}/sites", "headers": auth, "prism": ("bannertrackr.yaml", "/api/public/v1/sites")},
        "read": {"path": f"{BT}/placements", "headers": auth},
        "binom": {"path": "/binom/public/api/v1/campaign/1", "headers": binom},
        "peerclick": {"path": "/peerclick/v1/campaign", "headers": {"api-token": "pc_demo_api_token"}},
        "advertiser": {"path": "/adsterra/advertiser/campaigns.json", "headers": {"X-API-Key": ADV_KEY}},
        "publisher": {"path": "/adsterra/publisher/domains.json", "headers": {"X-API-Key": PUB_KEY}},
        "write": {"path": f"{BT}/sites", "headers": auth, "script": ROOT / "bench" / "lua" / "create_delete.lua"},
        "stats": {"path": f"{BT}/placements/plc_123/stats", "headers": {"Authorization": f"Bearer {BT_STATS_KEY}"}},
        "report": {"path": "/binom/public/api/v1/report/campaign?datePreset=last_7_days&groupings[]=campaign&groupings[]=geoCountry",
                   "headers": binom},
        "csv": {"path": "/adsterra/advertiser/stats.csv?start_date=2024-12-01&finish_date=2025-01-29&group_by=campaign",
                "headers": {"X-API-Key": ADV_KEY}},
        # the rest of the reports and stats issue #17 lists (bench/inprocess.py has the same cases)
        "binom_stats": {"path": "/binom/public/api/v1/stats/campaign?datePreset=last_7_days", "headers": binom},
        "binom_info": {"path": "/binom/public/api/v1/info/campaign?datePreset=last_7_days", "headers": binom},
        "pc_report": {"path": f"/peerclick/v1/report?groupBy=campaign&groupBy=country&from={week_ago}",
                      "headers": {"api-token": "pc_demo_api_token"}},
        "adv_json": {"path": f"/adsterra/advertiser/stats.json?{adsterra}&group_by=campaign", "headers": {"X-API-Key": ADV_KEY}},
        "adv_xml": {"path": f"/adsterra/advertiser/stats.xml?{adsterra}&group_by=campaign", "headers": {"X-API-Key": ADV_KEY}},
        "pub_json": {"path": f"/adsterra/publisher/stats.json?{adsterra}&group_by=domain", "headers": {"X-API-Key": PUB_KEY}},
        "pub_csv": {"path": f"/adsterra/publisher/stats.csv?{adsterra}&group_by=domain", "headers": {"X-API-Key": PUB_KEY}},
        "pub_xml": {"path": f"/adsterra/publisher/stats.xml?{adsterra}&group_by=domain", "headers": {"X-API-Key": PUB_KEY}},
    }  # fmt: skip


def record_answers(mock: str, spec: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Ask the running mock each case once; the bare app will send exactly these bytes."""
    answers = []

    def keep(path: str, methods: list[str], response: httpx.Response) -> None:
        if response.status_code >= 300:
            sys.exit(f"the mock answered {response.status_code} to {methods} {path}: {response.text[:300]}")
        answers.append({"path": path.split("?")[0], "methods": methods, "status": response.status_code,
                        "content_type": response.headers["content-type"],
                        "body": base64.b64encode(response.content).decode()})  # fmt: skip

    for name, case in spec.items():
        url = mock + case["path"]
        if name == "write":
            created = httpx.post(url, headers=case["headers"], json={"name": BENCH_SITE, "type": "website"})
            keep(case["path"], ["POST"], created)
            site = created.json()["data"]["id"]
            keep(case["path"] + "/{site_id}", ["DELETE"], httpx.delete(f"{url}/{site}", headers=case["headers"]))
        else:
            keep(case["path"], ["GET"], httpx.get(url, headers=case["headers"]))
    return answers


def _delete_leftover_sites(mock: str) -> None:
    """Sites whose DELETE was never sent (wrk stopped first): left alone, they would reach the plan's 50 sites."""
    headers = {"Authorization": f"Bearer {BT_KEY}"}
    sites = httpx.get(f"{mock}{BT}/sites", params={"limit": 100}, headers=headers).json()["data"]
    for site in sites:
        if site["name"] == BENCH_SITE:
            httpx.delete(f"{mock}{BT}/sites/{site['id']}", headers=headers)


def throughput(args: argparse.Namespace) -> dict[str, Any]:
    binary = ensure_wrk()
    server_cpu, load_cpu = cpus()
    spec = {name: case for name, case in cases().items() if name in args.cases.split(",")}
    with ExitStack() as stack:
        # Exactly what users run: `mockserver serve` is one uvicorn worker (uvloop, httptools, no access log).
        serve = [sys.executable, "-m", "mockserver", "serve", "--no-rate-limits", "--port"]
        mock = stack.enter_context(serving(lambda port: [*serve, str(port)], server_cpu, cwd=args.mock_src))
        before = None
        if args.before_src is not None:  # the same cases on another checkout's mock, interleaved in the same rounds
            before = stack.enter_context(serving(lambda port: [*serve, str(port)], server_cpu, cwd=args.before_src))
        bodies = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "bodies.json"
        bodies.write_text(json.dumps(record_answers(mock, spec)))
        bare = stack.enter_context(
            server("apps:bare_app", server_cpu, factory=True, env={"BENCH_BARE_BODIES": str(bodies)})
        )
        loads = {}
        prisms: dict[str, str] = {}
        for name, case in spec.items():
            if "prism" in case and not args.no_prism:
                document, path = case["prism"]
                prism = [ensure_prism(PRISM), "mock", "-h", "127.0.0.1", "-v", "warn", str(ROOT / "openapi" / document)]
                prisms[name] = (
                    stack.enter_context(serving(lambda port, p=prism: [*p, "-p", str(port)], server_cpu)) + path
                )
        for name, case in spec.items():
            for variant, base in (("mock", mock), ("bare", bare), ("before", before)):
                if base is None:
                    continue
                after = (lambda b=base: _delete_leftover_sites(b)) if name == "write" and variant != "bare" else None
                loads[f"{name}/{variant}"] = Load(base + case["path"], case["headers"], case.get("script"), after)
            if name in prisms:
                loads[f"{name}/prism"] = Load(prisms[name], case["headers"])
        # Prism speeds up for its first thousands of requests (712 to 1,944 req/s across one run's rounds): warmed
        # up first, so its measured rounds are of the same, warm server.
        warmups = {
            name: warm_until_steady(binary, load_cpu, loads[f"{name}/prism"], seconds=args.prism_warmup,
                                    connections=args.connections)
            for name in prisms
        }  # fmt: skip
        for name, rates in warmups.items():
            print(f"{name}/prism warmed up: {len(rates)} rounds of {args.prism_warmup} s, "
                  f"{', '.join(f'{rate:,.0f}' for rate in rates)} req/s", flush=True)  # fmt: skip
        load_before = os.getloadavg()
        runs = round_robin(loads, args.rounds, lambda load: measure(binary, load_cpu, load, duration=args.duration,
                                                                    warmup=args.warmup, connections=args.connections))  # fmt: skip
    results = {}
    for name, case in spec.items():
        mine, base = runs[f"{name}/mock"], runs[f"{name}/bare"]
        ratio, ratios = paired_ratio(mine["rounds"], base["rounds"])
        results[name] = {"path": case["path"], "mock": mine, "bare": base, "ratio": ratio, "round_ratios": ratios}
        if f"{name}/before" in runs:
            earlier = runs[f"{name}/before"]
            then, then_ratios = paired_ratio(earlier["rounds"], base["rounds"])
            results[name] |= {"before": earlier, "before_ratio": then, "round_ratios_before": then_ratios}
        if f"{name}/prism" in runs:
            prism_run = runs[f"{name}/prism"]
            versus, prism_ratios = paired_ratio(mine["rounds"], prism_run["rounds"])
            results[name] |= {"prism": prism_run, "vs_prism": versus, "round_ratios_prism": prism_ratios,
                              "prism_warmup_rounds": warmups[name]}  # fmt: skip
    return {"cpus": {"server": server_cpu, "wrk": load_cpu}, "connections": args.connections,
            "duration_s": args.duration, "warmup_s": args.warmup, "rounds": args.rounds, "cases": results,
            "load_average_before": load_before, "load_average_after": os.getloadavg()}  # fmt: skip


def _time_to_first_200(command: list[str], url: str, env: dict[str, str], cwd: Path = ROOT) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 60
        while time.perf_counter() < deadline:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                break
            time.sleep(0.005)
        raise SystemExit(f"{command} gave no 200 in time")
    finally:
        process.terminate()
        process.wait(timeout=10)


def startup(mock_src: Path, repeats: int = 5) -> dict[str, Any]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    # As pip leaves an installed package (and ./dev its checkout): with bytecode, so a start measures the start, not
    # compiling the mock from source, which a PYTHONDONTWRITEBYTECODE environment would otherwise do on every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "mockserver"], cwd=mock_src, check=True)
    bodies = Path(tempfile.mkdtemp()) / "bodies.json"
    bodies.write_text("[]")
    times: dict[str, list[float]] = {"mock": [], "bare": []}
    for _ in range(repeats):
        port = free_port()
        mock = [sys.executable, "-m", "mockserver", "serve", "--port", str(port)]
        times["mock"].append(_time_to_first_200(mock, f"http://127.0.0.1:{port}/", env, mock_src))
        port = free_port()
        bare = [sys.executable, "-m", "uvicorn", "apps:bare_app", "--factory", "--app-dir", str(ROOT / "bench"),
                "--port", str(port), "--log-level", "warning"]  # fmt: skip
        times["bare"].append(
            _time_to_first_200(bare, f"http://127.0.0.1:{port}/", {**env, "BENCH_BARE_BODIES": str(bodies)})
        )
    result = {
        name: {"median_s": round(median(values), 3), "runs_s": [round(v, 3) for v in values]}
        for name, values in times.items()
    }
    return result | {"ratio": round(result["mock"]["median_s"] / result["bare"]["median_s"], 3)}


# ---- memory, measured in a fresh child process each (`run.py --memory-child mock|bare N`)


def _placement_body(site_id: str, n: int) -> dict[str, Any]:
    return {"siteId": site_id, "name": f"Benchmark placement {n}", "destinationUrl": "https://example.com/landing"}


def memory_child(kind: str, records: int) -> None:
    from apps import bare_app, mock_app

    app = mock_app() if kind == "mock" else bare_app()
    gc.collect()
    after_start = peak_rss()
    if kind == "mock":
        from mockserver.apis.bannertrackr import handlers
        from mockserver.context import Principal, RequestContext

        state = app.state
        scope = {"type": "http", "method": "POST", "headers": [(b"host", b"127.0.0.1:8000")], "scheme": "http"}
        ctx = RequestContext(state, state.apis["bannertrackr"], scope, principal=Principal("user_pro", "bench"))
        sites = [site["id"] for site in state.store.table("bannertrackr", "sites").rows("user_pro")]

        async def create() -> None:
            for n in range(records):
                await handlers.create_placement(ctx, _placement_body(sites[n % len(sites)], n))

        asyncio.run(create())
    else:
        # The records the mock stores (a placement and its pixel), as plain dicts: what the data alone takes.
        utm = dict.fromkeys(("source", "medium", "campaign", "term", "content"))
        kept = {}
        for n in range(records):
            placement, pixel = f"plc_{n:010d}", f"{n:012d}"
            kept[placement] = {"id": placement, **_placement_body("site_123", n), "hostedImageUrl": None, "status": "active",
                               "startDate": None, "endDate": None, "renewalDate": None, "rate": None, "billingModel": None,
                               "currency": "USD", "advertiserId": None, "utm": dict(utm), "pixelId": pixel,
                               "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
                               "_owner": "user_pro", "_seq": n}  # fmt: skip
            kept[pixel] = {"id": pixel, "placementId": placement, "_owner": "user_pro", "_seq": n}
    gc.collect()
    print(json.dumps({"after_start_bytes": after_start, "after_records_bytes": peak_rss()}))


def memory(records: int) -> dict[str, Any]:
    result: dict[str, Any] = {"records": records}
    for kind in ("mock", "bare"):
        command = [sys.executable, str(ROOT / "bench" / "run.py"), "--memory-child", kind, str(records)]
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
        result[kind] = json.loads(out.strip().splitlines()[-1])
    for stage in ("after_start_bytes", "after_records_bytes"):
        result[f"ratio_{stage.removesuffix('_bytes')}"] = round(result["mock"][stage] / result["bare"][stage], 3)
    return result


def contracts() -> dict[str, Any]:
    times = {}
    for api in APIS:
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "contracts", "run", "--api", api], cwd=ROOT,
                             env={**os.environ, "PYTHONWARNINGS": "ignore"}, capture_output=True, text=True)  # fmt: skip
        times[api] = {"seconds": round(time.perf_counter() - started, 1), "exit_code": run.returncode}
    return {"apis": times, "total_s": round(sum(t["seconds"] for t in times.values()), 1)}


# ---- report


def table(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for name, case in result.get("throughput", {}).get("cases", {}).items():
        mine, base = case["mock"], case["bare"]
        ratio = "rounds disagree" if case["ratio"] is None else f"{case['ratio']:.3f}"
        rows.append((f"{name}: req/s", f"{mine['requests_per_second']:,.0f}", f"{base['requests_per_second']:,.0f}",
                     ratio))  # fmt: skip
        if "before" in case:
            then = "rounds disagree" if case["before_ratio"] is None else f"{case['before_ratio']:.3f}"
            rows.append((f"{name}: before (--before-src), req/s", f"{case['before']['requests_per_second']:,.0f}",
                         f"{base['requests_per_second']:,.0f}", then))  # fmt: skip
        if "prism" in case:
            versus = "rounds disagree" if case["vs_prism"] is None else f"{case['vs_prism']:.2f}"
            rows.append((f"{name}: vs Prism 5 -v warn, req/s", f"{mine['requests_per_second']:,.0f}",
                         f"{case['prism']['requests_per_second']:,.0f}", versus))  # fmt: skip
        for p in ("p50", "p99"):
            key = f"latency_{p}_ms"
            rows.append((f"{name}: {p} ms", f"{mine[key]:.2f}", f"{base[key]:.2f}", f"{mine[key] / base[key]:.2f}"))
    if "startup" in result:
        s = result["startup"]
        rows.append(
            (
                "start-up to first 200, s",
                f"{s['mock']['median_s']:.2f}",
                f"{s['bare']['median_s']:.2f}",
                f"{s['ratio']:.2f}",
            )
        )
    if "memory" in result:
        m = result["memory"]
        for stage, label in (("after_start", "after start"), ("after_records", f"after {m['records']:,} records")):
            mine, base = m["mock"][f"{stage}_bytes"] / 1e6, m["bare"][f"{stage}_bytes"] / 1e6
            rows.append((f"peak RSS {label}, MB", f"{mine:.0f}", f"{base:.0f}", f"{m[f'ratio_{stage}']:.2f}"))
    if "contracts" in result:
        c = result["contracts"]
        failed = [api for api, t in c["apis"].items() if t["exit_code"] != 0]
        rows.append(
            (
                "contract suite, all APIs, s",
                f"{c['total_s']:.0f}" + (f" ({len(failed)} failed)" if failed else ""),
                "-",
                "-",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=3, help="seconds measured per case and round (default %(default)s)"
    )
    parser.add_argument(
        "--warmup", type=int, default=1, help="seconds of warm-up per case and round (default %(default)s)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="round-robin rounds; medians are reported (default %(default)s)"
    )
    parser.add_argument("--before-src", type=Path, default=None,
                        help="also serve the mock from this source tree (e.g. a clone of main) in the same interleaved "
                             "rounds, for a before/after figure")  # fmt: skip
    parser.add_argument("--no-prism", action="store_true", help="skip Prism (npm) next to the sites case")
    parser.add_argument("--prism-warmup", type=int, default=2,
                        help="seconds per warm-up round of Prism, run until two successive rounds agree within 10 %% "
                             "(at most 12) before the measured rounds (default %(default)s)")  # fmt: skip
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default %(default)s)")
    parser.add_argument(
        "--records", type=int, default=100_000, help="records created for the memory figure (default %(default)s)"
    )
    parser.add_argument("--only", default="throughput,startup,memory,contracts", help="comma-separated parts to run")
    parser.add_argument("--cases", default=",".join(cases()), help="comma-separated throughput cases (default: all)")
    parser.add_argument("--mock-src", type=Path, default=ROOT,
                        help="serve the mock from this source tree, e.g. an older commit's `git worktree` (throughput "
                             "and start-up; default: this one)")  # fmt: skip
    parser.add_argument("--memory-child", nargs=2, metavar=("KIND", "RECORDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]))
        return

    parts = set(args.only.split(","))
    result: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "python": sys.version.split()[0],
                              "commit": _commit(args.mock_src), "load_average": os.getloadavg()}  # fmt: skip
    if "throughput" in parts:
        result["throughput"] = throughput(args)
    if "startup" in parts:
        result["startup"] = startup(args.mock_src)
    if "memory" in parts:
        result["memory"] = memory(args.records)
    if "contracts" in parts:
        result["contracts"] = contracts()
    result["table"] = rows = table(result)

    if "throughput" in result:
        t = result["throughput"]
        print(f"\nOne uvicorn worker on CPU {t['cpus']['server']}, wrk -t1 -c{t['connections']} on CPU {t['cpus']['wrk']}, "
              f"{t['duration_s']} s after {t['warmup_s']} s warm-up, median of {t['rounds']} round-robin rounds")  # fmt: skip
        print(f"load average (1, 5, 15 min) before: {t['load_average_before']}, after: {t['load_average_after']}")
    print(f"{'figure':<40} {'mock':>14} {'baseline':>10} {'ratio':>16}")
    for figure, mine, base, ratio in rows:
        print(f"{figure:<40} {mine:>14} {base:>10} {ratio:>16}")
    for name, case in result.get("throughput", {}).get("cases", {}).items():
        for variant in ("mock", "bare", "before", "prism"):
            if variant in case and case[variant]["non_2xx"]:
                print(f"warning: {name}/{variant} had {case[variant]['non_2xx']} answers that were not 2xx or 3xx")
    path = write_results("run", result)
    print(f"\nwritten to {path.relative_to(ROOT)}")


def _commit(source: Path) -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=source, capture_output=True, text=True)
    return run.stdout.strip() or str(source)


if __name__ == "__main__":
    main()
