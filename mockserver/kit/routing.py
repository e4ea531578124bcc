"""The mock's one reading of its APIs' paths: (method, path) -> API, operation and path parameters."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import spec

if TYPE_CHECKING:
    from ..api import ApiDefinition, FastRoute

_PARAMETER = re.compile(r"\\\{([^}]+)\\\}")
# What connexion serves under an API's base path besides its operations: the spec document and Swagger UI.
_SPEC_DOCUMENTS = ("/openapi.json", "/openapi.yaml", "/swagger.json")
MATCHES_KEPT = 4096  # (method, path) matches each API's paths remember; ids in paths make them many, so bounded
_UNSEEN = object()  # a (method, path) Router.fast_route has not been asked yet


@dataclass(frozen=True)
class Template:
    """One path of a spec, mounted below a base path."""

    loose: re.Pattern[str]  # any segment for any parameter
    routed: re.Pattern[str]  # as connexion's router matches it: an integer parameter takes digits only
    names: tuple[str, ...]  # the path parameters, in order
    enums: tuple[frozenset[str], ...]  # the values each parameter may take (empty: any)
    operations: dict[str, str]  # upper-case method -> operationId


@dataclass(frozen=True)
class Match:
    """What a request is: its operation (None: no operation of the API's spec has that method and path)."""

    template: Template
    operation_id: str | None
    params: dict[str, str]


class Paths:
    """The paths of the spec at `spec_path` mounted at `base_path`: a pure function of the document."""

    def __init__(self, spec_path: Path, base_path: str) -> None:
        root = spec.load(spec_path)
        self.templates = tuple(_template(root, base_path, template, item) for template, item in root["paths"].items())
        # (method, path) -> its match: a client asks the same few paths over and over, and a path late in a long
        # spec (Binom's 179 operations) is otherwise a regex per template on every request that is logged.
        self._matched: dict[tuple[str, str], Match | None] = {}

    def match(self, method: str, path: str) -> Match | None:
        """The template `path` fits as routed, with `method`'s operation and the path parameters (shared by every
        caller asking the same: not to be changed)."""
        key = (method, path)
        if key in self._matched:
            return self._matched[key]
        if len(self._matched) >= MATCHES_KEPT:
            self._matched.clear()
        found = self._matched[key] = self._match(method, path)
        return found

    def _match(self, method: str, path: str) -> Match | None:
        wanted = "GET" if method == "HEAD" else method  # HEAD is GET, as routed
        first: Match | None = None
        for template in self.templates:
            found = template.routed.match(path)
            if found is not None:
                operation = template.operations.get(wanted)
                match = Match(template, operation, dict(zip(template.names, found.groups(), strict=True)))
                # As starlette routes: the first template that has the method, else the first the path fits (a 405).
                # Two templates of one shape (Binom's /report/preset/{subject} and /report/preset/{uuid}) share a path.
                if operation is not None:
                    return match
                first = first or match
        return first

    def allowed_methods(self, path: str) -> list[str]:
        """Methods the document gives the path (HEAD wherever GET is), for the `Allow` header of a 405: of every template
        the path is routed to (`/campaign/change_cost`, not `/campaign/{id}` with an integer id; both of two templates
        of one shape), else of the first it fits at all."""
        routed = [template for template in self.templates if template.routed.match(path)]
        loose = [template for template in self.templates if template.loose.match(path)][:1]
        methods = {method for template in routed or loose for method in template.operations}
        return sorted({*methods, *(["HEAD"] if "GET" in methods else [])})

    def outside_enum(self, path: str) -> bool:
        """True when `path` fits a template only with a path parameter outside its enum (`/stats.pdf` for json|xml|csv)."""
        fits_loosely = False
        for template in self.templates:
            found = template.routed.match(path)
            if found is None:
                continue
            if all(not values or value in values for value, values in zip(found.groups(), template.enums, strict=True)):
                return False
            fits_loosely = True
        return fits_loosely


class Router:
    """Every mounted API's paths, built once per MockState: the gateway, auth, error handlers and http_limits ask it."""

    def __init__(self, apis: Iterable[ApiDefinition]) -> None:
        apis = list(apis)
        prefixes = [(prefix, api) for api in apis for prefix in (api.base_path, *api.alias_base_paths)]
        prefixes += [(outside, api) for api in apis for outside, _ in api.outside_paths]
        # Where each prefix is rebased to: the base path, or for an outside path the spec path it answers as.
        self._targets = {outside: api.base_path + inside for api in apis for outside, inside in api.outside_paths}
        # Longest first, so a nested base path wins over a shorter one.
        self._prefixes = sorted(prefixes, key=lambda pair: len(pair[0]), reverse=True)
        # With "/" appended once, not on every request.
        self._below = [(prefix, prefix + "/", api) for prefix, api in self._prefixes]
        self._paths: dict[str, Paths] = {}
        # path -> what api_for found: the gateway and the request log each ask it of every request, and a client
        # asks the same few paths again and again (bounded, as ids in paths make them many).
        self._found: dict[str, tuple[ApiDefinition | None, str]] = {}
        # (API name, method, path) -> its fast route and fit, or None: fast_route's answers, bounded the same way.
        self._fast: dict[tuple[str, str, str], tuple[FastRoute, re.Match[str]] | None] = {}

    def api_for(self, path: str) -> tuple[ApiDefinition | None, str]:
        """The API serving `path`, and the prefix it was reached by (its base path or an alias)."""
        found = self._found.get(path)
        if found is None:
            if len(self._found) >= MATCHES_KEPT:
                self._found.clear()
            found = self._found[path] = self._api_for(path)
        return found

    def _api_for(self, path: str) -> tuple[ApiDefinition | None, str]:
        for prefix, below, api in self._below:
            if path.startswith(below) or path == prefix:
                return api, prefix
        return None, ""

    def paths(self, api: ApiDefinition) -> Paths:
        """`api`'s spec paths (read on first use: most requests never need them)."""
        found = self._paths.get(api.name)
        if found is None:
            found = self._paths[api.name] = Paths(api.spec_path, api.base_path)
        return found

    def match(self, method: str, path: str) -> tuple[ApiDefinition | None, Match | None]:
        """The API and operation of a request for `path` (rebased from an alias), and its path parameters."""
        api, prefix = self.api_for(path)
        if api is None:
            return None, None
        return api, self.paths(api).match(method, self.target(api, prefix) + path[len(prefix) :])

    def target(self, api: ApiDefinition, prefix: str) -> str:
        """What a request reached by `prefix` is rebased to: the API's base path, or an outside path's spec path."""
        return self._targets.get(prefix, api.base_path)

    def allowed_methods(self, api: ApiDefinition, path: str) -> list[str]:
        return self.paths(api).allowed_methods(path)

    def outside_enum(self, api: ApiDefinition, path: str) -> bool:
        """For an API whose path enums route: a path segment outside its enum names no resource (a 404)."""
        return api.path_enums_route and self.paths(api).outside_enum(path)

    @staticmethod
    def is_operation(api: ApiDefinition, path: str) -> bool:
        """False for the spec document and Swagger UI that connexion serves under the API's base path."""
        rest = path[len(api.base_path) :]
        return not (rest.startswith("/ui") or rest in _SPEC_DOCUMENTS)

    def fast_route(self, api: ApiDefinition, method: str, path: str) -> tuple[FastRoute, re.Match[str]] | None:
        """The first of `api`'s fast routes for `method` that `path` (below its base path) fits, and the fit (shared
        by every request asking the same: a match object is read-only). Remembered per (API, method, path): the
        gateway asks it of each request to an API that has fast routes, whose other paths fit none of them."""
        key = (api.name, method, path)
        kept = self._fast.get(key, _UNSEEN)
        if kept is not _UNSEEN:
            return kept  # type: ignore[return-value]  # only fast_route's answers are stored
        rest = path[len(api.base_path) :]
        found: tuple[FastRoute, re.Match[str]] | None = None
        for route in api.fast_routes:
            fit = route.pattern.fullmatch(rest)
            if fit is not None and method in route.methods:
                found = route, fit
                break
        if len(self._fast) >= MATCHES_KEPT:
            self._fast.clear()
        self._fast[key] = found
        return found


def nearest_operation(spec_path: Path, method: str, path: str) -> str | None:
    """The operation a request for (method, `path` below the spec's root) most likely meant, when none has that
    method and path: the documented path most alike, the method breaking ties (for near misses)."""
    best: tuple[float, str] | None = None
    for template, item in spec.load(spec_path)["paths"].items():
        shape = _filled(template, path)
        for verb in spec.METHODS:
            operation = item.get(verb)
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            score = difflib.SequenceMatcher(None, path, shape).ratio() + (0.01 if verb.upper() == method else 0)
            if best is None or score > best[0]:
                best = (score, operation["operationId"])
    return best[1] if best else None


def _filled(template: str, path: str) -> str:
    """`template` with each `{parameter}` segment replaced by the path's segment in its place, where it has one."""
    given = path.split("/")
    return "/".join(
        given[index] if segment.startswith("{") and index < len(given) else segment
        for index, segment in enumerate(template.split("/"))
    )


def rebased(scope: Mapping[str, Any], prefix: str, base_path: str) -> dict[str, Any]:
    """`scope` with the alias `prefix` of its path replaced by the API's base path (what connexion routes on)."""
    moved = {**scope, "path": base_path + scope["path"][len(prefix) :]}
    if "raw_path" in scope:
        moved["raw_path"] = base_path.encode() + scope["raw_path"][len(prefix.encode()) :]
    return moved


def _template(root: dict[str, Any], base_path: str, template: str, item: dict[str, Any]) -> Template:
    schemas: dict[str, dict[str, Any]] = {}
    operations = [item[m] for m in spec.METHODS if m in item]
    for operation in [item, *operations]:
        for parameter in (spec.deref(root, p) for p in operation.get("parameters", [])):
            if parameter.get("in") == "path":
                schemas[parameter["name"]] = spec.deref(root, parameter.get("schema", {}))
    escaped = re.escape(base_path + template)
    names = tuple(name.replace("\\", "") for name in _PARAMETER.findall(re.escape(template)))
    # connexion routes integer parameters with starlette's int convertor: digits only.
    groups = iter(f"({'[0-9]+' if schemas.get(name, {}).get('type') == 'integer' else '[^/]+'})" for name in names)
    return Template(
        loose=re.compile(_PARAMETER.sub("[^/]+", escaped) + "$"),
        routed=re.compile(_PARAMETER.sub(lambda _: next(groups), escaped) + "$"),
        names=names,
        enums=tuple(frozenset(str(value) for value in schemas.get(name, {}).get("enum", ())) for name in names),
        operations={m.upper(): item[m].get("operationId", "") for m in spec.METHODS if m in item},
    )
