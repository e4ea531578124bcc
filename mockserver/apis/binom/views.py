"""Binom's JSON shapes: nested GET objects, list items, and metrics as the strings the real tracker sends."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...kit.formats import decimal_string
from ...state.store import Record
from .traffic import Sums

RATIO_PLACES = 6  # as the captured "0.163775" and "-10.132681"


def campaign(record: Record, link: str) -> dict[str, Any]:
    """The nested GET shape (the write body is flat); `link` is its click URL on this mock (clicks.link)."""
    return {
        "id": record["id"], "name": record["name"], "key": record["key"], "groupUuid": record["groupUuid"],
        "trafficSourceId": record["trafficSourceId"],
        "cost": {"model": record["costModel"], "money": {"amount": record["amount"], "currency": record["currency"]},
                 "isAuto": record["isAuto"]},
        "hideReferrer": {"type": record["hideReferrerType"], "domainUuid": record["domainUuid"]},
        "domainUuid": record["domainUuid"], "distributionType": record["distributionType"], "rotationId": record["rotationId"],
        "customRotation": record["customRotation"], "campaignSettings": record["campaignSettings"], "tokens": record["tokens"],
        "link": link, "ownerId": record.get("ownerId"),
    }  # fmt: skip


def offer(record: Record) -> dict[str, Any]:
    return {
        "id": record["id"], "name": record["name"], "url": record["url"], "countryCode": record["countryCode"],
        "groupUuid": record["groupUuid"], "affiliateNetworkId": record["affiliateNetworkId"], "payout": payout(record),
    }  # fmt: skip


def payout(record: Record) -> dict[str, Any]:
    return {"money": {"amount": record["amount"], "currency": record["currency"]}, "isAuto": record["isAuto"],
            "isUpsell": record["isUpsell"]}  # fmt: skip


def landing(record: Record) -> dict[str, Any]:
    return {
        "id": record["id"], "name": record["name"], "groupUuid": record["groupUuid"], "languageCode": record["languageCode"],
        "url": record["url"], "location": record["location"], "isIntegrated": record["location"] is not None,
        "isDomainBanned": False,
    }  # fmt: skip


def landing_location(record: Record) -> str:
    """Where the page is: the server path of an integrated landing, else its URL."""
    return str(record["location"] if record["location"] is not None else record["url"])


def traffic_source(record: Record) -> dict[str, Any]:
    return {"id": record["id"], "name": record["name"], "groupId": None, "s2sMode": record["s2sMode"],
            "postbackUrl": record["postbackUrl"]}  # fmt: skip


def affiliate_network(record: Record) -> dict[str, Any]:
    return {"id": record["id"], "name": record["name"], "postbackUrl": record["postbackUrl"],
            "offerParameter": record["offerParameter"]}  # fmt: skip


def rotation(record: Record) -> dict[str, Any]:
    return {"id": record["id"], "name": record["name"]}


def group(record: Record) -> dict[str, Any]:
    return {"id": record["id"], "name": record["name"]}


def list_item(kind: str, record: Record, access_level: str) -> dict[str, Any]:
    """An item of `GET /<kind>/list/filtered` (landing and traffic-source shapes are captured; the rest follow them)."""
    item: dict[str, Any] = {"id": record["id"], "name": record["name"]}
    if kind == "campaigns":
        item |= {"key": record["key"], "groupUuid": record["groupUuid"], "trafficSourceId": record["trafficSourceId"]}
    elif kind == "offers":
        item |= {"countryCode": record["countryCode"], "groupUuid": record["groupUuid"]}
    elif kind == "landings":
        item |= {"groupUuid": record["groupUuid"], "languageCode": record["languageCode"],
                 "location": landing_location(record), "isDomainBanned": False}  # fmt: skip
    elif kind == "traffic_sources":
        item["groupId"] = None
    elif kind == "domains":
        item |= {"domain": record["domain"], "isDefault": record["isDefault"]}
    elif kind == "conversions":
        item["status"] = record["status"]
    return item | {"accessLevel": access_level}


def money(cents: int, fixed: bool = True) -> str:
    return decimal_string(Decimal(cents) / 100, 2, fixed=fixed)


def ratio(numerator: Decimal | int, denominator: Decimal | int, scale: int = 1) -> str:
    """numerator / denominator * scale as a metric string; a zero divisor gives "0"."""
    if not denominator:
        return "0"
    return decimal_string(Decimal(numerator) * scale / Decimal(denominator), RATIO_PLACES)


def stats_metrics(sums: Sums, lander: bool) -> dict[str, str]:
    """A `/stats/*` row's metrics (StatsMetrics, plus LanderMetrics for campaigns, offers and landings)."""
    revenue, cost = Decimal(sums.revenue) / 100, Decimal(sums.cost) / 100
    row = {
        "clicks": str(sums.clicks), "unique_clicks": str(sums.unique), "leads": str(sums.leads),
        "cr": ratio(sums.leads, sums.clicks, 100), "bots": str(sums.bots), "epc": ratio(revenue, sums.clicks),
        "cpc": ratio(cost, sums.clicks), "revenue": money(sums.revenue), "cost": money(sums.cost),
        "profit": money(sums.revenue - sums.cost), "roi": ratio(revenue - cost, cost, 100),
    }  # fmt: skip
    if lander:
        row |= {"lander_views": str(sums.lander_views), "lander_clicks": str(sums.lander_clicks),
                "lander_ctr": ratio(sums.lander_clicks, sums.lander_views, 100)}  # fmt: skip
    return row


def report_metrics(sums: Sums) -> dict[str, str]:
    stats = stats_metrics(sums, lander=False)
    names = ("clicks", "leads", "revenue", "cost", "profit", "roi", "cr", "epc", "cpc")
    return {"clicks": stats["clicks"], "unique_campaign_clicks": stats["unique_clicks"]} | {
        name: stats[name] for name in names
    }
