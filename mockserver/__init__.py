"""Spec-first stateful mocks of ad-tracking and ad-network APIs, served by connexion from openapi/."""

import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .interception import intercept as intercept  # for type checkers; at run time __getattr__ imports it

__version__ = "0.1.0"

# connexion 3.3 warns when it is imported, about its own dependencies: it imports starlette's test client, which on
# starlette 1.x asks for httpx2, and jsonschema's deprecated RefResolver. Neither is anything a user of the mock can
# act on, so connexion is imported here, before any module of the mock uses it, with exactly those three warnings
# ignored: nothing else is filtered, and the filters are gone once the import is done.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient` is deprecated", UserWarning)
    warnings.filterwarnings("ignore", "jsonschema.RefResolver is deprecated", DeprecationWarning)
    warnings.filterwarnings("ignore", "jsonschema.exceptions.RefResolutionError is deprecated", DeprecationWarning)
    import connexion  # noqa: F401


def __getattr__(name: str) -> Any:
    """`mockserver.intercept`, imported on first use: `import mockserver` stays as light as it was."""
    if name == "intercept":
        from .interception import intercept

        return intercept
    raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
