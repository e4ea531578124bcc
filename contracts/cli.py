"""`contracts run`: contract-test the mock or any implementation of a mocked API against its spec."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from .apis import APIS
from .runner import RunOptions, run


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="contracts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("run", help="run the contract suite for one API")
    command.add_argument("--api", required=True, choices=sorted(APIS), help="which API's spec to test against")
    command.add_argument("--base-url", help="base URL of the implementation (default: start the mock in this process)")
    command.add_argument(
        "--auth", help="read-write credential (default: the API's environment variable, e.g. BANNERTRACKR_API_KEY)"
    )
    command.add_argument("--read-only-auth", help="a read-only credential: checks that writes with it are refused")
    command.add_argument(
        "--other-auth", help="another account's credential: checks it never reads the first account's records"
    )
    command.add_argument(
        "--allow-writes",
        action="store_true",
        help="also test POST/PUT/DELETE; everything created is deleted at the end",
    )
    command.add_argument(
        "--max-examples", type=int, default=20, help="generated cases per operation (default: %(default)s)"
    )
    command.add_argument("--seed", type=int, help="seed for a reproducible run")
    command.add_argument("--junit", type=Path, help="write a JUnit XML report here")
    command.add_argument(
        "--rate-limit", default="auto", help="'auto' (obey 429 Retry-After) or a rate such as 3/s (default: auto)"
    )
    command.add_argument(
        "--max-requests",
        type=int,
        help="request budget of the run (default against --base-url: per API, see README; 0: none)",
    )
    command.add_argument("--max-time", type=_duration, help="time budget of the run, e.g. 90s, 5m, 1h (default: none)")
    command.add_argument(
        "--include-operation-id", action="append", default=[], help="test only this operation (repeatable)"
    )
    mutants = commands.add_parser(
        "mutants", help="run the mutation catalogue against the mock: which check catches what"
    )
    mutants.add_argument(
        "--api", action="append", default=[], choices=sorted(APIS), help="only this API's breakages (repeatable)"
    )
    mutants.add_argument("--only", action="append", default=[], help="only this breakage, by name (repeatable)")
    proxy = commands.add_parser(
        "proxy", help="a reverse proxy that forwards unchanged and reports what the checks find in the traffic"
    )
    proxy.add_argument("--api", required=True, choices=sorted(APIS), help="which API's spec the traffic follows")
    proxy.add_argument("--upstream", required=True, help="the API's base URL, e.g. https://api.peerclick.com/v1")
    proxy.add_argument("--port", type=int, default=8010, help="local port; clients use http://127.0.0.1:PORT as the "
                       "base URL (default: %(default)s)")  # fmt: skip
    proxy.add_argument("--record", type=Path, metavar="FILE.har", help="record the traffic, credentials masked")
    proxy.add_argument("--junit", type=Path, help="write the findings as JUnit XML here at exit")
    check = commands.add_parser("check", help="run the single-response checks over a HAR recording, offline")
    check.add_argument("har", type=Path, metavar="FILE.har")
    check.add_argument(
        "--api", action="append", default=[], choices=sorted(APIS),
        help="only this API's entries (repeatable; default: every API, each entry by the mock path it is under)",
    )  # fmt: skip
    check.add_argument(
        "--base-url", help="the API's base URL in the recording, for one of a real service (needs one --api)"
    )
    return parser


def _duration(text: str) -> float:
    """Seconds from "90", "90s", "5m" or "1h"."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], units[text[-1]]) if text and text[-1] in units else (text, 1)
    try:
        seconds = float(number) * unit
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 5m, 1h)") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("a duration must be positive")
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    # connexion imports starlette's test client at import time, which warns about httpx; not the user's concern.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    args = _parser().parse_args(argv)
    if args.command == "mutants":
        from . import mutants

        return mutants.main(args.api, args.only)
    if args.command == "proxy":
        from . import proxy

        return proxy.main(APIS[args.api], args.upstream, args.port, args.record, args.junit)
    if args.command == "check":
        return _check(args.har, args.api, args.base_url)
    options = RunOptions(
        api=APIS[args.api],
        base_url=args.base_url,
        auth=args.auth,
        read_only_auth=args.read_only_auth,
        other_auth=args.other_auth,
        max_requests=args.max_requests,
        max_time=args.max_time,
        allow_writes=args.allow_writes,
        max_examples=args.max_examples,
        seed=args.seed,
        junit=args.junit,
        rate_limit=args.rate_limit,
        include_operation_ids=tuple(args.include_operation_id),
    )
    result = run(options)
    failed = sorted({f"{failure.operation}: {failure.check}" for failure in result.failures})
    print(f"contracts: {result.requests} requests" + (f"; the budget ({result.budget_spent}) left {len(result.untested)} "
          "operation(s) untested" if result.budget_spent else ""))  # fmt: skip
    print(f"contracts: {'PASSED' if result.exit_code == 0 and not result.cleanup_errors else 'FAILED'}"
          + (f" ({len(failed)} failing check(s): {'; '.join(failed)})" if failed else ""))  # fmt: skip
    return 1 if result.exit_code or result.cleanup_errors else 0


def _check(path: Path, names: list[str], base_url: str | None) -> int:
    """Judge each entry under the chosen APIs' mock paths (or under `base_url`); 1 when anything was found."""
    from mockserver.kit import har

    from . import offline

    if base_url is not None and len(names) != 1:
        print("contracts: --base-url needs exactly one --api", file=sys.stderr)
        return 2
    try:
        entries = har.read(path)
    except ValueError as error:
        print(f"contracts: {error}", file=sys.stderr)
        return 2
    seen, findings = 0, []
    for name in names or sorted(APIS):
        count, found = offline.check_har(APIS[name], entries, base_url or APIS[name].mock_path)
        seen, findings = seen + count, findings + found
    for finding in findings:
        print(f"contracts: FINDING {finding.line()}")
    rules = sorted({finding.rule for finding in findings})
    print(
        f"contracts: {path}: {seen} requests checked, {len(findings)} findings"
        + (f" ({', '.join(rules)})" if rules else "")
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
