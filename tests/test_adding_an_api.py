"""README's "Adding an API", followed outside the project: a sixth API (a spec and a package with one ApiDefinition)
is served next to the others and passes the contract suite, with no project file edited."""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path

import httpx
import pytest

from contracts.apis import contract_api
from contracts.runner import RunOptions, run
from mockserver.apis import ALL_APIS
from mockserver.app import create_app
from mockserver.background import serve_in_thread
from mockserver.settings import Settings

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

PACKAGE = {
    "__init__.py": '''
        """Tiny Notes API: X-Api-Key keys, an account's notes."""

        from pathlib import Path

        from mockserver.api import ApiDefinition, DemoKey
        from mockserver.auth import Principal
        from mockserver.contract import Contract, ContractKey
        from mockserver.errors import ApiError, plain_shape

        from . import handlers

        KEYS = {"tiny_demo_key": "acct_demo"}


        def authenticate(ctx, token, request):
            if token not in KEYS:
                raise ApiError(401, "Invalid API key", "Send X-Api-Key: tiny_demo_key")
            return Principal(account_id=KEYS[token], credential_id=token)


        def seed(state):
            for number in (1, 2):
                state.store.table("tinynotes", "notes").add("acct_demo", {"id": f"note_{number}", "text": f"note {number}"})


        DEFINITION = ApiDefinition(
            name="tinynotes",
            title="Tiny Notes API",
            spec=str(Path(__file__).resolve().parent.parent / "openapi" / "tinynotes.yaml"),  # else: a file of openapi/
            base_path="/tinynotes/v1",
            real_base_url="https://tinynotes.example.com/v1",
            handlers=handlers,
            errors=plain_shape(),
            authenticate=authenticate,
            seed=seed,
            demo_keys=lambda state: [DemoKey("demo account", "tiny_demo_key")],
            contract=Contract(key=ContractKey("TINYNOTES_API_KEY", "demo account")),
        )
    ''',
    "handlers.py": '''
        """One function per operationId of the Tiny Notes spec."""


        def _note(record):
            return {"id": record["id"], "text": record["text"]}


        async def list_notes(ctx):
            return [_note(record) for record in ctx.table("notes").rows(ctx.account_id)]


        async def get_note(ctx, note_id):
            return _note(ctx.owned("notes", note_id, "Note not found"))
    ''',
}


@pytest.fixture
def tinynotes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """The guide's files, written into tmp_path: the spec under openapi/ and the package with its DEFINITION."""
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / "tinynotes.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "tinynotes").mkdir()
    for name, source in PACKAGE.items():
        (tmp_path / "tinynotes" / name).write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return importlib.import_module("tinynotes").DEFINITION


def test_a_sixth_api_is_served_beside_the_others(tinynotes: object) -> None:
    with serve_in_thread(create_app(Settings(), apis=(*ALL_APIS, tinynotes))) as root:  # type: ignore[arg-type]
        notes = httpx.get(f"{root}/tinynotes/v1/notes", headers={"X-Api-Key": "tiny_demo_key"})
        assert notes.status_code == 200 and [note["id"] for note in notes.json()] == ["note_1", "note_2"]
        assert httpx.get(f"{root}/tinynotes/v1/notes").status_code == 401
        assert "tiny_demo_key" in httpx.get(f"{root}/").text  # its demo key on the index page
        assert httpx.get(f"{root}/bannertrackr/ui/").status_code == 200


def test_the_contract_suite_passes_it(tinynotes: object) -> None:
    app = create_app(Settings(enforce_rate_limits=False, apis=("tinynotes",)), apis=(*ALL_APIS, tinynotes))  # type: ignore[arg-type]
    result = run(RunOptions(api=contract_api(tinynotes), max_examples=5, seed=1, max_time=60), app=app)  # type: ignore[arg-type]
    assert result.exit_code == 0 and result.failures == [] and result.errors == [] and result.untested == []
    assert result.requests > 10
