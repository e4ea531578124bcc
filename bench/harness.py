"""What every benchmark here shares: one pinned uvicorn worker per server, wrk pinned to the other CPU, medians of
round-robin rounds, and results written as JSON under bench/results/."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: installing it with apt-get (Debian package 'wrk')", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    install = [*sudo, "apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0:  # a fresh machine has no package lists yet
        subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(install, check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is still not on PATH after apt-get install")
    return found


def ensure_prism(package: str) -> str:
    """Prism's CLI, installed from the npm registry into bench/.prism on first use (like wrk with apt-get)."""
    folder = ROOT / "bench" / ".prism"
    binary = folder / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        print(f"Prism not found: installing {package} with npm into {folder.relative_to(ROOT)}", flush=True)
        command = ["npm", "install", "--prefix", str(folder), "--silent", "--no-audit", "--no-fund", package]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return str(binary)


def cpus() -> tuple[int, int]:
    """(server CPU, load generator CPU): different ones whenever the machine has two."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        print("warning: one CPU only, server and wrk share it", file=sys.stderr)
        return available[0], available[0]
    return available[0], available[1]


def free_port() -> int:
    """A port nothing listens on: any the system picks, or with BENCH_PORTS=LOW-HIGH the first free one in that
    range (for a machine where each user keeps to ports of their own)."""
    low, _, high = os.environ.get("BENCH_PORTS", "0-0").partition("-")
    for port in range(int(low), int(high) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    sys.exit(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


def wait_until_up(url: str, process: subprocess.Popen[Any], timeout: float = 30, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server for {url} did not start") from None
            time.sleep(interval)


@contextmanager
def server(app: str, cpu: int, *, factory: bool, env: dict[str, str] | None = None) -> Iterator[str]:
    """One uvicorn worker (uvloop, httptools, no access log) serving `module:attr` from bench/, pinned to `cpu`;
    yields its base URL."""
    with serving(lambda port: [sys.executable, "-m", "uvicorn", app, "--app-dir", str(ROOT / "bench"), "--port", str(port),
                               "--log-level", "warning", "--no-access-log", "--loop", "uvloop", "--http", "httptools",
                               *(["--factory"] if factory else [])], cpu, env) as base:  # fmt: skip
        yield base


@contextmanager
def serving(
    command: Callable[[int], list[str]], cpu: int, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> Iterator[str]:
    """`command(port)` (a server listening on 127.0.0.1:port) run in `cwd`, pinned to `cpu`; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(["taskset", "-c", str(cpu), *command(port)], cwd=cwd, stdout=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})})  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Load:
    """What wrk sends: a URL (its path, for a script), headers, and optionally a Lua script for dynamic requests."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    script: Path | None = None
    after: Callable[[], None] | None = None  # run after each wrk run, e.g. to delete what a write load left behind


def wrk(binary: str, cpu: int, load: Load, seconds: int, connections: int) -> dict[str, Any]:
    headers = [arg for name, value in load.headers.items() for arg in ("-H", f"{name}: {value}")]
    script = ["-s", str(load.script)] if load.script else []
    command = ["taskset", "-c", str(cpu), binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
               *script, *headers, load.url]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"wrk failed: {run.stderr or run.stdout}")
    output = run.stdout
    return {
        "requests_per_second": float(_field(r"Requests/sec:\s+([\d.]+)", output)),
        "requests": int(_field(r"(\d+) requests in", output)),
        "non_2xx": int(_field(r"Non-2xx or 3xx responses: (\d+)", output, default="0")),
        # The "Latency Distribution" lines, e.g. "     50%    2.67ms" (anchored: thread stats also hold "%").
        "latency_p50_ms": _ms(_field(r"^\s+50%\s+(\S+)", output)),
        "latency_p99_ms": _ms(_field(r"^\s+99%\s+(\S+)", output)),
    }


def _field(pattern: str, output: str, default: str | None = None) -> str:
    match = re.search(pattern, output, re.MULTILINE)
    if match is None:
        if default is None:
            sys.exit(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return default
    return match.group(1)


def _ms(text: str) -> float:
    """wrk's "812.00us", "2.67ms", "1.02s" in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit], 3)


def measure(binary: str, cpu: int, load: Load, *, duration: int, warmup: int, connections: int) -> dict[str, Any]:
    warm = wrk(binary, cpu, load, warmup, connections)
    if load.after:
        load.after()
    result = wrk(binary, cpu, load, duration, connections)
    if load.after:
        load.after()
    return result | {"warmup_requests": warm["requests"]}


STEADY = 0.10  # three successive warm-up rounds this close (highest / lowest - 1) count as warm
WARM_LEAST = 4  # at least this many warm-up rounds: two slow early rounds can agree (one run stopped at half speed)
WARM_ROUNDS = 12  # at most this many warm-up rounds, steady or not


def warm_until_steady(
    binary: str, cpu: int, load: Load, *, seconds: int, connections: int, steady: float = STEADY,
    cap: int = WARM_ROUNDS,
) -> list[float]:  # fmt: skip
    """Drive a server that speeds up as it runs (Prism on Node compiles its hot code as it goes) with short wrk
    rounds, at least WARM_LEAST, until three successive ones agree within `steady`, or `cap` rounds have run; the
    rates of each round."""
    rates: list[float] = []
    while len(rates) < cap:
        rates.append(wrk(binary, cpu, load, seconds, connections)["requests_per_second"])
        if len(rates) >= WARM_LEAST and max(rates[-3:]) <= (1 + steady) * min(rates[-3:]):
            break
    return rates


def round_robin(
    loads: dict[str, Load], rounds: int, run: Callable[[Load], dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Each load `rounds` times, round-robin (a change of load on the machine hits every variant alike), every other
    round in reverse order (so a drift within a round, a machine warming or a neighbour starting, does not always
    favour the variant measured first); per load the round with the median rate, plus every round's rate and the
    machine's 1-minute load average after it."""
    done = []
    for index in range(rounds):
        order = list(loads.items()) if index % 2 == 0 else list(reversed(loads.items()))
        done.append({name: run(load) | {"load_after": round(os.getloadavg()[0], 2)} for name, load in order})
    medians = {}
    for name in loads:
        ordered = sorted((r[name] for r in done), key=lambda result: result["requests_per_second"])
        medians[name] = ordered[len(ordered) // 2] | {"rounds": [r[name]["requests_per_second"] for r in done],
                                                      "load": [r[name]["load_after"] for r in done]}  # fmt: skip
    return medians


DISAGREE = 1.5  # per-round ratios further apart than this (highest / lowest) are not reported as one figure
TRIMMED = 5  # from this many rounds on, the one highest and one lowest ratio are left out of that check


def paired_ratio(mine: Sequence[float], base: Sequence[float]) -> tuple[float | None, list[float]]:
    """The median of the same-round ratios mine[i] / base[i] (not the ratio of medians: a round the machine was
    busy in slows both sides alike), or None when the rounds disagree by more than DISAGREE; and the ratios.
    With TRIMMED rounds or more, the extreme two are left out of the agreement check (one round a shared machine
    stalled in does not void the others), but never out of the median."""
    ratios = [m / b for m, b in zip(mine, base, strict=True)]
    checked = sorted(ratios)[1:-1] if len(ratios) >= TRIMMED else sorted(ratios)
    if not checked or checked[-1] > DISAGREE * checked[0]:
        return None, ratios
    return median(ratios), ratios


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def peak_rss(pid: int | str = "self") -> int:
    """Peak resident memory (VmHWM) of a process, in bytes."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc status")


def write_results(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
