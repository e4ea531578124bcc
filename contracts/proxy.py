"""`contracts proxy` (also `mockserver proxy`): a reverse proxy in front of a real service, or any implementation,
that forwards every request and answer unchanged and reports live what the single-response checks find."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qsl
from xml.etree import ElementTree

import httpx

from mockserver.background import running
from mockserver.kit import har, masking
from mockserver.kit.spec import credential_headers

from .apis import ContractApi
from .offline import Checker, Finding, Seen

# Hop-by-hop headers (RFC 9110 7.6.1) belong to one connection, not to the message: never forwarded.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
                        "upgrade", "proxy-authenticate", "proxy-authorization"})  # fmt: skip
UPSTREAM_TIMEOUT = 60.0  # seconds: a report can take a while on a real service


class Report:
    """What the proxy saw: findings printed as they come, a summary at exit, JUnit for CI."""

    def __init__(self, api: ContractApi, out: TextIO | None = None) -> None:
        self.api, self.out = api, out or sys.stdout
        self.findings: list[Finding] = []
        self.requests: Counter[str] = Counter()  # operation label -> requests seen

    def add(self, operation: str, findings: list[Finding]) -> None:
        self.requests[operation] += 1
        self.findings += findings
        for finding in findings:
            print(f"proxy: FINDING {finding.line()}", file=self.out, flush=True)

    def summary(self) -> str:
        rules = Counter(finding.rule for finding in self.findings)
        lines = [f"proxy: {sum(self.requests.values())} requests, {len(self.requests)} operations, "
                 f"{len(self.findings)} findings" + (": " + ", ".join(f"{rule} {count}" for rule, count in
                                                                     sorted(rules.items())) if rules else "")]  # fmt: skip
        by_operation = Counter(finding.operation for finding in self.findings)
        lines += [f"proxy:   {operation}: {count} finding(s)" for operation, count in sorted(by_operation.items())]
        return "\n".join(lines)

    def junit(self, path: Path) -> None:
        """One test case per operation seen; its findings, if any, as its failure."""
        suite = ElementTree.Element("testsuite", name=f"proxy {self.api.name}", tests=str(len(self.requests)),
                                    failures=str(len({finding.operation for finding in self.findings})))  # fmt: skip
        for operation in sorted(self.requests):
            case = ElementTree.SubElement(suite, "testcase", classname=self.api.name, name=operation)
            found = [finding for finding in self.findings if finding.operation == operation]
            if found:
                failure = ElementTree.SubElement(
                    case, "failure", message="; ".join(sorted({finding.rule for finding in found}))
                )
                failure.text = "\n".join(f"[{finding.rule}] {finding.message}" for finding in found)
        root = ElementTree.Element("testsuites")
        root.append(suite)
        ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


class Proxy:
    """The ASGI app: `upstream` is the API's base URL; clients use the proxy's root as that base URL."""

    def __init__(self, api: ContractApi, upstream: str, report: Report, recording: har.Writer | None = None) -> None:
        self.api, self.upstream, self.report, self.recording = api, upstream.rstrip("/"), report, recording
        self.checker = Checker(api)
        self.credentials = {name for name, _ in credential_headers(api.spec_path)}
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started, wall = time.perf_counter(), time.time()
        body = await _body(receive)
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
        forwarded = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP | {"host"}]
        query = scope.get("query_string", b"").decode("latin-1")
        target = (
            self.upstream
            + scope.get("raw_path", scope["path"].encode()).decode("latin-1")
            + (f"?{query}" if query else "")
        )
        client = self._client or httpx.AsyncClient(timeout=UPSTREAM_TIMEOUT)
        self._client = client
        try:
            answer = await client.send(
                client.build_request(scope["method"], target, headers=forwarded, content=body), stream=True
            )
            raw = b"".join([chunk async for chunk in answer.aiter_raw()])
            await answer.aclose()
        except httpx.HTTPError as error:
            message = f"proxy: the upstream did not answer ({type(error).__name__}: {error})".encode()
            await send({"type": "http.response.start", "status": 502, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": message})
            self.report.add(
                f"{scope['method']} {scope['path']}",
                [Finding(f"{scope['method']} {scope['path']}", "upstream", message.decode())],
            )
            return
        kept = [(name, value) for name, value in answer.headers.multi_items() if name.lower() not in HOP_BY_HOP]
        await send({"type": "http.response.start", "status": answer.status_code,
                    "headers": [(name.encode("latin-1"), value.encode("latin-1")) for name, value in kept]})  # fmt: skip
        await send({"type": "http.response.body", "body": raw})
        elapsed = time.perf_counter() - started
        # Judged once the client has its answer: the checks add nothing to what it waits for.
        seen = Seen(method=scope["method"], path=scope["path"], query=parse_qsl(query, keep_blank_values=True),
                    request_headers=headers, request_body=body, status=answer.status_code, response_headers=kept,
                    response_body=_decoded(raw, answer.headers.get("content-encoding")), elapsed=elapsed, url=target)  # fmt: skip
        findings = self.checker.check(seen)
        operation = findings[0].operation if findings else self._label(seen)
        self.report.add(operation, findings)
        if self.recording is not None:
            self._record(seen, raw, wall, elapsed)

    def _label(self, seen: Seen) -> str:
        match = self.checker._paths.match(seen.method, seen.path)
        if match is None or match.operation_id is None:
            return f"{seen.method} {seen.path}"
        return f"{seen.method} {self.checker._schema.find_operation_by_id(match.operation_id).path}"

    def _record(self, seen: Seen, raw: bytes, wall: float, elapsed: float) -> None:
        secrets = self.checker._secrets(seen)
        query = masking.query(seen.query, secrets)
        url = masking.mask_secrets(seen.url.split("?", 1)[0], secrets) + (
            "?" + "&".join(f"{name}={value}" for name, value in query) if query else "")  # fmt: skip
        self.recording.add(  # type: ignore[union-attr]
            har.Exchange(
                started=wall, duration_ms=elapsed * 1000, method=seen.method, url=url,
                request_headers=masking.headers(seen.request_headers, self.credentials, secrets),
                request_body=masking.mask_secrets(seen.request_body.decode("utf-8", "replace"), secrets).encode(),
                status=seen.status, response_headers=list(seen.response_headers), response_body=raw,
            )
        )  # fmt: skip

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _body(receive: Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return body
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return body


def _decoded(raw: bytes, encoding: str | None) -> bytes:
    """The body the checks read: gzip and deflate undone (what the client receives stays as sent)."""
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompress(raw, 16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompress(raw)
    return raw


def _server(app: Any, port: int) -> Any:
    import uvicorn

    # No Date or Server header of uvicorn's own: the upstream's pass through as they are.
    return uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                         server_header=False, date_header=False))  # fmt: skip


@contextlib.contextmanager
def serving(proxy: Proxy, port: int = 0) -> Iterator[str]:
    """The proxy served on a loopback port in a thread until the block ends (tests, the benchmark); its root URL."""
    import socket

    if port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    with running(_server(proxy, port), "proxy"):
        yield f"http://127.0.0.1:{port}"


def main(api: ContractApi, upstream: str, port: int, record: Path | None, junit: Path | None,
         serve: Callable[[Any, int], Any] = _server) -> int:  # fmt: skip
    """Serve until interrupted; then the summary, the JUnit report and the finished recording. 1 if anything was found."""
    report = Report(api)
    recording = har.Writer(record, comment=f"recorded by contracts proxy for {api.name}") if record else None
    print(f"proxy: {api.title} at http://127.0.0.1:{port} -> {upstream} (clients: use http://127.0.0.1:{port} as "
          f"the base URL){'; recording to ' + str(record) if record else ''}", flush=True)  # fmt: skip
    try:
        asyncio.run(serve(Proxy(api, upstream, report, recording), port).serve())
    finally:
        if recording is not None:
            recording.close()
        print(report.summary(), flush=True)
        if junit is not None:
            report.junit(junit)
    return 1 if report.findings else 0
