"""Over-long request targets and headers get 414 and 431 in each API's documented error body, from a real server."""

from __future__ import annotations

import http.client
import json
import re
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator

from mockserver.background import serve_in_thread
from mockserver.http.http_limits import Limits
from mockserver.kit import spec

from .conftest import (
    ADV,
    ADV_TOKEN,
    BINOM,
    BINOM_ADMIN,
    BT,
    GROWTH_RW,
    PC_TOKEN,
    PEERCLICK,
    PUB,
    PUB_TOKEN,
    REGISTRY,
    make_app,
)

# An operation of each API (and of the control API), with a credential, so that only the size is wrong.
CALLS = {
    "bannertrackr": (f"{BT}/placements", {"Authorization": f"Bearer {GROWTH_RW}"}),
    "binom": (f"{BINOM}/campaign", {"api-key": BINOM_ADMIN}),
    "peerclick": (f"{PEERCLICK}/campaign", {"api-token": PC_TOKEN}),
    "adsterra_advertiser": (f"{ADV}/campaign/1234567/custom_bid.json", {"X-API-Key": ADV_TOKEN}),
    "adsterra_publisher": (f"{PUB}/domains.json", {"X-API-Key": PUB_TOKEN}),
    "admin": ("/__admin/requests", {}),
}  # fmt: skip
HUGE = 100_000


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    with serve_in_thread(make_app()) as url:
        yield url


SPECS = {api.name: api.spec_path for api in REGISTRY.apis.values()}


def documented(api: str, response: str, body: Any) -> None:
    """`body` conforms to the schema of the spec's components/responses/`response`."""
    document = spec.load(SPECS[api])
    schema = document["components"]["responses"][response]["content"]["application/json"]["schema"]
    OAS30Validator({**schema, "components": document["components"]}).validate(body)


