"""Every operation of every API answers byte for byte the same, and logs the same, whether its compiled chain runs it
(settings.compiled) or connexion's middleware stack does: successes, refused credentials, bad parameters and bodies,
unknown ids, other methods and paths no operation has."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from mockserver import admin
from mockserver.api import ApiDefinition
from mockserver.apis import ALL_APIS
from mockserver.http import framework, resolver
from mockserver.kit import spec
from mockserver.kit.examples import example_for
from mockserver.state.requestlog import Filter

from .conftest import make_app
from .spec_requests import Request, credential, example_body, filled, off_the_operations, outside, parameters_of

WRONG_KEY = "not-a-key-of-this-api-0000000000"


def _corpus(api: ApiDefinition, keys: list[str]) -> list[Request]:
    """Per operation of the spec, from its schemas and examples: the example request with the first demo key, with
    every other demo key on a write (read-only, revoked, another account's), without a credential, with a wrong one,
    with an id that names nothing, each query parameter with a value of the wrong kind and one of its kind, a
    malformed and a wrongly shaped JSON body, a form body, a method the path does not have, HEAD; then paths no
    operation has. The handler's arguments are compared too, so a cast or a default the chain got wrong shows."""
    root = spec.load(api.spec_path)
    first = credential(api, keys[0]) if keys else {}
    corpus: list[Request] = []
    for template, item in root["paths"].items():
        for method in (m for m in spec.METHODS if m in item):
            operation = spec.operation(api.spec_path, item[method]["operationId"])
            parameters = parameters_of(root, item, operation)
            path = filled(api, template, root, parameters, "example")
            other = filled(api, template, root, parameters, "other")
            body = example_body(operation)
            json_headers = {"Content-Type": "application/json"} if body is not None else {}
            verb = method.upper()
            corpus.append((verb, path, {**first, **json_headers}, body))
            if verb not in ("GET", "HEAD"):
                corpus += [(verb, path, {**credential(api, key), **json_headers}, body) for key in keys[1:]]
            corpus.append((verb, path, json_headers, body))  # no credential
            if keys:
                corpus.append((verb, path, {**credential(api, WRONG_KEY), **json_headers}, body))
            if len(corpus) < 40:  # the first operations: credentials each security check reads its own way
                corpus += [(verb, path, {**wrong, **json_headers}, body) for wrong in _wrong_credentials(api, keys)]
            corpus.append((verb, other, {**first, **json_headers}, body))  # an unknown id
            for name, parameter in parameters.items():
                if parameter.get("in") == "query":
                    corpus.append((verb, f"{path}?{name}=%7Bnot-a-value%7D&{name}=-1.5", first, None))
                    # a value of its kind, cast to its type (each item of an array) for the handler
                    corpus.append(
                        (verb, f"{path}?{_query(name, spec.deref(root, parameter.get('schema', {})))}", first, None)
                    )
            if json_headers:
                corpus.append(
                    (verb, path, {**first, "Content-Type": "application/x-www-form-urlencoded"}, b"name=x&n=1")
                )
                corpus.append((verb, path, {**first, **json_headers}, b'{"unfinished": '))
                corpus.append((verb, path, {**first, **json_headers}, b"[1, 2, 3]"))
                corpus.append((verb, path, {**first, **json_headers}, b'"\xff\xfe"'))
                # the body the validation parsed is the view's: bodies whose bytes a charset or a BOM reads otherwise
                accented = body.replace(b'": "', b'": "\xc3\xa9', 1)  # the first string value
                corpus += [
                    (verb, path, {**first, "Content-Type": f"application/json;{space}charset={charset}"}, data)
                    for charset, data in (("utf-8", accented), ("latin-1", accented), ("UTF-8", body), ("utf-16", body))
                    for space in ("", " ")  # connexion reads a charset only without the space
                ]
                corpus.append((verb, path, {**first, **json_headers}, b"\xef\xbb\xbf" + body))
                corpus.append((verb, path, {**first, "Content-Type": "application/merge-patch+json"}, body))
                corpus += [(verb, path, first, body), (verb, path, {}, body)]  # no Content-Type: read as bytes
                corpus.append((verb, path, {**first, "Content-Type": "application/x-json"}, body))
        corpus += off_the_operations(api, template, item, first)
    return corpus + outside(api, first)


def _wrong_credentials(api: ApiDefinition, keys: list[str]) -> list[dict[str, str]]:
    """The credential header empty, blank, without its scheme's prefix, with another scheme, the key alone or twice."""
    header = next(iter(credential(api, "k")))
    key = keys[0] if keys else WRONG_KEY
    return [{header: ""}, {header: " "}, {header: "Bearer"}, {header: f"Basic {key}"}, {header: key},
            {header: f"bearer  {key}"}, {header: f"Bearer {key} {key}"}, {"Authorization": f"Bearer {key}"}]  # fmt: skip


def _query(name: str, schema: dict[str, Any]) -> str:
    """`name=value` with an example of the parameter's schema (an array as the parameter repeated, form style)."""
    value = example_for(schema)
    values = value if isinstance(value, list) else [value]
    return "&".join(f"{name}={quote(json.dumps(v) if isinstance(v, bool) else str(v))}" for v in values)


def _answers(api: ApiDefinition, compiled: bool) -> tuple[list[Any], int]:
    """Each request's status, headers (its request id left out), body, log entry and the arguments the handler got
    (each value's type too); and how many the chain ran."""
    app = make_app(compiled=compiled, enforce_rate_limits=False)
    called: list[str] = []
    controlled = resolver._controlled

    async def recording(ctx: Any, api: ApiDefinition, operation_id: str, handler: Any, params: dict[str, Any]) -> Any:
        called.append(f"{operation_id}: {sorted((name, repr(value)) for name, value in params.items())}")
        return await controlled(ctx, api, operation_id, handler, params)

    keys = [key.value for key in api.demo_keys(app.state) if " " not in key.value]
    client = app.test_client()
    answers = []
    ran = 0
    original = framework.Compiled.find

    def counted(self: framework.Compiled, scope: Any) -> Any:
        nonlocal ran
        found = original(self, scope)
        ran += found is not None
        return found

    framework.Compiled.find = counted  # type: ignore[method-assign]
    resolver._controlled = recording
    try:
        for method, path, headers, body in _corpus(api, keys):
            called.clear()
            response = client.request(method, path, headers=headers, content=body, follow_redirects=False)
            seen = {
                name: value for name, value in response.headers.items() if name != (api.request_id_header or "").lower()
            }
            logged = next(app.state.log.select(Filter()), None)
            entry = None if logged is None else {**logged.as_json(), "durationMs": None}
            answers.append((method, path, response.status_code, seen, response.content, entry, list(called)))
    finally:
        framework.Compiled.find = original  # type: ignore[method-assign]
        resolver._controlled = controlled
    return answers, ran


@pytest.mark.parametrize("api", [*ALL_APIS, admin.DEFINITION], ids=lambda api: api.name)
def test_the_compiled_chain_answers_exactly_as_connexions_stack(api: ApiDefinition) -> None:
    (compiled, ran), (stack, _) = _answers(api, True), _answers(api, False)
    assert len(compiled) == len(stack)
    for mine, theirs in zip(compiled, stack, strict=True):
        assert mine == theirs
    operations = sum(1 for item in spec.load(api.spec_path)["paths"].values() for m in spec.METHODS if m in item)
    assert ran >= operations  # the chain ran, at least once per operation
    assert any(answer[6] for answer in compiled) or api.control  # handlers ran, and got the same arguments
    statuses = {answer[2] for answer in compiled}
    # The corpus reached answers and refusals alike.
    assert {200, 404} <= statuses and statuses & {400, 422} and statuses & {401, 403}, statuses


def test_an_answer_that_breaks_its_schema_is_refused_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.apis import bannertrackr
    from mockserver.apis.bannertrackr import handlers

    async def get_me(ctx: Any) -> Any:
        return {"data": "not the account object the spec documents"}

    monkeypatch.setattr(handlers, "get_me", get_me)
    assert _refused_alike_on_both_paths(bannertrackr.DEFINITION, "/me", "bt_live_growth_read_write_demo") == 500


def test_an_answer_without_a_header_its_definition_requires_is_refused_on_both_paths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mockserver.apis import bannertrackr
    from mockserver.context import RequestContext

    # BannerTrackr's answers require X-RateLimit-*: without them, response validation refuses the answer (a 500)
    monkeypatch.setattr(RequestContext, "rate_headers", lambda self: {})
    assert _refused_alike_on_both_paths(bannertrackr.DEFINITION, "/sites", "bt_live_pro_read_write_demo") == 500


def _refused_alike_on_both_paths(api: Any, path: str, key: str) -> int:
    """The status of BannerTrackr's GET `path` with `key`, after checking both paths answer it byte for byte alike."""
    answers = []
    for compiled in (True, False):
        client = make_app(compiled=compiled).test_client()
        response = client.get(api.base_path + "/api/public/v1" + path, headers=credential(api, key))
        answers.append((response.status_code, response.content))
    assert answers[0] == answers[1]
    return answers[0][0]
