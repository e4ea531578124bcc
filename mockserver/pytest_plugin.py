"""pytest plugin: a `mockserver` fixture serving every mocked API on a free local port, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from .api import DemoKey
from .background import serve_in_thread
from .clock import Clock
from .state import MockState


@dataclass
class MockServer:
    """A running mock: where each API is, its demo keys, and direct control over its state and clock."""

    url: str  # root URL, e.g. http://127.0.0.1:54321
    state: MockState

    def base_url(self, api: str) -> str:
        return self.url + self.state.apis[api].api_base

    def keys(self, api: str) -> list[DemoKey]:
        return self.state.apis[api].demo_keys(self.state)

    def key(self, api: str, label: str = "") -> str:
        """The first demo key of `api` whose label contains `label` (e.g. "read-only")."""
        return next(key.value for key in self.keys(api) if label in key.label)

    @property
    def clock(self) -> Clock:
        return self.state.clock

    def reset(self) -> None:
        self.state.reset()


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
