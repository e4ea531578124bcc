"""The validating proxy's added latency per request: the same requests to the mock directly and through the proxy.

The mock (`mockserver serve --no-rate-limits --api bannertrackr`) and the proxy (`mockserver proxy`) each run in
their own process on their own CPU; this script sends one request at a time on a kept-alive connection, direct and
proxied in turn, and reports medians and 90th percentiles. Back to back, a request also waits for the checks of
the one before it (they run once its answer has gone), so the figure includes the checking, not only the forwarding.
"""

from __future__ import annotations

import sys
import time

import httpx
from harness import ROOT, cpus, median, serving, write_results

KEY = {"Authorization": "Bearer bt_live_growth_read_write_demo"}
REQUESTS = {
    "getMe": "/api/public/v1/me",
    "listSites": "/api/public/v1/sites?limit=5",
    "getPlacementStats (31 days)": "/api/public/v1/placements/plc_456/stats?from=2026-05-01&to=2026-05-31",
}
ROUNDS, WARMUP = 400, 50


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    mock_cpu, proxy_cpu = cpus()
    venv = str(ROOT / ".venv" / "bin" / "python")

    def serve(port: int) -> list[str]:
        return [venv, "-m", "mockserver", "serve", "--no-rate-limits", "--api", "bannertrackr", "--port", str(port)]

    with serving(serve, mock_cpu) as mock:

        def proxy(port: int) -> list[str]:
            upstream = mock + "/bannertrackr"
            return [
                venv,
                "-m",
                "mockserver",
                "proxy",
                "--api",
                "bannertrackr",
                "--upstream",
                upstream,
                "--port",
                str(port),
            ]

        with (
            serving(proxy, proxy_cpu) as proxied,
            httpx.Client(headers=KEY) as direct_client,
            httpx.Client(headers=KEY) as proxy_client,
        ):
            result = {}
            for name, path in REQUESTS.items():
                times: dict[str, list[float]] = {"direct": [], "proxied": []}
                for round_ in range(WARMUP + ROUNDS):
                    for label, client, base in (
                        ("direct", direct_client, mock + "/bannertrackr"),
                        ("proxied", proxy_client, proxied),
                    ):
                        started = time.perf_counter()
                        response = client.get(base + path)
                        elapsed = (time.perf_counter() - started) * 1000
                        assert response.status_code == 200, (label, response.status_code, response.text[:200])
                        if round_ >= WARMUP:
                            times[label].append(elapsed)
                direct, through = median(times["direct"]), median(times["proxied"])
                result[name] = {"direct_median_ms": round(direct, 2), "proxied_median_ms": round(through, 2),
                                "added_median_ms": round(through - direct, 2),
                                "direct_p90_ms": round(_percentile(times["direct"], 0.9), 2),
                                "proxied_p90_ms": round(_percentile(times["proxied"], 0.9), 2)}  # fmt: skip
    print(f"{'request':<30} {'direct':>10} {'proxied':>10} {'added':>10}   (median ms; p90 direct / proxied)")
    for name, row in result.items():
        print(f"{name:<30} {row['direct_median_ms']:>10} {row['proxied_median_ms']:>10} {row['added_median_ms']:>10}"
              f"   ({row['direct_p90_ms']} / {row['proxied_p90_ms']})")  # fmt: skip
    print(f"results: {write_results('proxy', {'rounds': ROUNDS, 'requests': result})}")


if __name__ == "__main__":
    sys.exit(main())
