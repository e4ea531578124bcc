"""Settings of one mock instance: the single place where defaults live."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    seed: int = 1
    apis: tuple[str, ...] = ()  # empty = every mocked API
    enforce_rate_limits: bool = True  # False: count and report, never 429 (for long contract runs)
    validate_responses: bool = True  # the mock checks its own answers against the spec
    clock_start: float | None = None  # freeze the clock at this unix time (tests); None = real time
    admin_token: str | None = None  # required by the admin API when set (the CLI sets one off loopback)
    allowed_hosts: tuple[str, ...] = ()  # Host names the control API answers besides loopback and the bound address
    cors: bool = True  # answer browsers' cross-origin requests (a web app on its own dev server calling the mock)
    store: str | None = None  # "redis://HOST:PORT/DB": the state in Redis, shared by every worker; None = in memory
    store_prefix: str = "mock:"  # the Redis keys' prefix, so one database can hold several mocks' states
    fast_routes: bool = True  # False: APIs' fast routes go through connexion like any operation (equivalence tests)
    route_once: bool = True  # False: connexion's own router finds every request's operation (equivalence tests)
    compiled: bool = True  # False: every operation goes through connexion's middleware stack (equivalence tests)
    record: Path | None = None  # write every API exchange to this HAR file (`serve --record`)
    replay: Path | None = None  # answer requests recorded in this HAR file as recorded (`serve --replay`)
