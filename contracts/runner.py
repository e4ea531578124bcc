"""Runs the contract suite for one API against a base URL, or against the mock started in this process."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver.app import create_app
from mockserver.background import serve_in_thread
from mockserver.settings import Settings

from . import checks, cleanup, config, pacing, refusals  # noqa: F401  (importing checks registers them with schemathesis)
from .apis import APIS, ContractApi, Credential, mask
from .spec import has_links_between, operations


@dataclass(frozen=True)
class RunOptions:
    api: ContractApi
    base_url: str | None = None  # None: start the mock in this process and test it
    auth: str | None = None  # read-write credential; else from the API's environment variable
    read_only_auth: str | None = None  # enables the read-only scope check
    allow_writes: bool = False  # default: only GET operations, safe against a real account
    max_examples: int = 20
    seed: int | None = None
    junit: Path | None = None
    rate_limit: str = "auto"  # "auto": only wait as 429 Retry-After says; "3/s": also throttle to that rate
    max_requests: int | None = None  # budget; None: the API's default against a URL, none against the mock started here
    max_time: float | None = None  # budget in seconds; None: unbounded
    other_auth: str | None = None  # a second account's credential: enables the account isolation check
    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful")
    include_operation_ids: tuple[str, ...] = ()
    extra_args: tuple[str, ...] = ()


@dataclass
class Failure:
    operation: str
    check: str
    title: str


@dataclass
class RunResult:
    exit_code: int
    failures: list[Failure] = field(default_factory=list)
    deleted: int = 0
    cleanup_errors: list[str] = field(default_factory=list)
    requests: int = 0  # sent at the run's pace: generated cases, checks' probes and cleanup
    budget_spent: str | None = None  # "requests" or "time" when the budget ended the run early
    untested: list[str] = field(default_factory=list)  # selected operations the run never reached
    errors: list[str] = field(default_factory=list)  # what schemathesis could not run (a check that crashed, ...)

    @property
    def failed_checks(self) -> set[str]:
        return {failure.check for failure in self.failures}


def run(options: RunOptions, app: Any = None) -> RunResult:
    """Run schemathesis with every check over the API's spec; `app` replaces the mock when no base URL is given."""
    api = options.api
    mock = options.base_url is None
    if mock and app is None:
        app = create_app(Settings(enforce_rate_limits=False))  # never answers 429
    # Against the mock, its own demo keys stand in for the credentials not given.
    demo = app.state.apis[api.name].demo_keys(app.state) if mock else None
    credential = api.credential.value(options.auth, demo) if api.credential else ""
    if api.credential and not credential:
        raise SystemExit(f"contracts: no credential for {api.name}: pass --auth or set {api.credential.env}")
    read_only = api.read_only.value(options.read_only_auth, demo) if api.read_only else None
    other = api.other.value(options.other_auth, demo) if api.other else None
    # The default budget protects a real account; the mock started here costs nothing, so it is tested whole.
    max_requests = options.max_requests if options.max_requests is not None else (0 if mock else api.max_requests)
    pacer = pacing.Pacer(options.rate_limit, max_requests or None, options.max_time)
    credentials = {api.credential: credential, api.read_only: read_only, api.other: other}
    with (pacing.installed(pacer), _target(options, app) as base_url, _environment(credentials), _known(api),
          tempfile.TemporaryDirectory() as reports):  # fmt: skip
        print(f"contracts: {api.title} at {base_url} ({'read and write' if options.allow_writes else 'read-only'}; "
              f"credential {mask(credential) if credential else 'none'}"
              f"{'; read-only ' + mask(read_only) if read_only else ''}{'; other account ' + mask(other) if other else ''}; "
              f"budget {_budget(pacer)})", flush=True)  # fmt: skip
        exit_code = _schemathesis(options, base_url, Path(reports))
        events = [event for report in Path(reports).glob("*.ndjson") for event in _events(report)]
        result = RunResult(exit_code, failures=_failures(events), budget_spent=pacer.stopped_by, errors=_errors(events))
        if pacer.stopped_by is not None:
            _end_of_budget(result, pacer, events, options)
        if options.junit is not None:
            for junit in Path(reports).glob("*.xml"):
                shutil.copyfile(junit, options.junit)
        if options.allow_writes:
            cleanup.install()  # idempotent; recorded during the run
            headers = {api.credential.header: api.credential.prefix + credential} if api.credential else {}
            result.deleted, result.cleanup_errors = cleanup.delete_all(base_url, headers)
            print(f"contracts: cleanup deleted {result.deleted} created records"
                  + (f", {len(result.cleanup_errors)} failed: {result.cleanup_errors}" if result.cleanup_errors else ""))  # fmt: skip
        result.requests = pacer.sent
    return result


