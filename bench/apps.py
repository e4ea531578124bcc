"""The servers bench/run.py starts with uvicorn: the mock, and bare Starlette endpoints sending the mock's own bytes."""

from __future__ import annotations

import base64
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# connexion's import-time deprecation warnings: an older checkout's mock (run.py --mock-src) does not filter them.
warnings.filterwarnings("ignore", message=".*deprecated")

# Where run.py leaves the recorded answers: [{"path", "methods", "status", "content_type", "body" (base64)}].
BODIES = "BENCH_BARE_BODIES"


def mock_app() -> Any:
    """The app `mockserver serve --no-rate-limits` builds (every API, validation on): for the memory figure."""
    from mockserver.app import create_app
    from mockserver.settings import Settings

    return create_app(Settings(enforce_rate_limits=False))


def _endpoint(status: int, content_type: str, body: bytes) -> Any:
    async def answer(request: Request) -> Response:
        return Response(body, status_code=status, media_type=content_type)

    return answer


def bare_app() -> Starlette:
    """One plain route per recorded answer (path templates such as /sites/{site_id} as Starlette writes them)."""
    routes = [Route("/", _endpoint(200, "text/plain", b"ok"))]
    recorded = json.loads(Path(os.environ[BODIES]).read_text()) if BODIES in os.environ else []
    for entry in recorded:
        answer = _endpoint(entry["status"], entry["content_type"], base64.b64decode(entry["body"]))
        routes.append(Route(entry["path"], answer, methods=entry["methods"]))
    return Starlette(routes=routes)
