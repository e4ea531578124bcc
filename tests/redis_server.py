"""A redis-server of the tests' own: started on a free port in a temporary directory, stopped after."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

BINARY = shutil.which("redis-server")


def require() -> None:
    """Skip on a developer machine without Redis; in CI (where ./dev installs it) its absence is a failure."""
    if BINARY is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is required in CI (./dev installs Debian's redis-server)")
        pytest.skip("redis-server is not installed (./dev test installs it)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running() -> Iterator[str]:
    """A fresh, empty redis-server for as long as the block runs; yields its URL."""
    require()
    assert BINARY is not None
    directory = tempfile.mkdtemp(prefix="mock-redis-")
    port = free_port()
    # No persistence: a restart of the mock, not of Redis, is what the tests try.
    process = subprocess.Popen(
        [BINARY, "--port", str(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.02)  # waiting for a process to listen, not standing in for synchronisation
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)
