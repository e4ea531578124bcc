"""The validating proxy in front of the served mock: clean traffic passes with no finding and reaches the client
unchanged; each deliberate breakage of the upstream (from the mutation catalogue) is reported under its rule;
credentials are masked in what it prints, records and reports."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import jsonschema
import pytest

from contracts import cli
from contracts.apis import APIS
from contracts.mutations import CATALOGUE
from contracts.proxy import Proxy, Report, serving
from contracts.wrapper import Defect, Wrapper
from mockserver.background import serve_in_thread
from mockserver.kit import har

from .conftest import ADV_TOKEN, BINOM_ADMIN, GROWTH_RW, PC_TOKEN, PUB_TOKEN, fresh, make_app

HAR_SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "har-1.2.schema.json").read_text(encoding="utf-8"))
CREDENTIALS = {
    "bannertrackr": {"Authorization": f"Bearer {GROWTH_RW}"},
    "binom": {"api-key": BINOM_ADMIN},
    "peerclick": {"api-token": PC_TOKEN},
    "adsterra_advertiser": {"X-API-Key": ADV_TOKEN},
    "adsterra_publisher": {"X-API-Key": PUB_TOKEN},
}
# A client's everyday calls of each API, all of them valid: (method, path below the base URL, query, JSON body).
TRAFFIC: dict[str, list[tuple[str, str, dict[str, Any], Any]]] = {
    "bannertrackr": [
        ("GET", "/api/public/v1/me", {}, None),
        ("GET", "/api/public/v1/sites", {"limit": 2}, None),
        ("GET", "/api/public/v1/sites/site_123", {}, None),
        ("GET", "/api/public/v1/sites/nope", {}, None),
        ("GET", "/api/public/v1/placements/plc_456/stats", {"from": "2026-06-01", "to": "2026-06-14"}, None),
        ("POST", "/api/public/v1/sites", {}, {"name": "proxied shop", "type": "website"}),
        ("GET", "/api/public/v1/me", {}, None),
    ],
    "binom": [("GET", "/stats/campaign", {"datePreset": "last_7_days"}, None), ("GET", "/campaign/1", {}, None)],
    "peerclick": [
        ("GET", "/report", {"groupBy": "campaign", "from": "2020-01-01"}, None),
        ("GET", "/campaign", {}, None),
    ],
    "adsterra_advertiser": [("GET", f"/campaigns.{rendering}", {}, None) for rendering in ("json", "csv", "xml")],
    "adsterra_publisher": [("GET", f"/domains.{rendering}", {}, None) for rendering in ("json", "csv", "xml")],
}
# Breakages of the catalogue that one response shows, the traffic that shows it, and the rule that must report it.
BROKEN = [
    ("bt-no-remaining", [("GET", "/api/public/v1/me", {}, None)], "rate_limit_headers"),
    ("bt-remaining-rises", [("GET", "/api/public/v1/me", {}, None)] * 3, "rate_limit_headers"),
    ("bt-429-no-retry-after", [("GET", "/api/public/v1/me", {}, None)] * 3, "retry_after_on_429"),
    ("bt-ctr-one-place", [("GET", "/api/public/v1/placements/plc_456/stats", {"from": "2026-06-01", "to": "2026-06-14"}, None)], "stats_arithmetic"),
    ("bt-405-plain-text", [("DELETE", "/api/public/v1/me", {}, None)], "error_body_shape"),
    ("bt-empty-200", [("GET", "/api/public/v1/me", {}, None)], "body_matches_content_type"),
    ("bt-count-as-string", [("GET", "/api/public/v1/sites/site_123", {}, None)], "response_schema_conformance"),
    ("bt-500-on-punctuation", [("POST", "/api/public/v1/sites", {}, {"name": "a, b!", "type": "website"})],
     "not_a_server_error"),
    ("binom-totals-off", TRAFFIC["binom"][:1], "totals_arithmetic"),
    ("pc-total-rows-off", TRAFFIC["peerclick"][:1], "item_counts"),
    ("adv-csv-no-header", TRAFFIC["adsterra_advertiser"], "format_equivalence"),
    ("pub-xml-root", TRAFFIC["adsterra_publisher"], "format_equivalence"),
]  # fmt: skip
BREAKAGES = {breakage.name: breakage for breakage in CATALOGUE}


@pytest.fixture(scope="module")
def mock() -> Any:
    return make_app(enforce_rate_limits=False, validate_responses=False)


@pytest.fixture
def upstream(mock: Any) -> Iterator[Any]:
    """Serves the mock behind the catalogue's wrapper with the defect the test names: `upstream(api, defect)`."""
    servers: list[Any] = []

    def serve(api: str, defect: Defect | None = None) -> str:
        fresh(mock)
        server = serve_in_thread(Wrapper(mock, defect, APIS[api].mock_path))
        servers.append(server)
        return server.__enter__() + APIS[api].mock_path

    yield serve
    for server in servers:
        server.__exit__(None, None, None)


def _through(api: str, upstream_url: str, traffic: list[Any], **options: Any) -> tuple[Report, list[httpx.Response]]:
    report = Report(APIS[api], out=io.StringIO())
    with serving(Proxy(APIS[api], upstream_url, report, **options)) as url, httpx.Client(base_url=url) as client:
        answers = [client.request(method, path, params=query, json=body, headers=CREDENTIALS[api])
                   for method, path, query, body in traffic]  # fmt: skip
    return report, answers


