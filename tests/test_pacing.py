"""Every request of a contract run keeps the run's pace: 429s waited out and retried, cleanup included, and a
budget that ends the run cleanly and says what it left untested."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts import cleanup, pacing
from contracts.apis import APIS
from contracts.runner import RunOptions, run
from mockserver.background import serve_in_thread

from .conftest import make_app


def _limited_then_ok(limited: int, retry_after: str | None = "0") -> tuple[Starlette, list[str]]:
    """An app whose DELETE answers 429 `limited` times, then 204; it logs each call."""
    log: list[str] = []

    async def delete(request: Request) -> Response:
        log.append(request.url.path)
        if len([path for path in log if path == request.url.path]) <= limited:
            return Response(status_code=429, headers={"Retry-After": retry_after} if retry_after is not None else {})
        return Response(status_code=204)

    return Starlette(routes=[Route("/things/{id}", delete, methods=["DELETE"])]), log


@pytest.fixture(autouse=True)
def _own_pacer() -> Any:
    pacing.install(pacing.Pacer())
    yield
    cleanup._created.clear()
    pacing.install(pacing.Pacer())


def test_cleanup_waits_out_429s_and_deletes() -> None:
    app, log = _limited_then_ok(limited=2)
    cleanup._created.append(cleanup.Created("/things/{id}", {"id": "1"}))
    with serve_in_thread(app) as root:
        deleted, failed = cleanup.delete_all(root, {})
    assert (deleted, failed) == (1, [])
    assert log == ["/things/1"] * 3


def test_cleanup_reports_by_path_what_it_could_not_delete() -> None:
    app, log = _limited_then_ok(limited=100, retry_after=None)  # a 429 that never says when to come back
    cleanup._created.append(cleanup.Created("/things/{id}", {"id": "7"}))
    with serve_in_thread(app) as root:
        deleted, failed = cleanup.delete_all(root, {})
    assert deleted == 0 and failed == ["DELETE /things/7 -> 429"]


def test_cleanup_runs_although_the_budget_is_spent() -> None:
    with pacing.installed(pacing.Pacer(max_requests=1)):
        pacing.current().take_turn()  # the run spent its one request
        app, log = _limited_then_ok(limited=0)
        cleanup._created.append(cleanup.Created("/things/{id}", {"id": "2"}))
        with serve_in_thread(app) as root:
            assert cleanup.delete_all(root, {}) == (1, [])


def test_a_budgeted_request_past_the_budget_stops_the_run() -> None:
    pacer = pacing.Pacer(max_requests=2)
    pacer.take_turn()
    pacer.take_turn()
    with pytest.raises(pacing.BudgetSpent):
        pacer.take_turn()
    assert pacer.stopped_by == "requests" and pacer.sent == 2


def test_retries_stop_after_a_bound() -> None:
    calls = []
    pacer = pacing.Pacer()
    answer = pacer.send(lambda: calls.append(1) or 429, status=lambda status: status, retry_after=lambda _: "0")
    assert answer == 429 and len(calls) == pacing.MAX_429_RETRIES + 1 and pacer.waited_429 == pacing.MAX_429_RETRIES


def test_a_spent_budget_ends_the_run_as_passed_and_names_what_it_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    app = make_app(enforce_rate_limits=False, apis=("bannertrackr",))
    result = run(RunOptions(api=APIS["bannertrackr"], max_requests=25, max_examples=5, seed=1), app=app)
    assert result.exit_code == 0 and result.budget_spent == "requests" and result.requests == 25
    out = capsys.readouterr().out
    assert "budget spent (requests: 25 requests" in out and "phases cut short or skipped:" in out


def test_the_run_throttle_paces_schemathesis_and_probes_alike() -> None:
    app = make_app(enforce_rate_limits=False, apis=("bannertrackr",))
    result = run(RunOptions(api=APIS["bannertrackr"], max_examples=1, seed=1, rate_limit="50/s", max_requests=0,
                            include_operation_ids=("listSites",), phases=("examples",)), app=app)  # fmt: skip
    # listSites' checks probe (cursor walk, page size, credentials): all of it counted by the one pacer.
    assert result.exit_code == 0 and result.requests > 3
