"""In-process use (moto-style): requests and httpx calls to the real services' URLs answered by a mock app, no sockets."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import http
import inspect
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlsplit

import httpx
import requests
from anyio.from_thread import BlockingPortal, start_blocking_portal
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPHeaderDict, HTTPResponse

from .api import ApiDefinition
from .apis import ALL_APIS
from .pytest_plugin import MockServer
from .settings import Settings

if TYPE_CHECKING:
    from .mockstate import MockState

# The mock's own origin inside the context: its control API, Swagger UIs and the URLs it hands back (tracking and
# click URLs) live there. `.invalid` never resolves (RFC 2606), so outside the context it reaches nothing.
MOCK_HOST = "mockserver.invalid"
MOCK_ORIGIN = f"http://{MOCK_HOST}"

F = TypeVar("F", bound=Callable[..., Any])


class UnmockedHostError(ConnectionError):
    """A request the closed world refused: its URL is no mocked API's (nor the mock's own)."""


@dataclass(frozen=True)
class Route:
    """Requests to `origin` whose path starts with `root` go to the mock below `mount` (its stand-in for the host)."""

    origin: str  # scheme://host[:port], lower case, no default port
    root: str  # "" for a service at the host's root, "/tracker" for one below a path
    mount: str  # e.g. /bannertrackr: https://bannertrackr.com/api/track/... -> /bannertrackr/api/track/...

    def target(self, origin: str, path: str) -> str | None:
        """The mock's path for a request to `origin` + `path` (percent-encoded, query included), or None."""
        if origin != self.origin or not (path == self.root or path.startswith((self.root + "/", self.root + "?"))):
            return None
        return self.mount + path[len(self.root) :]


def route_for(api: ApiDefinition, base_url: str) -> Route:
    """Where `base_url`, an instance of `api` (its real one, or the user's own host), is mounted on the mock.

    The mock serves `api.api_base` for the real base URL, so the real path is a suffix of it and what precedes that
    suffix is the mock's stand-in for the host: `/bannertrackr` for https://bannertrackr.com. The whole host is then
    answered by the mock, so its other entry points (tracking URLs, PeerClick's /v1_1, Binom's /click) work too.
    """
    real = urlsplit(base_url)
    suffix = urlsplit(api.real_base_url).path.rstrip("/")
    path = real.path.rstrip("/")
    if real.scheme not in ("http", "https") or not real.hostname:
        raise ValueError(f"{base_url!r} is not an http(s) URL of {api.name}")
    if not api.api_base.endswith(suffix):
        raise ValueError(f"{api.name} is served at {api.api_base}, which does not end with its real path {suffix!r}")
    if path and not path.endswith(suffix):
        raise ValueError(
            f"{base_url!r} is neither a bare host nor ends with {suffix!r}, the path of {api.name}'s base URL"
        )
    root = path[: len(path) - len(suffix)] if path else ""
    return Route(_origin(real.scheme, real.netloc), root, api.api_base[: len(api.api_base) - len(suffix)])


def routes_for(apis: Mapping[str, ApiDefinition], hosts: Mapping[str, str | tuple[str, ...]]) -> tuple[Route, ...]:
    """Every mocked API's real base URL, then the instances `hosts` names (API name -> base URL or URLs)."""
    hosts = {name: (urls,) if isinstance(urls, str) else urls for name, urls in hosts.items()}
    unknown = sorted(set(hosts) - set(apis))
    if unknown:
        raise LookupError(f"no mocked API is called {unknown[0]!r}; the mocked APIs are {', '.join(map(repr, apis))}")
    found: dict[tuple[str, str], Route] = {}
    pairs = [(api, api.real_base_url) for api in apis.values()]
    pairs += [(apis[name], url) for name, urls in hosts.items() for url in urls]
    for api, url in pairs:
        route = route_for(api, url)
        known = found.setdefault((route.origin, route.root), route)
        if known.mount != route.mount:  # e.g. one host named for two APIs the mock serves apart
            raise ValueError(f"{url!r} would be both {known.mount} and {route.mount} on the mock")
    # Longest root first, so that a service below a path wins over one at its host's root.
    return tuple(sorted(found.values(), key=lambda route: -len(route.root)))


def _origin(scheme: str, netloc: str) -> str:
    scheme, netloc = scheme.lower(), netloc.lower().rsplit("@", 1)[-1]
    default = {"http": ":80", "https": ":443"}.get(scheme)
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return f"{scheme}://{netloc}"


