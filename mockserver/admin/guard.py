"""Who may reach the control API: requests addressed to the mock, not from another origin, not a plain form; the token."""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from starlette.datastructures import Headers

from ..context import SAFE_METHODS, RequestContext
from ..kit.errors import ApiError

# Names that always mean this machine. A DNS-rebinding page reaches the mock under its own name (Host: evil.example),
# so any other name must be given with --allowed-host.
LOOPBACK_NAMES = ("localhost", "localhost.")
DEFAULT_PORTS = {"http": 80, "https": 443}
REFUSED = "Forbidden"


def admit(ctx: RequestContext) -> None:
    """Raise the control API's 403 (or 401 for a missing token) unless the request may steer the mock."""
    headers = Headers(scope=ctx.scope)
    host = headers.get("host")
    if host is not None and not _allowed_host(ctx, host):
        raise ApiError(403, REFUSED, f"Host {host!r} is not this mock: the control API answers only requests addressed "
                       "to localhost, a loopback address, the address it listens on or a name given with --allowed-host")  # fmt: skip
    origin = headers.get("origin")
    if origin is not None and not _same_origin(ctx, origin, host):
        raise ApiError(403, REFUSED, f"Requests from another origin ({origin}) may not use the control API")
    if origin is None and headers.get("sec-fetch-site") in ("cross-site", "same-site"):
        raise ApiError(403, REFUSED, "Requests from another site may not use the control API")
    token = ctx.state.settings.admin_token
    if token is not None:
        sent = headers.get("x-admin-token", "").encode("latin-1")  # bytes: compare_digest refuses non-ASCII str
        if not hmac.compare_digest(sent, token.encode()):
            raise ApiError(
                401, "Admin token required", "Send the token printed at start-up in the X-Admin-Token header"
            )
    method = ctx.scope["method"]
    if method not in SAFE_METHODS and origin is None and "x-admin-token" not in headers and _documented(ctx, method):
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            # A browser sends Origin with every POST it makes; without it, only a JSON content type (which no form
            # can send) or a custom header shows that this is not a form from some page (old browsers send no Origin).
            raise ApiError(403, REFUSED, "Changes need a JSON body (Content-Type: application/json) or the X-Admin-Token "
                           "header, so that no HTML form on another site can make them")  # fmt: skip


def _documented(ctx: RequestContext, method: str) -> bool:
    """An operation of the spec: another method or path is left to the router's 405 or 404, which change nothing."""
    match = ctx.state.router.match(method, ctx.scope["path"])[1]
    return match is not None and match.operation_id is not None


def _hostname(authority: str) -> tuple[str, int | None]:
    """(host, port) of a Host header value: `[::1]:8000` -> ("::1", 8000); a malformed port -> None."""
    parts = urlsplit("//" + authority)
    try:
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return (parts.hostname or "").lower(), None


def _allowed_host(ctx: RequestContext, host: str) -> bool:
    name, _ = _hostname(host)
    server = ctx.scope.get("server") or ("", 0)
    if name in LOOPBACK_NAMES or name == str(server[0]).lower() or name in ctx.state.settings.allowed_hosts:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _same_origin(ctx: RequestContext, origin: str, host: str | None) -> bool:
    """`origin` is the mock's own: the scheme and authority the request was addressed to."""
    if host is None:
        return False
    parts = urlsplit(origin)
    scheme = ctx.scope.get("scheme", "http")
    try:
        origin_port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return False
    name, port = _hostname(host)
    return (
        parts.scheme == scheme
        and (parts.hostname or "").lower() == name
        and origin_port == (port or DEFAULT_PORTS.get(scheme))
    )
