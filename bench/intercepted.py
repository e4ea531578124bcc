"""Per-request cost of the mock in process (mockserver.intercept, the WSGI mount) against a served mock, one client.

One caller sends the same request again and again, waiting for each answer (a test suite's pattern, not a load
test): requests and httpx through `mockserver.intercept()`, Flask's test client through the mock mounted with
DispatcherMiddleware, and requests and httpx (keep-alive) to `mockserver serve` in another process on loopback.
Every variant is the same app with rate limits counted but never enforced. Many short round-robin rounds (a change
of load on the machine hits every variant alike), the median and the best round per variant; prints a table and writes
bench/results/intercepted-<time>.json.

    .venv/bin/python bench/intercepted.py [--requests 50] [--rounds 21]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import requests
from flask import Flask
from harness import cpus, median, serving, write_results
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from mockserver.interception import intercept
from mockserver.settings import Settings
from mockserver.wsgi import wsgi_app

AUTH = {"Authorization": "Bearer bt_live_growth_read_write_demo"}
CASES = {  # the path below the mock's root, and the same below the real host
    "GET /me": "/api/public/v1/me",
    "GET /placements (38 records)": "/api/public/v1/placements?limit=100",
}
REAL = "https://bannertrackr.com"
SETTINGS = Settings(enforce_rate_limits=False)


def per_request_us(call: Callable[[], Any], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - started) / count * 1e6


def _read(response: Any) -> Any:
    response.get_data()  # the body, as the others read it (and a2wsgi finishes the request only once it is read)
    return response


def ok(response: Any) -> None:
    status = getattr(response, "status_code", None)
    if status != 200:
        raise SystemExit(f"unexpected answer {status}: {getattr(response, 'text', response)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="requests per variant and round")
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    server_cpu, _ = cpus()

    flask = Flask("bench")
    flask.wsgi_app = DispatcherMiddleware(flask.wsgi_app, {"/mocks": wsgi_app(SETTINGS)})  # type: ignore[method-assign]
    flask_client = flask.test_client()
    serve = [sys.executable, "-m", "mockserver", "serve", "--no-rate-limits", "--api", "bannertrackr"]
    with (
        serving(lambda port: [*serve, "--port", str(port)], server_cpu) as served,
        intercept(SETTINGS),
        requests.Session() as session,
        httpx.Client() as client,
    ):
        variants: dict[str, Callable[[str], Callable[[], Any]]] = {
            "in process: requests + intercept()": lambda path: lambda: session.get(REAL + path, headers=AUTH),
            "in process: httpx + intercept()": lambda path: lambda: client.get(REAL + path, headers=AUTH),
            "in process: Flask test client, WSGI mount": lambda path: (
                lambda: _read(flask_client.get("/mocks/bannertrackr" + path, headers=AUTH))
            ),
            "served: requests, keep-alive": lambda path: (
                lambda: session.get(served + "/bannertrackr" + path, headers=AUTH)
            ),
            "served: httpx, keep-alive": lambda path: lambda: client.get(served + "/bannertrackr" + path, headers=AUTH),
        }
        results: dict[str, dict[str, Any]] = {}
        for path in CASES.values():  # warm-up: every variant and case once, before any is measured
            for make in variants.values():
                ok(make(path)())
                per_request_us(make(path), args.requests)
        for case, path in CASES.items():
            calls = {name: make(path) for name, make in variants.items()}
            rounds = [
                {name: per_request_us(call, args.requests) for name, call in calls.items()} for _ in range(args.rounds)
            ]
            results[case] = {name: {"median_us": round(median([r[name] for r in rounds]), 1),
                                    "best_us": round(min(r[name] for r in rounds), 1),
                                    "rounds_us": [round(r[name], 1) for r in rounds]} for name in calls}  # fmt: skip
    # The best round too: on a shared machine it is the one least disturbed by other work.
    print(f"{'us per request, median (best) round':45} " + " ".join(f"{case:>30}" for case in CASES))
    for name in variants:
        cells = (f"{results[case][name]['median_us']:.0f} ({results[case][name]['best_us']:.0f})" for case in CASES)
        print(f"{name:45} " + " ".join(f"{cell:>30}" for cell in cells))
    path = write_results("intercepted", {"requests": args.requests, "rounds": args.rounds, "results": results})
    print(f"written {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
