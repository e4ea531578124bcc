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

from mockserver.background import serve_in_thread

from . import checks, cleanup  # noqa: F401  (importing checks registers them with schemathesis)
from .apis import APIS, ContractApi, mask
from .spec import has_links_between

CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"


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
    rate_limit: str = "auto"  # "auto" waits as 429 Retry-After says; "3/s" throttles
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

    @property
    def failed_checks(self) -> set[str]:
        return {failure.check for failure in self.failures}


def run(options: RunOptions, app: Any = None) -> RunResult:
    """Run schemathesis with every check over the API's spec; `app` replaces the mock when no base URL is given."""
    api = options.api
    mock = options.base_url is None
    credential = api.credential.value(options.auth, mock=mock) if api.credential else ""
    if api.credential and not credential:
        raise SystemExit(f"contracts: no credential for {api.name}: pass --auth or set {api.credential.env}")
    read_only = api.read_only.value(options.read_only_auth, mock=mock) if api.read_only else None
    with _target(options, app) as base_url, _environment(api, credential, read_only), tempfile.TemporaryDirectory() as reports:
        print(f"contracts: {api.title} at {base_url} ({'read and write' if options.allow_writes else 'read-only'}; "
              f"credential {mask(credential) if credential else 'none'}"
              f"{'; read-only ' + mask(read_only) if read_only else ''})", flush=True)  # fmt: skip
        exit_code = _schemathesis(options, base_url, Path(reports))
        result = RunResult(exit_code, failures=[f for report in Path(reports).glob("*.ndjson") for f in _failures(report)])
        if options.junit is not None:
            for junit in Path(reports).glob("*.xml"):
                shutil.copyfile(junit, options.junit)
        if options.allow_writes:
            cleanup.install()  # idempotent; recorded during the run
            headers = {api.credential.header: api.credential.prefix + credential} if api.credential else {}
            result.deleted, result.cleanup_errors = cleanup.delete_all(base_url, headers)
            print(f"contracts: cleanup deleted {result.deleted} created records"
                  + (f", {len(result.cleanup_errors)} failed: {result.cleanup_errors}" if result.cleanup_errors else ""))  # fmt: skip
    return result


def _phases(options: RunOptions) -> tuple[str, ...]:
    """The phases to run: without a link between the selected operations there is no stateful test to make.

    Schemathesis reports that as an error, so a read-only run of an API whose links all start at writes (the
    admin API) would fail for a choice of the user's, not for anything the API does.
    """
    if "stateful" not in options.phases:
        return options.phases

    def selected(method: str, operation: dict[str, Any]) -> bool:
        return (options.allow_writes or method == "GET") and (
            not options.include_operation_ids or operation.get("operationId") in options.include_operation_ids)

    if has_links_between(options.api.spec_path, selected):
        return options.phases
    print("contracts: no links between the selected operations: skipping the stateful phase", flush=True)
    return tuple(phase for phase in options.phases if phase != "stateful")


def _arguments(options: RunOptions, base_url: str, reports: Path) -> list[str]:
    # Reports go to a directory: schemathesis' --report-*-path files stay open when its CLI runs in-process.
    formats = "ndjson,junit" if options.junit is not None else "ndjson"
    args = [
        "--config-file", str(CONFIG), "run", str(options.api.spec_path), "--url", base_url,
        "--checks", "all", "--max-examples", str(options.max_examples), "--phases", ",".join(_phases(options)),
        "--workers", "1", "--rate-limit", options.rate_limit, "--report", formats, "--report-dir", str(reports),
        "--suppress-health-check", "all",
    ]  # fmt: skip
    # Deterministic with a seed; otherwise still no example database, so a run never replays another's failures.
    args += ["--seed", str(options.seed), "--generation-deterministic"] if options.seed is not None else ["--generation-database", "none"]
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


def _failures(report: Path) -> list[Failure]:
    """Which check failed on which operation, from schemathesis' NDJSON event stream."""
    failures = []
    if not report.exists():
        return failures
    for line in report.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        for name, body in event.items():
            if name != "ScenarioFinished":
                continue
            for check in _iter_checks(body):
                if check.get("status") == "failure":
                    failure = check.get("failure_info", {}).get("failure", {})
                    failures.append(Failure(str(body.get("label") or ""), str(check.get("name")), str(failure.get("title", ""))))
    return failures


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
def _environment(api: ContractApi, credential: str, read_only: str | None) -> Iterator[None]:
    """The credentials as the environment variables schemathesis.toml and the checks read.

    Schemathesis resolves every `${VAR}` in the config file when it loads it, the other APIs' projects included,
    so their variables get a placeholder when unset: a run needs only the credentials of the API it tests.
    """
    values = {**({api.credential.env: credential} if api.credential else {}),
              **({api.read_only.env: read_only} if api.read_only and read_only else {})}  # fmt: skip
    for other in APIS.values():
        for unused in (other.credential, other.read_only) if other.name != api.name else ():
            if unused is not None and unused.env not in os.environ:
                values[unused.env] = "unused"
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _target(options: RunOptions, app: Any) -> Iterator[str]:
    if options.base_url is not None:
        yield options.base_url.rstrip("/")
        return
    with serve_in_thread(app) as root:
        yield root + options.api.mock_path