def _end_of_budget(result: RunResult, pacer: pacing.Pacer, events: list[dict[str, Any]], options: RunOptions) -> None:
    """Our own interrupt ended the run: schemathesis reports it as one, but a spent budget is a bound the user set,
    so what was tested decides the verdict, and the summary says what was not."""
    result.exit_code = 1 if result.failures or result.errors else 0
    result.untested = sorted(_selected(options) - _reached(events))
    print(f"contracts: budget spent ({pacer.stopped_by}: {pacer.sent} requests in {pacer.elapsed:.0f} s); "
          f"phases cut short or skipped: {', '.join(_unfinished_phases(events, options.phases)) or 'none'}; "
          f"operations never reached: {', '.join(result.untested) or 'none'}", flush=True)  # fmt: skip


def _budget(pacer: pacing.Pacer) -> str:
    bounds = [
        f"{pacer.max_requests} requests" if pacer.max_requests else "",
        f"{pacer.max_time:.0f} s" if pacer.max_time else "",
        f"throttled to {pacer.rate}" if pacer.throttled else "",
    ]
    return ", ".join(bound for bound in bounds if bound) or "unbounded"


def _phases(options: RunOptions) -> tuple[str, ...]:
    """The phases to run: without a link between the selected operations there is no stateful test to make.

    Schemathesis reports that as an error, so a read-only run of an API whose links all start at writes (the
    admin API) would fail for a choice of the user's, not for anything the API does.
    """
    if "stateful" not in options.phases:
        return options.phases

    if has_links_between(options.api.spec_path, lambda method, operation: _is_selected(options, method, operation)):
        return options.phases
    print("contracts: no links between the selected operations: skipping the stateful phase", flush=True)
    return tuple(phase for phase in options.phases if phase != "stateful")


def _is_selected(options: RunOptions, method: str, operation: dict[str, Any]) -> bool:
    """Whether the run tests this operation: the same filters as the --include-* options given to schemathesis."""
    return (options.allow_writes or method == "GET") and (
        not options.include_operation_ids or operation.get("operationId") in options.include_operation_ids
    )


def _arguments(options: RunOptions, base_url: str, reports: Path) -> list[str]:
    # Reports go to a directory: schemathesis' --report-*-path files stay open when its CLI runs in-process.
    formats = "ndjson,junit" if options.junit is not None else "ndjson"
    args = [
        "--config-file", str(reports / "schemathesis.toml"), "run", str(options.api.spec_path), "--url", base_url,
        "--checks", "all", "--max-examples", str(options.max_examples), "--phases", ",".join(_phases(options)),
        # Always "auto": schemathesis waits out 429s itself; the throttle is the pacer's (pacing.py), which also
        # paces the checks' probes and cleanup, and which schemathesis' own throttle would not.
        "--workers", "1", "--rate-limit", "auto", "--report", formats, "--report-dir", str(reports),
        "--suppress-health-check", "all",
    ]  # fmt: skip
    # Deterministic with a seed; otherwise still no example database, so a run never replays another's failures.
    args += (
        ["--seed", str(options.seed), "--generation-deterministic"]
        if options.seed is not None
        else ["--generation-database", "none"]
    )
    # `--checks all` outranks the configuration file: checks an API's contract turns off must be named again here.
    disabled = [name for name, check in options.api.project.get("checks", {}).items() if check.get("enabled") is False]
    args += ["--exclude-checks", ",".join([*refusals.REPLACED, *disabled])]  # refusals' checks stand in for these
    if not options.allow_writes:
        args += ["--include-method", "GET"]
    for operation_id in options.include_operation_ids:
        args += ["--include-operation-id", operation_id]
    return args + list(options.extra_args)


