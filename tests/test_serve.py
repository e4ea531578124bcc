"""The served mock: `mockserver serve` as a real uvicorn process, its banner, pages and command line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A `python -m mockserver serve` process on a free port: (base URL, what it printed at start-up)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "stdout.txt"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--seed", "1"],
            cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, log)
        yield base, log.read_text()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_serving(base: str, process: subprocess.Popen[Any], log: Path | None = None, seconds: float = 60) -> None:
    """Poll the index page until the server answers (start-up imports, loads every spec and seeds); fail early if
    the process died."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(base + "/", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, log.read_text() if log else f"server exited with {process.returncode}"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)


def test_startup_banner_lists_urls_and_demo_keys(served: tuple[str, str]) -> None:
    base, banner = served
    assert f"{base}/bannertrackr/api/public/v1 " in banner and f"{base}/bannertrackr/ui/" in banner
    assert f"{base}/bannertrackr/api/track" in banner
    assert "bt_live_growth_read_write_demo" in banner and "growth plan, read-only" in banner


def test_startup_prints_no_warnings(served: tuple[str, str]) -> None:
    # connexion's import-time deprecation warnings (httpx2, RefResolver) are the mock's business, not the user's.
    _, banner = served
    assert "Warning" not in banner, banner


def test_adsterra_apis_are_served_with_their_demo_tokens(served: tuple[str, str]) -> None:
    base, banner = served
    index = httpx.get(base + "/").text
    for title, path, token in (
        ("Adsterra Advertiser API", "/adsterra/advertiser", "adsterraadvertiserdemo0000000001"),
        ("Adsterra Publisher API", "/adsterra/publisher", "adsterrapublisherdemo00000000001"),
    ):
        assert f"{base}{path}" in banner and token in banner
        assert title in index and token in index
        assert httpx.get(f"{base}{path}/ui/").status_code == 200
        assert httpx.get(f"{base}{path}/openapi.json").json()["info"]["title"] == title
    campaigns = httpx.get(
        f"{base}/adsterra/advertiser/campaigns.csv", headers={"X-API-Key": "adsterraadvertiserdemo0000000001"}
    )
    assert campaigns.text.startswith("id;alias;active\n1234567;Spring promo;3\n")


def test_index_and_swagger_ui_are_served(served: tuple[str, str]) -> None:
    base, _ = served
    index = httpx.get(base + "/")
    assert "BannerTrackr Developer API" in index.text and "bt_live_growth_read_write_demo" in index.text
    assert f"{base}/bannertrackr/api/public/v1<" in index.text and "/bannertrackr/ui/" in index.text
    ui = httpx.get(base + "/bannertrackr/ui/")
    assert ui.status_code == 200 and "swagger" in ui.text.lower()
    spec = httpx.get(base + "/bannertrackr/openapi.json").json()
    assert spec["info"]["title"] == "BannerTrackr Developer API"


def test_serve_prints_base_urls_and_demo_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: ran.update(kwargs))
    assert main(["serve", "--port", "9999", "--seed", "5", "--api", "bannertrackr"]) == 0
    out = capsys.readouterr().out
    http = ran.pop("http")  # the protocol with the mock's size limits (tests/test_http_limits.py)
    assert http.__name__ == "LimitedHttpToolsProtocol"
    assert ran == {"host": "127.0.0.1", "port": 9999, "log_level": "warning", "access_log": False}
    assert "http://127.0.0.1:9999/bannertrackr/api/public/v1" in out and "seed 5" in out
    assert "bt_live_growth_read_only_demo" in out and "bt_live_free_revoked_demo" in out


def test_serve_lists_the_tracker_mocks_and_their_demo_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: None)
    assert main(["serve", "--port", "9999", "--api", "binom", "--api", "peerclick"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9999/binom/public/api/v1/ui/" in out and "http://127.0.0.1:9999/peerclick/v1/ui/" in out
    for credential in ("binom_admin_demo_key", "binom_restricted_demo_key", "pc_demo_api_token", "pc_demo_access_id / pc_demo_access_key",
                       "media.buyer@example.com / correct horse battery staple", "pc_other_api_token", "pc_demo_expired_token"):  # fmt: skip
        assert credential in out
    assert "bannertrackr" not in out


def test_unknown_api_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "serve", "--api", "nope"],
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    assert result.returncode == 2 and "invalid choice" in result.stderr
