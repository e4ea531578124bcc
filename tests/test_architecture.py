"""The layers of ARCHITECTURE.md, enforced: every runtime import inside `mockserver/` goes to the same or a lower layer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mockserver"

# Top to bottom; a module may import its own layer and the layers listed after it. Annotations (imports under
# `if TYPE_CHECKING:`) may name any layer: they never run, so they cannot make a cycle.
LAYERS = {
    "entry": ["http", "services", "contract", "domain", "state", "kit"],
    "http": ["contract", "domain", "state", "kit"],
    "services": ["contract", "domain", "state", "kit"],
    "contract": ["domain", "state", "kit"],
    "domain": ["state", "kit"],
    "state": ["kit"],
    "kit": [],
}
ENTRY = {
    "__main__",
    "app",
    "cli",
    "workers",
    "pytest_plugin",
    "background",
    "learn_state_schema",
    "interception",
    "wsgi",
}
CONTRACT = {"api", "context", "contract", "mockstate", "settings"}
LEAVES = {"mockserver"}  # the package itself: importing it runs only its __init__


def layer_of(module: str) -> str:
    parts = module.split(".")[1:]
    if not parts:
        return "entry"  # the package's __init__
    if parts[0] in {"http", "domain", "state", "kit"}:
        return parts[0]
    if parts[0] in {"apis", "admin"}:
        return "services"
    if parts[0] in ENTRY:
        return "entry"
    if parts[0] in CONTRACT:
        return "contract"
    raise AssertionError(f"{module} belongs to no layer of ARCHITECTURE.md")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every `mockserver` module `path` imports when it runs."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
        for statement in node.body
        for child in ast.walk(statement)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("mockserver")]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join(base + ([node.module] if node.module else []))
            if source.startswith("mockserver"):
                # `from . import errors` imports a module; `from .store import Record` a name of one
                found += [
                    (node.lineno, f"{source}.{a.name}" if _is_module(f"{source}.{a.name}") else source)
                    for a in node.names
                ]
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_go_down_the_layers(path: Path) -> None:
    here = layer_of(_module_name(path))
    wrong = [
        f"line {line}: {here} imports {imported} ({layer_of(imported)})"
        for line, imported in _runtime_imports(path)
        if imported not in LEAVES and layer_of(imported) not in {here, *LAYERS[here]}
    ]
    assert not wrong, "\n".join(wrong)


def test_every_module_has_a_one_line_docstring() -> None:
    missing = [
        str(p.relative_to(PACKAGE)) for p in MODULES if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not missing


def test_architecture_md_names_every_shared_module() -> None:
    """ARCHITECTURE.md stays true: each module of the shared layers is named in the paragraph of its layer's folder."""
    text = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    shared = [p for p in MODULES if p.parent == PACKAGE or p.parent.name in {"http", "domain", "state", "kit"}]
    unnamed = [
        str(p.relative_to(PACKAGE)) for p in shared if p.stem != "__init__" and not re.search(rf"\b{p.stem}\b", text)
    ]
    assert not unnamed, f"not in ARCHITECTURE.md: {unnamed}"
