"""What the contract suite needs beyond the Adsterra Advertiser spec."""

from __future__ import annotations

from ..adsterra_common.contract import NO_ROTATION, contract

CAMPAIGNS = {"dictionary": "adsterra_campaigns", "probability": 0.8}

CONTRACT = contract("advertiser", "demo advertiser", "another advertiser account", {
    "operations": [NO_ROTATION],
    # Every path has {format}, so stateful runs start only from the linking and custom-bid POSTs, which need an
    # existing campaign: most generated campaign ids are the account's, the rest exercise the documented 404.
    "parameters": {"body.campaign_id": CAMPAIGNS, "path.campaign_id": CAMPAIGNS, "path.campaignId": CAMPAIGNS},
})  # fmt: skip
