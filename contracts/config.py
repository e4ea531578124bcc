"""Schemathesis' configuration for the contract suite, generated from the APIs' definitions: one [[project]] each."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .apis import ContractApi


def settings(apis: Iterable[ContractApi]) -> dict[str, Any]:
    """The configuration as data (SchemathesisConfig.from_dict); credentials are `${VAR}`s schemathesis resolves."""
    apis = list(apis)
    projects = [{"title": api.title, **api.project, **_auth(api)} for api in apis]
    return {"dictionaries": {name: {"values": list(values)} for api in apis for name, values in api.dictionaries.items()},
            "project": projects}  # fmt: skip


def toml(apis: Iterable[ContractApi]) -> str:
    """The configuration as a file for schemathesis' CLI (`--config-file`), in TOML's inline form."""
    return "".join(f"{json.dumps(key)} = {_value(value)}\n" for key, value in settings(apis).items())


def _auth(api: ContractApi) -> dict[str, Any]:
    credential = api.credential
    return {"auth": {"openapi": {credential.scheme: credential.auth}}} if credential else {}


def _value(value: Any) -> str:
    """A TOML value: JSON's strings, numbers and arrays are TOML's; tables are written inline, booleans in lower case."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(key)} = {_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_value, value)) + "]"
    return json.dumps(value)
