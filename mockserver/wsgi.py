"""The mock as a WSGI application, for mounting inside a Flask (or any WSGI) app under a path prefix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from a2wsgi import ASGIMiddleware
from starlette.types import Message, Receive, Scope, Send

from .api import ApiDefinition
from .apis import ALL_APIS
from .context import MOUNT_KEY
from .settings import Settings

if TYPE_CHECKING:
    from .mockstate import MockState


def wsgi_app(settings: Settings | None = None, apis: Sequence[ApiDefinition] = ALL_APIS) -> MockWsgi:
    """A WSGI app serving every mocked API as `mockserver serve` does; `.state` is its MockState.

    Mount it with werkzeug's DispatcherMiddleware (`{"/mocks": wsgi_app()}`): the mock then answers below the
    prefix (`/mocks/bannertrackr/api/public/v1/...`) and the URLs it hands back carry it.
    """
    from .app import create_app

    app = create_app(settings, apis)
    return MockWsgi(app)


class MockWsgi(ASGIMiddleware):
    """a2wsgi's bridge around the mock (an event loop thread of its own runs every request); `state` is the mock's."""

    def __init__(self, app: Any) -> None:
        super().__init__(cast(Any, _Unmounted(app)))
        self.state: MockState = app.state


class _Unmounted:
    """Gives the app the path below the prefix (a2wsgi's ASGI path is SCRIPT_NAME + PATH_INFO), keeps the prefix for
    the URLs the mock builds (context.base_url) and puts it in front of the paths it redirects to."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        prefix = scope.get("root_path", "")
        if scope["type"] == "http" and prefix:
            path = scope["path"][len(prefix) :] if scope["path"].startswith(prefix) else scope["path"]
            raw = scope.get("raw_path")
            if raw is not None and raw.startswith(prefix.encode("latin-1")):
                raw = raw[len(prefix.encode("latin-1")) :]
            scope = {**scope, "path": path or "/", "raw_path": raw, "root_path": "", MOUNT_KEY: prefix}
            send = _relocating(send, prefix.encode("latin-1"))
        await self.app(scope, receive, send)


def _relocating(send: Send, prefix: bytes) -> Send:
    async def relocated(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (
                    name,
                    prefix + value
                    if name.lower() == b"location" and value[:1] == b"/" and value[:2] != b"//"
                    else value,
                )
                for name, value in message["headers"]
            ]
            message = {**message, "headers": headers}
        await send(message)

    return relocated
