"""The JSON Schema of an exported state's tables, generated (genson) from what the mock itself writes.

An import (`PUT /__admin/state`, `--state-file`) is checked table by table against it, so a record that lacks a
field every record of its table has, or holds a list where there is always a string, is a 400 listing the
problems, instead of a 500 on some later call.

The shapes are learnt from exports the mock makes: the seeded state of several seeds (each varies which optional
fields are set), and records created through each API with its spec's example bodies and with only their required
fields. They are then widened where samples cannot know: a field seen only as null may hold anything, and an
integer may be any number (an API may store 1.5 where the samples happened to hold 2). Unknown fields and tables
are allowed. The result is kept in `state_schema.json`; `python -m mockserver.learn_state_schema` writes it, and a test checks
that it is what the mock writes today.
"""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft4Validator

from ..kit import plain_errors

SCHEMA_FILE = Path(__file__).with_name("state_schema.json")
MAX_PROBLEMS = 20


@cache
def _compiled() -> Any:
    return jsonschema_rs.Draft4Validator(tables_schema())


@cache
def tables_schema() -> dict[str, Any]:
    """API -> table -> the schema of its records, as generated (see the module's docstring)."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def problems(tables: Any) -> list[str]:
    """What is wrong with an export's `tables`, in plain words (at most MAX_PROBLEMS of them); empty if nothing."""
    if _compiled().is_valid(tables):  # compiled: a whole export in milliseconds; the slow validator only words errors
        return []
    # The first errors in document order: a document that is wrong everywhere must not cost a list of all of them.
    errors = list(itertools.islice(Draft4Validator(tables_schema()).iter_errors(tables), MAX_PROBLEMS + 1))
    described = [plain_errors.describe(error, "tables") for error in errors[:MAX_PROBLEMS]]
    if len(errors) > MAX_PROBLEMS:
        described.append("and more")
    return described
