"""Every command, curl line, URL and code example of README.md and examples/README.md works as pasted, against a
mock started with the README's own `./dev serve` on a free port (only host and port changed). The README's pytest
example runs in tests/test_wheel.py, in a project that has only the built wheel."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from contracts.cli import _parser as contracts_parser

from .agents import CHROME as BROWSER
from .test_serve import _free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
READMES = (ROOT / "README.md", ROOT / "examples" / "README.md")
DOC_HOST = re.compile(r"(?:localhost|127\.0\.0\.1):80\d\d\b")  # the READMEs' mock: port 8000 (8001 for "another port")

# The commands that are not run here, each with why; a command the READMEs gain that is neither run nor listed
# here fails `test_every_command_is_run_or_listed_as_not_run`. Keys are the start of the command.
NOT_RUN = {
    "./dev test": "it is this very run",
    "CI=true bash .ci/run": "CI's entry point, which is ./dev test: this very run",
    "./dev serve --no-rate-limits &": "the contract example's server: tests/test_contracts.py runs the two as one",
    "./dev contracts run": "a contract run takes 10-70 s even at one example; tests/test_contracts.py runs the README's "
                           "served-mock command, and test_contract_commands_parse checks the others' options",
    ".venv/bin/mockserver proxy": "serves until interrupted, in front of a real API; tests/test_proxy.py runs the proxy "
                                  "in front of the served mock, clean and broken",
    "./dev contracts proxy": "the same command as `mockserver proxy`, which tests/test_proxy.py runs in process",
    "./dev contracts check": "needs a recording; tests/test_proxy.py runs `contracts check` over the proxy's",
    "./dev contracts mutants": "the whole catalogue takes minutes; tests/test_mutations.py runs every breakage of it",
    "BANNERTRACKR_API_KEY=bt_live_...": "a placeholder for your own server and key",
    "curl -X POST https://api.peerclick.com/": "the real API, with your access key",
    "BASE_URL=https://bannertrackr.com/": "the real API, with your key",
    ".venv/bin/python bench/": "benchmarks, minutes each (see Performance); scripts, not tests",
    ".venv/bin/pip freeze": "rewrites requirements.lock",
    ".venv/bin/python -m mockserver.learn_state_schema": "rewrites mockserver/state/state_schema.json; tests/test_state_import.py "
                                                   "fails when the committed file is out of date",
    "./dev serve --state-file": "tests/test_persistence.py serves with a state file",
    'curl -A "Mozilla/5.0 (iPhone)" ...': "an abbreviation: `...` stands for any tracking URL (tests/test_visitors.py)",
    "pip install ": "into your own project; tests/test_wheel.py builds the wheel and installs it in a fresh virtualenv",
    "pip wheel ": "the same (tests/test_wheel.py)",
    "MOCKSERVER_STORE=": "needs a Redis on port 6379; tests/test_workers.py serves --workers N with MOCKSERVER_STORE set",
}  # fmt: skip


@dataclass(frozen=True)
class Block:
    """A fenced code block: its language, text and where it starts."""

    lang: str
    text: str
    where: str  # file:line

    def commands(self) -> list[str]:
        """Its shell commands: continuation lines joined, comments and blank lines left out."""
        joined = self.text.replace("\\\n", " ")
        return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(match.group(1), match.group(2), f"{path.relative_to(ROOT)}:{line}"))
    return found


def prose(path: Path) -> str:
    """The text outside fenced code blocks."""
    return re.sub(r"^```.*?^```$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


def inline_commands(path: Path) -> list[str]:
    """Commands quoted in the prose: inline code that runs the project's tools."""
    spans = re.findall(r"`([^`\n]+)`", prose(path))
    return [
        span
        for span in spans
        if re.match(r"(\./dev|\.venv/bin/|st |curl |sh examples/|node examples/|[A-Z_]+=\S+ )", span)
    ]


def not_run(command: str) -> str | None:
    return next((why for start, why in NOT_RUN.items() if command.startswith(start)), None)


def sh_blocks() -> list[Block]:
    return [block for path in READMES for block in blocks(path) if block.lang == "sh"]


