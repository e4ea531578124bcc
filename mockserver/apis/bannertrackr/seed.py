"""BannerTrackr seed data: one account per plan, the doc's own example records, and faker-made sites and placements."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ...api import DemoKey
from ...state.clock import iso
from . import cascades, stats, traffic

if TYPE_CHECKING:
    from ...mockstate import MockState

API = "bannertrackr"

# (plan, account id, number of sites, placements per site range). Growth is the doc's own account.
ACCOUNTS = (
    ("growth", "user_123", 5, (2, 5)),
    ("starter", "user_starter", 2, (1, 3)),
    ("pro", "user_pro", 8, (2, 6)),
    ("free", "user_free", 1, (2, 2)),
)
# Fixed demo keys: documented in the README, printed at start-up, independent of the seed.
KEYS = (
    ("growth", "read_write", "active"),
    ("growth", "read_only", "active"),
    ("growth", "read_write", "revoked"),
    ("starter", "read_write", "active"),
    ("starter", "read_only", "active"),
    ("pro", "read_write", "active"),
    ("pro", "read_only", "active"),
    ("free", "read_write", "revoked"),
)
DOC_SITE = {"id": "site_123", "name": "My Newsletter", "type": "newsletter", "domain": "newsletter.example.com",
            "createdAt": "2024-01-15T10:30:00Z", "updatedAt": "2024-01-20T14:00:00Z"}  # fmt: skip
DOC_ADVERTISER = {"id": "adv_123", "name": "John Smith", "email": "john@acme.com", "companyName": "Acme Corp"}
DOC_PLACEMENT = {
    "id": "plc_123", "name": "Header Banner - Acme Corp", "pixelId": "abc123def456", "destinationUrl": "https://acme.com",
    "hostedImageUrl": "https://cdn.bannertrackr.com/banners/abc123def456.png", "status": "active",
    "startDate": "2024-01-01T00:00:00Z", "endDate": "2024-03-31T23:59:59Z", "renewalDate": "2024-03-15T00:00:00Z",
    "rate": 500, "billingModel": "flat", "currency": "USD", "advertiserId": "adv_123",
    "utm": {"source": "newsletter", "medium": "email", "campaign": "q1-2024", "term": None, "content": None},
    "siteId": "site_123", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-15T00:00:00Z",
}  # fmt: skip
# The doc's placement ended in 2024, so its hits count nothing; this one, the doc site's second, runs with no end
# date whatever the seed, for the README's tracking example. Only its id, pixel and dates are fixed, after it is
# generated, so every other seeded value stays what it was.
ACTIVE_PLACEMENT = {
    "id": "plc_456",
    "pixelId": "def456abc789",
    "status": "active",
    "endDate": None,
    "renewalDate": None,
}


def key_value(plan: str, scope: str, status: str) -> str:
    return f"bt_live_{plan}_{'revoked' if status == 'revoked' else scope}_demo"


def seed(state: MockState) -> None:
    data, store, now = state.data, state.store, state.clock.now()
    store.register_codec(API, traffic.TABLE, traffic.encode, traffic.decode)  # recorded hits are compact counters
    cascades.declare(store)
    accounts, keys = store.table(API, "accounts"), store.table(API, "keys")
    for plan, account_id, site_count, per_site in ACCOUNTS:
        doc_account = account_id == "user_123"
        accounts.add(account_id, {
            "id": account_id,
            "email": "you@example.com" if doc_account else data.faker.email(),
            "name": "Your Name" if doc_account else data.faker.name(),
            "plan": plan,
            "createdAt": "2024-01-15T10:30:00Z" if doc_account else iso(now - timedelta(days=data.random.randint(200, 900))),
        })  # fmt: skip
        _seed_account(state, account_id, site_count, per_site, doc_account)
    for plan, scope, status in KEYS:
        owner = next(account_id for p, account_id, *_ in ACCOUNTS if p == plan)
        keys.add(owner, {"id": key_value(plan, scope, status), "name": f"{plan} {scope}", "scope": scope,
                         "status": status, "createdAt": iso(now - timedelta(days=30))})  # fmt: skip


def _seed_account(state: MockState, owner: str, site_count: int, per_site: tuple[int, int], doc: bool) -> None:
    data, store, now = state.data, state.store, state.clock.now()
    sites, placements, pixels, advertisers = (
        store.table(API, name) for name in ("sites", "placements", "pixels", "advertisers")
    )
    advertiser_ids = []
    if doc:
        advertisers.add(owner, dict(DOC_ADVERTISER))
        advertiser_ids.append(DOC_ADVERTISER["id"])
    for _ in range(data.random.randint(2, 4)):
        advertiser = {"id": data.new_id("adv_", advertisers), "name": data.faker.name(), "email": data.faker.company_email(),
                      "companyName": data.faker.company()}  # fmt: skip
        advertisers.add(owner, advertiser)
        advertiser_ids.append(advertiser["id"])
    for index in range(site_count):
        if doc and index == 0:
            site = sites.add(owner, dict(DOC_SITE))
        else:
            created = iso(now - timedelta(days=data.random.randint(60, 400)))
            kind = data.random.choice(("website", "newsletter"))
            site = sites.add(owner, {
                "id": data.new_id("site_", sites), "name": data.faker.catch_phrase(), "type": kind,
                "domain": data.faker.domain_name() if kind == "website" or data.random.random() < 0.5 else None,
                "createdAt": created, "updatedAt": created,
            })  # fmt: skip
        count = 5 if doc and index == 0 else data.random.randint(*per_site)
        for number in range(count):
            if doc and index == 0 and number == 0:
                record = dict(DOC_PLACEMENT)
            else:
                record = _placement(state, site, advertiser_ids, pixels)
                if doc and index == 0 and number == 1:
                    record.update(ACTIVE_PLACEMENT)
            record["_traffic"] = stats.traffic_profile(data.derived("bannertrackr-profile", record["id"]))
            placements.add(owner, record)
            pixels.add(owner, {"id": record["pixelId"], "placementId": record["id"]})


def _placement(state: MockState, site: dict[str, Any], advertiser_ids: list[str], pixels: Any) -> dict[str, Any]:
    data, now = state.data, state.clock.now()
    created = now - timedelta(days=data.random.randint(20, 180))
    company = data.faker.company()
    ends = data.random.random()
    end = (
        None
        if ends < 0.5
        else now + timedelta(days=data.random.randint(10, 120))
        if ends < 0.9
        else now - timedelta(days=5)
    )
    return {
        "id": data.new_id("plc_", state.store.table(API, "placements")),
        "name": f"{data.random.choice(('Header', 'Sidebar', 'Footer', 'Inline'))} Banner - {company}",
        "pixelId": data.new_id("", pixels, length=12),
        "destinationUrl": f"https://{data.faker.domain_name()}/",
        "hostedImageUrl": None,
        "status": "paused" if data.random.random() < 0.15 else "active",
        "startDate": iso(created),
        "endDate": iso(end) if end else None,
        "renewalDate": iso(end - timedelta(days=7)) if end else None,
        "rate": data.random.choice((None, 50, 150, 500, 1200)),
        "billingModel": data.random.choice((None, "flat", "cpm", "cpc", "trade")),
        "currency": data.random.choice(("USD", "USD", "EUR", "GBP")),
        "advertiserId": data.random.choice([None, *advertiser_ids]),
        "utm": {
            "source": site["type"],
            "medium": "banner",
            "campaign": data.faker.slug(),
            "term": None,
            "content": None,
        },
        "siteId": site["id"],
        "createdAt": iso(created),
        "updatedAt": iso(created),
    }


def demo_keys(state: MockState) -> list[DemoKey]:
    return [
        DemoKey(
            f"{plan} plan, {'revoked' if status == 'revoked' else scope.replace('_', '-')}",
            key_value(plan, scope, status),
        )
        for plan, scope, status in KEYS
    ]
