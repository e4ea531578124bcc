"""The mock inside a Flask app: README's app.py mounts it below /mocks, and it answers as the served mock does."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from mockserver.apis import ALL_APIS
from mockserver.pytest_plugin import MockServer

from .conftest import ADV_TOKEN, BINOM_ADMIN, GROWTH_RW, PC_TOKEN, PUB_TOKEN
from .test_readme import ROOT, blocks
from .test_serve import _free_port, wait_until_serving

# One demo request of each API, from the README's curl lines: the path below the mock's root, and its headers.
DEMO_REQUESTS = {
    "bannertrackr": ("/bannertrackr/api/public/v1/me", {"Authorization": f"Bearer {GROWTH_RW}"}),
    "binom": ("/binom/public/api/v1/stats/campaign?datePreset=last_7_days", {"api-key": BINOM_ADMIN}),
    "peerclick": ("/peerclick/v1/report?groupBy=campaign&from=2020-01-01", {"api-token": PC_TOKEN}),
    "adsterra_advertiser": (
        "/adsterra/advertiser/stats.csv?group_by=campaign&start_date=2024-12-01&finish_date=2025-01-15",
        {"X-API-Key": ADV_TOKEN},
    ),
    "adsterra_publisher": (f"/adsterra/publisher/{PUB_TOKEN}/domain/1385226/placements.json", {}),
}


def app_py() -> str:
    """README's Flask example, the block that starts `# app.py`."""
    (block,) = [b for b in blocks(ROOT / "README.md") if b.lang == "python" and b.text.startswith("# app.py")]
    return block.text


@pytest.fixture(scope="module")
def flask_app() -> Any:
    module = ModuleType("app")
    exec(compile(app_py(), "README.md: app.py", "exec"), module.__dict__)
    return module.app


@pytest.fixture
def client(flask_app: Any) -> Any:
    flask_app.wsgi_app.mounts["/mocks"].state.reset()
    return flask_app.test_client()


def test_every_api_has_a_demo_request() -> None:
    assert set(DEMO_REQUESTS) == {api.name for api in ALL_APIS}


@pytest.mark.parametrize("api", DEMO_REQUESTS)
def test_the_mounted_mock_answers_each_demo_request_as_the_served_mock(
    client: Any, mockserver: MockServer, api: str
) -> None:
    path, headers = DEMO_REQUESTS[api]
    mounted = client.get("/mocks" + path, headers=headers)
    served = httpx.get(mockserver.url + path, headers=headers)
    assert served.status_code == 200, served.text
    assert (mounted.status_code, mounted.headers["content-type"]) == (200, served.headers["content-type"])
    assert mounted.get_data() == served.content and served.content


def test_errors_are_the_apis_own_under_the_prefix(client: Any) -> None:
    missing = client.get("/mocks/bannertrackr/api/public/v1/me")
    assert missing.status_code == 401 and set(missing.get_json()) == {"error", "hint"}
    unknown = client.get("/mocks/peerclick/v1/campaign/999999", headers={"api-token": PC_TOKEN})
    assert unknown.status_code == 404 and set(unknown.get_json()) >= {"description", "code"}


def test_the_apps_own_routes_stay_and_the_mocks_urls_carry_the_prefix(client: Any) -> None:
    assert client.get("/").get_data(as_text=True) == "my app; the mocks are below /mocks"
    auth = {"Authorization": f"Bearer {GROWTH_RW}"}
    urls = client.get("/mocks/bannertrackr/api/public/v1/placements/plc_456", headers=auth).get_json()["data"]["trackingUrls"]  # fmt: skip
    assert urls["pixel"] == "http://localhost/mocks/bannertrackr/api/track/pixel.gif?p=def456abc789"
    stats = "/mocks/bannertrackr/api/public/v1/placements/plc_456/stats"
    before = client.get(stats, headers=auth).get_json()["data"]["summary"]["impressions"]
    assert client.get(urls["pixel"].removeprefix("http://localhost")).status_code == 200
    assert client.get(stats, headers=auth).get_json()["data"]["summary"]["impressions"] == before + 1


def test_flasks_dev_server_serves_the_app_and_the_mocks_on_one_origin(tmp_path: Path) -> None:
    """README's app.py run with the command its first line gives, on a free port."""
    (tmp_path / "app.py").write_text(app_py())
    command = re.search(r"run it with +(flask .+)$", app_py().splitlines()[0])
    assert command, "app.py's first line says how to run it"
    port = _free_port()
    args = command.group(1).replace("5000", str(port)).split()
    flask = Path(sys.executable).with_name("flask")
    log = tmp_path / "flask.txt"
    with (
        log.open("w") as sink,
        subprocess.Popen([str(flask), *args[1:]], cwd=tmp_path, stdout=sink, stderr=sink) as server,
    ):
        try:
            origin = f"http://127.0.0.1:{port}"
            wait_until_serving(origin, server, log)
            assert httpx.get(origin + "/").text == "my app; the mocks are below /mocks"
            path, headers = DEMO_REQUESTS["bannertrackr"]
            me = httpx.get(origin + "/mocks" + path, headers=headers)
            assert me.status_code == 200 and me.json()["data"]["id"] == "user_123"
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_the_mocks_redirects_stay_below_the_prefix(client: Any) -> None:
    docs = client.get("/mocks/binom/api/doc")  # Binom's docs where a tracker keeps them: a redirect to its Swagger UI
    assert docs.status_code == 302 and docs.headers["location"] == "/mocks/binom/public/api/v1/ui/"
    assert "swagger" in client.get(docs.headers["location"]).get_data(as_text=True).lower()
