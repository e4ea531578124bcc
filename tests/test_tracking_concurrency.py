"""Concurrent tracking hits on one event loop: thousands of in-flight requests from many tasks, none lost."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest

from .agents import CHROME, IPAD, IPHONE
from .conftest import BT, GROWTH_RW, make_app

AGENTS = {"desktop": CHROME, "mobile": IPHONE, "tablet": IPAD}
COUNTRIES = ("US", "GB", "DE", "FR")
IMAGE_LOAD = {"Sec-Fetch-Dest": "image"}


class Interleaving:
    """Wraps an ASGI app so every request yields to the event loop at each message, and records the peak in flight.

    In process, a request whose awaits all complete at once would otherwise run start to end without letting
    another task in, and the test would prove nothing about concurrent hits.
    """

    def __init__(self, app: Any) -> None:
        self.app, self.in_flight, self.peak = app, 0, 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def yielding_receive() -> Any:
            await asyncio.sleep(0)
            return await receive()

        async def yielding_send(message: Any) -> None:
            await asyncio.sleep(0)
            await send(message)

        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(0)
            await self.app(scope, yielding_receive, yielding_send)
        finally:
            self.in_flight -= 1


def _hit_kind(n: int) -> str:
    return "click" if n % 10 == 0 else "pixel" if n % 2 else "image"


@pytest.mark.parametrize(
    ("fast", "tasks", "hits"), [(True, 50, 100), (False, 20, 50)], ids=["fast-routes", "connexion"]
)
def test_concurrent_hits_are_all_counted(fast: bool, tasks: int, hits: int) -> None:
    app = Interleaving(make_app(fast_routes=fast, enforce_rate_limits=False))

    async def scenario() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=app)
        auth = {"Authorization": f"Bearer {GROWTH_RW}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://mock", headers=auth) as client:
            body = {"siteId": "site_123", "name": "busy", "destinationUrl": "https://acme.com/"}
            placement = (await client.post(f"{BT}/placements", json=body)).json()["data"]
            urls = placement["trackingUrls"]

            async def visitor(number: int) -> None:
                device, country = list(AGENTS)[number % 3], COUNTRIES[number % 4]
                headers = {"User-Agent": AGENTS[device], "CF-IPCountry": country, "X-Forwarded-For": f"10.1.{number}.1"}
                for n in range(hits):
                    kind = _hit_kind(n)
                    response = await client.get(urls[kind], headers={**headers, **IMAGE_LOAD})
                    assert response.status_code == (302 if kind == "click" else 200)

            await asyncio.gather(*(visitor(number) for number in range(tasks)))
            stats = await client.get(f"{BT}/placements/{placement['id']}/stats", params={"breakdowns": "true"})
            return stats.json()["data"]  # type: ignore[no-any-return]

    data = asyncio.run(scenario())
    assert app.peak >= tasks  # every task had a request in flight at once
    kinds = Counter(_hit_kind(n) for n in range(hits))
    impressions, clicks = tasks * (kinds["pixel"] + kinds["image"]), tasks * kinds["click"]
    ctr = round(clicks / impressions * 100, 2)
    assert data["summary"] == {"impressions": impressions, "clicks": clicks, "uniqueVisitors": tasks, "ctr": ctr}
    expected_devices: Counter[tuple[str, str]] = Counter()
    expected_countries: Counter[tuple[str, str]] = Counter()
    for number in range(tasks):
        for metric, count in (("impressions", impressions // tasks), ("clicks", clicks // tasks)):
            expected_devices[list(AGENTS)[number % 3], metric] += count
            expected_countries[COUNTRIES[number % 4], metric] += count
    metrics = ("impressions", "clicks")
    assert {(row["device"], m): row[m] for row in data["breakdowns"]["byDevice"] for m in metrics} == expected_devices
    assert {
        (row["country"], m): row[m] for row in data["breakdowns"]["byCountry"] for m in metrics
    } == expected_countries
