"""ARCHITECTURE.md's "Adding an API", followed outside the project: a sixth API (a spec and a package with one ApiDefinition)
is served next to the others and passes the contract suite, with no project file edited."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator

import httpx
import pytest

from contracts.apis import APIS, contract_api
from contracts.runner import RunOptions, run
from mockserver.api import ApiDefinition
from mockserver.apis import ALL_APIS
from mockserver.app import create_app
from mockserver.background import serve_in_thread
from mockserver.kit import spec
from mockserver.settings import Settings

from .conftest import REGISTRY

SPEC = """\
openapi: 3.0.3
info: {title: Tiny Notes API, version: "1.0"}
security: [{apiKey: []}]
paths:
  /notes:
    get:
      operationId: listNotes
      responses:
        "200":
          description: The account's notes, oldest first.
          content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Note"}}}}
        "401": {$ref: "#/components/responses/Error"}
  /notes/{noteId}:
    get:
      operationId: getNote
      parameters: [{name: noteId, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: One note.
          content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
components:
  securitySchemes:
    apiKey: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    Note:
      type: object
      required: [id, text]
      additionalProperties: false
      properties: {id: {type: string}, text: {type: string}}
    Error:
      type: object
      required: [error]
      properties: {error: {type: string}, hint: {type: string}}
  responses:
    Error:
      description: What went wrong.
      content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
"""

PACKAGE = {  # the guide's step 2, file by file
    "handlers.py": '''
        """One function per operationId of the Tiny Notes spec."""


        def _note(record):
            return {"id": record["id"], "text": record["text"]}


        async def list_notes(ctx):
            return [_note(record) for record in ctx.table("notes").rows(ctx.account_id)]


        async def get_note(ctx, note_id):
            return _note(ctx.owned("notes", note_id, "Note not found"))
    ''',
    "seed.py": '''
        """The demo account's notes and its key."""

        from mockserver.api import DemoKey

        KEYS = {"tiny_demo_key": "acct_demo"}


        def seed(state):
            for number in (1, 2):
                state.store.table("tinynotes", "notes").add("acct_demo", {"id": f"note_{number}", "text": f"note {number}"})


        def demo_keys(state):
            return [DemoKey("demo account", "tiny_demo_key")]
    ''',
    "contract.py": '''
        """What the contract suite needs beyond the spec: the variable of a real key and the demo key on the mock."""

        from mockserver.contract import Contract, ContractKey

        CONTRACT = Contract(key=ContractKey("TINYNOTES_API_KEY", "demo account"))
    ''',
    "__init__.py": '''
        """Tiny Notes API: X-Api-Key keys, an account's notes."""

        from pathlib import Path

        from mockserver.api import ApiDefinition
        from mockserver.context import Principal
        from mockserver.kit.errors import ApiError, plain_shape

        from . import contract, handlers, seed


        def authenticate(ctx, token, request):
            if token not in seed.KEYS:
                raise ApiError(401, "Invalid API key", "Send X-Api-Key: tiny_demo_key")
            return Principal(account_id=seed.KEYS[token], credential_id=token)


        DEFINITION = ApiDefinition(
            name="tinynotes",
            title="Tiny Notes API",
            spec=str(Path(__file__).resolve().parent.parent / "openapi" / "tinynotes.yaml"),  # in the project: "tinynotes.yaml"
            base_path="/tinynotes/v1",
            real_base_url="https://tinynotes.example.com/v1",
            handlers=handlers,
            errors=plain_shape(),
            authenticate=authenticate,
            seed=seed.seed,
            demo_keys=seed.demo_keys,
            contract=contract.CONTRACT,
        )
    ''',
}


@pytest.fixture(scope="module")
def tinynotes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiDefinition]:
    """The guide's files, written outside the project: the spec under openapi/ and the package with its DEFINITION."""
    root = tmp_path_factory.mktemp("elsewhere")
    (root / "openapi").mkdir()
    (root / "openapi" / "tinynotes.yaml").write_text(SPEC, encoding="utf-8")
    (root / "tinynotes").mkdir()
    for name, source in PACKAGE.items():
        (root / "tinynotes" / name).write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("tinynotes").DEFINITION
    finally:
        sys.path.remove(str(root))
        for module in [name for name in sys.modules if name.split(".")[0] == "tinynotes"]:
            del sys.modules[module]


def test_a_sixth_api_is_served_beside_the_others(tinynotes: ApiDefinition) -> None:
    with serve_in_thread(create_app(Settings(), apis=(*ALL_APIS, tinynotes))) as root:
        notes = httpx.get(f"{root}/tinynotes/v1/notes", headers={"X-Api-Key": "tiny_demo_key"})
        assert notes.status_code == 200 and [note["id"] for note in notes.json()] == ["note_1", "note_2"]
        assert httpx.get(f"{root}/tinynotes/v1/notes").status_code == 401
        assert "tiny_demo_key" in httpx.get(f"{root}/").text  # its demo key on the index page
        assert httpx.get(f"{root}/bannertrackr/ui/").status_code == 200


def test_the_contract_suite_passes_it(tinynotes: ApiDefinition) -> None:
    """In-process against the mock of it alone, every phase but the stateful one (its spec has no links)."""
    app = create_app(Settings(enforce_rate_limits=False, apis=("tinynotes",)), apis=(*ALL_APIS, tinynotes))
    result = run(RunOptions(api=contract_api(tinynotes), max_examples=5, seed=1, max_requests=400), app=app)
    assert result.exit_code == 0 and result.failures == [] and result.errors == [] and result.budget_spent is None
    assert result.requests > 10


@pytest.mark.parametrize("name", sorted(APIS))
def test_every_registered_api_keeps_the_guides_rules(name: str) -> None:
    """Its title is its spec's (schemathesis finds the API's settings by it) and its contract names demo keys it has."""
    api, definition = APIS[name], REGISTRY.apis[name]
    assert spec.load(api.spec_path)["info"]["title"] == api.title
    for credential in (api.credential, api.read_only, api.other):
        if credential is not None:
            assert credential.demo_value(definition.demo_keys(REGISTRY))