@pytest.mark.parametrize("api", sorted(TRAFFIC))
def test_clean_traffic_has_no_finding(upstream: Any, api: str) -> None:
    report, answers = _through(api, upstream(api), TRAFFIC[api])
    assert all(answer.status_code < 500 for answer in answers)
    assert report.findings == [] and sum(report.requests.values()) == len(TRAFFIC[api])
    assert "0 findings" in report.summary()


@pytest.mark.parametrize(("name", "traffic", "rule"), BROKEN, ids=[name for name, _, _ in BROKEN])
def test_a_broken_upstream_is_reported_under_the_right_rule(upstream: Any, name: str, traffic: Any, rule: str) -> None:
    breakage = BREAKAGES[name]
    assert breakage.check == rule  # the catalogue's own verdict on what must catch it
    report, _ = _through(breakage.api, upstream(breakage.api, breakage.defect), traffic)
    assert rule in {finding.rule for finding in report.findings}, report.findings
    printed = report.out.getvalue()  # type: ignore[attr-defined]
    assert f"[{rule}]" in printed and printed.count("proxy: FINDING") == len(report.findings)


def test_the_client_gets_what_the_upstream_sent(upstream: Any) -> None:
    url = upstream("adsterra_advertiser")
    direct = httpx.get(url + "/campaigns.csv", headers=CREDENTIALS["adsterra_advertiser"])
    _, (proxied,) = _through("adsterra_advertiser", url, [("GET", "/campaigns.csv", {}, None)])
    varying = {"x-ratelimit-remaining", "date", "server"}
    assert proxied.status_code == direct.status_code and proxied.content == direct.content
    assert [(k, v) for k, v in proxied.headers.multi_items() if k not in varying] == [
        (k, v) for k, v in direct.headers.multi_items() if k not in varying
    ]


def test_findings_recording_and_junit_never_show_a_credential(upstream: Any, tmp_path: Path) -> None:
    breakage = BREAKAGES["bt-count-as-string"]
    recording = har.Writer(tmp_path / "proxy.har")
    traffic = [*TRAFFIC["bannertrackr"], ("GET", "/api/public/v1/sites", {"limit": "many"}, None)]
    report, _ = _through("bannertrackr", upstream("bannertrackr", breakage.defect), traffic, recording=recording)
    recording.close()
    report.junit(tmp_path / "proxy.xml")
    text = report.out.getvalue() + (tmp_path / "proxy.har").read_text() + (tmp_path / "proxy.xml").read_text()  # type: ignore[attr-defined]
    assert GROWTH_RW not in text
    recorded = json.loads((tmp_path / "proxy.har").read_text())
    jsonschema.validate(recorded, HAR_SCHEMA)
    assert {"name": "authorization", "value": "Bearer bt_liv…mo"} in recorded["log"]["entries"][0]["request"]["headers"]
    suite = ElementTree.parse(tmp_path / "proxy.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "2"  # GET /sites/{id} broken, GET /sites sent bad input
    failed = {
        case.get("name"): case.find("failure").get("message") for case in suite if case.find("failure") is not None
    }  # type: ignore[union-attr]
    assert failed == {"GET /api/public/v1/sites/{siteId}": "response_schema_conformance",
                      "GET /api/public/v1/sites": "request_conformance"}  # fmt: skip


def test_contracts_check_judges_a_recording_offline(
    upstream: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, defect in (("clean", None), ("broken", BREAKAGES["binom-totals-off"].defect)):
        recording = har.Writer(tmp_path / f"{name}.har")
        _through("binom", upstream("binom", defect), TRAFFIC["binom"], recording=recording)
        recording.close()
    assert cli.main(["check", str(tmp_path / "clean.har"), "--api", "binom"]) == 0
    assert "2 requests" in capsys.readouterr().out
    assert cli.main(["check", str(tmp_path / "broken.har"), "--api", "binom"]) == 1
    out = capsys.readouterr().out
    assert "[totals_arithmetic]" in out and BINOM_ADMIN not in out


# As many placement ids as the schema allows (1,000), more than fit the 16,384 bytes of request target the same
# document allows (`x-before-routing`): a valid request the document refuses before routing.
OVER_LONG = ("DELETE", "/campaign/1234567/custom_bid.json",
             {"placement_ids": [str(15_413_270 + i) for i in range(1_000)]}, None)  # fmt: skip


def test_the_documents_refusal_of_an_over_long_request_is_no_finding(upstream: Any) -> None:
    # The 414 belongs to no operation (it comes before routing), yet the document gives it for a target this long.
    report, answers = _through("adsterra_advertiser", upstream("adsterra_advertiser"), [OVER_LONG])
    assert [answer.status_code for answer in answers] == [414]
    assert report.findings == []


def test_a_414_to_a_request_within_the_documents_limit_is_a_finding(upstream: Any) -> None:
    breakage = BREAKAGES["bt-414-short-target"]
    report, answers = _through("bannertrackr", upstream("bannertrackr", breakage.defect),
                          [("GET", "/api/public/v1/sites", {"limit": 2, "cursor": "c" * 30}, None)])  # fmt: skip
    assert [answer.status_code for answer in answers] == [414]
    assert "status_code_documented" in {finding.rule for finding in report.findings}, report.findings
