"""Command line: `mockserver serve` runs every mocked API on one port and prints where they are and their demo keys."""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from .apis import ALL_APIS
from .kit.errors import ApiError
from .settings import Settings
from .state.persistence import StateFile

STORE_ENV = "MOCKSERVER_STORE"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the mocks (all APIs, in memory, seeded)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    serve.add_argument(
        "--seed", type=int, default=Settings.seed, help="seed for all generated data (default: %(default)s)"
    )
    serve.add_argument(
        "--api", dest="apis", action="append", default=[], choices=[api.name for api in ALL_APIS],
        help="serve only this API (repeatable; default: all)",
    )  # fmt: skip
    serve.add_argument(
        "--no-rate-limits", dest="enforce_rate_limits", action="store_false",
        help="count and report rate limits but never answer 429 (for load and long contract runs)",
    )  # fmt: skip
    serve.add_argument(
        "--no-cors", dest="cors", action="store_false", help="send no CORS headers (default: any origin may call the APIs)",
    )  # fmt: skip
    serve.add_argument("--state-file", type=Path, help="load the state from FILE at start, keep it saved there")
    serve.add_argument(
        "--allowed-host", dest="allowed_hosts", action="append", default=[], metavar="NAME",
        help="a host name the control API answers to besides localhost, loopback addresses and --host (repeatable)",
    )  # fmt: skip
    serve.add_argument(
        "--admin-token", help="token the admin API requires (default: none on loopback, a random one elsewhere)"
    )
    serve.add_argument(
        "--store", default=os.environ.get(STORE_ENV), metavar="redis://HOST:PORT/DB",
        help=f"keep the whole state in this Redis, shared by every worker and host using it (default: ${STORE_ENV}, "
        "else in memory)",
    )  # fmt: skip
    serve.add_argument(
        "--store-prefix", default=Settings.store_prefix, metavar="TEXT",
        help="the prefix of the state's keys in Redis, so one database can hold several mocks (default: %(default)s)",
    )  # fmt: skip
    serve.add_argument(
        "--workers", type=int, default=1, metavar="N", help="serve with N processes (needs --store; default: 1)"
    )
    serve.add_argument(
        "--record", type=Path, metavar="FILE.har",
        help="write every API request and answer to this HAR 1.2 file, credentials masked (complete at shutdown)",
    )  # fmt: skip
    serve.add_argument(
        "--replay", type=Path, metavar="FILE.har",
        help="answer requests recorded in this HAR file (method, path, query, body) as recorded; the rest as usual",
    )  # fmt: skip
    proxy = commands.add_parser(
        "proxy", add_help=False, help="the validating proxy (contracts proxy --help): forwards, checks, records"
    )
    proxy.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


def banner(app_state: object, base_url: str) -> str:
    from .mockstate import MockState

    assert isinstance(app_state, MockState)
    lines = [f"Ad API mocks on {base_url}  (seed {app_state.data.seed}; index page: {base_url}/)", ""]
    for api in app_state.mocked:
        lines.append(f"{api.title}")
        lines.append(f"  base URL   {base_url}{api.api_base}   (real: {api.real_base_url})")
        lines.append(f"  Swagger UI {base_url}{api.base_path}/ui/")
        lines.extend(f"  {label:<10} {base_url}{api.base_path}{path}" for label, path in api.links)
        lines.extend(f"  key        {key.value}   {key.label}" for key in api.demo_keys(app_state))
        lines.append("")
    token = app_state.settings.admin_token
    lines.append(
        f"Mock control API {base_url}/__admin/ui/  " + (f"(admin token: {token})" if token else "(open: loopback only)")
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["proxy"]:
        # The proxy judges traffic with the contract suite's checks, which sit above the mock: it is theirs, and
        # this command only hands over, options and all (ARCHITECTURE.md, contracts/).
        from contracts import cli as contracts_cli

        return int(contracts_cli.main(argv))
    args = _parser().parse_args(argv)
    import uvicorn

    from .app import create_app, settle_heap
    from .http import http_limits

    admin_token = args.admin_token or (None if _is_loopback(args.host) else secrets.token_urlsafe(24))
    # The name it was told to listen on is an address it serves (an IP is matched from the connection anyway).
    allowed_hosts = tuple(name.lower() for name in (*args.allowed_hosts, *([] if _is_ip(args.host) else [args.host])))
    settings = Settings(
        seed=args.seed,
        apis=tuple(args.apis),
        enforce_rate_limits=args.enforce_rate_limits,
        admin_token=admin_token,
        cors=args.cors,
        allowed_hosts=allowed_hosts,
        store=args.store or None,
        store_prefix=args.store_prefix,
        record=args.record,
        replay=args.replay,
    )
    if args.workers > 1 and settings.store is None:
        print("--workers needs --store redis://...: each worker would have a state of its own", file=sys.stderr)
        return 2
    if args.workers > 1 and settings.record is not None:
        print("--record writes one file from one process; record with one worker", file=sys.stderr)
        return 2
    if args.state_file is not None and settings.store is not None:
        print("--state-file is for the in-memory state; a Redis store keeps the state itself", file=sys.stderr)
        return 2
    try:
        app = create_app(settings)
    except ValueError as error:  # a --replay file that is not HAR
        print(f"mockserver: {error}", file=sys.stderr)
        return 2
    state = app.state
    if args.state_file is not None:
        state_file = StateFile(args.state_file, state)
        try:
            loaded = state_file.load()
        except ApiError as error:  # a hand-edited file: say what is wrong with it, and leave it as it is
            print(f"State file {args.state_file}: {error.message}: {error.hint}", file=sys.stderr)
            return 2
        state.listeners.append(state_file.schedule)
        state.on_shutdown.append(state_file.save)
        print(f"State file {args.state_file} ({'loaded' if loaded else 'new'})", flush=True)
    print(banner(state, f"http://{args.host}:{args.port}"), flush=True)
    settle_heap()
    if args.workers > 1:
        from . import workers

        # uvicorn's own supervisor: it starts each worker by importing its app, and replaces one that dies.
        os.environ[workers.ENV] = workers.settings_env(settings)
        uvicorn.run(
            "mockserver.workers:app", factory=True, workers=args.workers, host=args.host, port=args.port,
            log_level="warning", access_log=False, http="mockserver.workers:protocol",
        )  # fmt: skip
        return 0
    # No access log: at level warning uvicorn prints none, but with it on it still formats each line's arguments.
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="warning", access_log=False, **http_limits.uvicorn_options(app)
    )
    return 0


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if __name__ == "__main__":
    sys.exit(main())
