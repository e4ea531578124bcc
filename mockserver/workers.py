"""What each of `serve --workers N`'s processes imports: its app, built from the settings the parent passed on."""

from __future__ import annotations

import dataclasses
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from .settings import Settings

ENV = "MOCKSERVER_WORKER_SETTINGS"  # the parent's Settings as JSON: uvicorn starts workers by import, not by call


def settings_env(settings: Settings) -> str:
    return json.dumps(dataclasses.asdict(settings), default=str)  # paths (--replay) as text


@cache
def app() -> Any:
    """This worker's app (built once: uvicorn asks for it and for its protocol)."""
    from .app import create_app, settle_heap

    fields: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value for key, value in json.loads(os.environ[ENV]).items()
    }
    for key in ("record", "replay"):  # sent as text, used as paths
        if fields.get(key) is not None:
            fields[key] = Path(fields[key])
    built = create_app(Settings(**fields))
    settle_heap()  # as `serve` does for one process
    return built


def __getattr__(name: str) -> Any:
    # uvicorn resolves `http="mockserver.workers:protocol"` in the worker, where the app (and its APIs' error
    # shapes, which the protocol answers in) can be built.
    if name == "protocol":
        from .http import http_limits

        return http_limits.protocol_for(app().state)
    raise AttributeError(name)
