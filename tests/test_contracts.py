"""The contract suite catches broken implementations, naming the right check, and passes the mock when run by URL."""

from __future__ import annotations

import importlib
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.apis import APIS
from contracts.cli import main as contracts_main
from contracts.runner import RunOptions, run
from mockserver.apis.adsterra_advertiser import views as advertiser_views
from mockserver.apis.bannertrackr import handlers, stats
from mockserver.context import RequestContext
from mockserver.domain.pagination import encode_cursor
from mockserver.kit import formats

from .conftest import ADV_TOKEN, PUB_TOKEN, make_app
from .test_serve import _free_port, wait_until_serving

ROOT = Path(__file__).resolve().parent.parent
BANNERTRACKR = APIS["bannertrackr"]


def suite(app: Any, *operation_ids: str, writes: bool = False, examples: int = 8, api: str = "bannertrackr",
          phases: tuple[str, ...] = ("examples", "coverage", "fuzzing")) -> set[str]:  # fmt: skip
    """Run the contract suite against `app` served in this process; the names of the checks that failed."""
    result = run(
        RunOptions(
            api=APIS[api], allow_writes=writes, max_examples=examples, seed=3,
            include_operation_ids=operation_ids, phases=phases,
        ),
        app=app,
    )  # fmt: skip
    assert (result.exit_code != 0) == bool(result.failures)
    return result.failed_checks


def test_the_mock_passes_with_writes() -> None:
    assert suite(make_app(enforce_rate_limits=False, apis=("bannertrackr",)), writes=True, examples=5) == set()


@pytest.mark.parametrize("api", ["admin", "bannertrackr"])
def test_read_only_default_runs_pass_where_every_link_starts_at_a_write(
    api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Their links start at POSTs, which a read-only run leaves out: no stateful phase, instead of a failed run."""
    all_phases = ("examples", "fuzzing", "stateful")
    assert (
        suite(make_app(enforce_rate_limits=False, apis=("bannertrackr",)), api=api, examples=2, phases=all_phases)
        == set()
    )
    assert "skipping the stateful phase" in capsys.readouterr().out


def _broken(
    monkeypatch: pytest.MonkeyPatch, target: Any, name: str, replacement: Callable[..., Any], api: str = "bannertrackr"
) -> Any:
    """A mock of `api` with one defect, which (like a broken implementation) does not validate its own answers."""
    monkeypatch.setattr(target, name, replacement)
    return make_app(enforce_rate_limits=False, validate_responses=False, apis=(api,))


def test_catches_a_wrong_field_type(monkeypatch: pytest.MonkeyPatch) -> None:
    original = handlers.views.site

    def site_with_string_count(ctx: Any, record: Any) -> Any:
        return original(ctx, record) | {"placementCount": "5"}

    app = _broken(monkeypatch, handlers.views, "site", site_with_string_count)
    assert "response_schema_conformance" in suite(app, "getSite", "listSites")


def test_catches_a_missing_rate_limit_header(monkeypatch: pytest.MonkeyPatch) -> None:
    original = RequestContext.rate_headers

    def without_remaining(self: RequestContext) -> dict[str, str]:
        return {name: value for name, value in original(self).items() if name != "X-RateLimit-Remaining"}

    app = _broken(monkeypatch, RequestContext, "rate_headers", without_remaining)
    assert {"response_headers_conformance", "rate_limit_headers"} <= suite(app, "getMe")


def test_catches_a_write_accepted_with_a_read_only_key() -> None:
    app = make_app(enforce_rate_limits=False, validate_responses=False, apis=("bannertrackr",))
    keys = app.state.store.table("bannertrackr", "keys")
    for owner in keys.owners():
        for key in list(keys.rows(owner)):
            keys.update(owner, key["id"], {"scope": "read_write"})  # an implementation that ignores scopes
    assert "read_only_scope" in suite(app, "createSite", writes=True)


def test_catches_a_cursor_that_repeats_records(monkeypatch: pytest.MonkeyPatch) -> None:
    original = handlers.cursor_page

    def overlapping(rows: Any, limit: int, cursor: str | None) -> Any:
        page, next_cursor = original(rows, limit, cursor)
        if next_cursor is not None and len(page) > 1:  # points one record back: the next page repeats it
            next_cursor = encode_cursor(page[-2]["_seq"])
        return page, next_cursor

    app = _broken(monkeypatch, handlers, "cursor_page", overlapping)
    assert "cursor_pagination" in suite(app, "listSites")


def test_catches_a_wrong_ctr(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _broken(
        monkeypatch,
        stats,
        "ctr",
        lambda clicks, impressions: round(clicks / impressions * 100, 1) if impressions else 0.0,
    )
    assert "stats_arithmetic" in suite(app, "getPlacementStats", examples=15)


def test_catches_a_500_on_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    original = handlers.create_site

    async def crashes_on_punctuation(ctx: Any, body: Any) -> Any:
        if not body["name"].isalnum():  # an implementation that chokes on spaces and symbols in names
            raise ValueError(body["name"])
        return await original(ctx, body)

    app = _broken(monkeypatch, handlers, "create_site", crashes_on_punctuation)
    assert "not_a_server_error" in suite(app, "createSite", writes=True)


@pytest.mark.parametrize(
    ("api", "operations"),
    [
        ("binom", ("getReport", "createAffiliateNetwork", "deleteAffiliateNetwork")),
        ("peerclick", ("createAccessSession", "getReport", "createAffiliateNetwork", "deleteAffiliateNetwork")),
    ],
)
def test_the_tracker_mocks_pass_every_phase(api: str, operations: tuple[str, ...]) -> None:
    """The in-process tests (test_contract.py) leave out the coverage phase for speed: here it runs on the reports,
    the most parameter-rich operations, and on writes that `contracts run` must clean up after."""
    app = make_app(enforce_rate_limits=False, apis=(api,))
    assert suite(app, *operations, writes=True, examples=3, api=api) == set()


@pytest.mark.parametrize("api", ["binom", "peerclick"])
def test_catches_totals_that_are_not_the_sum_of_rows(monkeypatch: pytest.MonkeyPatch, api: str) -> None:
    handlers = importlib.import_module(f"mockserver.apis.{api}.handlers")
    original = handlers.report

    def inflated(*args: Any) -> Any:  # an implementation whose totals count one more than its rows
        body = original(*args)
        metric = "clicks" if api == "binom" else "visits"
        body["totals"][metric] = str(int(body["totals"][metric]) + 1) if api == "binom" else body["totals"][metric] + 1
        return body

    monkeypatch.setattr(handlers, "report", inflated)
    app = make_app(enforce_rate_limits=False, validate_responses=False, apis=(api,))
    # writes=True only lifts the GET-only filter, which would add every other read to the selection.
    assert "totals_arithmetic" in suite(
        app, "getReport", writes=True, examples=5, api=api, phases=("examples", "fuzzing")
    )


def test_readme_command_passes_against_a_served_mock(tmp_path: Path) -> None:
    """The README's `contracts run` example, pointed at `mockserver serve` on a free port."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    serve = re.search(r"^\./dev serve (.+) &$", readme, re.MULTILINE)
    command = re.search(r"^\./dev contracts run (.+?)(?<!\\)$", readme, re.MULTILINE | re.DOTALL)
    assert serve and command, "README lost its contract-testing example"
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", *shlex.split(serve.group(1)), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", server)  # the README's `&` leaves that to the shell user
        args = shlex.split(command.group(1).replace("\\\n", " ").replace(":8000", f":{port}"))
        args = [str(tmp_path / "contracts.xml") if arg == "contracts.xml" else arg for arg in args]
        # Seeded, as the README advises for CI: the same cases on every run.
        command_line = [sys.executable, "-m", "contracts", "run", *args, "--max-examples", "5", "--seed", "1"]
        exit_code = subprocess.run(command_line, timeout=600).returncode
        assert exit_code == 0
        assert "<testsuites" in (tmp_path / "contracts.xml").read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)


