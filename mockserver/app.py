"""The app factory: mounts every selected API's spec on one connexion AsyncApp with the shared layers around it."""

from __future__ import annotations

import copy
import logging
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions

from . import errors, schema_formats
from .api import SPEC_DIR
from .apis import ALL_APIS, select
from .auth import SECURITY_MAP
from .gateway import Gateway
from .resolver import resolver_for
from .settings import Settings
from .state import MockState


@cache
def _parsed(spec_path: Path) -> dict[str, Any]:
    # Parsed once per process with libyaml: connexion's own pure-Python load dominated the start-up (and each
    # test's fresh app) once the long tracker specs joined.
    with spec_path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


def create_app(settings: Settings | None = None) -> AsyncApp:
    """A fresh app with its own state; `app.state` is the MockState (tests and the CLI read it)."""
    settings = settings or Settings()
    # Unknown query parameters are ignored, as the real APIs do; connexion would log each one at ERROR.
    logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)
    schema_formats.install()
    state = MockState(settings, select(ALL_APIS, settings.apis))
    app = AsyncApp(
        __name__,
        specification_dir=SPEC_DIR,
        security_map=SECURITY_MAP,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True),
    )
    for api in state.apis.values():
        app.add_api(
            copy.deepcopy(_parsed(api.spec_path)),  # connexion may change what it is given
            base_path=api.base_path,
            name=api.name,
            resolver=resolver_for(api),
            pythonic_params=True,
            validate_responses=settings.validate_responses,
        )
    app.add_middleware(Gateway, position=MiddlewarePosition.BEFORE_EXCEPTION, state=state)
    errors.install(app)
    app.state = state  # type: ignore[attr-defined]
    return app
