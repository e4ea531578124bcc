"""How long `contracts run` takes against the served mock with its rate limits on, per API, at default settings.

Usage: python bench/contracts_rate_limited.py [--writes] [--api NAME ...] [--peerclick-rate 3/s]
Starts `mockserver serve` (rate limits enforced, as a real account is) on a free loopback port, runs the suite for
each API in turn and prints a table: exit status, wall time, requests sent, whether the budget ended the run, the verdict.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from contracts.apis import APIS as CONTRACT_APIS  # noqa: E402
from mockserver.apis import ALL_APIS  # noqa: E402
from mockserver.mockstate import MockState  # noqa: E402
from mockserver.settings import Settings  # noqa: E402

APIS = tuple(api.name for api in ALL_APIS)
DEMO = MockState(Settings(), ALL_APIS)  # the demo keys of the served mock


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_serving(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the mock did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", action="append", choices=APIS)
    parser.add_argument("--writes", action="store_true", help="run with --allow-writes (cleanup under the limits too)")
    parser.add_argument("--peerclick-rate", default="3/s", help="throttle of the PeerClick run (its published limit)")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="instead: the plain default `contracts run --api NAME` (the mock in its process, no limits)",
    )
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)  # fmt: skip
    rows = []
    try:
        wait_serving(f"http://127.0.0.1:{port}/", server)
        for api in args.api or APIS:
            command = [sys.executable, "-m", "contracts", "run", "--api", api, "--seed", "1"]
            if not args.in_process:
                contract = CONTRACT_APIS[api]
                command += ["--base-url", f"http://127.0.0.1:{port}{contract.mock_path}"]
                demo_keys = DEMO.apis[api].demo_keys(DEMO)
                for flag, credential in (("--auth", contract.credential), ("--read-only-auth", contract.read_only),
                                         ("--other-auth", contract.other)):  # fmt: skip
                    command += [flag, credential.demo_value(demo_keys)] if credential is not None else []
                command += ["--rate-limit", args.peerclick_rate] if api == "peerclick" else []
            command += ["--allow-writes"] if args.writes else []
            started = time.monotonic()
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=3600)
            seconds = time.monotonic() - started
            out = done.stdout
            requests = re.search(r"^contracts: (\d+) requests", out, re.MULTILINE)
            verdict = re.search(r"^contracts: (PASSED|FAILED.*)$", out, re.MULTILINE)
            budget = re.search(r"^contracts: budget spent \((\w+)", out, re.MULTILINE)
            rows.append((api, done.returncode, seconds, requests.group(1) if requests else "?",
                         budget.group(1) if budget else "not reached", verdict.group(1) if verdict else out[-300:]))  # fmt: skip
            print(f"{api}: exit {done.returncode} in {seconds:.0f} s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("| API | exit | wall time | requests | budget | verdict |\n|---|---|---|---|---|---|")
    for api, code, seconds, requests, budget, verdict in rows:
        print(f"| {api} | {code} | {seconds / 60:.1f} min | {requests} | {budget} | {verdict} |")
    return max(code for _, code, *_ in rows)


if __name__ == "__main__":
    sys.exit(main())
