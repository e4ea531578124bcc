"""Where the mock's start-up time and memory go, layer by layer: what each import and the app's building add.

    .venv/bin/python bench/footprint.py [--src ../other-checkout] [--repeats 5]

Each step runs in a fresh interpreter (`python -c`, from --src, default this tree) that does the steps before it
first, then times the step (wall time, `time.perf_counter`, and the process's CPU time, `time.process_time`: wall
time above it is time spent waiting for a CPU another job held) and reads the resident set size before and after
it (/proc/self/statm). The steps: a bare interpreter; uvicorn and starlette (what a bare Starlette app served by
uvicorn imports); httpx (which connexion imports through starlette's test client); connexion; the mock's modules
(`mockserver.app`); `create_app()` with every API (specs, operations, seeded data); then one request to each API.
Then `create_app()` by part, in fresh interpreters of their own: seeding (`MockState`, every API's `seed`), the
specs (connexion's `add_api`: its copies of each document, their resolution, the operations) and the rest; and the
peak RSS (VmHWM) once every step is done. Prints the median of --repeats runs per step.

    .venv/bin/python bench/footprint.py --instructions [--src ../other-checkout]

counts instead the instructions each step executes, under valgrind (see `instructions`; a few minutes): a figure a
busy machine leaves alone, for before/after comparisons on a shared one.

Both say whether the mock's modules were read from cached bytecode (`__pycache__`): with PYTHONDONTWRITEBYTECODE set
and no cache, every start compiles them from source, which is most of the "mockserver modules" step. What the
server itself adds (the socket, the first 200 over HTTP) is `bench/run.py --only startup`'s figure; this script
says what the total is made of.

    .venv/bin/python bench/footprint.py --floor [--src ../other-checkout] [--repeats 5]

serves, in turn and --repeats times, three servers with one uvicorn worker each and times each from its command to
its first 200 over HTTP, reading its resident set (VmRSS) then: a bare Starlette app (`apps:bare_app`); the least
app connexion serves (`floor_app` below: one document with one operation, no validation beyond connexion's
defaults); and the mock (`mockserver serve`). The second is the floor a mock served by connexion cannot go below,
whatever the mock does. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STEPS = (
    ("uvicorn + starlette", "import uvicorn, starlette.applications"),
    ("httpx", "import httpx"),
    ("connexion", "import connexion"),
    ("mockserver modules", "from mockserver.app import create_app"),
    ("create_app() (every API)", "app = create_app()"),
    ("first request to each API", "first_requests(app)"),
)

PRELUDE = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096
def peak():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
def first_requests(app):
    from starlette.testclient import TestClient
    with TestClient(app) as client:
        for api in app.state.apis.values():
            client.get(api.api_base + "/")
"""


# create_app() by part: the functions it calls, timed where they are looked up (wall and CPU seconds, summed).
PARTS = (
    ("seeding (MockState: every API's seed)", "mockserver.app", "MockState"),
    ("specs (connexion's add_api, six documents)", "connexion.apps.abstract", "AbstractApp.add_api"),
)
PARTS_SCRIPT = """
import importlib
from mockserver.app import create_app
spent = {}
def timed(name, function):
    def run(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            total = spent.setdefault(name, [0.0, 0.0])
            total[0] += time.perf_counter() - wall
            total[1] += time.process_time() - cpu
    return run
for name, module, attribute in PARTS:
    owner = importlib.import_module(module)
    *path, last = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    setattr(owner, last, timed(name, getattr(owner, last)))
wall, cpu = time.perf_counter(), time.process_time()
app = create_app()
spent["create_app() in all"] = [time.perf_counter() - wall, time.process_time() - cpu]
first_requests(app)
print(json.dumps({"spent": spent, "peak": peak()}))
"""


# ---- the floor: the least a connexion app costs (uvicorn imports it: `--app-dir bench footprint:floor_app`)

FLOOR_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "floor", "version": "1"},
    "paths": {
        "/": {
            "get": {
                "operationId": "footprint.floor_answer",
                "responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}},
            }
        }
    },
}


