"""A bounded stress run on 127.0.0.1: concurrent mixed traffic with injected faults and latency, concurrent writes
to the same record; no 5xx but the injected ones, no lost or duplicated write, every rate limit exact, RSS flat.

MOCKSERVER_STRESS_ROUNDS scales it (each round is one rate-limit window, 390 requests); CI runs 3 rounds.
"""

from __future__ import annotations

import asyncio
import collections
import os
import random
import resource
from pathlib import Path
from typing import Any

import httpx

from mockserver.background import serve_in_thread
from mockserver.kit import spec

from .conftest import ADV_TOKEN, BINOM_ADMIN, GROWTH_RW, PC_TOKEN, make_app

ROUNDS = int(os.environ.get("MOCKSERVER_STRESS_ROUNDS", "3"))
CONCURRENCY = 32
INJECTED_500S = 25
BT = {"Authorization": f"Bearer {GROWTH_RW}"}  # Growth: 120 reads and 30 writes a minute
BINOM = {"api-key": BINOM_ADMIN}
PC = {"api-token": PC_TOKEN}  # 3 requests a second per account
ADV = {"X-API-Key": ADV_TOKEN}  # 1200 a minute


def rss_mb() -> float:
    """This process's resident set (the server runs in a thread of it), from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def round_requests(number: int, offer: Any) -> list[tuple[str, str, str, dict[str, str], Any]]:
    """(kind, method, path, headers, body) of one window's traffic, shuffled."""
    requests = [("bt-read", "GET", "/bannertrackr/api/public/v1/sites/site_123", BT, None)] * 150
    requests += [("bt-write", "PUT", "/bannertrackr/api/public/v1/sites/site_123", BT,
                  {"name": f"round {number} write {i}"}) for i in range(40)]  # fmt: skip
    requests += [("pc-read", "GET", "/peerclick/v1/campaign", PC, None)] * 10
    requests += [("binom-read", "GET", "/binom/public/api/v1/campaign/1", BINOM, None)] * 60
    requests += [("binom-create", "POST", "/binom/public/api/v1/offer", BINOM, {**offer, "name": f"r{number}-{i}"})
                 for i in range(20)]  # fmt: skip
    requests += [("adv-read", "GET", "/adsterra/advertiser/campaigns.json", ADV, None)] * 100
    # over the size limits: refused before the app (and its rate limits), the connection closed
    requests += [("too-long", "GET", "/bannertrackr/api/public/v1/sites/site_123?pad=" + "x" * 20_000, BT, None)] * 5
    requests += [("too-large", "GET", "/binom/public/api/v1/campaign/1", {**BINOM, "X-Pad": "y" * 40_000}, None)] * 5
    random.Random(number).shuffle(requests)
    return requests


async def run(url: str) -> dict[str, Any]:
    seen: dict[str, Any] = {"statuses": collections.Counter(), "rounds": [], "created": [], "written": set(), "rss": []}
    offer = spec.operation(make_app().state.apis["binom"].spec_path, "createOffer")["requestBody"]["content"][
        "application/json"
    ]
    offer_body = offer.get("example") or next(iter(offer["examples"].values()))["value"]
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        admin = {"Content-Type": "application/json"}
        faults = [{"api": "binom", "operationId": "getCampaign", "status": 500, "count": INJECTED_500S},
                  {"api": "adsterra_advertiser", "latencyMs": 20, "fraction": 0.3}]  # fmt: skip
        for fault in faults:
            assert (await client.post("/__admin/faults", json=fault, headers=admin)).status_code == 201
        gate = asyncio.Semaphore(CONCURRENCY)

        async def send(
            kind: str, method: str, path: str, headers: dict[str, str], body: Any
        ) -> tuple[str, httpx.Response]:
            async with gate:
                return kind, await client.request(method, path, headers=headers, json=body)

        for number in range(ROUNDS):
            answers = await asyncio.gather(*(send(*request) for request in round_requests(number, offer_body)))
            counts = collections.Counter((kind, response.status_code) for kind, response in answers)
            seen["statuses"].update(counts)
            seen["rounds"].append(counts)
            reads = [r for kind, r in answers if kind == "bt-read" and r.status_code == 200]
            seen.setdefault("remaining", []).append(sorted(int(r.headers["X-RateLimit-Remaining"]) for r in reads))
            for kind, response in answers:
                if kind == "binom-create" and response.status_code == 200:
                    seen["created"].append(response.json()["id"])
                if kind == "bt-write" and response.status_code == 200:
                    seen["written"].add(response.json()["data"]["name"])
            seen["rss"].append(rss_mb())
            await client.post("/__admin/clock/advance", json={"seconds": 60}, headers=admin)  # the next window
        seen["final_name"] = (await client.get("/bannertrackr/api/public/v1/sites/site_123", headers=BT)).json()[
            "data"
        ]["name"]
        seen["listed"] = []
        while True:  # every offer, page by page
            page = (await client.get("/binom/public/api/v1/offer/list/filtered", headers=BINOM,
                                     params={"limit": 500, "offset": len(seen["listed"])})).json()  # fmt: skip
            seen["listed"] += [offer["id"] for offer in page]
            if len(page) < 500:
                break
    return seen


def test_concurrent_mixed_traffic_with_faults_keeps_every_promise() -> None:
    with serve_in_thread(make_app()) as url:
        before = rss_mb()
        seen = asyncio.run(run(url))
    statuses, total = seen["statuses"], sum(seen["statuses"].values())
    print(f"\nstress: {total} requests in {ROUNDS} windows, {CONCURRENCY} concurrent; RSS {before:.1f} MB before, "
          f"{seen['rss'][0]:.1f} after the first window, {seen['rss'][-1]:.1f} at the end; {dict(statuses)}; "
          f"RSS every 10 windows: {[round(value, 1) for value in seen['rss'][::10]]}")  # fmt: skip
    # no 5xx but the injected ones, each of those exactly once
    errors = {key: count for key, count in statuses.items() if key[1] >= 500}
    assert errors == {("binom-read", 500): INJECTED_500S}
    for counts in seen["rounds"]:  # every window: exactly the limit allowed, never one more
        assert counts[("bt-read", 200)] == 120 and counts[("bt-read", 429)] == 30, counts
        assert counts[("bt-write", 200)] == 30 and counts[("bt-write", 429)] == 10, counts
        assert counts[("pc-read", 200)] == 3 and counts[("pc-read", 429)] == 7, counts
        assert counts[("adv-read", 200)] == 100 and counts[("binom-create", 200)] == 20, counts
        assert counts[("too-long", 414)] == 5 and counts[("too-large", 431)] == 5, counts
    assert all(remaining == list(range(120)) for remaining in seen["remaining"])  # each count handed out once
    # no lost or duplicated write: every acknowledged create is there once; the record holds an acknowledged write
    assert len(seen["created"]) == len(set(seen["created"])) == 20 * ROUNDS
    assert set(seen["created"]) <= set(seen["listed"]) and len(seen["listed"]) == len(set(seen["listed"]))
    assert seen["final_name"] in seen["written"] and len(seen["written"]) == 30 * ROUNDS
    # memory: flat once warm (the request log keeps 1000 entries; nothing else grows with requests). The first
    # windows fill caches and the allocator's arenas; a long run must then stay flat over its second half.
    assert seen["rss"][-1] - seen["rss"][0] < 25
    if ROUNDS >= 20:
        assert seen["rss"][-1] - seen["rss"][ROUNDS // 2] < 5
