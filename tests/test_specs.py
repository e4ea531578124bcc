"""Every document in openapi/ is valid OpenAPI 3.0, loads in connexion, and documents what the mock can answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import connexion
import pytest
import yaml
from connexion.resolver import Resolver
from openapi_spec_validator import validate

from mockserver.apis import ALL_APIS
from mockserver.http.resolver import snake_case

SPECS = sorted((Path(__file__).resolve().parent.parent / "openapi").glob("*.yaml"))
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SERVED = {api.spec: api for api in ALL_APIS}


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, item[method]) for path, item in spec["paths"].items() for method in METHODS if method in item
    ]


class _StrictLoader(yaml.SafeLoader):
    """YAML loading that refuses duplicate keys (plain YAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = {key for key in keys if keys.count(key) > 1}
        assert not duplicates, f"duplicate keys {duplicates} at line {node.start_mark.line + 1}"
        return super().construct_mapping(node, deep=deep)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_spec_has_no_duplicate_keys(path: Path) -> None:
    yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_spec_is_valid_openapi_3_0(path: Path) -> None:
    spec = load(path)
    assert spec["openapi"].startswith("3.0.")
    validate(spec)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_spec_loads_in_connexion_and_names_no_python(path: Path) -> None:
    assert "InfoFunc" not in path.read_text(encoding="utf-8")  # security is bound by the mock, not the contract
    app = connexion.AsyncApp(__name__, specification_dir=path.parent)
    app.add_api(path.name, base_path="/x", resolver=Resolver(lambda operation_id: lambda **kwargs: {}))
    assert app.test_client().get("/x/openapi.json").status_code == 200


@pytest.mark.parametrize("path", [p for p in SPECS if p.name in SERVED], ids=lambda p: p.name)
def test_every_operation_has_a_handler_and_unique_id(path: Path) -> None:
    api = SERVED[path.name]
    ids = [operation["operationId"] for _, _, operation in operations(load(path))]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert callable(getattr(api.handlers, snake_case(operation_id), None)), operation_id


RATE_HEADERS = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}


