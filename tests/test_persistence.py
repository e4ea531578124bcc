"""`serve --state-file`: atomic saves, state that survives restarts, SIGTERM and kill -9."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockserver.state.persistence import StateFile, snapshot, write_atomically

from .conftest import GROWTH_RW, PRO_RW, make_app
from .test_serve import ROOT, _free_port, wait_until_serving

SITES = "/bannertrackr/api/public/v1/sites"
PLACEMENTS = "/bannertrackr/api/public/v1/placements"
AUTH = {"Authorization": f"Bearer {GROWTH_RW}"}
PRO = {"Authorization": f"Bearer {PRO_RW}"}  # unlimited placements: many writes stay within the plan


def test_atomic_write_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    write_atomically(target, {"a": 1})
    write_atomically(target, {"b": 2})
    assert json.loads(target.read_text()) == {"b": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary files left behind


def test_state_file_round_trip(tmp_path: Path) -> None:
    app = make_app()
    app.test_client().post(SITES, headers=AUTH, json={"name": "persisted", "type": "website"})
    StateFile(tmp_path / "s.json", app.state).save()
    other = make_app(seed=9)
    assert StateFile(tmp_path / "s.json", other.state).load()
    assert snapshot(other.state) == snapshot(app.state)


class Server:
    def __init__(self, state_file: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--port", str(self.port), "--state-file", str(state_file), "--no-rate-limits"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_serving(self.url, self.process)

    def site_names(self) -> set[str]:
        names, cursor = set(), None
        while True:
            body = httpx.get(
                self.url + SITES, headers=AUTH, params={"limit": 100, **({"cursor": cursor} if cursor else {})}
            ).json()
            names |= {site["name"] for site in body["data"]}
            cursor = body["pagination"]["nextCursor"]
            if cursor is None:
                return names


def _wait_until_saved(state_file: Path, name: str, timeout: float = 10) -> None:
    """Poll the state file (written atomically) until it names `name`."""
    deadline = time.monotonic() + timeout
    while not (state_file.exists() and f'"{name}"' in state_file.read_text()):
        assert time.monotonic() < deadline, f"{name} never reached {state_file}"
        time.sleep(0.02)


@pytest.fixture
def state_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "state.json"


def test_saved_after_writes_and_on_sigterm(state_file: Path) -> None:
    server = Server(state_file)
    httpx.post(server.url + SITES, headers=AUTH, json={"name": "first", "type": "website"})
    deadline = time.monotonic() + 10
    while not state_file.exists():  # saved after the write batch, without any shutdown
        assert time.monotonic() < deadline
        time.sleep(0.05)
    httpx.post(server.url + SITES, headers=AUTH, json={"name": "second", "type": "website"})
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=15)
    restarted = Server(state_file)
    try:
        assert {"first", "second"} <= restarted.site_names()
    finally:
        restarted.process.terminate()
        restarted.process.wait(timeout=15)


def test_kill_9_between_writes_never_corrupts_the_file(state_file: Path) -> None:
    """Writes run on while the process is killed; the file is always whole, and holds every acknowledged batch."""
    for round_number in range(3):
        server = Server(state_file)
        saved_before: set[str] = set()
        if state_file.exists():
            saved_before = {
                name for name in json.dumps(json.loads(state_file.read_text())).split('"') if name.startswith("kill-")
            }
        site = httpx.get(server.url + SITES, headers=PRO).json()["data"][0]["id"]
        for n in range(40):
            created = httpx.post(
                server.url + PLACEMENTS, headers=PRO, json={"siteId": site, "name": f"kill-{round_number}-{n}"}
            )
            assert created.status_code == 201
            if n == 20:  # wait until a batch holding this write has reached the disk, mid-stream
                _wait_until_saved(state_file, f"kill-{round_number}-20")
        server.process.kill()  # SIGKILL: no shutdown hook runs
        server.process.wait(timeout=15)
        document = json.loads(state_file.read_text())  # parses: never half-written
        names = {name for name in json.dumps(document).split('"') if name.startswith("kill-")}
        assert saved_before <= names
        assert {f"kill-{round_number}-{n}" for n in range(21)} <= names  # acknowledged before the pause
    state_file.with_name(f".{state_file.name}.cut-short").write_text('{"version": 1, "se')  # as a kill mid-save leaves
    restarted = Server(state_file)  # the next start sweeps what a killed save left behind
    try:
        assert [p.name for p in state_file.parent.iterdir()] == ["state.json"]
    finally:
        restarted.process.terminate()
        restarted.process.wait(timeout=15)
