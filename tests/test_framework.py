"""Each connexion internal that mockserver/http/framework.py relies on still exists, with the parameters it is called with."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

from mockserver.http.framework import RELIES_ON


def _resolve(dotted: str) -> Any:
    """The object a dotted name names: the longest importable module prefix, then attributes (class annotations too)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if name in getattr(target, "__annotations__", {}) and not hasattr(target, name):
                return inspect.Parameter.empty  # declared (e.g. set in __init__), so no value on the class
            target = inspect.getattr_static(target, name)
        return target
    raise ImportError(dotted)


def _instance_attribute(cls: type, name: str) -> bool:
    """`name` is set on instances of `cls` by its __init__ (or a base's)."""
    return any(f"self.{name} =" in inspect.getsource(base.__init__) or f"self.{name}:" in inspect.getsource(base.__init__)
               for base in cls.__mro__ if "__init__" in vars(base) and base.__module__.startswith(("connexion", "starlette")))  # fmt: skip


@pytest.mark.parametrize("dotted", sorted(RELIES_ON))
def test_connexion_still_has(dotted: str) -> None:
    owner, _, name = dotted.rpartition(".")
    try:
        found = _resolve(dotted)
    except (ImportError, AttributeError):
        parent = _resolve(owner)
        assert inspect.isclass(parent) and _instance_attribute(parent, name), (
            f"connexion no longer has {dotted}, which mockserver/http/framework.py relies on: adapt framework.py"
        )
        return
    parameters = RELIES_ON[dotted]
    if parameters is not None:
        function = found.__func__ if isinstance(found, (staticmethod, classmethod)) else found
        if isinstance(function, property):
            function = function.fget
        names = tuple(inspect.signature(function).parameters)
        missing = [p for p in parameters if p not in names]
        assert not missing, (
            f"connexion's {dotted} takes {names}, no longer {parameters}: adapt mockserver/http/framework.py"
        )