def _responses(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    shared = spec["components"]["responses"]
    return {
        status: shared[response["$ref"].rsplit("/", 1)[1]] if "$ref" in response else response
        for status, response in operation["responses"].items()
    }


def test_bannertrackr_documents_every_error_and_rate_limit_header() -> None:
    spec = load(next(p for p in SPECS if p.name == "bannertrackr.yaml"))
    developer_api = [
        (m, p, op) for m, p, op in operations(spec) if p.startswith(SERVED["bannertrackr.yaml"].api_prefix + "/")
    ]
    assert len(developer_api) == 12
    for method, path, operation in developer_api:
        responses = _responses(spec, operation)
        assert {"400", "401", "403", "404", "429", "500"} <= set(responses), (method, path)
        for status, response in responses.items():
            assert RATE_HEADERS <= set(response["headers"]), (method, path, status)
    assert "Retry-After" in spec["components"]["responses"]["TooManyRequests"]["headers"]


def test_bannertrackr_tracking_urls_are_public_and_not_rate_limited() -> None:
    spec = load(next(p for p in SPECS if p.name == "bannertrackr.yaml"))
    tracking = [(m, p, op) for m, p, op in operations(spec) if p.startswith("/api/track/")]
    assert {op["operationId"] for _, _, op in tracking} == {"trackPixel", "trackPixelPath", "trackImage", "trackClick"}
    for _method, path, operation in tracking:
        assert operation["security"] == [], path
        responses = _responses(spec, operation)
        assert {"400", "404", "500"} <= set(responses) and set(responses) & {"200", "302"}, path
        for status, response in responses.items():
            assert not RATE_HEADERS & set(response.get("headers", {})), (path, status)
            if status in ("200", "302"):
                assert response["headers"]["Cache-Control"]["$ref"].endswith("/Cache-Control"), (path, status)


@pytest.mark.parametrize("name", ["adsterra_advertiser.yaml", "adsterra_publisher.yaml"])
def test_adsterra_documents_every_error_and_each_format(name: str) -> None:
    spec = load(next(p for p in SPECS if p.name == name))
    shared = spec["components"]["responses"]
    for method, path, operation in operations(spec):
        assert path.endswith(".{format}"), path
        assert {"401", "403", "404", "422", "429", "500"} <= set(operation["responses"]), (method, path)
        assert "400" not in operation["responses"]  # validation failures are 422 in these APIs
        ok = shared[operation["responses"]["200"]["$ref"].rsplit("/", 1)[1]]
        assert set(ok["content"]) == {"application/json", "application/xml", "text/csv"}, (method, path)
    assert "Retry-After" in shared["TooManyRequests"]["headers"]


@pytest.mark.parametrize("path", [p for p in SPECS if p.name != "admin.yaml"], ids=lambda p: p.name)
def test_description_shows_one_paragraph_and_folds_the_rest(path: Path) -> None:
    """Swagger UI shows info.description above the operations: one paragraph, then the docs' facts and the mock
    notes folded in <details> (tests/test_browser.py checks the first screen)."""
    description = yaml.safe_load(path.read_text(encoding="utf-8"))["info"]["description"]
    visible, _, folded = description.partition("\n\n<details>")
    assert "\n\n" not in visible.strip() and len(visible) < 600
    assert folded.count("<details>") == 1 and description.count("</details>") == 2
    assert "<details><summary><strong>Mock notes</strong>" in description and description.rstrip().endswith(
        "</details>"
    )


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_spec_cites_no_file_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "shared/reference" not in text and ".md`" not in text and "research notes" not in text


def test_a_parsed_spec_is_kept_as_json_and_read_back_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Start-up reads each spec from the JSON copy of an earlier parse: the same document, and a stale or broken copy
    is never used."""
    from mockserver.kit import spec

    monkeypatch.setattr(spec, "CACHE_DIR", tmp_path)
    source = tmp_path / "petstore.yaml"
    source.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-n: [1, 2.5, true, null]\n")
    parsed = spec.load.__wrapped__(source)
    (copy,) = tmp_path.glob("petstore-*.json")
    assert spec.load.__wrapped__(source) == parsed == load(source)
    copy.write_bytes(b'{"openapi": "from the copy"}')
    assert spec.load.__wrapped__(source) == {"openapi": "from the copy"}  # the copy is what is read
    copy.write_bytes(b"{not json")
    assert spec.load.__wrapped__(source) == parsed  # a broken copy: parsed again, and written again
    source.write_text("openapi: 3.0.3\ninfo: {title: changed, version: '1'}\npaths: {}\n")
    assert spec.load.__wrapped__(source)["info"]["title"] == "changed"  # another YAML, another copy
    assert len(list(tmp_path.glob("petstore-*.json"))) == 2
    source.write_text("openapi: 3.0.3\ninfo: {title: t, version: 2024-01-01}\npaths: {}\n")  # a date: not JSON
    assert str(spec.load.__wrapped__(source)["info"]["version"]) == "2024-01-01"
    assert len(list(tmp_path.glob("petstore-*.json"))) == 2


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_spec_reads_the_same_from_its_json_copy(path: Path) -> None:
    from mockserver.kit import spec

    assert spec.load.__wrapped__(path) == spec.load.__wrapped__(path) == load(path)


def test_connexion_leaves_the_parsed_documents_as_they_were() -> None:
    """create_app hands connexion the process's parsed documents themselves (no copy): connexion copies them before
    it sets defaults and resolves references, so serving an app, its Swagger UI and its documents changes none."""
    from mockserver.app import create_app
    from mockserver.kit import spec

    app = create_app()
    with app.test_client() as client:
        for api in app.state.apis.values():
            assert client.get(f"{api.base_path}/openapi.json").status_code == 200
            assert client.get(f"{api.base_path}/ui/").status_code == 200
        assert client.get("/bannertrackr/api/public/v1/me", headers={"Authorization": "Bearer x"}).status_code == 401
    for api in app.state.apis.values():
        assert spec.load(api.spec_path) == load(api.spec_path), api.name
