"""Where the mock's start-up time and memory go, layer by layer: what each import and the app's building add.

    .venv/bin/python bench/footprint.py [--src ../other-checkout] [--repeats 5]

Each step runs in a fresh interpreter (`python -c`, from --src, default this tree) that does the steps before it
first, then times the step (wall time, `time.perf_counter`) and reads the resident set size before and after it
(/proc/self/statm). The steps: a bare interpreter; uvicorn and starlette (what a bare Starlette app served by
uvicorn imports); httpx (which connexion imports through starlette's test client); connexion; the mock's modules
(`mockserver.app`); `create_app()` with every API (specs, operations, seeded data); then one request to each API.
Prints the median of --repeats runs per step. What the server itself adds (the socket, the first 200 over HTTP) is
`bench/run.py --only startup`'s figure; this script says what the total is made of. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
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
def first_requests(app):
    from starlette.testclient import TestClient
    with TestClient(app) as client:
        for api in app.state.apis.values():
            client.get(api.api_base + "/")
"""


def measure(src: Path, upto: int) -> tuple[float, int, int]:
    """Seconds and RSS bytes (before, after) of step `upto`, the steps before it done first."""
    done = "\n".join(code for _, code in STEPS[:upto])
    step = STEPS[upto][1]
    script = f"{PRELUDE}\n{done}\nbefore = rss()\nstarted = time.perf_counter()\n{step}\n"
    script += "print(json.dumps([time.perf_counter() - started, before, rss()]))\n"
    out = subprocess.run([sys.executable, "-c", script], cwd=src, check=True, capture_output=True, text=True).stdout
    seconds, before, after = json.loads(out.strip().splitlines()[-1])
    return seconds, before, after


def bare(src: Path) -> int:
    script = f"{PRELUDE}\nprint(rss())\n"
    return int(
        subprocess.run([sys.executable, "-c", script], cwd=src, check=True, capture_output=True, text=True).stdout
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT, help="the checkout to measure (default: this tree)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    src = args.src.resolve()
    print(f"bare interpreter: RSS {statistics.median(bare(src) for _ in range(args.repeats)) / 1e6:.1f} MB")
    print("| step | ms | RSS added, MB | RSS after, MB |\n|---|---|---|---|")
    total = 0.0
    for index, (name, _) in enumerate(STEPS):
        runs = [measure(src, index) for _ in range(args.repeats)]
        seconds = statistics.median(run[0] for run in runs)
        added = statistics.median(run[2] - run[1] for run in runs)
        after = statistics.median(run[2] for run in runs)
        total += seconds
        print(f"| {name} | {seconds * 1000:.0f} | {added / 1e6:.1f} | {after / 1e6:.1f} |", flush=True)
    print(f"all steps: {total * 1000:.0f} ms")
    print(json.dumps({"total_ms": round(total * 1000)}))


if __name__ == "__main__":
    main()
