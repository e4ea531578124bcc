"""What the contract suite needs beyond the control API's spec: no credential on loopback, what the schema cannot say."""

from __future__ import annotations

from ..contract import REJECTS_ON_MEANING, Contract

CONTRACT = Contract(project={"operations": [
    # Documented 400s for schema-valid input: an unknown plan, a status the target API does not document, a time
    # the clock cannot reach, a state document that is not an export.
    {"include-operation-id": ["createAccount", "createFault", "setClock", "advanceClock", "importState"], **REJECTS_ON_MEANING},
    # Changes with no body must show they are no HTML form from another site: a JSON content type (or X-Admin-Token).
    {"include-operation-id": ["reset", "revokeKey", "rotateKey", "clearFaults", "deleteFault", "resetClock"],
     "headers": {"X-Admin-Token": "contract-run"}},
]})  # fmt: skip