def floor_answer() -> tuple[str, int, dict[str, str]]:
    return "ok", 200, {"Content-Type": "text/plain"}


def floor_app() -> object:
    """One connexion AsyncApp with one operation: what any connexion-served app loads before doing anything."""
    import connexion

    app = connexion.AsyncApp(__name__)
    app.add_api(FLOOR_SPEC)
    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _first_200(command: list[str], port: int, cwd: Path) -> tuple[float, int]:
    """Seconds from `command` to its first 200 on `port`, and its VmRSS in bytes then."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() < started + 60 and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as answer:
                    if answer.status == 200:
                        seconds = time.perf_counter() - started
                        status = Path(f"/proc/{process.pid}/status").read_text()
                        rss = next(int(line.split()[1]) * 1024 for line in status.splitlines() if line[:6] == "VmRSS:")
                        return seconds, rss
            except OSError:
                pass
            time.sleep(0.005)  # polling a starting server: there is nothing to wait on but the port
        raise SystemExit(f"{command} gave no 200 in time")
    finally:
        process.terminate()
        process.wait(timeout=10)


def floor(src: Path, repeats: int) -> dict[str, dict[str, float]]:
    """Start-up to the first 200 and RSS then, median of `repeats` interleaved starts, per server."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", "mockserver"], cwd=src, check=True)
    uvicorn = [sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(ROOT / "bench"), "--log-level", "warning"]
    servers = {
        "bare Starlette": (lambda port: [*uvicorn, "apps:bare_app", "--port", str(port)], ROOT),
        "connexion, one operation": (lambda port: [*uvicorn, "footprint:floor_app", "--port", str(port)], ROOT),
        "the mock, every API": (lambda port: [sys.executable, "-m", "mockserver", "serve", "--port", str(port)], src),
    }
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in servers}
    for _ in range(repeats):
        for name, (command, cwd) in servers.items():
            port = _free_port()
            runs[name].append(_first_200(command(port), port, cwd))
    return {
        name: {
            "start_s": round(statistics.median(seconds for seconds, _ in values), 3),
            "rss_mb": round(statistics.median(rss for _, rss in values) / 1e6, 1),
        }
        for name, values in runs.items()
    }


