"""What the contract suite needs beyond PeerClick's spec: two accounts' demo tokens, a budget, a check turned off."""

from __future__ import annotations

from ...contract import Contract, ContractKey

CONTRACT = Contract(
    # A key token (POST /auth/access/session); the mock seeds a demo token that never expires.
    key=ContractKey("PEERCLICK_API_TOKEN", "api-token of the demo account"),
    other=ContractKey("PEERCLICK_OTHER_API_TOKEN", "api-token of a second account"),
    max_requests=600,  # 3 a second (1 for reports): about 4 minutes
    project={
        "operations": [
            # As for Binom: deleting a traffic source deletes its campaigns, and an update naming an unknown traffic
            # source, offer, lander or affiliate network answers 404 while the resource is there.
            {"include-operation-id": ["getCampaign", "updateCampaign", "deleteCampaign", "updateOffer"],
             "checks": {"ensure_resource_availability": {"enabled": False}}},
        ],
    },
)  # fmt: skip
