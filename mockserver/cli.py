"""Command line: `mockserver serve` runs every mocked API on one port and prints where they are and their demo keys."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .apis import ALL_APIS
from .settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the mocks (all APIs, in memory, seeded)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    serve.add_argument("--seed", type=int, default=Settings.seed, help="seed for all generated data (default: %(default)s)")
    serve.add_argument(
        "--api", dest="apis", action="append", default=[], choices=[api.name for api in ALL_APIS],
        help="serve only this API (repeatable; default: all)",
    )  # fmt: skip
    serve.add_argument(
        "--no-rate-limits", dest="enforce_rate_limits", action="store_false",
        help="count and report rate limits but never answer 429 (for load and long contract runs)",
    )  # fmt: skip
    return parser


def banner(app_state: object, base_url: str) -> str:
    from .state import MockState

    assert isinstance(app_state, MockState)
    lines = [f"Ad API mocks on {base_url}  (seed {app_state.data.seed}; index page: {base_url}/)", ""]
    for api in app_state.apis.values():
        lines.append(f"{api.title}")
        lines.append(f"  base URL   {base_url}{api.api_base}   (real: {api.real_base_url})")
        lines.append(f"  Swagger UI {base_url}{api.base_path}/ui/")
        lines.extend(f"  {label:<10} {base_url}{api.base_path}{path}" for label, path in api.links)
        lines.extend(f"  key        {key.value}   {key.label}" for key in api.demo_keys(app_state))
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import uvicorn

    from .app import create_app

    settings = Settings(seed=args.seed, apis=tuple(args.apis), enforce_rate_limits=args.enforce_rate_limits)
    app = create_app(settings)
    print(banner(app.state, f"http://{args.host}:{args.port}"), flush=True)  # type: ignore[attr-defined]
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
