"""Each API as the contract suite sees it, derived from its ApiDefinition: spec, title, mock path, credentials, settings."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver import admin
from mockserver.api import ApiDefinition, DemoKey
from mockserver.apis import ALL_APIS
from mockserver.contract import ContractKey
from mockserver.kit.spec import load


@dataclass(frozen=True)
class Credential:
    """One security scheme of a spec, and how a user supplies its value."""

    scheme: str  # name under components.securitySchemes
    env: str  # environment variable that holds the value
    header: str  # where the value travels
    prefix: str = ""  # e.g. "Bearer "
    demo: str = ""  # part of the label of the mock's demo key that stands in for it

    def value(self, override: str | None = None, demo_keys: Sequence[DemoKey] | None = None) -> str | None:
        """The flag's value, else the variable's, else (against the mock, whose `demo_keys` are given) the demo key's."""
        return override or os.environ.get(self.env) or (self.demo_value(demo_keys) if demo_keys is not None else None)

    def demo_value(self, demo_keys: Sequence[DemoKey]) -> str:
        found = next((key.value for key in demo_keys if self.demo in key.label), None)
        if found is None:
            raise LookupError(
                f"no demo key has {self.demo!r} in its label: {', '.join(key.label for key in demo_keys)}"
            )
        return found

    @property
    def auth(self) -> dict[str, str]:
        """Schemathesis' [project.auth.openapi.<scheme>] entry: the value from the environment."""
        return {"bearer" if self.prefix == "Bearer " else "api_key": "${" + self.env + "}"}


@dataclass(frozen=True)
class ContractApi:
    name: str
    spec_path: Path
    title: str  # info.title: schemathesis matches [[project]] config entries by it
    mock_path: str  # base URL path of this API on the mock: where its spec is mounted
    credential: Credential | None  # None: the API needs none (the mock's control API on loopback)
    read_only: Credential | None = None  # a credential that may only read, for the scope check
    other: Credential | None = None  # another account's credential, for the account isolation check
    # Default request budget of one run against a URL (see mockserver/contract.py). 0: unbounded.
    max_requests: int = 0
    project: Mapping[str, Any] = field(default_factory=dict)  # schemathesis settings, less title and auth
    dictionaries: Mapping[str, Sequence[Any]] = field(default_factory=dict)


def contract_api(definition: ApiDefinition) -> ContractApi:
    """What the suite needs of `definition`: static facts only, so that it can test any implementation by URL."""
    contract, scheme = definition.contract, _scheme(definition.spec_path)
    return ContractApi(
        name=definition.name, spec_path=definition.spec_path, title=definition.title, mock_path=definition.base_path,
        credential=_credential(scheme, contract.key), read_only=_credential(scheme, contract.read_only),
        other=_credential(scheme, contract.other), max_requests=contract.max_requests, project=contract.project,
        dictionaries=contract.dictionaries,
    )  # fmt: skip


def _scheme(spec: Path) -> tuple[str, dict[str, Any]] | None:
    """The first security scheme the document requires by default, by name."""
    document = load(spec)
    names = [name for requirement in document.get("security", []) for name in requirement]
    return (names[0], document["components"]["securitySchemes"][names[0]]) if names else None


def _credential(scheme: tuple[str, dict[str, Any]] | None, key: ContractKey | None) -> Credential | None:
    if key is None or scheme is None:
        return None
    name, definition = scheme
    if definition["type"] == "http":
        return Credential(name, key.env, "Authorization", definition["scheme"].capitalize() + " ", key.demo)
    return Credential(name, key.env, definition["name"], "", key.demo)


APIS = {api.name: api for api in map(contract_api, (*ALL_APIS, admin.DEFINITION))}


def by_title(title: str) -> ContractApi | None:
    return next((api for api in APIS.values() if api.title == title), None)


def mask(secret: str) -> str:
    """Never print a credential in full."""
    return secret[:4] + "…" + secret[-2:] if len(secret) > 8 else "…"
