"""In a real browser (headless Chromium): the index page and a Swagger UI render, and other origins cannot steer the mock."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockserver.background import serve_in_thread

from .conftest import make_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs Chromium through ./dev; only a developer machine without it may skip.
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--window-size=1280,900"]  # fmt: skip


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    with serve_in_thread(make_app()) as url:
        yield url


def chromium(tmp_path: Path, url: str, *args: str) -> str:
    assert CHROMIUM is not None, "chromium is required in CI"
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=15000", *args, url],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout


def distinct_colours(png: bytes) -> int:
    """Colours in a (non-interlaced, 8-bit RGB/RGBA) PNG: a blank or failed page has one or two."""
    return len(colours(png))


def colours(png: bytes) -> set[bytes]:
    """The RGB colours of a (non-interlaced, 8-bit RGB/RGBA) PNG, sampled every 7th pixel of every row."""
    width, height, depth, kind = struct.unpack(">IIBB", png[16:26])
    assert depth == 8 and kind in (2, 6)
    channels = 4 if kind == 6 else 3
    data, position = b"", 8
    while position < len(png):
        length, chunk = struct.unpack(">I4s", png[position : position + 8])
        if chunk == b"IDAT":
            data += png[position + 8 : position + 8 + length]
        position += 12 + length
    raw, stride = zlib.decompress(data), width * channels
    previous, colours = bytearray(stride), set[bytes]()
    for row in range(height):
        kind_byte, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind_byte == 1:
                line[i] = (line[i] + left) & 255
            elif kind_byte == 2:
                line[i] = (line[i] + up) & 255
            elif kind_byte == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind_byte == 4:
                p = left + up - corner
                guess = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
                line[i] = (line[i] + guess) & 255
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, channels * 7))
        previous = line
    return colours


def test_index_page_renders_every_api_with_keys_and_counts(root: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, root + "/", "--dump-dom")
    assert "BannerTrackr Developer API" in dom and "bt_live_growth_read_write_demo" in dom
    assert "Requests served" in dom and "/__admin/ui/" in dom
    chromium(tmp_path, root + "/", f"--screenshot={tmp_path / 'index.png'}")
    assert distinct_colours((tmp_path / "index.png").read_bytes()) > 3


GET_BADGE = bytes((0x61, 0xAF, 0xFE))  # Swagger UI's blue GET label, drawn only on an operation


def test_swagger_ui_opens_on_the_operations_with_the_mock_notes_folded(root: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, root + "/bannertrackr/ui/", "--dump-dom")
    assert "opblock" in dom, "Swagger UI did not render any operation"
    assert "/placements/{placementId}/stats" in dom and "BannerTrackr Developer API" in dom
    # The mock notes are one click away: a closed <details> holding the rendered Markdown (the plan table).
    notes = dom.split("<details><summary><strong>Mock notes</strong>")[1].split("</details>")[0]
    assert "<table>" in notes
    chromium(tmp_path, root + "/bannertrackr/ui/", f"--screenshot={tmp_path / 'ui.png'}")
    shown = colours((tmp_path / "ui.png").read_bytes())
    assert len(shown) > 20  # coloured method badges, text, borders
    assert GET_BADGE in shown, "no operation on the first screen (1280x900)"


ATTACK = """<!doctype html><html><body><pre id="log"></pre>
<form id="reset" method="POST" action="MOCK/__admin/reset" target="sink1"></form>
<form id="seed" method="POST" action="MOCK/__admin/seed" enctype="text/plain" target="sink2">
  <input name='{"seed": 7, "x": "' value='"}'></form>
<iframe name="sink1"></iframe><iframe name="sink2"></iframe>
<script>
const log = (line) => { document.getElementById("log").textContent += line + "\\n"; };
const submitted = (form, sink) => new Promise((done) => {
  document.querySelector(`iframe[name=${sink}]`).addEventListener("load", () => done("sent"), {once: true});
  setTimeout(() => done("timeout"), 3000);
  document.getElementById(form).submit();
});
const attempt = async (name, call) => {
  try { log(`${name}:${await call()}`); } catch (error) { log(`${name}:blocked`); }
};
(async () => {
  log("form-reset:" + await submitted("reset", "sink1"));
  log("form-seed:" + await submitted("seed", "sink2"));
  await attempt("nocors-reset", async () => (await fetch("MOCK/__admin/reset", {method: "POST", mode: "no-cors"})).type);
  await attempt("nocors-fault", async () => (await fetch("MOCK/__admin/faults", {method: "POST", mode: "no-cors",
    headers: {"Content-Type": "text/plain"}, body: JSON.stringify({api: "bannertrackr", status: 500})})).type);
  await attempt("cors-reset", async () => (await fetch("MOCK/__admin/reset", {method: "POST",
    headers: {"Content-Type": "application/json"}, body: "{}"})).status);
  await attempt("read-state", async () => (await (await fetch("MOCK/__admin/state")).text()).length);
  log("beacon:" + navigator.sendBeacon("MOCK/__admin/reset"));
  await attempt("api-me", async () => (await fetch("MOCK/bannertrackr/api/public/v1/me",
    {headers: {Authorization: "Bearer bt_live_growth_read_write_demo"}})).status);
  log("finished:" + "all");
})();
</script></body></html>"""


@contextlib.contextmanager
def page_server(directory: Path) -> Iterator[str]:
    """A second local origin (another port: another origin, as another dev server would be) serving `directory`."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


def test_a_page_of_another_origin_cannot_steer_or_read_the_control_api(tmp_path: Path) -> None:
    with serve_in_thread(make_app()) as url:
        mock = url.replace("127.0.0.1", "localhost")
        created = httpx.post(f"{mock}/bannertrackr/api/public/v1/sites", json={"name": "mine", "type": "website"},
                             headers={"Authorization": "Bearer bt_live_growth_read_write_demo"})  # fmt: skip
        assert created.status_code == 201
        before = httpx.get(f"{mock}/__admin/state").json()
        site = tmp_path / "site"
        site.mkdir()
        (site / "attack.html").write_text(ATTACK.replace("MOCK", mock))
        with page_server(site) as other_origin:
            dom = chromium(tmp_path, f"{other_origin}/attack.html", "--dump-dom")
        assert "finished:all" in dom, dom  # every attempt ran
        assert "read-state:blocked" in dom and "cors-reset:blocked" in dom  # no CORS for the control API
        assert "api-me:200" in dom  # the mocked APIs keep theirs
        assert httpx.get(f"{mock}/__admin/state").json() == before  # no reset, no reseed
        assert httpx.get(f"{mock}/__admin/faults").json() == []  # no injected fault
        # DNS rebinding: the page's own name now resolves to the mock, so its fetch("/__admin/state") is same-origin
        rebound = chromium(tmp_path, url.replace("127.0.0.1", "rebound.test") + "/__admin/state", "--dump-dom",
                           "--host-resolver-rules=MAP rebound.test 127.0.0.1")  # fmt: skip
        assert "Forbidden" in rebound and "tables" not in rebound, rebound
