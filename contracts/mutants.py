"""`contracts mutants`: run the mutation catalogue against the mock and report which check caught each breakage."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .apis import APIS
from .mutations import CATALOGUE, Breakage, Run
from .runner import RunOptions, run
from .wrapper import Defect, Wrapper

SEED = 3  # fixed: the catalogue's verdicts must not depend on the draw


@dataclass(frozen=True)
class Verdict:
    breakage: Breakage
    failed_checks: frozenset[str]

    @property
    def caught(self) -> bool:
        return self.breakage.check in self.failed_checks


@functools.cache
def mock(api: str) -> Any:
    """One mock per API and process (building one takes a while); every run reseeds it."""
    from mockserver.app import create_app
    from mockserver.settings import Settings

    return create_app(Settings(enforce_rate_limits=False, apis=(api,)))


def contract_run(api: str, plan: Run, defect: Defect | None) -> frozenset[str]:
    """The checks that failed when the suite ran `plan` against the mock of `api` behind `defect`."""
    app = mock(api)
    app.state.reseed(app.state.settings.seed)
    options = RunOptions(api=APIS[api], allow_writes=plan.writes, max_examples=plan.examples, seed=SEED,
                         include_operation_ids=plan.operations, phases=plan.phases, max_requests=0)  # fmt: skip
    result = run(options, app=Wrapper(app, defect, APIS[api].mock_path))
    return frozenset(result.failed_checks | ({"cleanup"} if result.cleanup_errors else set()))


def verdict(breakage: Breakage) -> Verdict:
    return Verdict(breakage, contract_run(breakage.api, breakage.run, breakage.defect))


def baseline_plan(api: str) -> Run:
    """One run covering everything the API's breakages run: the unbroken mock must pass it."""
    plans = [breakage.run for breakage in CATALOGUE if breakage.api == api]
    operations = tuple(sorted({operation for plan in plans for operation in plan.operations}))
    phases = tuple(
        phase
        for phase in ("examples", "coverage", "fuzzing", "stateful")
        if any(phase in plan.phases for plan in plans)
    )
    return Run(operations, any(plan.writes for plan in plans), phases, max(plan.examples for plan in plans))


def table(verdicts: list[Verdict]) -> str:
    lines = ["| breakage | API | caught by | result |", "|---|---|---|---|"]
    for item in verdicts:
        others = sorted(item.failed_checks - {item.breakage.check})
        result = "caught" if item.caught else "**missed**"
        lines.append(f"| {item.breakage.what} (`{item.breakage.name}`) | {item.breakage.api} | `{item.breakage.check}` | "
                     f"{result}{' (also: ' + ', '.join(others) + ')' if others else ''} |")  # fmt: skip
    return "\n".join(lines)


def main(apis: list[str], only: list[str]) -> int:
    chosen = [b for b in CATALOGUE if (not apis or b.api in apis) and (not only or b.name in only)]
    verdicts = [verdict(breakage) for breakage in chosen]
    clean = {api: contract_run(api, baseline_plan(api), None) for api in sorted({b.api for b in chosen})}
    print(table(verdicts))
    for api in sorted({b.api for b in chosen}):
        mine = [v for v in verdicts if v.breakage.api == api]
        print(f"mutants: {api}: {sum(v.caught for v in mine)}/{len(mine)} caught; unbroken mock "
              f"{'passes' if not clean[api] else 'FAILS ' + ', '.join(sorted(clean[api]))}")  # fmt: skip
    return 0 if all(v.caught for v in verdicts) and not any(clean.values()) else 1
