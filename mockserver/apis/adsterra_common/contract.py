"""What the contract suite needs beyond either Adsterra spec: the demo tokens, a budget, what the schemas cannot say."""

from __future__ import annotations

from typing import Any

from ...contract import Contract, ContractKey

# Records that exist in the mock whatever its seed (the demo accounts' fixed ids, from the docs' examples).
# Against another implementation they are just ids that may answer 404, which the specs document.
DICTIONARIES = {
    "adsterra_campaigns": [1234567, 1234568, 1234569, 1234570],
    "adsterra_domains": [1385226, 11104450, 11561045],
}

# Mock only: rotating the token invalidates the one the run uses (and the real API has no such operation).
# The mock's tests cover rotation on their own.
NO_ROTATION = {"include-tag": "Mock only", "enabled": False}

# Follow the spec's own links only. Links schemathesis infers from field names treat values as valid that the
# schema rejects, e.g. the `placement_ids: []` of a cleaned list as the required `placement_ids` query of
# removeCustomBids, and then report the correct 422 as "schema-valid request rejected"; on the Publisher API they
# put placement ids into {token} (the spec's links pass the token on from the request).
OWN_LINKS = {"stateful": {"inference": {"algorithms": ["location-headers"]}}}


def contract(name: str, demo: str, other: str, project: dict[str, Any]) -> Contract:
    """An Adsterra API's contract: `ADSTERRA_<NAME>_API_KEY` (and `_OTHER_API_KEY`), 1,200 requests a minute."""
    env = f"ADSTERRA_{name.upper()}"
    return Contract(
        key=ContractKey(f"{env}_API_KEY", demo),
        other=ContractKey(f"{env}_OTHER_API_KEY", other),
        max_requests=2000,  # 1200 a minute
        project={**project, "phases": OWN_LINKS},
        dictionaries=DICTIONARIES,
    )
