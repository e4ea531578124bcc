"""The contract suite fails on every breakage of the mutation catalogue, under the check meant to catch it, and
passes the unbroken mock behind the same wrapper (contracts/mutations.py, `contracts mutants`)."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.mutants import baseline_plan, contract_run
from contracts.mutations import CATALOGUE, Breakage
from contracts.wrapper import Call, Defect, Wrapper


@pytest.mark.parametrize("breakage", CATALOGUE, ids=lambda breakage: breakage.name)
def test_each_breakage_fails_its_check(breakage: Breakage) -> None:
    failed = contract_run(breakage.api, breakage.run, breakage.defect)
    assert breakage.check in failed, (
        f"{breakage.name} ({breakage.what}) was not caught by {breakage.check}: {sorted(failed)}"
    )


@pytest.mark.parametrize("api", sorted({breakage.api for breakage in CATALOGUE}))
def test_the_unbroken_mock_passes_the_same_runs(api: str) -> None:
    assert contract_run(api, baseline_plan(api), None) == frozenset()


def test_the_catalogue_covers_every_api_and_every_custom_check() -> None:
    import contracts.checks  # noqa: F401  (registers them)
    from contracts import access, bodies, checks, counts, deletion, equivalence, paging, refusals

    custom = {name for module in (access, bodies, checks, counts, deletion, equivalence, paging, refusals)
              for name, value in vars(module).items() if callable(value) and getattr(value, "__wrapped__", None)}  # fmt: skip
    assert len(CATALOGUE) >= 30
    assert {breakage.api for breakage in CATALOGUE} == {
        "bannertrackr",
        "binom",
        "peerclick",
        "adsterra_advertiser",
        "adsterra_publisher",
    }
    assert custom - {breakage.check for breakage in CATALOGUE} == set()
    assert len({breakage.name for breakage in CATALOGUE}) == len(CATALOGUE)


async def _through(wrapper: Wrapper, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await wrapper(scope, receive, send)
    return sent


@pytest.mark.parametrize("defect", [None, Defect(request=lambda call: call), Defect(respond=lambda call, answer: None)])
def test_the_wrapper_forwards_every_method_and_raw_path_as_sent(defect: Defect | None) -> None:
    import asyncio

    seen: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope)
        await send({"type": "http.response.start", "status": 207, "headers": [(b"x-a", b"1")]})
        await send({"type": "http.response.body", "body": b"body"})

    scope = {"type": "http", "method": "PROPFIND", "path": "/api/a b/%2F", "raw_path": b"/api/a%20b/%252F",
             "query_string": b"x=1&x=2&y", "headers": [(b"host", b"h"), (b"x-b", b"2")]}  # fmt: skip
    sent = asyncio.run(_through(Wrapper(app, defect, "/api"), dict(scope)))
    assert seen == [scope]
    assert sent[0]["status"] == 207 and (b"x-a", b"1") in sent[0]["headers"] and sent[-1]["body"] == b"body"


def test_a_request_defect_rewrites_only_what_it_changes() -> None:
    import asyncio

    seen: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def no_limit(call: Call) -> Call:
        return call.with_query(limit=None)

    scope = {"type": "http", "method": "GET", "path": "/api/sites", "raw_path": b"/api/sites",
             "query_string": b"limit=2&name=a", "headers": []}  # fmt: skip
    asyncio.run(_through(Wrapper(app, Defect(request=no_limit), "/api"), scope))
    assert seen[0]["query_string"] == b"name=a" and seen[0]["path"] == "/api/sites"


def test_the_readme_table_is_the_catalogue() -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| .+ \(`([\w-]+)`\) \| (\w+) \| `(\w+)` \|$", readme, re.MULTILINE)
    assert rows == [(breakage.name, breakage.api, breakage.check) for breakage in CATALOGUE]


def _garbage(call: Call, answer: Any) -> None:
    """Every 200 answered with an HTML page under the type the spec promised (a proxy's error page, say)."""
    if answer.status == 200:
        answer.body = b"<html><body>502 Bad Gateway</body></html>"


@pytest.mark.parametrize(
    ("api", "operations"),
    [
        ("bannertrackr", ("listSites", "getPlacementStats", "getMe")),
        ("binom", ("listCampaignStats", "getReport", "listOffers")),
        ("peerclick", ("getReport", "listCampaigns")),
        ("adsterra_advertiser", ("getStats", "listCampaigns")),
    ],
)
def test_no_check_crashes_on_a_body_that_is_not_what_its_type_says(api: str, operations: tuple[str, ...]) -> None:
    """Every custom check reads bodies; none may crash on garbage, and one check names the problem."""
    from contracts.apis import APIS
    from contracts.mutants import SEED, mock
    from contracts.runner import RunOptions, run

    app = mock(api)
    app.state.reseed(app.state.settings.seed)
    options = RunOptions(api=APIS[api], max_examples=3, seed=SEED, include_operation_ids=operations,
                         phases=("examples", "fuzzing"), max_requests=0)  # fmt: skip
    result = run(options, app=Wrapper(app, Defect(respond=_garbage), APIS[api].mock_path))
    assert result.errors == []
    assert "body_matches_content_type" in result.failed_checks
