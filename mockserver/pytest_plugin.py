"""pytest plugin: a `mockserver` fixture serving every mocked API on a free local port, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from .admin import coverage
from .api import ApiDefinition, DemoKey
from .background import serve_in_thread
from .mockstate import MockState
from .state.clock import Clock
from .state.requestlog import Filter

if TYPE_CHECKING:
    from .interception import Interceptor


@dataclass
class MockServer:
    """A running mock: where each API is, its demo keys, and direct control over its state and clock."""

    url: str  # root URL, e.g. http://127.0.0.1:54321
    state: MockState

    def base_url(self, api: str) -> str:
        return self.url + self._api(api).api_base

    def keys(self, api: str) -> list[DemoKey]:
        return self._api(api).demo_keys(self.state)

    def key(self, api: str, label: str = "") -> str:
        """The first demo key of `api` whose label contains `label` (e.g. "read-only")."""
        keys = self.keys(api)
        for key in keys:
            if label in key.label:
                return key.value
        labels = ", ".join(repr(key.label) for key in keys)
        raise LookupError(f"no demo key of {api!r} has {label!r} in its label; its keys' labels are {labels}")

    def _api(self, name: str) -> ApiDefinition:
        api = self.state.apis.get(name)
        if api is None or api.control:
            names = ", ".join(repr(mocked.name) for mocked in self.state.mocked)
            raise LookupError(f"no mocked API is called {name!r}; the mocked APIs are {names}")
        return api

    @property
    def clock(self) -> Clock:
        return self.state.clock

    def reset(self) -> None:
        self.state.reset()

    def requests(
        self,
        operation_id: str | None = None,
        *,
        api: str | None = None,
        method: str | None = None,
        status: int | None = None,
        valid: bool | None = None,
    ) -> list[dict[str, Any]]:
        """The logged requests that match, oldest first (as `GET /__admin/requests` lists them, newest first)."""
        selection = Filter(api=api, operation_id=operation_id, method=method, status=status, valid=valid)
        return [entry.as_json() for entry in self.state.log.select(selection)][::-1]

    def assert_called(self, operation_id: str, times: int | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Fail unless `operation_id` was called (exactly `times` times, if given); the matching requests otherwise.

        The failure lists what the client did call and the near misses, which usually show the mistake.
        """
        calls = self.requests(operation_id, **filters)
        if (times is None and calls) or (times is not None and len(calls) == times):
            return calls
        made = sorted({entry["operationId"] or f"{entry['method']} {entry['path']}" for entry in self.requests()})
        misses = [f"{entry['method']} {entry['path']}: {entry['error']} (nearest: {entry['nearest']})"
                  for entry in self.requests(valid=False)]  # fmt: skip
        expected = "at least once" if times is None else f"{times} time(s)"
        raise AssertionError(
            f"expected {operation_id} {expected}{' with ' + repr(filters) if filters else ''}, it was called "
            f"{len(calls)} time(s); calls made: {', '.join(made) or 'none'}"
            + (f"; near misses: {'; '.join(misses)}" if misses else "")
        )

    def coverage(self, api: str | None = None) -> dict[str, Any]:
        """What `GET /__admin/coverage` reports: operations and documented statuses exercised, per API."""
        return coverage.report(self.state, [self._api(api)] if api else list(self.state.mocked))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("mockserver_seed", "seed of the mockserver fixture's data", default="1")


@pytest.fixture(scope="session")
def _mockserver_session(pytestconfig: pytest.Config) -> Iterator[MockServer]:
    from .app import create_app
    from .settings import Settings

    app: Any = create_app(Settings(seed=int(pytestconfig.getini("mockserver_seed"))))
    with serve_in_thread(app) as url:
        yield MockServer(url, app.state)


@pytest.fixture
def mockserver(_mockserver_session: MockServer) -> MockServer:
    """Every mocked API served on a free port; each test starts from the seeded state."""
    _mockserver_session.reset()
    return _mockserver_session


@pytest.fixture(scope="session")
def _intercepted_app(pytestconfig: pytest.Config) -> Any:
    from .interception import build_app
    from .settings import Settings

    return build_app(Settings(seed=int(pytestconfig.getini("mockserver_seed"))))


@pytest.fixture
def intercepted(_intercepted_app: Any) -> Iterator[Interceptor]:
    """Every mocked API answered in process at its real URLs (`mockserver.intercept()`); each test from the seed."""
    from .interception import Interceptor

    _intercepted_app.state.reset()
    with Interceptor(app=_intercepted_app) as interceptor:
        yield interceptor