@dataclass
class Served:
    root: str  # http://127.0.0.1:<port>
    port: int
    banner: str

    def local(self, text: str) -> str:
        """`text` pointed at this mock: the READMEs' host and port replaced, nothing else."""
        return DOC_HOST.sub(f"127.0.0.1:{self.port}", text)

    def reset(self) -> None:
        assert httpx.post(self.root + "/__admin/reset", json={}).status_code == 200


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The mock started with the README's first command, `./dev serve`, on a free port."""
    serve = next(command for command in sh_blocks()[0].commands() if command.startswith("./dev serve"))
    port = _free_port()
    log = tmp_path_factory.mktemp("readme") / "serve.txt"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [*shlex.split(serve, comments=True), "--port", str(port)], cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT
        )
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(root, process, log)
        yield Served(root, port, log.read_text())
    finally:
        process.terminate()
        process.wait(timeout=10)


# Each curl reports its status on a last line of its own, so a command's answer can be checked without changing it.
CURL = "curl() { command curl --silent --show-error --write-out '\\n%{http_code}\\n' \"$@\"; }\n"


def run_shell(served: Served, command: str) -> tuple[str, list[int]]:
    """Run `command` as pasted (host and port aside) from the repository's root: its output and curl statuses."""
    result = subprocess.run(["bash", "-c", CURL + served.local(command)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**_env(), "BASE_URL": served.local("http://localhost:8000/bannertrackr/api/public/v1")})  # fmt: skip
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    statuses = (
        [int(line) for line in re.findall(r"^(\d{3})$", result.stdout, re.MULTILINE)] if "curl" in command else []
    )
    return result.stdout, statuses


def _env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in ("BASE_URL", "API_KEY")}


def runnable(block: Block) -> list[str]:
    return [
        command for command in block.commands() if not_run(command) is None and not command.startswith("./dev serve")
    ]


@pytest.mark.parametrize("block", [b for b in sh_blocks() if runnable(b)], ids=lambda block: block.where)
def test_shell_block_runs_as_pasted(served: Served, block: Block) -> None:
    """A block's commands run in order, as a reader pastes them, from the seeded state; every curl gets a 2xx."""
    served.reset()
    for command in runnable(block):
        output, statuses = run_shell(served, command)
        if "curl" in command:
            assert statuses and all(200 <= status < 300 for status in statuses), f"{block.where}: {command}\n{output}"
        elif "examples/" in command:
            assert_example_worked(command, output)


def assert_example_worked(command: str, output: str) -> None:
    """An example of examples/ printed what its doc says: the account (curl) or the placement's CTR."""
    if command.split("examples/")[1].endswith(".sh"):
        assert '"id":"user_123"' in output, (command, output)
    else:
        assert re.fullmatch(r"CTR: \d+(\.\d+)?%\n", output), (command, output)


def test_every_command_is_run_or_listed_as_not_run() -> None:
    quoted = [command for block in sh_blocks() for command in block.commands()]
    quoted += [command for path in READMES for command in inline_commands(path)]
    run_here = {command for block in sh_blocks() for command in runnable(block)}
    # Run by the tests below: serving (the fixture) and its help, and examples/README.md's run column.
    run_below = ("./dev serve", "sh examples/", "node examples/", ".venv/bin/python examples/")
    assert len(quoted) >= 20, "too few commands found: has the README's layout changed?"
    assert [c for c in quoted if c not in run_here and not c.startswith(run_below) and not_run(c) is None] == []
    assert [start for start in NOT_RUN if not any(c.startswith(start) for c in quoted)] == [], (
        "NOT_RUN entries that match nothing"
    )


def test_serve_help_lists_the_options_the_readme_names() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = re.search(r"`\./dev serve --help` lists the options: (.+?)The same command is", readme, re.DOTALL)
    assert paragraph, "README lost its list of serve options"
    named = re.findall(r"`(--[a-z-]+)", paragraph.group(1))
    assert len(named) >= 7
    for command in (["./dev", "serve", "--help"], [".venv/bin/mockserver", "serve", "--help"],
                    [".venv/bin/python", "-m", "mockserver", "serve", "--help"]):  # fmt: skip
        help_text = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
        assert [option for option in named if option not in help_text] == [], command


