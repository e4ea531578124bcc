"""What an API tells the contract suite (contracts/) beyond its spec: which demo keys to use, a budget, settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# For operations whose docs reject some schema-valid input on its meaning with a documented 400.
REJECTS_ON_MEANING = {"checks": {"positive_data_acceptance": {"expected-statuses": [
    "2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]}}}  # fmt: skip


@dataclass(frozen=True)
class ContractKey:
    """A credential of the contract suite: the variable holding a real account's, the demo key standing in on the mock."""

    env: str  # e.g. BANNERTRACKR_API_KEY
    demo: str  # part of the label of the API's demo key used against the mock (e.g. "pro plan, read-write")


@dataclass(frozen=True)
class Contract:
    """The contract suite's facts about one API; its credentials travel as the spec's (first) security scheme says."""

    key: ContractKey | None = None  # the read-write credential; None: the API takes none (the mock's control API)
    read_only: ContractKey | None = None  # a credential that may only read, for the scope check
    other: ContractKey | None = None  # another account's credential, for the account isolation check
    # Default request budget of a run against a URL: minutes, not hours, at the real service's rate. 0: unbounded.
    max_requests: int = 0
    # This API's [[project]] of schemathesis' configuration, less title and auth (derived): what a schema cannot say.
    project: Mapping[str, Any] = field(default_factory=dict)
    # Value lists the project's parameters may draw from: schemathesis' [dictionaries.<name>].
    dictionaries: Mapping[str, Sequence[Any]] = field(default_factory=dict)