def run_child(src: Path, script: str) -> object:
    out = subprocess.run([sys.executable, "-c", script], cwd=src, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(src: Path, upto: int) -> tuple[float, float, int, int]:
    """Wall and CPU seconds and RSS bytes (before, after) of step `upto`, the steps before it done first."""
    done = "\n".join(code for _, code in STEPS[:upto])
    step = STEPS[upto][1]
    script = f"{PRELUDE}\n{done}\nbefore = rss()\nstarted, cpu = time.perf_counter(), time.process_time()\n{step}\n"
    script += "print(json.dumps([time.perf_counter() - started, time.process_time() - cpu, before, rss()]))\n"
    seconds, cpu, before, after = run_child(src, script)  # type: ignore[misc]
    return seconds, cpu, before, after


def parts(src: Path) -> dict[str, object]:
    """create_app()'s parts (name -> [wall, cpu] seconds) and the peak RSS once it answered a request per API."""
    return run_child(src, f"{PRELUDE}\nPARTS = {PARTS!r}\n{PARTS_SCRIPT}")  # type: ignore[return-value]


def bytecode(src: Path) -> str:
    """How many of the mock's modules have cached bytecode for this interpreter."""
    modules = sorted((src / "mockserver").rglob("*.py"))
    tag = sys.implementation.cache_tag
    cached = sum(1 for module in modules if (module.parent / "__pycache__" / f"{module.stem}.{tag}.pyc").exists())
    flag = " (PYTHONDONTWRITEBYTECODE is set)" if sys.flags.dont_write_bytecode else ""
    return f"{cached} of {len(modules)} mockserver modules have cached bytecode{flag}"


def instructions(src: Path, upto: int) -> int:
    """Instructions a fresh interpreter executes doing the first `upto` steps, counted by valgrind (cachegrind without
    its cache simulation): the same count on a busy machine as on an idle one, which wall and CPU times are not."""
    done = "\n".join(code for _, code in STEPS[:upto])
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # str hashes (and so dict and set orders) alike in every run
    err = subprocess.run(
        [*command, sys.executable, "-c", f"{PRELUDE}\n{done}\n"],
        cwd=src,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    (count,) = (line.split(":")[1] for line in err.splitlines() if "I   refs:" in line or "I refs:" in line)
    return int(count.strip().replace(",", ""))


def bare(src: Path) -> int:
    script = f"{PRELUDE}\nprint(rss())\n"
    return int(
        subprocess.run([sys.executable, "-c", script], cwd=src, check=True, capture_output=True, text=True).stdout
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT, help="the checkout to measure (default: this tree)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per step, of which the median is printed")
    parser.add_argument(
        "--instructions", action="store_true",
        help="count each step's instructions under valgrind instead (one run per step: the count does not vary)",
    )  # fmt: skip
    parser.add_argument(
        "--floor", action="store_true",
        help="serve bare Starlette, a one-operation connexion app and the mock; time each to its first 200 and its RSS",
    )  # fmt: skip
    args = parser.parse_args()
    src = args.src.resolve()
    if args.floor:
        print(f"{src}: {bytecode(src)}; load average {os.getloadavg()[0]:.2f} at start; {args.repeats} starts each")
        result = floor(src, args.repeats)
        print("| server (one uvicorn worker) | start-up to first 200, s | RSS then, MB |\n|---|---|---|")
        for name, figures in result.items():
            print(f"| {name} | {figures['start_s']:.2f} | {figures['rss_mb']:.1f} |")
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
        print(json.dumps(result))
        return
    if args.instructions:
        counts = [instructions(src, upto) for upto in range(len(STEPS) + 1)]
        print(f"{src}: {bytecode(src)}")
        print("| step | million instructions |\n|---|---|")
        for index, (name, _) in enumerate(STEPS):
            print(f"| {name} | {(counts[index + 1] - counts[index]) / 1e6:.0f} |")
        print(f"| bare interpreter (not in the total) | {counts[0] / 1e6:.0f} |")
        print(json.dumps({"total_minstr": round((counts[-1] - counts[0]) / 1e6)}))
        return
    print(f"{src}: {bytecode(src)}; load average {os.getloadavg()[0]:.2f} at start")
    print(f"bare interpreter: RSS {statistics.median(bare(src) for _ in range(args.repeats)) / 1e6:.1f} MB")
    print("| step | ms | CPU ms | RSS added, MB | RSS after, MB |\n|---|---|---|---|---|")
    total = total_cpu = 0.0
    for index, (name, _) in enumerate(STEPS):
        runs = [measure(src, index) for _ in range(args.repeats)]
        seconds = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[1] for run in runs)
        added = statistics.median(run[3] - run[2] for run in runs)
        after = statistics.median(run[3] for run in runs)
        total, total_cpu = total + seconds, total_cpu + cpu
        print(
            f"| {name} | {seconds * 1000:.0f} | {cpu * 1000:.0f} | {added / 1e6:.1f} | {after / 1e6:.1f} |", flush=True
        )
    print(f"all steps: {total * 1000:.0f} ms ({total_cpu * 1000:.0f} ms CPU)")
    split = [parts(src) for _ in range(args.repeats)]
    print("| create_app() by part | ms | CPU ms |\n|---|---|---|")
    names = [name for name, _, _ in PARTS] + ["create_app() in all"]
    for name in names:
        wall = statistics.median(run["spent"][name][0] for run in split)  # type: ignore[index]
        cpu = statistics.median(run["spent"][name][1] for run in split)  # type: ignore[index]
        print(f"| {name} | {wall * 1000:.0f} | {cpu * 1000:.0f} |")
    peak = statistics.median(run["peak"] for run in split)  # type: ignore[misc]
    print(f"peak RSS (VmHWM) after create_app() and a request to each API: {peak / 1e6:.1f} MB")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    print(
        json.dumps(
            {"total_ms": round(total * 1000), "total_cpu_ms": round(total_cpu * 1000), "peak_mb": round(peak / 1e6, 1)}
        )
    )


if __name__ == "__main__":
    main()
