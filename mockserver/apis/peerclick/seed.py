"""PeerClick seed data: two accounts with fixed demo credentials, and faker-made entities with traffic history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ...api import DemoKey
from ...kit.countries import COUNTRIES
from ...state.clock import iso
from .sessions import ACCESS_KEY_RULES

if TYPE_CHECKING:
    from ...kit.data import DataFactory
    from ...mockstate import MockState
    from ...state.store import Table

API = "peerclick"
# Fixed demo credentials, independent of the seed (README, start-up banner; the demo account's are the spec's
# examples). The demo token never expires, so `contracts run` and curl work without a session call; tokens made
# through the API expire as documented.
ACCOUNTS = (
    {"id": "demo", "email": "media.buyer@example.com", "password": "correct horse battery staple", "domain": "demo.trk.example.com",
     "workspaces": [{"id": 1, "name": "Default"}, {"id": 2, "name": "Agency"}],
     "accessId": "pc_demo_access_id", "accessKey": "pc_demo_access_key", "token": "pc_demo_api_token"},
    {"id": "other", "email": "other.buyer@example.com", "password": "another horse battery staple", "domain": "other.trk.example.com",
     "workspaces": [{"id": 1, "name": "Default"}],
     "accessId": "pc_other_access_id", "accessKey": "pc_other_access_key", "token": "pc_other_api_token"},
)  # fmt: skip
EXPIRED_TOKEN = "pc_demo_expired_token"
SOURCES = ("PropellerAds", "RichAds", "Zeropark", "TrafficStars", "HilltopAds", "Galaksion", "ExoClick")
NETWORKS = ("MaxBounty", "ClickDealer", "Mobidea", "CrakRevenue", "AdCombo")
VERTICALS = ("Sweeps", "Dating", "Nutra", "Crypto", "iGaming", "VPN", "Antivirus", "Finance")
DEVICES = (("desktop", "Windows", "Chrome"), ("desktop", "macOS", "Safari"), ("mobile", "Android", "Chrome Mobile"),
           ("mobile", "iOS", "Mobile Safari"), ("tablet", "iPadOS", "Mobile Safari"))  # fmt: skip
ISPS = ("Comcast", "Verizon", "Deutsche Telekom", "Orange", "Vodafone", "AT&T", "BT")


def seed(state: MockState) -> None:
    data, now = state.data, state.clock.now()
    state.store.declare(API, "access_keys", ACCESS_KEY_RULES)

    def table(name: str) -> Table:
        return state.store.table(API, name)

    for account in ACCOUNTS:
        owner = str(account["id"])
        table("accounts").add(owner, {key: account[key] for key in ("id", "email", "password", "domain", "workspaces")})
        table("access_keys").add(owner, {"id": account["accessId"], "secret": account["accessKey"], "name": "Demo key"})
        table("tokens").add(owner, {"id": account["token"], "accessKeyId": account["accessId"], "expiresAt": None})
        stamp = iso(now - timedelta(days=data.random.randint(60, 120)))
        workspaces = [workspace["id"] for workspace in account["workspaces"]]  # type: ignore[union-attr]
        sources = [_add(table("traffic_sources"), owner, _source(data, name, workspaces, stamp))
                   for name in data.random.sample(SOURCES, 3)]  # fmt: skip
        networks = [_add(table("affiliate_networks"), owner, _network(data, name, workspaces, stamp))
                    for name in data.random.sample(NETWORKS, 2)]  # fmt: skip
        offers = [_add(table("offers"), owner, _offer(data, networks, workspaces, stamp)) for _ in range(5)]
        landers = [_add(table("landers"), owner, _lander(data, workspaces, stamp)) for _ in range(3)]
        for _ in range(5):
            campaign = _campaign(data, str(account["domain"]), sources, offers, landers, workspaces, stamp)
            campaign["_traffic"] = traffic_profile(data, table("campaigns").next_int_id(), state.clock.today())
            _add(table("campaigns"), owner, campaign)
    demo = ACCOUNTS[0]
    table("tokens").add(
        str(demo["id"]), {"id": EXPIRED_TOKEN, "accessKeyId": demo["accessId"], "expiresAt": state.clock.time() - 3600}
    )


def _add(table: Table, owner: str, record: dict[str, Any]) -> dict[str, Any]:
    return table.add(owner, {"id": table.next_int_id(), **record})


def _source(data: DataFactory, name: str, workspaces: list[int], stamp: str) -> dict[str, Any]:
    return {
        "name": name, "workspaceId": data.random.choice(workspaces),
        "postbackUrl": f"https://{name.lower()}.example.com/conversion?visitor_id={{externalid}}&payout={{payout}}",
        "costParameter": "cost", "currency": "USD",
        "customVariables": [{"index": 1, "name": "Zone", "parameter": "zoneid", "placeholder": "{zoneid}"},
                            {"index": 2, "name": "Site", "parameter": "site", "placeholder": "{site}"}],
        "createdAt": stamp, "updatedAt": stamp,
    }  # fmt: skip


def _network(data: DataFactory, name: str, workspaces: list[int], stamp: str) -> dict[str, Any]:
    return {"name": name, "workspaceId": data.random.choice(workspaces), "postbackIpWhitelist": [data.faker.ipv4_public()],
            "appendClickIdToOfferUrl": data.random.random() < 0.5, "createdAt": stamp, "updatedAt": stamp}  # fmt: skip


def _offer(data: DataFactory, networks: list[dict[str, Any]], workspaces: list[int], stamp: str) -> dict[str, Any]:
    country = data.random.choice([*COUNTRIES[:6], "GLB"])
    manual = data.random.random() < 0.5
    return {
        "name": f"{data.random.choice(VERTICALS)} - {country}", "workspaceId": data.random.choice(workspaces),
        "url": f"https://{data.faker.domain_name()}/?click_id={{clickid}}", "country": {"code": country},
        "affiliateNetwork": data.random.choice([None, *({"id": network["id"]} for network in networks)]),
        "payout": {"type": "MANUAL" if manual else "AUTO", "value": data.random.choice((0.9, 1.75, 3.2, 6.0)) if manual else None,
                   "currency": "USD"},
        "tags": data.random.sample(["push", "pops", "native", "test"], data.random.randint(0, 2)),
        "createdAt": stamp, "updatedAt": stamp,
    }  # fmt: skip


def _lander(data: DataFactory, workspaces: list[int], stamp: str) -> dict[str, Any]:
    slug = data.faker.slug()
    return {"name": f"{slug.replace('-', ' ').title()} LP", "workspaceId": data.random.choice(workspaces),
            "url": f"https://lp.{data.faker.domain_name()}/{slug}/", "numberOfOffers": data.random.randint(1, 2),
            "country": {"code": "GLB"}, "tags": [], "createdAt": stamp, "updatedAt": stamp}  # fmt: skip


def _campaign(
    data: DataFactory, domain: str, sources: list[dict[str, Any]], offers: list[dict[str, Any]],
    landers: list[dict[str, Any]], workspaces: list[int], stamp: str,
) -> dict[str, Any]:  # fmt: skip
    source = data.random.choice(sources)
    paths = []
    for _ in range(data.random.randint(1, 2)):
        direct = data.random.random() < 0.5
        paths.append({
            "weight": 100, "direct": 1 if direct else 0,
            "offers": [{"id": offer["id"], "weight": data.random.choice((50, 100))} for offer in data.random.sample(offers, data.random.randint(1, 2))],
            "landers": [] if direct else [{"id": lander["id"], "weight": 100} for lander in data.random.sample(landers, 1)],
        })  # fmt: skip
    country = data.random.choice(COUNTRIES[:8])
    model = data.random.choice(("AUTO", "CPC", "CPC", "CPM"))
    return {
        "name": f"{country} - {source['name']} - {data.random.choice(VERTICALS)}", "workspaceId": data.random.choice(workspaces),
        "trafficSource": source["id"],
        "costModel": {"type": model, "currency": "USD", "value": {"AUTO": None, "CPC": 0.015, "CPM": 1.1}[model]},
        "country": {"code": country}, "domain": domain, "tags": data.random.sample(["push", "sweeps", "test", "q3"], 2),
        "redirectTarget": {"destination": "PATH", "path": {"defaultPaths": paths}},
        "key": data.token(8, "0123456789abcdef"), "createdAt": stamp, "updatedAt": stamp,
    }  # fmt: skip


def traffic_profile(data: DataFactory, number: int, today: date) -> dict[str, Any]:
    """A seeded campaign's typical day and audience segments; campaigns created through the API have none."""
    rng = data.derived("peerclick-profile", number)
    segments = []
    for _ in range(rng.randint(3, 6)):
        device, os, browser = rng.choice(DEVICES)
        segments.append({
            "country": rng.choice(COUNTRIES[:10]), "device": device, "os": os, "browser": browser, "isp": rng.choice(ISPS),
            "variables": [str(rng.randint(1000, 9999)), rng.choice(("news", "games", "video", "blog")),
                          *(f"v{index}-{rng.randint(1, 9)}" for index in range(3, 11))],
            "weight": rng.uniform(0.2, 1.0),
        })  # fmt: skip
    return {
        "start": (today - timedelta(days=rng.randint(20, 45))).isoformat(),
        "visits": rng.randint(400, 5000),
        "ctr": rng.uniform(0.3, 0.85),
        "cr": rng.uniform(0.005, 0.05),
        "cpv": rng.uniform(0.002, 0.02),  # what an AUTO cost model charges per visit
        "segments": segments,
    }


def demo_keys(state: MockState) -> list[DemoKey]:
    demo, other = ACCOUNTS
    return [
        DemoKey("api-token of the demo account (never expires)", str(demo["token"])),
        DemoKey(
            "demo access key: POST /auth/access/session {accessId, accessKey}",
            f"{demo['accessId']} / {demo['accessKey']}",
        ),
        DemoKey("demo login: POST /auth/session {email, password}", f"{demo['email']} / {demo['password']}"),
        DemoKey("api-token of a second account (isolation)", str(other["token"])),
        DemoKey("expired api-token (401)", EXPIRED_TOKEN),
    ]
