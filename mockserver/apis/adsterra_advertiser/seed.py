"""Adsterra advertiser seed data: the docs' example campaign in a demo account with fixed ids, and faker-made records."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ...api import DemoKey
from ..adsterra_common import tokens
from ..adsterra_common.reports import shares

if TYPE_CHECKING:
    from ...mockstate import MockState

API = "adsterra_advertiser"
OWNER_TYPE = "advertiser"
DEMO_ACCOUNT = "advertiser_demo"
OTHER_ACCOUNT = "advertiser_other"
# Fixed whatever the seed (README, start-up banner, contract.py): tokens [a-z0-9]{32}.
DEMO_TOKEN = "adsterraadvertiserdemo0000000001"
OTHER_TOKEN = "adsterraadvertiserdemo0000000002"
REPLACED_TOKEN = "adsterraadvertiserreplaced000001"  # the demo account's previous token: 403 Invalid token
# The demo account's campaigns: the spec's example 1234567 first. Fixed, so contract runs can bind them.
DEMO_CAMPAIGN_IDS = (1234567, 1234568, 1234569, 1234570)
DOC_CAMPAIGN = {"id": 1234567, "alias": "Spring promo", "active": 3,
                "blacklist": [15413270, 15413272], "whitelist": [], "custom_bids": [[15413270, 0.85]]}  # fmt: skip
DOC_BANNER = {"id": 7654321, "alias": "300x250 blue", "active": 3}
DOC_LANDING = {"id": 555001, "url": "https://example.com/offer?sub={SUBID}", "active": 3}
ACTIVITIES = (1, 2, 3, 3, 3, 4)  # 1 inactive, 2 limited, 3 active, 4 not in use; mostly active
SIZES = ("300x250", "728x90", "160x600", "320x50", "468x60", "300x600")
COUNTRIES = ("US", "GB", "DE", "FR", "CA", "IN", "BR", "ID", "JP", "MX", "PL", "TR")


def seed(state: MockState) -> None:
    accounts = state.store.table(API, "accounts")
    accounts.add(DEMO_ACCOUNT, {"id": DEMO_ACCOUNT, "balance": 1234.56})
    tokens.issue(state, OWNER_TYPE, DEMO_ACCOUNT, REPLACED_TOKEN)
    tokens.issue(state, OWNER_TYPE, DEMO_ACCOUNT, DEMO_TOKEN)
    for index, campaign_id in enumerate(DEMO_CAMPAIGN_IDS):
        _campaign(state, DEMO_ACCOUNT, campaign_id, doc=index == 0, alias=index != len(DEMO_CAMPAIGN_IDS) - 1)
    accounts.add(OTHER_ACCOUNT, {"id": OTHER_ACCOUNT, "balance": round(state.data.random.uniform(50, 5000), 2)})
    tokens.issue(state, OWNER_TYPE, OTHER_ACCOUNT, OTHER_TOKEN)
    for _ in range(3):
        _campaign(
            state, OTHER_ACCOUNT, state.data.new_int_id(state.store.table(API, "campaigns"), 1_000_000, 9_999_999)
        )


def _campaign(state: MockState, owner: str, campaign_id: int, doc: bool = False, alias: bool = True) -> None:
    """A campaign with its banners, landings, lists and the traffic profile its statistics come from."""
    data, store = state.data, state.store
    campaigns, banners, landings = (store.table(API, name) for name in ("campaigns", "banners", "landings"))
    record: dict[str, Any] = (
        copy.deepcopy(DOC_CAMPAIGN)
        if doc
        else {
            "id": campaign_id,
            "alias": data.faker.catch_phrase() if alias else None,  # alias may be null (MED): one campaign shows it
            "active": data.random.choice(ACTIVITIES),
            "blacklist": sorted(data.random.sample(range(10_000_000, 40_000_000), data.random.randint(0, 3))),
            "whitelist": [],
            "custom_bids": [],
        }
    )
    landing_ids = []
    for _ in range(1 if doc else data.random.randint(1, 3)):
        landing = (
            dict(DOC_LANDING)
            if doc
            else {
                "id": data.new_int_id(landings, 100_000, 999_999),
                "url": f"https://{data.faker.domain_name()}/{data.faker.uri_path()}?sub={{SUBID}}",
                "active": data.random.choice(ACTIVITIES),
            }
        )
        landings.add(owner, landing | {"campaign_id": campaign_id})
        landing_ids.append(landing["id"])
    banner_ids = []
    for number in range(2 if doc else data.random.randint(1, 3)):
        banner = (
            dict(DOC_BANNER)
            if doc and number == 0
            else {
                "id": data.new_int_id(banners, 1_000_000, 9_999_999),
                "alias": f"{data.random.choice(SIZES)} {data.faker.color_name().lower()}",
                "active": data.random.choice(ACTIVITIES),
            }
        )
        linked = data.random.sample(landing_ids, data.random.randint(1, len(landing_ids)))
        banners.add(owner, banner | {"campaign_id": campaign_id, "landing_ids": sorted(linked)})
        banner_ids.append(banner["id"])
    # The publishers' placements the campaign ran on; a blacklisted one keeps its history.
    placements = record["blacklist"][:1] + [
        data.random.randint(10_000_000, 40_000_000) for _ in range(data.random.randint(1, 2))
    ]
    record["_traffic"] = {
        "volume": data.random.randint(3_000, 30_000),  # impressions on a typical day
        "ctr": data.random.uniform(0.002, 0.02),
        "cr": data.random.uniform(0.02, 0.15),  # conversions per click
        "cpm": data.random.uniform(0.3, 3.0),  # USD per 1000 impressions
        "banners": shares(data.random, banner_ids),
        "placements": shares(data.random, sorted(set(placements))),
        "countries": shares(data.random, data.random.sample(COUNTRIES, data.random.randint(2, 3))),
    }
    campaigns.add(owner, record)


def demo_keys(state: MockState) -> list[DemoKey]:
    return [
        DemoKey("demo advertiser (the docs' campaign 1234567), X-API-Key", DEMO_TOKEN),
        DemoKey("another advertiser account", OTHER_TOKEN),
        DemoKey("the demo account's replaced token: 403 Invalid token", REPLACED_TOKEN),
    ]
