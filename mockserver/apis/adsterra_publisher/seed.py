"""Adsterra publisher seed data: the 2.3.0 docs' example domains and placements in a demo account, and faker-made ones."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ...api import DemoKey
from ..adsterra_common import tokens
from ..adsterra_common.reports import shares

if TYPE_CHECKING:
    from ...mockstate import MockState

API = "adsterra_publisher"
OWNER_TYPE = "publisher"
DEMO_ACCOUNT = "publisher_demo"
OTHER_ACCOUNT = "publisher_other"
# Fixed whatever the seed (README, start-up banner, contract.py): tokens [a-z0-9]{32}.
DEMO_TOKEN = "adsterrapublisherdemo00000000001"
OTHER_TOKEN = "adsterrapublisherdemo00000000002"
REPLACED_TOKEN = "adsterrapublisherreplaced0000001"  # the demo account's previous token: 403 Invalid token
# The docs' examples, with fixed ids, in the demo account whatever the seed. The help article's "first website
# (domain_id 1385226)" comes first; the article names none of its placements, so their ids are INVENTED.
HELP_DOMAIN = {"id": 1385226, "title": "my-website.com"}
HELP_PLACEMENTS = (
    {"id": 13852261, "title": "SocialBar_1", "alias": "SocialBar_1"},
    {"id": 13852262, "title": "NativeBanner_1", "alias": "NativeBanner_1"},
)
# The 2.3.0 docs' domains and the placements of the first one.
DOC_DOMAINS = ({"id": 11104450, "title": "title1.com"}, {"id": 11561045, "title": "title2.com"})
DOC_PLACEMENTS = (
    {"id": 34895644, "title": "Popunder_1", "alias": "Popunder_1",
     "direct_url": "https://www.directurl.com/p67vbgm2?key=e2ptum41vg83gkg92r9g"},
    {"id": 34845646, "title": "Vast_1", "alias": "Vast_1"},
)  # fmt: skip
DOC_SMART_LINK = {"id": 4211001, "title": "Smartlink_1", "alias": "Smartlink_1",
                  "url": "https://www.example-smartlink.com/abc123?key=0f1e2d3c", "traffic_type": 1, "status": 3}  # fmt: skip
FORMATS = ("Popunder", "SocialBar", "NativeBanner", "Banner_300x250", "Banner_728x90", "Vast", "DirectLink")
COUNTRIES = ("US", "GB", "DE", "FR", "IN", "BR", "ID", "PH", "VN", "MX", "RU", "TR", "EG", "PK")


def seed(state: MockState) -> None:
    accounts = state.store.table(API, "accounts")
    accounts.add(DEMO_ACCOUNT, {"id": DEMO_ACCOUNT})
    tokens.issue(state, OWNER_TYPE, DEMO_ACCOUNT, REPLACED_TOKEN)
    tokens.issue(state, OWNER_TYPE, DEMO_ACCOUNT, DEMO_TOKEN)
    _account(state, DEMO_ACCOUNT, doc=True)
    accounts.add(OTHER_ACCOUNT, {"id": OTHER_ACCOUNT})
    tokens.issue(state, OWNER_TYPE, OTHER_ACCOUNT, OTHER_TOKEN)
    _account(state, OTHER_ACCOUNT)


def _account(state: MockState, owner: str, doc: bool = False) -> None:
    """Two domains (three in the demo account) with their placements (each with a traffic profile), and Smartlinks."""
    data, store = state.data, state.store
    domain_table, placements, smart_links = (
        store.table(API, name) for name in ("domains", "placements", "smart_links")
    )
    if doc:  # traffic drawn from its own stream, so the records seeded after it are the same as before it was added
        domain_table.add(owner, copy.deepcopy(HELP_DOMAIN))
        for placement in HELP_PLACEMENTS:
            traffic = _traffic(data.derived(API, "help-placement", placement["id"]))
            placements.add(owner, copy.deepcopy(placement) | {"_traffic": traffic, "domain_id": HELP_DOMAIN["id"]})
    for index in range(2):
        domain = copy.deepcopy(DOC_DOMAINS[index]) if doc else {
            "id": data.new_int_id(domain_table, 1_000_000, 19_999_999), "title": data.faker.domain_name(),
        }  # fmt: skip
        domain_table.add(owner, domain)
        doc_placements = [copy.deepcopy(p) for p in DOC_PLACEMENTS] if doc and index == 0 else []
        for number in range(len(doc_placements) or data.random.randint(1, 3)):
            placement = doc_placements[number] if doc_placements else _placement(state, number + 1)
            placement["_traffic"] = _traffic(data.random)
            placements.add(owner, placement | {"domain_id": domain["id"]})
    links = [copy.deepcopy(DOC_SMART_LINK)] if doc else []
    for number in range(len(links) + 1, len(links) + 1 + data.random.randint(1, 2)):
        links.append({
            "id": data.new_int_id(smart_links, 1_000_000, 9_999_999), "title": f"Smartlink_{number}",
            "alias": f"Smartlink_{number}", "traffic_type": data.random.choice((1, 1, 2)), "status": data.random.choice((3, 3, 4)),
            "url": f"https://www.{data.faker.domain_word()}.com/{data.token(8)}?key={data.token(8)}",
        })  # fmt: skip
    for link in links:
        smart_links.add(owner, link)


def _placement(state: MockState, number: int) -> dict[str, Any]:
    data = state.data
    kind = data.random.choice(FORMATS)
    title = f"{kind}_{number}"
    placement = {
        "id": data.new_int_id(state.store.table(API, "placements"), 10_000_000, 39_999_999),
        "title": title,
        "alias": title,
    }
    if kind == "DirectLink":  # direct_url only on direct-link placements (2.3.0 docs)
        placement["direct_url"] = f"https://www.directurl.com/{data.token(8)}?key={data.token(20)}"
    return placement


def _traffic(rng: Any) -> dict[str, Any]:
    """A placement's typical day, which its statistics vary around."""
    countries = rng.sample(COUNTRIES, rng.randint(2, 3))
    sub_ids = ["", *(f"sub{rng.randint(1, 99)}" for _ in range(rng.randint(0, 2)))]  # "" = traffic without one
    return {
        "volume": rng.randint(2_000, 40_000),
        "ctr": rng.uniform(0.001, 0.015),
        "cpm": rng.uniform(0.2, 2.5),  # USD revenue per 1000 impressions
        "countries": shares(rng, countries),
        "sub_ids": shares(rng, sorted(set(sub_ids))),
    }


def demo_keys(state: MockState) -> list[DemoKey]:
    return [
        DemoKey("demo publisher (the docs' domains 1385226, 11104450, 11561045), X-API-Key or path", DEMO_TOKEN),
        DemoKey("another publisher account", OTHER_TOKEN),
        DemoKey("the demo account's replaced token: 403 Invalid token", REPLACED_TOKEN),
    ]
