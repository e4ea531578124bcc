"""Every operation of every API answers byte for byte the same whether connexion's router finds it or the routing
layer that decides once per path (settings.route_once), with errors, other methods and unknown paths too."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver import admin
from mockserver.api import ApiDefinition
from mockserver.apis import ALL_APIS
from mockserver.kit import spec

from .conftest import make_app
from .spec_requests import Request, credential, example_body, filled, off_the_operations, outside, parameters_of


def _requests(api: ApiDefinition, key: str | None) -> list[Request]:
    """Per operation of the spec: its example request, the same with other path values, without a credential, and
    with a method the path does not have; then paths no operation has."""
    root = spec.load(api.spec_path)
    headers = credential(api, key) if key is not None else {}
    requests: list[Request] = []
    for template, item in root["paths"].items():
        for method in (m for m in spec.METHODS if m in item):
            operation = spec.operation(api.spec_path, item[method]["operationId"])
            parameters = parameters_of(root, item, operation)
            body = example_body(operation)
            for variant in ("example", "other"):
                path = filled(api, template, root, parameters, variant)
                sent = {**headers, **({"Content-Type": "application/json"} if body is not None else {})}
                requests.append((method.upper(), path, sent, body))
            requests.append((method.upper(), path, {}, body))  # no credential
        requests += off_the_operations(api, template, item, headers)
    return requests + outside(api, headers)


def _answers(api: ApiDefinition, route_once: bool) -> list[Any]:
    app = make_app(route_once=route_once, enforce_rate_limits=False)
    keys = api.demo_keys(app.state)
    client = app.test_client()
    answers = []
    for method, path, headers, body in _requests(api, keys[0].value if keys else None):
        response = client.request(method, path, headers=headers, content=body, follow_redirects=False)
        seen = {
            name: value for name, value in response.headers.items() if name != (api.request_id_header or "").lower()
        }
        answers.append((method, path, response.status_code, seen, response.content))
    return answers


@pytest.mark.parametrize("api", [*ALL_APIS, admin.DEFINITION], ids=lambda api: api.name)
def test_routing_once_answers_exactly_as_connexions_router(api: ApiDefinition) -> None:
    once, connexion = _answers(api, True), _answers(api, False)
    assert len(once) == len(connexion)
    for mine, theirs in zip(once, connexion, strict=True):
        assert mine == theirs
    statuses = {answer[2] for answer in once}
    # The requests reached answers and errors alike: some 200s, 404s and the API's refusals of a missing credential.
    assert {200, 404} <= statuses and statuses & {401, 403, 422}, statuses
