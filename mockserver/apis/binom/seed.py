"""Binom seed data: one tracker with an administrator and a restricted user, and faker-made entities with history."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ...api import DemoKey
from ...kit.countries import COUNTRIES

if TYPE_CHECKING:
    from ...kit.data import DataFactory
    from ...mockstate import MockState
    from ...state.store import Table

API = "binom"
TRACKER = "tracker"  # Binom is self-hosted: one tracker owns every record, users differ only in what they may see
TRACKING_DOMAIN = "track.example.com"
ADMIN_KEY = "binom_admin_demo_key"
RESTRICTED_KEY = "binom_restricted_demo_key"
# The restricted user's campaigns, as in the docs' example of a user limited to three campaigns.
RESTRICTED_GRANTS = {"1": "modify", "2": "modify", "3": "read"}

TRAFFIC_SOURCES = ("PropellerAds", "RichAds", "Zeropark", "TrafficStars", "HilltopAds", "Galaksion")
NETWORKS = ("MaxBounty", "ClickDealer", "Mobidea", "CrakRevenue")
VERTICALS = ("Sweepstakes", "Dating", "Nutra", "Crypto", "iGaming", "VPN", "Antivirus", "Finance")
GROUPS = ("Push", "Pops", "Native")
ROTATIONS = ("Main rotation", "Weekend rotation")
CAMPAIGNS = 10
DELETED_CAMPAIGN = 10  # soft-deleted: shows up only with status=deleted
DOMAINS = (("Main tracking domain", TRACKING_DOMAIN, True), ("Backup domain", "go.example.net", False))
# Conversion types, named after the captured `/conversions/statuses/one` values.
CONVERSIONS = (("Lead", ""), ("Install", "install"), ("Subscribe", "subscribe"), ("Charge", "charge"))


# Every user's fields beyond id, login and role; the two seeded users sign in with DEMO_PASSWORD.
DEMO_PASSWORD = "binom-demo-password"


def new_user(
    user_id: int, login: str, role: str, password: str, grants: dict[str, str] | None = None
) -> dict[str, Any]:
    """A user record as the store keeps it (only a password's hash is kept, so exports hold no password)."""
    return {
        "id": user_id, "login": login, "role": role, "grants": dict(grants or {}), "requestsPerMinute": None,
        "password": password_hash(password), "hideProfit": False, "canCreateUsers": role == "admin",
        "accessibleUsers": None, "permissions": [], "twoFactor": {"enabled": False, "secret": None},
    }  # fmt: skip


def password_hash(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def seed(state: MockState) -> None:
    data = state.data

    def table(name: str) -> Table:
        return state.store.table(API, name)

    table("users").add(TRACKER, new_user(1, "admin", "admin", DEMO_PASSWORD))
    table("users").add(TRACKER, new_user(2, "media_buyer", "user", DEMO_PASSWORD, RESTRICTED_GRANTS))
    table("keys").add(TRACKER, {"id": ADMIN_KEY, "userId": 1, "status": "active"})
    table("keys").add(TRACKER, {"id": RESTRICTED_KEY, "userId": 2, "status": "active"})
    groups = [
        table("groups").add(TRACKER, {"id": data.faker.uuid4(), "name": name, "deleted": False})["id"]
        for name in GROUPS
    ]
    for number, name in enumerate(ROTATIONS, 1):
        table("rotations").add(TRACKER, {"id": number, "name": name, "deleted": False})
    sources = [
        _traffic_source(data, number, name) for number, name in enumerate(data.random.sample(TRAFFIC_SOURCES, 4), 1)
    ]
    networks = [_network(data, number, name) for number, name in enumerate(data.random.sample(NETWORKS, 3), 1)]
    for record in sources:
        table("traffic_sources").add(TRACKER, record)
    for record in networks:
        table("affiliate_networks").add(TRACKER, record)
    offers = [_offer(data, number, groups, networks) for number in range(1, 9)]
    for record in offers:
        table("offers").add(TRACKER, record)
    landings = [_landing(data, number, groups) for number in range(1, 5)]
    for record in landings:
        table("landings").add(TRACKER, record)
    today = state.clock.today()
    for number in range(1, CAMPAIGNS + 1):
        record = _campaign(data, number, groups, sources, offers, landings)
        record["_traffic"] = traffic_profile(data, number, today)
        record["deleted"] = number == DELETED_CAMPAIGN
        table("campaigns").add(TRACKER, record)
    # Added last, from fixed values, so the records above are what they were before domains and conversions existed.
    for name, host, default in DOMAINS:
        table("domains").add(TRACKER, {"id": str(uuid.uuid5(uuid.NAMESPACE_DNS, host)), "name": name, "domain": host,
                                       "indexPage": "blank_page", "isSsl": True, "isDefault": default,
                                       "createdAt": f"{today - timedelta(days=120)} 00:00:00", "deleted": False})  # fmt: skip
    for number, (name, status) in enumerate(CONVERSIONS, 1):
        table("conversions").add(TRACKER, {"id": number, "name": name, "status": status, "payoutPercent": 100,
                                           "deleted": False})  # fmt: skip


def _traffic_source(data: DataFactory, number: int, name: str) -> dict[str, Any]:
    return {
        "id": number, "name": name, "s2sMode": data.random.choice(("FIRST", "ALL")), "deleted": False,
        "postbackUrl": f"https://{name.lower()}.example.com/conversion?aid={{external_id}}&payout={{payout}}",
    }  # fmt: skip


def _network(data: DataFactory, number: int, name: str) -> dict[str, Any]:
    return {"id": number, "name": name, "postbackUrl": None, "offerParameter": data.random.choice(("subid", "aff_sub", "s1")),
            "deleted": False}  # fmt: skip


def _offer(data: DataFactory, number: int, groups: list[str], networks: list[dict[str, Any]]) -> dict[str, Any]:
    country = data.random.choice([*COUNTRIES[:6], "GLOBAL"])
    return {
        "id": number,
        "name": f"{data.random.choice(VERTICALS)} {country if country != 'GLOBAL' else 'WW'} #{number}",
        "url": f"https://{data.faker.domain_name()}/?sub1={{clickid}}",
        "countryCode": country,
        "currency": "USD",
        "amount": data.random.choice((0.35, 0.8, 1.5, 2.25, 4.0, 12.5)),
        "isAuto": data.random.random() < 0.3,
        "isUpsell": False,
        "groupUuid": data.random.choice([None, *groups]),
        "affiliateNetworkId": data.random.choice([None, *(network["id"] for network in networks)]),
        "deleted": False,
    }


def _landing(data: DataFactory, number: int, groups: list[str]) -> dict[str, Any]:
    slug = data.faker.slug()
    integrated = number % 2 == 1
    return {
        "id": number,
        "name": f"{slug.replace('-', ' ').title()} LP",
        "groupUuid": data.random.choice([None, *groups]),
        "languageCode": data.random.choice(("EN", "DE", "FR", "")),
        "url": None if integrated else f"https://lp.{data.faker.domain_name()}/{slug}/",
        "location": f"landers/{slug}/index.html" if integrated else None,
        "deleted": False,
    }


def _campaign(
    data: DataFactory, number: int, groups: list[str], sources: list[dict[str, Any]], offers: list[dict[str, Any]],
    landings: list[dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    source = data.random.choice(sources)
    paths = []
    for path_number in range(1, data.random.randint(1, 2) + 1):
        chosen = data.random.sample(landings, data.random.randint(0, 2))
        paths.append({
            "name": f"Path {path_number}", "enabled": True, "weight": data.random.choice((50, 100)),
            "landings": [{"id": landing["id"], "enabled": True, "weight": 100} for landing in chosen] or [{"id": 0, "enabled": True, "weight": 100}],
            "offers": [{"offerId": offer["id"], "campaignId": 0, "directUrl": "", "enabled": True, "weight": data.random.choice((50, 100))}
                       for offer in data.random.sample(offers, data.random.randint(1, 3))],
        })  # fmt: skip
    model = data.random.choice(("CPC", "CPC", "CPC", "CPM", "CPA"))
    return {
        "id": number,
        "name": f"{data.random.choice(COUNTRIES[:8])} | {source['name']} | {data.random.choice(VERTICALS)}",
        "key": data.token(20),
        "groupUuid": data.random.choice([None, *groups]),
        "trafficSourceId": source["id"],
        "costModel": model,
        "amount": {"CPC": data.random.choice((0.004, 0.012, 0.02, 0.035)), "CPM": 1.2, "CPA": 1.0}[model],
        "currency": "USD",
        "isAuto": False,
        "hideReferrerType": "NONE",
        "domainUuid": None,
        "distributionType": "NORMAL",
        "rotationId": 1 if number == 4 else None,
        "customRotation": {"defaultPaths": paths, "rules": []},
        "campaignSettings": dict(DEFAULT_SETTINGS),
        "tokens": [],
    }


DEFAULT_SETTINGS: dict[str, Any] = {
    "s2sPostback": None, "postbackPercent": 100, "trafficLossPercent": 0, "payoutPercent": 100, "ea": 100,
    "lpPixel": None, "appendToCampaignUrl": "", "appendToOfferUrl": "", "appendToLandingUrl": "",
}  # fmt: skip


def traffic_profile(data: DataFactory, number: int, today: Any) -> dict[str, Any]:
    """A seeded campaign's typical day and audience; campaigns created through the API have none (no history)."""
    rng = data.derived("binom-profile", number)
    countries = rng.sample(COUNTRIES[:10], rng.randint(1, 4))
    return {
        "start": (today - timedelta(days=rng.randint(14, 90))).isoformat(),
        "clicks": rng.randint(300, 6000),
        "unique": rng.uniform(0.82, 0.95),
        "bots": rng.uniform(0.0, 0.04),
        "cr": rng.uniform(0.002, 0.03),
        "landerCtr": rng.uniform(0.2, 0.6),
        "timeToConvert": rng.randint(300, 7200),
        "countries": [[code, rng.uniform(0.2, 1.0)] for code in countries],
        "zones": [
            [
                str(rng.randint(100000, 999999)),
                f"cr{rng.randint(10, 99)}",
                rng.choice(("news", "games", "video", "blog")),
                rng.uniform(0.2, 1.0),
            ]
            for _ in range(rng.randint(2, 4))
        ],  # fmt: skip
    }


def demo_keys(state: MockState) -> list[DemoKey]:
    return [
        DemoKey("administrator: sees every campaign", ADMIN_KEY),
        DemoKey("restricted user: campaigns 1, 2 (modify) and 3 (read) only", RESTRICTED_KEY),
    ]
