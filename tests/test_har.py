"""HAR 1.2 recordings of the mock (`serve --record`) validate against the HAR schema, keep no credential, and replay
byte for byte (`serve --replay`), the rest of the requests going on to the stateful mock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema

from mockserver.app import create_app
from mockserver.background import serve_in_thread
from mockserver.kit import har
from mockserver.settings import Settings

from .conftest import BINOM, BINOM_ADMIN, BT, FROZEN_AT, GROWTH_RW, PUB, PUB_TOKEN

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "har-1.2.schema.json").read_text(encoding="utf-8"))
SERVER_HEADERS = {"date", "server"}  # uvicorn's own, added to whatever the app answers


def script(client: httpx.Client) -> list[httpx.Response]:
    """A client's session: reads, a write and the read that shows it, an error, another API, a path token."""
    bearer = {"Authorization": f"Bearer {GROWTH_RW}"}
    return [
        client.get(f"{BT}/sites", params={"limit": 2}, headers=bearer),
        client.post(f"{BT}/sites", json={"name": "recorded shop", "type": "website"}, headers=bearer),
        client.get(f"{BT}/sites", params={"limit": 100}, headers=bearer),
        client.get(f"{BT}/sites/nope", headers=bearer),
        client.get(f"{BINOM}/campaign/1", headers={"api-key": BINOM_ADMIN}),
        client.get(f"{PUB}/{PUB_TOKEN}/domains.csv"),
    ]


def _served(settings: Settings) -> Any:
    return serve_in_thread(create_app(settings))


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(name, value) for name, value in response.headers.multi_items() if name not in SERVER_HEADERS]
    return response.status_code, headers, response.content


def test_a_recording_replays_byte_for_byte_and_the_rest_comes_from_the_mock(tmp_path: Path) -> None:
    recording = tmp_path / "session.har"
    with _served(Settings(clock_start=FROZEN_AT, record=recording)) as url, httpx.Client(base_url=url) as client:
        recorded = [_answer(response) for response in script(client)]
    entries = har.read(recording)
    assert [entry["response"]["status"] for entry in entries] == [status for status, _, _ in recorded]
    # Another seed and a running clock: whatever the recording holds cannot come from this mock's own data.
    with _served(Settings(seed=7, replay=recording)) as url, httpx.Client(base_url=url) as client:
        assert [_answer(response) for response in script(client)] == recorded
        fresh = client.get(f"{BT}/sites", params={"limit": 3}, headers={"Authorization": f"Bearer {GROWTH_RW}"})
        assert fresh.status_code == 200 and len(fresh.json()["data"]) == 3  # not recorded: the mock answers
        assert [entry["operationId"] for entry in client.get("/__admin/requests").json()][:2] == [
            "listSites",
            "listDomainsLegacy",
        ]


def test_a_recording_is_har_1_2_and_keeps_no_credential(tmp_path: Path) -> None:
    recording = tmp_path / "session.har"
    with _served(Settings(clock_start=FROZEN_AT, record=recording)) as url, httpx.Client(base_url=url) as client:
        script(client)
    document = json.loads(recording.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    text = recording.read_text(encoding="utf-8")
    assert document["log"]["version"] == "1.2" and len(document["log"]["entries"]) == 6
    for secret in (GROWTH_RW, BINOM_ADMIN, PUB_TOKEN):
        assert secret not in text
    first = document["log"]["entries"][0]["request"]
    assert {"name": "authorization", "value": "Bearer bt_liv…mo"} in first["headers"]
    assert first["queryString"] == [{"name": "limit", "value": "2"}]


def test_the_schema_fixture_refuses_what_is_not_har() -> None:
    """The validation above can fail: an entry without its response, or a status as text, is not HAR 1.2."""
    entry = {"startedDateTime": "2026-06-15T12:00:30Z", "time": 1, "request": {}, "cache": {}, "timings": {}}
    for broken in ({"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": [entry]}},
                   {"log": {"version": "1.2", "entries": []}}):  # fmt: skip
        try:
            jsonschema.validate(broken, SCHEMA)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"accepted {broken}")
