"""The landing page at `/`: every mocked API with its base URL, demo keys and docs link."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from starlette.types import Send

if TYPE_CHECKING:
    from ..mockstate import MockState


def render(state: MockState, base_url: str) -> str:
    sections = []
    for api in state.mocked:
        keys = "".join(
            f"<tr><td>{escape(key.label)}</td><td><code>{escape(key.value)}</code></td></tr>"
            for key in api.demo_keys(state)
        )
        links = "".join(
            f"<p>{escape(label.capitalize())}: <code>{escape(base_url + api.base_path + path)}</code></p>"
            for label, path in api.links
        )
        sections.append(
            f"""<section><h2>{escape(api.title)}</h2>
<p>Base URL: <code>{escape(base_url + api.api_base)}</code> (stands in for <code>{escape(api.real_base_url)}</code>)</p>
<p>Requests served: <strong class="requests" data-api="{escape(api.name)}">{state.log.counts[api.name]}</strong></p>
{links}<p><a href="{escape(api.base_path)}/ui/">Swagger UI</a> &middot; <a href="{escape(api.base_path)}/openapi.json">OpenAPI document</a></p>
<table><tr><th>Demo credential</th><th>Value</th></tr>{keys}</table></section>"""
        )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ad API mocks</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}}</style></head>
<body><h1>Ad API mocks</h1><p>Seed {state.data.seed}. Point a client at a base URL below and use a demo credential.</p>
{"".join(sections)}
<section><h2>Mock control API</h2><p>Reset, seed, state, clock, faults and the request log:
<a href="/__admin/ui/">Swagger UI</a> &middot; <code>{escape(base_url)}/__admin</code></p>
<p>What clients exercised: <a href="{escape(base_url)}/__admin/coverage.html">API coverage</a> (operations and
documented statuses) &middot; <a href="{escape(base_url)}/__admin/requests/near-misses">near misses</a> (requests the
specs refused)</p></section></body></html>"""


async def serve(state: MockState, base_url: str, send: Send) -> None:
    body = render(state, base_url).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