def test_contract_commands_parse() -> None:
    """The `./dev contracts run` lines are valid commands: known API, known options (they are run elsewhere)."""
    commands = [c for block in sh_blocks() for c in block.commands() if re.match(r"(\w+=\S+ )*\./dev contracts run", c)]
    commands += [c for c in inline_commands(ROOT / "README.md") if c.startswith("./dev contracts run")]
    assert len(commands) >= 4
    for command in commands:
        args = shlex.split(command, comments=True)
        args = args[args.index("contracts") + 1 :]
        contracts_parser().parse_args(args)  # argparse exits (a failed test) on an unknown API or option


def test_readme_urls_are_served(served: Served) -> None:
    """A page the README links answers 200; a base URL it names is one the running mock announces at start-up."""
    urls = sorted(
        {url.rstrip(".,") for url in re.findall(r"http://localhost:8000[^\s`|)\"'<>]*", prose(ROOT / "README.md"))}
    )
    assert len(urls) >= 15
    for url in urls:
        if "{" in url:
            continue  # a template (e.g. /placements/{id}/stats), not a URL
        local = served.local(url)
        if local.endswith(("/ui/", "openapi.json")) or local == served.root + "/":
            response = httpx.get(local)
            assert response.status_code == 200, url
        else:
            assert local in served.banner or local in httpx.get(served.root + "/").text, (
                f"{url} is not a URL the mock serves"
            )


def _stats(served: Served, command: str) -> dict[str, int]:
    output, statuses = run_shell(served, command)
    assert statuses == [200], output
    summary = json.loads(output.rsplit("\n", 2)[0])["data"]["summary"]
    return {"impressions": summary["impressions"], "clicks": summary["clicks"]}


def test_tracking_snippet_counts_its_hits_in_the_stats(served: Served) -> None:
    """The HTML example as a browser loads it (two images) and follows it (the link); the next block shows the hits."""
    readme = blocks(ROOT / "README.md")
    html = next(index for index, block in enumerate(readme) if block.lang == "html")
    stats_command = next(c for c in readme[html + 1].commands() if "/stats" in c)
    served.reset()
    before = _stats(served, stats_command)
    snippet = served.local(readme[html].text)
    images = re.findall(r'<img src="([^"]+)"', snippet)
    links = re.findall(r'<a href="([^"]+)"', snippet)
    assert len(images) == 2 and len(links) == 1
    for url in images:
        response = httpx.get(
            url, headers={"User-Agent": BROWSER, "Sec-Fetch-Dest": "image", "Accept": "image/avif,image/webp,*/*"}
        )
        assert response.status_code == 200 and response.headers["content-type"].startswith("image/"), url
    click = httpx.get(
        links[0], headers={"User-Agent": BROWSER, "Sec-Fetch-Dest": "document", "Accept": "text/html,*/*"}
    )
    assert click.status_code == 302, links[0]
    assert _stats(served, stats_command) == {"impressions": before["impressions"] + 2, "clicks": before["clicks"] + 1}


def test_examples_run_column_prints_the_account_and_the_ctr(served: Served) -> None:
    """examples/README.md's `run` commands, with BASE_URL at the served mock."""
    table = re.findall(r"\| `([^`]+)` \|$", (ROOT / "examples" / "README.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert len(table) == 3
    served.reset()
    for command in table:
        if (
            command.startswith("node")
            and subprocess.run(["sh", "-c", "command -v node"], capture_output=True).returncode
        ):
            continue  # node is optional on a developer's machine
        assert_example_worked(command, run_shell(served, command)[0])


def test_every_code_block_is_of_a_kind_these_tests_check() -> None:
    """sh, html and python blocks are run (above, and the python one in tests/test_wheel.py); the GitHub Actions
    job (yaml) can only run on GitHub, so it is checked to be a job with steps; an untagged block is a diagram."""
    kinds = {block.lang for path in READMES for block in blocks(path)}
    assert kinds <= {"sh", "html", "python", "yaml", ""}, kinds
    for block in (block for path in READMES for block in blocks(path) if block.lang == "yaml"):
        (job,) = yaml.safe_load(block.text).values()
        assert job["runs-on"] and all("uses" in step or "run" in step for step in job["steps"]), block.where
