"""What the contract suite needs beyond BannerTrackr's spec: its demo keys, a budget, what the schema cannot say."""

from __future__ import annotations

from ...contract import REJECTS_ON_MEANING, Contract, ContractKey

CONTRACT = Contract(
    key=ContractKey("BANNERTRACKR_API_KEY", "pro plan, read-write"),
    read_only=ContractKey("BANNERTRACKR_READ_ONLY_KEY", "pro plan, read-only"),
    other=ContractKey("BANNERTRACKR_OTHER_API_KEY", "growth plan, read-write"),
    max_requests=2000,  # Pro: 300 reads and 60 writes a minute
    project={
        "operations": [
            # The doc rejects some schema-valid input on its meaning, with a documented 400: an advertiserId that is
            # not the account's, endDate before startDate, `from` after `to`, a period over 366 days.
            {"include-operation-id": ["createPlacement", "updatePlacement", "getPlacementStats"], **REJECTS_ON_MEANING},
        ],
    },
)
