"""The CPU one request costs inside the mock's process, with no server, socket or load generator: the figure that a
busy machine disturbs least (CPU time, not wall time), and the Python function calls per request, which no load
changes at all.

    .venv/bin/python bench/inprocess.py [--src ../other-checkout] [--cases sites,binom,...] [--requests 200]
                                        [--repeats 5] [--profile CASE] [--after-write] [--after-hit]
                                        [--store redis://HOST:PORT/DB]

Builds the app `mockserver serve --no-rate-limits` builds (every API, validation on) from --src (default: this
tree), sends each case's request straight to the ASGI app --requests times after a warm-up, --repeats times, and
prints the least CPU time per request (time.process_time) and the function calls per request (cProfile's count);
then the least CPU time of a bare Starlette app answering that path with the mock's bytes, and bare / mock (the
share of bare Starlette's speed the mock reaches, as bench/run.py's ratio).
--profile CASE prints where one case's time goes instead (cProfile, by own time). --after-write drops every kept
answer (`Store.kept`) before each request, as any write to the API does: what a report or stats answer costs when
computed afresh, next to what a kept one costs without it. --after-hit sends one counted pixel hit (BannerTrackr) or
click (Binom, PeerClick) before each request, its CPU time left out: what a report costs right after a write its
kept sums take in (`Store.folded`); calls are not counted then. --store keeps the state in that Redis, as `serve --store`
does (keys under `inprocess:`): the CPU time is then this process's share of each request, without Redis' own or the
time spent waiting for its answers. Compare two commits by running it
once per checkout. A script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BT = "/bannertrackr/api/public/v1"
BT_AUTH = {"authorization": "Bearer bt_live_pro_read_write_demo"}
BINOM = "/binom/public/api/v1"
BINOM_AUTH = {"api-key": "binom_admin_demo_key"}
ADV_AUTH = {"x-api-key": "adsterraadvertiserdemo0000000001"}
GROWTH = {"authorization": "Bearer bt_live_growth_read_write_demo"}
PUB_AUTH = {"x-api-key": "adsterrapublisherdemo00000000001"}
BROWSER = {"user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
           "Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "accept": "image/avif,image/webp,image/*,*/*;q=0.8",
           "cf-ipcountry": "US"}  # fmt: skip
WEEK_AGO = (datetime.now(UTC).date() - timedelta(days=7)).isoformat()  # the mock's clock starts at the real time
# name: (method, path, query string, headers[, body]), as in bench/run.py's throughput cases; `write` changes the
# doc's site to the same name every time (a create would grow the account from request to request)
Case = tuple[str, str, bytes, dict[str, str]] | tuple[str, str, bytes, dict[str, str], bytes]
CASES: dict[str, Case] = {
    "sites": ("GET", f"{BT}/sites", b"", BT_AUTH),
    "read": ("GET", f"{BT}/placements", b"", BT_AUTH),
    "binom": ("GET", f"{BINOM}/campaign/1", b"", BINOM_AUTH),
    "peerclick": ("GET", "/peerclick/v1/campaign", b"", {"api-token": "pc_demo_api_token"}),
    "advertiser": ("GET", "/adsterra/advertiser/campaigns.json", b"", ADV_AUTH),
    "publisher": ("GET", "/adsterra/publisher/domains.json", b"", PUB_AUTH),
    "stats": ("GET", f"{BT}/placements/plc_123/stats", b"", {"authorization": "Bearer bt_live_growth_read_write_demo"}),
    "report": ("GET", f"{BINOM}/report/campaign", b"datePreset=last_7_days&groupings[]=campaign&groupings[]=geoCountry",
               BINOM_AUTH),
    "csv": ("GET", "/adsterra/advertiser/stats.csv", b"start_date=2024-12-01&finish_date=2025-01-29&group_by=campaign",
            ADV_AUTH),
    "write": ("PUT", f"{BT}/sites/site_123", b"", {**GROWTH, "content-type": "application/json"},
              b'{"name": "My Weekly Newsletter"}'),
    "pixel": ("GET", "/bannertrackr/api/track/px/abc123def456", b"", {}),
    # a counted hit, as bench/tracking.py sends it: a browser on plc_456 (active; plc_123 above has ended, so its
    # pixel is answered without counting)
    "hit": ("GET", "/bannertrackr/api/track/px/def456abc789", b"", BROWSER),
    # the rest of the reports and stats issue #17 lists: each is kept by the store until a write
    "binom_stats": ("GET", f"{BINOM}/stats/campaign", b"datePreset=last_7_days", BINOM_AUTH),
    "binom_info": ("GET", f"{BINOM}/info/campaign", b"datePreset=last_7_days", BINOM_AUTH),
    "pc_report": ("GET", "/peerclick/v1/report", f"groupBy=campaign&groupBy=country&from={WEEK_AGO}".encode(),
                  {"api-token": "pc_demo_api_token"}),
    "adv_json": ("GET", "/adsterra/advertiser/stats.json",
                 b"start_date=2024-12-01&finish_date=2025-01-29&group_by=campaign", ADV_AUTH),
    "adv_xml": ("GET", "/adsterra/advertiser/stats.xml",
                b"start_date=2024-12-01&finish_date=2025-01-29&group_by=campaign", ADV_AUTH),
    "pub_json": ("GET", "/adsterra/publisher/stats.json",
                 b"start_date=2024-12-01&finish_date=2025-01-29&group_by=domain", PUB_AUTH),
    "pub_csv": ("GET", "/adsterra/publisher/stats.csv",
                b"start_date=2024-12-01&finish_date=2025-01-29&group_by=domain", PUB_AUTH),
    "pub_xml": ("GET", "/adsterra/publisher/stats.xml",
                b"start_date=2024-12-01&finish_date=2025-01-29&group_by=domain", PUB_AUTH),
}  # fmt: skip


# --after-hit: the write each API's reports take in as it lands (a counted pixel hit on the Growth account's plc_456; a
# click on campaign 1's URL), sent before each request of that API's cases; Adsterra has none (no operation changes
# its statistics). Binom's and PeerClick's click URLs are asked of the mock first (`hits`).
HITS: dict[str, Case] = {
    "bannertrackr": ("GET", "/bannertrackr/api/track/px/def456abc789", b"", {**BROWSER, "x-forwarded-for": "10.0.0.1"}),
}


def hits(app: Any) -> dict[str, Case]:
    """Per API, one request that records a hit or click (the campaign URLs come from the mock's own answers)."""
    found = dict(HITS)
    _, _, body = send(app, ("GET", f"{BINOM}/campaign/1/link", b"", BINOM_AUTH), 1)
    link = urlsplit(json.loads(body)["link"])
    found["binom"] = ("GET", link.path, f"{link.query}&zone=1".encode(), BROWSER)
    _, _, body = send(app, ("GET", "/peerclick/v1/campaign/1", b"", {"api-token": "pc_demo_api_token"}), 1)
    url = urlsplit(json.loads(body)["campaign"]["url"])
    found["peerclick"] = ("GET", url.path, b"zoneid=4711", BROWSER)
    return found


def send(
    app: Any, case: Case, times: int, before: Callable[[], None] | None = None, hit: Case | None = None
) -> tuple[int, str, bytes]:
    """`times` requests one after another (`before()` ahead of each, and the request `hit`, whose CPU time is left
    out); the last answer's status, content type and body."""
    method, path, query, headers = case[:4]
    sent = case[4] if len(case) > 4 else b""  # type: ignore[misc]
    raw = [(b"host", b"127.0.0.1:8000"), *((k.encode(), v.encode()) for k, v in headers.items())]
    if sent:
        raw.append((b"content-length", str(len(sent)).encode()))
    status, content_type, body = 0, "", b""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": sent, "more_body": False}

    async def reply(message: dict[str, Any]) -> None:
        nonlocal status, content_type, body
        if message["type"] == "http.response.start":
            status = message["status"]
            content_type = dict(message["headers"]).get(b"content-type", b"").decode()
            body = b""
        else:
            body += message.get("body", b"")

    def scope_of(method: str, path: str, query: bytes, raw: list[tuple[bytes, bytes]]) -> dict[str, Any]:
        return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
                "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "", "headers": list(raw),
                "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000)}  # fmt: skip

    async def ignore(message: dict[str, Any]) -> None:
        pass

    async def run() -> None:
        nonlocal left_out
        for _ in range(times):
            if before is not None:
                before()
            if hit is not None:
                started = time.process_time()
                hit_headers = [(b"host", b"127.0.0.1:8000"), *((k.encode(), v.encode()) for k, v in hit[3].items())]
                await app(scope_of(hit[0], hit[1], hit[2], hit_headers), receive, ignore)
                left_out += time.process_time() - started
            await app(scope_of(method, path, query, raw), receive, reply)

    left_out = 0.0
    asyncio.run(run())
    send.left_out = left_out  # type: ignore[attr-defined]  # what `cost` subtracts
    return status, content_type, body


def bare(path: str, status: int, content_type: str, body: bytes) -> Any:
    """A bare Starlette app answering `path` with these bytes (bench/apps.py's baseline, in process)."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def answer(request: Any) -> Response:
        return Response(body, status_code=status, media_type=content_type)

    return Starlette(routes=[Route(path, answer, methods=["GET", "PUT"])])


def cost(
    app: Any,
    case: Case,
    requests: int,
    repeats: int,
    before: Callable[[], None] | None = None,
    hit: Case | None = None,
) -> tuple[float, float]:
    """(least CPU seconds per request over `repeats`, Python function calls per request); with `hit`, a hit before
    each request, its CPU time left out (its calls are not: they are counted with it, so calls are left blank)."""
    send(app, case, 50, before, hit)  # warm-up: first-use caches, compiled schemas
    times = []
    for _ in range(repeats):
        started = time.process_time()
        send(app, case, requests, before, hit)
        times.append(time.process_time() - started - send.left_out)  # type: ignore[attr-defined]
    if hit is not None:
        return min(times) / requests, float("nan")
    profile = cProfile.Profile()
    profile.enable()
    send(app, case, 50, before)
    profile.disable()
    return min(times) / requests, pstats.Stats(profile).total_calls / 50  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", choices=sorted(CASES))
    parser.add_argument("--after-write", action="store_true",
                        help="drop every kept answer before each request, as any write to its API does: what a report "
                             "costs when it is computed afresh")  # fmt: skip
    parser.add_argument("--after-hit", action="store_true",
                        help="send one hit or click of the case's API before each request (its time left out), "
                             "which the kept sums take in: what a report costs right after one")  # fmt: skip
    parser.add_argument("--store", help="a Redis URL: the state there, as `serve --store` keeps it")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    warnings.filterwarnings("ignore")
    from mockserver.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(enforce_rate_limits=False, store=args.store, store_prefix="inprocess:"))
    before = None
    if args.after_write:

        def before() -> None:
            for api in app.state.apis:
                app.state.store.wrote(api)

    hit_of = hits(app) if args.after_hit else {}

    def hit(name: str) -> Case | None:
        return next((case for api, case in hit_of.items() if CASES[name][1].startswith(f"/{api}/")), None)

    if args.profile:
        send(app, CASES[args.profile], 50, before, hit(args.profile))
        profile = cProfile.Profile()
        profile.enable()
        send(app, CASES[args.profile], args.requests, before, hit(args.profile))
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
        return
    print(f"{'case':<12} {'CPU µs/request':>15} {'calls/request':>14} {'bare µs':>8} {'bare/mock':>10}  ({args.src})")
    for name in args.cases.split(","):
        if args.after_hit and hit(name) is None:
            print(f"{name:<12} {'(no hit)':>15}")
            continue
        seconds, calls = cost(app, CASES[name], args.requests, args.repeats, before, hit(name))
        status, content_type, body = send(app, CASES[name], 1)
        baseline, _ = cost(bare(CASES[name][1], status, content_type, body), CASES[name], args.requests, args.repeats)
        print(f"{name:<12} {seconds * 1e6:>15,.0f} {calls:>14,.0f} {baseline * 1e6:>8,.0f} {baseline / seconds:>10.3f}")


if __name__ == "__main__":
    main()
