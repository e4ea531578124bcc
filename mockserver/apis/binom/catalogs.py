"""Binom's fixed catalogues: affiliate network presets, traffic source templates, and the report groupings."""

from __future__ import annotations

from typing import Any

from ...context import RequestContext
from .report import TOKENS, labeller_names

# INVENTED presets and templates (the real catalogues were not captured): a few well-known networks and sources,
# each with what creating one from it fills in (the same fields as the create bodies).
NETWORK_PRESETS = (
    ("MaxBounty", "s2"), ("ClickDealer", "aff_sub"), ("Mobidea", "subid"), ("CrakRevenue", "aff_sub"),
    ("Adcombo", "subacc"), ("Everad", "sid1"),
)  # fmt: skip
SOURCE_TEMPLATES = (
    ("PropellerAds", "ALL", ("zoneid", "{zoneid}"), ("campaignid", "{campaignid}"), ("bid", "{cost}")),
    ("RichAds", "FIRST", ("pub", "[PUBLISHER_ID]"), ("site", "[SITE_ID]"), ("cost", "[CPC]")),
    ("Zeropark", "FIRST", ("target", "{target}"), ("keyword", "{keyword}"), ("cost", "{visit_cost}")),
    ("TrafficStars", "ALL", ("site", "{site_id}"), ("spot", "{spot_id}"), ("cost", "{cost}")),
)  # fmt: skip
NAMES = {"geoCountry": "Country", "rule": "Rule", "path": "Path", "traffic_source": "Traffic source",
         "affiliate_network": "Affiliate network"}  # fmt: skip
MAX_LEVELS = 3  # the report's groupings[] takes up to three levels


async def list_affiliate_network_presets(ctx: RequestContext) -> Any:
    return [
        {"name": name, "offerParameter": parameter,
         "postbackUrl": f"https://your-tracker.com/click?cnv_id={{{parameter}}}&payout={{payout}}"}
        for name, parameter in NETWORK_PRESETS
    ]  # fmt: skip


async def list_traffic_source_templates(ctx: RequestContext) -> Any:
    return [
        {"name": name, "s2sMode": mode, "postbackUrl": f"https://{name.lower()}.example.com/conversion?aid={{external_id}}",
         "tokens": [{"name": token, "value": value} for token, value in tokens]}
        for name, mode, *tokens in SOURCE_TEMPLATES
    ]  # fmt: skip


def _groupings(ctx: RequestContext) -> list[dict[str, str]]:
    named = [{"key": key, "name": NAMES.get(key, key.capitalize())} for key in labeller_names(ctx)]
    return named + [{"key": f"token_{number}", "name": f"Token {number}"} for number in range(1, TOKENS + 1)]


def _single(page: str) -> Any:
    async def list_(ctx: RequestContext) -> Any:
        return _groupings(ctx)

    list_.__name__ = list_.__qualname__ = f"list_{page}_groupings"
    return list_


list_campaign_groupings, list_offer_groupings, list_landing_groupings = map(_single, ("campaign", "offer", "landing"))
list_traffic_source_groupings, list_affiliate_network_groupings, list_rotation_groupings = map(
    _single, ("traffic_source", "affiliate_network", "rotation")
)


async def list_multiple_groupings(ctx: RequestContext) -> Any:
    return {"maxLevels": MAX_LEVELS, "groupings": _groupings(ctx)}


list_campaign_multiple_groupings = list_multiple_groupings
