"""The index page and a Swagger UI render in a real browser (headless Chromium), as a person would see them."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

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

