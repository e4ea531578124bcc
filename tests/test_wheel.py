"""The built wheel, installed in a fresh virtualenv, serves every API and gives a throwaway project the fixture."""

from __future__ import annotations

import os
import shutil
import signal
import site
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .test_readme import blocks
from .test_serve import _free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
# Only what a wheel is built from: the package sources, the specs and the metadata.
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis", "bench", "tests"
)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new virtualenv holding the wheel of this checkout and nothing else of the project."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so setuptools' build/ and egg-info land there and not in the checkout the other tests use.
    source = tmp / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=LEFT_OUT)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "--wheel-dir", str(tmp / "dist"), str(source)], check=True, timeout=300)  # fmt: skip
    (wheel,) = (tmp / "dist").glob("adapi_mocks-*.whl")
    env = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    # The dependencies are the ones ./dev installed, reached through a .pth line instead of downloaded again; a
    # path a .pth line adds is not a site directory, so .venv's own .pth files, among them the editable install of
    # this project, are not read: the project comes only from the wheel, installed into the new venv's own
    # site-packages, which comes first on sys.path.
    (purelib,) = (env / "lib").glob("python3.*/site-packages")
    (purelib / "project-dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "--quiet",
                    "--disable-pip-version-check", str(wheel)], check=True, timeout=120)  # fmt: skip
    yield env


def test_the_project_comes_from_the_wheel_with_its_specs(venv: Path, tmp_path: Path) -> None:
    code = "import contracts.apis, mockserver, mockserver.api; print(mockserver.__file__, mockserver.api.SPEC_DIR, contracts.apis.APIS['binom'].spec_path.parent)"
    where = subprocess.run(
        [venv / "bin" / "python", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    package, specs, contract_specs = (Path(path) for path in where.stdout.split())
    assert package.is_relative_to(venv) and specs.is_relative_to(venv) and contract_specs.resolve() == specs.resolve()
    assert sorted(path.name for path in specs.glob("*.yaml")) == sorted(
        path.name for path in (ROOT / "openapi").glob("*.yaml")
    )
    assert subprocess.run([venv / "bin" / "contracts", "run", "--help"], capture_output=True, check=True).stdout


def test_mockserver_serve_serves_every_api(venv: Path, tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.txt"
    with log.open("w") as sink:
        process = subprocess.Popen([venv / "bin" / "mockserver", "serve", "--port", str(port)], cwd=tmp_path, stdout=sink,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(root, process, log)
        for base in (
            "/bannertrackr",
            "/binom/public/api/v1",
            "/peerclick/v1",
            "/adsterra/advertiser",
            "/adsterra/publisher",
            "/__admin",
        ):
            assert httpx.get(f"{root}{base}/openapi.json").json()["openapi"] == "3.0.3", base
            assert httpx.get(f"{root}{base}/ui/").status_code == 200, base
        me = httpx.get(
            f"{root}/bannertrackr/api/public/v1/me", headers={"Authorization": "Bearer bt_live_growth_read_write_demo"}
        )
        assert me.json()["data"]["id"] == "user_123"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert "Warning" not in log.read_text()


def test_the_plugin_fixture_works_in_a_throwaway_project(venv: Path, tmp_path: Path) -> None:
    """The README's pytest example, in a project whose only link to this one is the installed wheel."""
    example = next(block for block in blocks(ROOT / "README.md") if block.lang == "python")
    (tmp_path / "test_client.py").write_text(example.text)
    # Without this suite's settings: the speed-up self-checks (conftest) and pytest's own variables.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MOCKSERVER_", "PYTEST_"))}
    result = subprocess.run([venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