class Interceptor(MockServer):
    """A mock app answering, while it is active, the mocked APIs' real URLs for `requests` and `httpx` in process.

    Use it as a context manager, a decorator (of plain and async functions) or through the `intercepted` fixture. It
    is the `mockserver` fixture's object too (`url` is the mock's own origin inside the context, `state`, `clock`,
    `key()`, `reset()`), plus `requests()`, the request log. Every request runs on the interceptor's one event loop
    thread, as a served mock runs on uvicorn's, so calls from any thread or event loop are safe and never interleave
    inside a handler.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        hosts: Mapping[str, str | tuple[str, ...]] | None = None,
        closed: bool = False,
        app: Any = None,
    ) -> None:
        if app is not None and MOCK_HOST not in app.state.settings.allowed_hosts:
            raise ValueError(f"the app's control API must allow Host {MOCK_HOST!r}: build it with build_app()")
        self.url = MOCK_ORIGIN
        self.closed = closed
        self._settings, self._app = settings, app  # built on first use: a decorator costs nothing at import
        self._hosts = {name: (urls,) if isinstance(urls, str) else tuple(urls) for name, urls in (hosts or {}).items()}
        self._routes: tuple[Route, ...] | None = None
        self._asgi: httpx.ASGITransport | None = None
        self._portal: BlockingPortal | None = None
        self._stack: contextlib.ExitStack | None = None
        self._entered = 0  # a decorated function, called again, starts from the seeded state again

    @property
    def app(self) -> Any:
        if self._app is None:
            self._app = build_app(self._settings)
        return self._app

    @property
    def state(self) -> MockState:  # type: ignore[override]  # MockServer's field, here built on first use
        return cast("MockState", self.app.state)

    @property
    def routes(self) -> tuple[Route, ...]:
        """The mock's own origin, then each API's real base URL and the instances named with `hosts`."""
        if self._routes is None:
            mocked = {api.name: api for api in self.state.mocked}
            self._routes = (Route(MOCK_ORIGIN, "", ""), *routes_for(mocked, self._hosts))
        return self._routes

    def add_host(self, api: str, base_url: str) -> None:
        """Answer another instance of `api` too (e.g. your Binom tracker's base URL, or just its host)."""
        hosts = {**self._hosts, api: (*self._hosts.get(api, ()), base_url)}
        routes = routes_for({mocked.name: mocked for mocked in self.state.mocked}, hosts)  # raises on a bad URL
        self._hosts, self._routes = hosts, (Route(MOCK_ORIGIN, "", ""), *routes)

    def target(self, url: str) -> str | None:
        """The mock's URL for `url` (percent-encoded), or None when no route takes it."""
        found = self._route_of(url)
        return None if found is None else MOCK_ORIGIN + found[1]

    def _route_of(self, url: str) -> tuple[Route, str] | None:
        parts = urlsplit(url)
        origin, path = (
            _origin(parts.scheme, parts.netloc),
            (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        )
        for route in self.routes:
            found = route.target(origin, path)
            if found is not None:
                return route, found
        return None

    def relocate(self, answer: httpx.Response, url: str) -> httpx.Response:
        """The mock redirects to paths on its own root (`/binom/public/api/v1/ui/`); the caller, at the real host,
        gets the same place as that host names it (`/public/api/v1/ui/`)."""
        location, found = answer.headers.get("location", ""), self._route_of(url)
        if found is not None and location.startswith("/") and not location.startswith("//"):
            mount = found[0].mount
            if mount and (location == mount or location.startswith((mount + "/", mount + "?"))):
                answer.headers["location"] = found[0].root + location[len(mount) :]
        return answer

    # -- activation

    def __enter__(self) -> Interceptor:
        if self._stack is not None:
            raise RuntimeError("this interceptor is already active")
        if self._entered:
            self.reset()
        self._entered += 1
        self.routes  # noqa: B018  # a bad `hosts` fails here, before anything is patched
        self._asgi = self._asgi or httpx.ASGITransport(app=self.app)
        with contextlib.ExitStack() as stack:
            self._portal = stack.enter_context(start_blocking_portal())
            stack.enter_context(_patch(self))
            self._stack = stack.pop_all()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        stack, self._stack, self._portal = self._stack, None, None
        if stack is not None:
            stack.close()

    def __call__(self, function: F) -> F:
        """As a decorator: the function runs inside the context (each call from the seeded state)."""
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await function(*args, **kwargs)

            return cast(F, run_async)

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return cast(F, run)

    # -- answering

    def send(self, request: httpx.Request) -> httpx.Response:
        """`request` (to the mock's URL, body read) answered by the app on the interceptor's event loop."""
        if self._portal is None:
            raise RuntimeError("the interceptor is not active (use it in a with block)")
        return self._portal.call(self._answer, request)

    async def send_async(self, request: httpx.Request) -> httpx.Response:
        if self._portal is None:
            raise RuntimeError("the interceptor is not active (use it in a with block)")
        # Not on the caller's loop: state is touched from the interceptor's loop only.
        return await asyncio.wrap_future(self._portal.start_task_soon(self._answer, request))

    async def _answer(self, request: httpx.Request) -> httpx.Response:
        assert self._asgi is not None
        response = await self._asgi.handle_async_request(request)
        body = b"".join([chunk async for chunk in cast(httpx.AsyncByteStream, response.stream)])
        return httpx.Response(response.status_code, headers=response.headers.raw, stream=httpx.ByteStream(body))

    def refuse(self, url: str) -> UnmockedHostError:
        return UnmockedHostError(
            f"{url} is refused: mockserver.intercept(closed=True) answers only the mocked APIs' URLs and {MOCK_ORIGIN}"
            " (name another instance of an API with hosts={api: base_url})"
        )


def build_app(settings: Settings | None = None) -> Any:
    """The app every API is mocked by (create_app), whose control API also answers on the in-process origin."""
    from .app import create_app

    settings = settings or Settings()
    return create_app(dataclasses.replace(settings, allowed_hosts=(*settings.allowed_hosts, MOCK_HOST)), ALL_APIS)


def forwarded(method: str, url: str, headers: list[tuple[bytes, bytes]], body: bytes) -> httpx.Request:
    """The request for the mock: its URL, the caller's headers but Host and framing (httpx sets them for `body`)."""
    dropped = (b"host", b"content-length", b"transfer-encoding")
    kept = [(name, value) for name, value in headers if name.lower() not in dropped]
    return httpx.Request(method, url, headers=kept, content=body)


@contextlib.contextmanager
def _patch(interceptor: Interceptor) -> Iterator[None]:
    """Divert the libraries' own transports: httpx's default transports, and the adapter requests' sessions pick.

    Two small patches of public methods, not of sockets: a client with a transport of its own (httpx.MockTransport,
    respx, responses' patched adapter) keeps it, and any other URL goes the way it went (unless the world is closed).
    """
    send_sync, send_async = httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request
    get_adapter = requests.Session.get_adapter
    adapter = _RequestsAdapter(interceptor)

    def handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        target = interceptor.target(str(request.url))
        if target is None:
            if interceptor.closed:
                raise interceptor.refuse(str(request.url))
            return send_sync(transport, request)
        answer = interceptor.send(forwarded(request.method, target, request.headers.raw, request.read()))
        return interceptor.relocate(answer, str(request.url))

    async def handle_async_request(transport: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        target = interceptor.target(str(request.url))
        if target is None:
            if interceptor.closed:
                raise interceptor.refuse(str(request.url))
            return await send_async(transport, request)
        body = await request.aread()
        answer = await interceptor.send_async(forwarded(request.method, target, request.headers.raw, body))
        return interceptor.relocate(answer, str(request.url))

    def pick_adapter(session: requests.Session, url: str) -> BaseAdapter:
        if interceptor.closed or interceptor.target(url) is not None:
            return adapter
        return get_adapter(session, url)

    with contextlib.ExitStack() as stack:
        from unittest import mock

        stack.enter_context(mock.patch.object(httpx.HTTPTransport, "handle_request", handle_request))
        stack.enter_context(mock.patch.object(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request))
        stack.enter_context(mock.patch.object(requests.Session, "get_adapter", pick_adapter))
        yield


class _RequestsAdapter(BaseAdapter):
    """A requests transport adapter that hands each request to the interceptor; its answer is built as requests does."""

    def __init__(self, interceptor: Interceptor) -> None:
        super().__init__()
        self.interceptor = interceptor
        self._build = HTTPAdapter()  # only for build_response: the Response exactly as requests makes one

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url = str(request.url)
        target = self.interceptor.target(url)
        if target is None:
            raise self.interceptor.refuse(url)
        headers = [(name.encode("latin-1"), str(value).encode("latin-1")) for name, value in request.headers.items()]
        answer = self.interceptor.send(forwarded(str(request.method), target, headers, _body(request.body)))
        answer = self.interceptor.relocate(answer, url)
        raw = HTTPResponse(
            body=io.BytesIO(answer.read()),
            headers=_header_dict(answer.headers),
            status=answer.status_code,
            reason=http.HTTPStatus(answer.status_code).phrase,
            preload_content=False,
            decode_content=False,  # httpx hands the body as the app sent it; the mock sends no Content-Encoding
        )
        return self._build.build_response(request, raw)

    def close(self) -> None:
        self._build.close()


def _header_dict(headers: httpx.Headers) -> HTTPHeaderDict:
    found = HTTPHeaderDict()
    for name, value in headers.multi_items():
        found.add(name, value)  # repeated headers stay repeated
    return found


def _body(body: Any) -> bytes:
    """A prepared request's body (None, str, bytes, a file or an iterable of chunks) as bytes."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if hasattr(body, "read"):
        return _body(body.read())
    return b"".join(_body(chunk) for chunk in body)


def intercept(
    settings: Settings | None = None,
    *,
    hosts: Mapping[str, str | tuple[str, ...]] | None = None,
    closed: bool = False,
    seed: int | None = None,
) -> Interceptor:
    """`with mockserver.intercept():` (or `@mockserver.intercept()`): the mocked APIs' real URLs answered in process.

    `hosts` adds instances of an API at other base URLs: Binom is self-hosted, so name your tracker's
    (`hosts={"binom": "https://tracker.example.com/public/api/v1"}`). `closed=True` refuses every other URL with
    UnmockedHostError instead of letting it through. `seed` (or `settings`) fixes the data, as `serve --seed` does.
    """
    if seed is not None:
        settings = dataclasses.replace(settings or Settings(), seed=seed)
    return Interceptor(settings, hosts=hosts, closed=closed)
