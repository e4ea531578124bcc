"""Browsers on another origin may call the mocked APIs (preflight included) but not the control API."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .conftest import BT, GROWTH_RW, make_app

ORIGIN = {"Origin": "http://localhost:3000"}


def test_a_preflight_is_answered_and_neither_counted_nor_logged(client: Any) -> None:
    preflight = client.options(f"{BT}/sites", headers={**ORIGIN, "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": "authorization, content-type"})  # fmt: skip
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert client.get("/__admin/requests").json() == []
    me = client.get(f"{BT}/me", headers={**ORIGIN, "Authorization": f"Bearer {GROWTH_RW}"})
    assert me.headers["X-RateLimit-Remaining"] == "119"  # the preflight used none of the key's quota


def test_answers_and_errors_let_the_page_read_body_and_headers(client: Any) -> None:
    for headers in ({"Authorization": f"Bearer {GROWTH_RW}"}, {}):
        response = client.get(f"{BT}/me", headers={**ORIGIN, **headers})
        assert response.status_code in (200, 401)
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["access-control-expose-headers"] == "*"  # X-RateLimit-*, Retry-After


def test_the_control_api_stays_same_origin(client: Any) -> None:
    preflight = client.options("/__admin/reset", headers={**ORIGIN, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in client.get("/__admin/clock", headers=ORIGIN).headers


def test_no_cors_setting_sends_no_cors_headers() -> None:
    client = make_app(cors=False, apis=("bannertrackr",)).test_client()
    response = client.get(f"{BT}/me", headers={**ORIGIN, "Authorization": f"Bearer {GROWTH_RW}"})
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    "answered",
    [[(b"content-type", b"text/plain")], [(b"vary", b"Accept"), (b"x-a", b"1"), (b"Vary", b"Accept-Encoding")]],
)
def test_without_an_origin_the_answer_varies_on_it_as_starlettes_cors_layer_says(answered: list[Any]) -> None:
    from starlette.middleware.cors import CORSMiddleware

    from mockserver.http.cors import ApiCors

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(answered)})
        await send({"type": "http.response.body", "body": b"ok"})

    def headers_through(layer: Any) -> list[Any]:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/x", "headers": [(b"host", b"h")], "query_string": b""}
        asyncio.run(layer(scope, None, send))
        return sent[0]["headers"]

    starlettes = CORSMiddleware(
        app, allow_origins=["*"], allow_methods=["*"], allow_headers=["*"], expose_headers=["*"]
    )
    assert headers_through(ApiCors(app)) == headers_through(starlettes)
    assert any(name.lower() == b"vary" and b"Origin" in value for name, value in headers_through(ApiCors(app)))


def test_the_gateway_varies_every_answer_on_origin_as_the_cors_layer_would() -> None:
    """Without a recording, `Vary: Origin` is put on by the gateway (no wrapper around `send`): every kind of answer
    carries the very headers, in the same order, that the CORS layer's own wrapper gives."""
    from mockserver.http.cors import ApiCors

    requests = [
        (f"{BT}/sites", {"Authorization": f"Bearer {GROWTH_RW}"}),  # an operation (its stamped rate headers first)
        (f"{BT}/sites", {}),  # a 401
        (f"{BT}/nothing-here", {"Authorization": f"Bearer {GROWTH_RW}"}),  # connexion's 404
        ("/bannertrackr/api/track/px/abc123def456", {}),  # a fast route
        ("/", {}),  # the landing page
        ("/binom/api/doc", {}),  # a docs redirect
        ("/bannertrackr/openapi.json", {}),  # the spec: no operation
    ]

    def answers(leave_vary: bool) -> list[Any]:
        app = make_app(enforce_rate_limits=False)
        client = app.test_client()
        client.get("/")  # builds the middleware stack
        (layer,) = [layer for layer in app.middleware.middleware_stack if isinstance(layer, ApiCors)]
        layer.leave_vary = leave_vary
        found = []
        for path, headers in requests:
            response = client.get(path, headers=headers, follow_redirects=False)
            found.append((path, response.status_code, response.headers.multi_items()))
        return found

    by_gateway, by_wrapper = answers(True), answers(False)
    assert by_gateway == by_wrapper
    for path, _, headers in by_gateway:
        assert [value for name, value in headers if name == "vary"][-1].endswith("Origin"), path
