"""Serving a mock with uvicorn on a free loopback port in a background thread (pytest fixture, in-process contract runs)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Serve `app` until the block ends; yields its root URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from .http.http_limits import uvicorn_options

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_options(app))
    )
    with running(server, "mockserver"):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def running(server: Any, name: str) -> Iterator[None]:
    """Run the uvicorn `server` in a thread named `name` from when it has started until the block ends."""
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the {name} server did not start")
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