def _adsterra_suite(app: Any, *operation_ids: str) -> set[str]:
    result = run(
        RunOptions(api=APIS["adsterra_advertiser"], max_examples=5, seed=3, include_operation_ids=operation_ids,
                   phases=("examples", "fuzzing")),
        app=app,
    )  # fmt: skip
    return result.failed_checks


def test_the_adsterra_suite_passes_the_unbroken_mock_it_runs_below() -> None:
    """The baseline of the two tests below: without the defect, the same run finds nothing."""
    app = make_app(enforce_rate_limits=False, validate_responses=False, apis=("adsterra_advertiser",))
    assert _adsterra_suite(app, "listCampaigns", "getCampaign", "getBalance") == set()


def test_catches_an_adsterra_campaign_that_breaks_its_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    original = advertiser_views._pick

    def ids_as_strings(record: Any, fields: Any) -> Any:
        return {name: str(value) if name == "id" else value for name, value in original(record, fields).items()}

    app = _broken(monkeypatch, advertiser_views, "_pick", ids_as_strings, api="adsterra_advertiser")
    assert "response_schema_conformance" in _adsterra_suite(app, "listCampaigns", "getCampaign")


@pytest.mark.parametrize(
    ("renderer", "broken"),
    [
        ("to_xml", lambda data, root="response": f"<{root}><item>unclosed</{root}>"),
        ("to_csv", lambda entries, columns: ";".join(columns) + "\n1;2;3;4;5\n"),
    ],
)
def test_catches_malformed_xml_and_ragged_csv(monkeypatch: pytest.MonkeyPatch, renderer: str, broken: Any) -> None:
    app = _broken(monkeypatch, formats, renderer, broken, api="adsterra_advertiser")
    # Either the body's own check or the comparison with the JSON rendering names it, whichever case comes first.
    assert {"response_schema_conformance", "format_equivalence"} & _adsterra_suite(app, "getBalance")


def test_adsterra_contracts_pass_against_a_served_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite by URL for each Adsterra API, reads and writes, with only that API's credential at hand."""
    for api in APIS.values():
        for credential in (api.credential, api.read_only):
            if credential is not None:
                monkeypatch.delenv(credential.env, raising=False)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "serve", "--no-rate-limits", "--port", str(port),
         "--api", "adsterra_advertiser", "--api", "adsterra_publisher"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", server)
        for name, token in (("adsterra_advertiser", ADV_TOKEN), ("adsterra_publisher", PUB_TOKEN)):
            # Kept short: the in-process contract tests run every phase at length; this one is about the wire.
            options = RunOptions(
                api=APIS[name], base_url=f"http://127.0.0.1:{port}{APIS[name].mock_path}", auth=token,
                allow_writes=True, max_examples=3, seed=1, phases=("examples", "fuzzing", "stateful"),
            )  # fmt: skip
            result = run(options)
            assert result.exit_code == 0 and not result.failures and not result.cleanup_errors, name
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_missing_credential_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BANNERTRACKR_API_KEY", raising=False)
    with pytest.raises(SystemExit, match="BANNERTRACKR_API_KEY"):
        contracts_main(["run", "--api", "bannertrackr", "--base-url", "http://127.0.0.1:9"])