# What a fuzzer or a careless client sends: each is refused before routing, whatever the API.
OVERSIZED = {
    "long-query": (
        lambda path: path + "?placement_ids=" + ",".join(str(15_413_270 + i) for i in range(HUGE // 9)),
        {},
        414,
    ),
    "long-path": (lambda path: path + "/" + "a" * HUGE, {}, 414),
    "long-header": (lambda path: path, {"X-Padding": "b" * HUGE}, 431),
    "many-headers": (lambda path: path, {f"X-Pad-{i}": "c" * 20 for i in range(3_000)}, 431),
    "long-cookie": (lambda path: path, {"Cookie": "session=" + "d" * HUGE}, 431),
}


@pytest.mark.parametrize("api", CALLS)
@pytest.mark.parametrize("kind", OVERSIZED)
def test_oversized_requests_get_414_or_431_in_the_apis_error_body(root: str, api: str, kind: str) -> None:
    path, headers = CALLS[api]
    target, extra, status = OVERSIZED[kind]
    method = "DELETE" if "custom_bid" in path and kind == "long-query" else "GET"
    code, response_headers, body = send(root, method, target(path), {**headers, **extra})
    assert code == status, body[:300]
    assert response_headers["content-type"] == "application/json"
    documented(api, "UriTooLong" if status == 414 else "HeaderFieldsTooLarge", json.loads(body))
    if api == "binom":
        assert len(response_headers["x-request-id"]) == 36  # as on every Binom answer


def send(root: str, method: str, target: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One request with http.client, which (unlike httpx, which stops at 64 KiB) sends any URL it is given."""
    host, port = root.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(method, target, headers=headers)
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


LIMITS = spec.request_limits(spec.load(SPECS["bannertrackr"]))


def test_the_limits_are_the_documents() -> None:
    # Each document states its refusals before routing (`x-before-routing`); the server takes them from there.
    limits = Limits(list(REGISTRY.apis.values()))
    for api in REGISTRY.apis.values():
        stated = spec.request_limits(spec.load(api.spec_path))
        assert stated.max_target_bytes and stated.max_header_bytes, api.name
        assert [stated.target_status, stated.header_status] == [414, 431]
        assert limits.of(api) == stated
    assert limits.of(None) == LIMITS  # a path no API serves: the strictest, here everyone's


def test_the_target_limit_is_exact(root: str) -> None:
    path, headers = CALLS["bannertrackr"]
    at_limit = path + "?q=" + "x" * (LIMITS.max_target_bytes - len(path) - 3)  # type: ignore[operator]
    assert len(at_limit) == LIMITS.max_target_bytes
    assert send(root, "GET", at_limit, headers)[0] == 200
    assert send(root, "GET", at_limit + "x", headers)[0] == 414


def test_requests_within_the_limits_are_served_and_the_server_stays_up(root: str) -> None:
    path, headers = CALLS["bannertrackr"]
    near = httpx.get(root + path + "?q=" + "x" * (LIMITS.max_target_bytes - len(path) - 10),  # type: ignore[operator]
                     headers={**headers, "X-Padding": "y" * (LIMITS.max_header_bytes // 2)})  # type: ignore[operator]  # fmt: skip
    assert near.status_code == 200
    with httpx.Client(base_url=root, headers=headers) as client:
        assert client.get(path + "?q=" + "z" * 60_000).status_code == 414
        assert client.get(path).status_code == 200  # a new connection: the refused one was closed


def _raw(root: str, pieces: list[bytes]) -> bytes:
    """Send `pieces` one by one on one connection (no more after the server answered), and read the answer."""
    host, port = root.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        for piece in pieces:
            try:
                connection.sendall(piece)
            except OSError:  # refused and closed: the answer is waiting
                break
        connection.shutdown(socket.SHUT_WR) if len(pieces) == 1 else None
        answer = b""
        while not answer.endswith(b"}") and (chunk := connection.recv(65536)):
            answer += chunk
        return answer


def test_the_header_limit_is_exact(root: str) -> None:
    """Headers count as on the wire (name, ": ", value, CRLF): a head at the limit is served, one byte more is not."""
    path, _ = CALLS["admin"]
    limit = LIMITS.max_header_bytes
    assert limit is not None

    def head(size: int) -> bytes:
        host = b"host: localhost\r\n"
        padding = b"x-padding: " + b"p" * (size - len(host) - len(b"x-padding: \r\n")) + b"\r\n"
        assert len(host + padding) == size
        return b"GET " + path.encode() + b" HTTP/1.1\r\n" + host + padding + b"connection: close\r\n\r\n"

    closing = len(b"connection: close\r\n")
    assert _raw(root, [head(limit - closing)]).startswith(b"HTTP/1.1 200")
    assert _raw(root, [head(limit - closing + 1)]).startswith(b"HTTP/1.1 431")


def test_a_head_that_never_ends_is_refused_as_it_grows(root: str) -> None:
    """Headers sent a piece at a time, never finished: refused once what came is over the limit, not kept."""
    path, _ = CALLS["admin"]
    limit = LIMITS.max_header_bytes
    assert limit is not None
    pieces = [b"GET " + path.encode() + b" HTTP/1.1\r\nhost: localhost\r\n"]
    pieces += [b"x-pad-%d: %s\r\n" % (n, b"q" * 1000) for n in range(limit // 1000 + 8)]
    answer = _raw(root, pieces)  # the last CRLF never comes
    assert answer.startswith(b"HTTP/1.1 431") and b'"error"' in answer


def test_each_request_of_a_kept_alive_connection_is_checked() -> None:
    """The protocol counts the bytes since the last complete head, whatever came before on the connection: a head
    over the limit after a small request is refused, a small head after a long body is served."""
    path, _ = CALLS["admin"]
    limit = LIMITS.max_target_bytes
    assert limit is not None and 2 * limit < 65_536  # under uvicorn's own 64 KiB, which would refuse it anyway
    with serve_in_thread(make_app()) as url:
        host, port = url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            connection.request("GET", path)
            served = connection.getresponse()
            assert served.status == 200 and served.read()
            connection.request("GET", path + "?q=" + "x" * limit)
            refused = connection.getresponse()
            assert refused.status == 414 and b'"error"' in refused.read()
        finally:
            connection.close()
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            body = '{"name": "' + "n" * (2 * limit) + '"}'  # a long body (refused by the operation, not the protocol)
            headers = {"Authorization": f"Bearer {GROWTH_RW}", "Content-Type": "application/json"}
            connection.request("POST", "/bannertrackr/api/public/v1/sites", body=body, headers=headers)
            first = connection.getresponse()
            first.read()
            assert first.status not in (414, 431)
            connection.request("GET", path)
            second = connection.getresponse()
            assert second.status == 200 and second.read()
        finally:
            connection.close()


def test_a_refused_request_pipelined_behind_another_is_answered_after_it(root: str) -> None:
    """HTTP answers pipelined requests in order: a head over the limit sent right behind requests still being
    answered (in the same packet) is refused once their answers are out, not ahead of it or instead of it."""
    path, _ = CALLS["admin"]
    limit = LIMITS.max_target_bytes
    assert limit is not None
    first = b"GET " + path.encode() + b" HTTP/1.1\r\nhost: localhost\r\n\r\n"
    refused = b"GET " + path.encode() + b"?q=" + b"x" * limit + b" HTTP/1.1\r\nhost: localhost\r\n\r\n"
    host, port = root.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(first + first + refused)
        answers = b""
        while chunk := connection.recv(65536):  # the server ends its side after the refusal
            answers += chunk
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", answers) == [b"200", b"200", b"414"]
    assert answers.endswith(b"}")  # the refusal whole, in the API's error body