def _schemathesis(options: RunOptions, base_url: str, reports: Path) -> int:
    import click
    from schemathesis.cli.commands import schemathesis as st

    if options.allow_writes:
        cleanup.install()
    pacing.install_hook()
    (reports / "schemathesis.toml").write_text(config.toml([options.api]), encoding="utf-8")
    # Schemathesis' CLI probes each report path with an open() it never closes (harmless at process exit);
    # in-process that surfaces as a ResourceWarning, which says nothing about the API under test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            code = st.main(_arguments(options, base_url, reports), prog_name="st", standalone_mode=False)
        except SystemExit as exit:  # click exits with the run's status
            code = exit.code
        except click.UsageError as error:
            error.show()
            code = error.exit_code
        gc.collect()
    return int(code or 0)


def _events(report: Path) -> list[dict[str, Any]]:
    """Schemathesis' NDJSON event stream, one {event name: body} per line."""
    return [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()] if report.exists() else []


def _failures(events: list[dict[str, Any]]) -> list[Failure]:
    """Which check failed on which operation."""
    failures = []
    for body in _scenarios(events):
        for check in _iter_checks(body):
            if check.get("status") == "failure":
                failure = check.get("failure_info", {}).get("failure", {})
                failures.append(Failure(_label(body), str(check.get("name")), str(failure.get("title", ""))))
    return failures


def _errors(events: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(body)[:300] for event in events for name, body in event.items() if name == "NonFatalError"]


def _scenarios(events: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for event in events:
        for name, body in event.items():
            if name == "ScenarioFinished":
                yield body


def _label(scenario: dict[str, Any]) -> str:
    """The operation a scenario ran on, e.g. "GET /sites"."""
    return str(scenario.get("recorder", {}).get("label") or scenario.get("label") or "")


def _reached(events: list[dict[str, Any]]) -> set[str]:
    return {_label(body) for body in _scenarios(events)}


def _unfinished_phases(events: list[dict[str, Any]], requested: tuple[str, ...]) -> list[str]:
    """Requested phases the run cut short or never started."""
    finished = {body["phase"]["name"]: body.get("status") for event in events for name, body in event.items()
                if name == "PhaseFinished" and isinstance(body.get("phase"), dict)}  # fmt: skip
    return [phase for phase in requested if finished.get(phase, "interrupted") in ("interrupted", "skip")]


def _selected(options: RunOptions) -> set[str]:
    """Labels of the operations the run was asked to test."""
    return {f"{method} {path}" for method, path, operation in operations(options.api.spec_path)
            if _is_selected(options, method, operation)}  # fmt: skip


def _iter_checks(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "name" in node and "status" in node and "failure_info" in node:
            yield node
        for value in node.values():
            yield from _iter_checks(value)
    elif isinstance(node, list):
        for value in node:
            yield from _iter_checks(value)


@contextlib.contextmanager
def _environment(credentials: dict[Credential | None, str | None]) -> Iterator[None]:
    """The credentials as the environment variables the generated configuration (config.py) and the checks read."""
    values = {credential.env: value for credential, value in credentials.items() if credential is not None and value}
    # A credential this run does not have must not linger from the caller's environment, e.g. an other-account
    # key the user did not pass: the checks read presence as "test this".
    absent = {credential.env for credential, value in credentials.items() if credential is not None and not value}
    saved = {name: os.environ.get(name) for name in {*values, *absent}}
    os.environ.update(values)
    for name in absent:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _known(api: ContractApi) -> Iterator[None]:
    """`api` among the APIs the checks look up by title for the run, also when it is none of the registry's."""
    added = api.name not in APIS
    APIS.setdefault(api.name, api)
    try:
        yield
    finally:
        if added:
            del APIS[api.name]


@contextlib.contextmanager
def _target(options: RunOptions, app: Any) -> Iterator[str]:
    if options.base_url is not None:
        yield options.base_url.rstrip("/")
        return
    with serve_in_thread(app) as root:
        yield root + options.api.mock_path
