"""Which operations and documented statuses of each mocked API a client exercised, as JSON and as an HTML page."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from ..kit import spec

if TYPE_CHECKING:
    from ..api import ApiDefinition
    from ..mockstate import MockState


def report(state: MockState, apis: list[ApiDefinition]) -> dict[str, Any]:
    """Coverage since start or the last reset (counted apart from the bounded request log, so nothing ages out)."""
    return {"apis": [_api(state, api) for api in apis]}


def _api(state: MockState, api: ApiDefinition) -> dict[str, Any]:
    exercised = state.log.exercised
    operations = []
    for method, path, operation in _operations(api):
        documented = sorted(operation.get("responses", {}))
        seen = {str(status): count for (name, op, status), count in sorted(exercised.items())
                if name == api.name and op == operation["operationId"]}  # fmt: skip
        operations.append(
            {
                "operationId": operation["operationId"], "method": method, "path": path,
                "calls": sum(seen.values()), "documented": documented, "exercised": seen,
                "undocumented": sorted(status for status in seen if not _documents(documented, status)),
            }
        )  # fmt: skip
    matched = sum(entry["calls"] for entry in operations)
    statuses = [(entry["exercised"], entry["documented"]) for entry in operations]
    return {
        "api": api.name,
        "requests": state.log.counts[api.name],
        "unmatched": state.log.counts[api.name] - matched,  # requests that fit no operation: see the near misses
        "operations": {"covered": sum(1 for entry in operations if entry["calls"]), "total": len(operations)},
        "statuses": {
            "covered": sum(1 for seen, documented in statuses for status in documented if status in seen),
            "total": sum(len(documented) for _, documented in statuses),
        },
        "byOperation": operations,
    }


def _operations(api: ApiDefinition) -> list[tuple[str, str, dict[str, Any]]]:
    root = spec.load(api.spec_path)
    return [(method.upper(), path, item[method]) for path, item in root["paths"].items() for method in spec.METHODS
            if isinstance(item.get(method), dict) and "operationId" in item[method]]  # fmt: skip


def _documents(documented: list[str], status: str) -> bool:
    return status in documented or f"{status[0]}XX" in documented or "default" in documented


def html(coverage: dict[str, Any]) -> str:
    sections = []
    for api in coverage["apis"]:
        rows = "".join(
            f'<tr class="{"hit" if entry["calls"] else "miss"}"><td>{escape(entry["method"])}</td>'
            f"<td><code>{escape(entry['path'])}</code></td><td>{escape(entry['operationId'])}</td>"
            f"<td>{entry['calls']}</td><td>"
            + " ".join(
                f'<span class="{"seen" if status in entry["exercised"] else "unseen"}">{escape(status)}</span>'
                for status in entry["documented"]
            )
            + "".join(f' <span class="undocumented">{escape(status)}</span>' for status in entry["undocumented"])
            + "</td></tr>"
            for entry in api["byOperation"]
        )
        ops, statuses = api["operations"], api["statuses"]
        sections.append(
            f"<section><h2>{escape(api['api'])}</h2><p>Operations exercised: <strong>{ops['covered']} of "
            f"{ops['total']}</strong>; documented statuses seen: <strong>{statuses['covered']} of {statuses['total']}"
            f"</strong>; requests: {api['requests']} ({api['unmatched']} fitting no operation)</p>"
            f"<table><tr><th>Method</th><th>Path</th><th>Operation</th><th>Calls</th><th>Statuses (seen in bold)</th>"
            f"</tr>{rows}</table></section>"
        )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API coverage</title>
<style>body{{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}}
tr.miss{{color:#777}}.seen{{font-weight:bold;color:#070}}.unseen{{color:#999}}.undocumented{{color:#b00}}</style></head>
<body><h1>API coverage</h1><p>What clients exercised since the mock started or was last reset
(<a href="/__admin/coverage">as JSON</a>, <a href="/">index</a>).</p>{"".join(sections)}</body></html>"""
