"""The mutation catalogue: realistic breakages of each API, applied on the wire, and the check meant to catch each.

`contracts mutants` runs every breakage against the mock behind `wrapper.Wrapper` and reports whether the contract
suite failed under the intended check; the unbroken mock behind the same wrapper must pass the same runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import count
from typing import Any

from .wrapper import Answer, Call, Defect

JsonEdit = Callable[[Any], Any]


@dataclass(frozen=True)
class Run:
    """The contract run that should notice a breakage: the operations it needs and how hard to look."""

    operations: tuple[str, ...]
    writes: bool = False
    phases: tuple[str, ...] = ("examples", "fuzzing")
    examples: int = 5


@dataclass(frozen=True)
class Breakage:
    name: str
    api: str
    check: str  # the check that must fail
    what: str  # one line for the README table
    defect: Defect
    run: Run


# ---- building blocks ---------------------------------------------------------------------------------------------


def _on(method: str | None = None, path: str | None = None) -> Callable[[Call], bool]:
    pattern = re.compile(path) if path else None
    return lambda call: (method is None or call.method == method) and (pattern is None or pattern.search(call.path) is not None)


def edit_json(where: Callable[[Call], bool], edit: JsonEdit, status: int = 200) -> Callable[[Call, Answer], None]:
    """Change a JSON answer of status `status` to the calls `where` matches."""

    def respond(call: Call, answer: Answer) -> None:
        if answer.status != status or not where(call) or "json" not in (answer.header("content-type") or ""):
            return
        answer.body = json.dumps(edit(json.loads(answer.body))).encode()

    return respond


def edit_text(where: Callable[[Call], bool], edit: Callable[[str], str]) -> Callable[[Call, Answer], None]:
    def respond(call: Call, answer: Answer) -> None:
        if answer.status == 200 and where(call):
            answer.body = edit(answer.body.decode("utf-8")).encode("utf-8")

    return respond


def status_as(old: int, new: int) -> Defect:
    """Every `old` answered as `new`, body and headers unchanged."""

    def respond(call: Call, answer: Answer) -> None:
        if answer.status == old:
            answer.status = new

    return Defect(respond=respond)


def swap_credential(header: str, old: str, new: str, methods: tuple[str, ...] = ()) -> Defect:
    """The server treats credential `old` as `new` (a scope or owner it ignores), on `methods` (default: all)."""

    def request(call: Call) -> Call:
        if call.headers.get(header.lower()) == old and (not methods or call.method in methods):
            return call.with_header(header, new)
        return call

    return Defect(request=request)


def accept_unknown(header: str, valid: str, known: tuple[str, ...]) -> Defect:
    """Any credential the server never issued is taken as `valid` (a lookup that falls back instead of failing)."""

    def request(call: Call) -> Call:
        value = call.headers.get(header.lower())
        return call.with_header(header, valid) if value and value not in known else call

    return Defect(request=request)


def delete_keeps(path: str, status: int, body: bytes = b"", content_type: str | None = None) -> Defect:
    """DELETE answers success while the record stays: forwarded as a GET, so nothing is deleted."""
    where = _on("DELETE", path)

    def request(call: Call) -> Call:
        return replace(call, method="GET") if where(call) else call

    def respond(call: Call, answer: Answer) -> None:
        if where(call) and answer.status == 200:
            answer.status, answer.body = status, body
            answer.set_header("content-type", content_type)

    return Defect(request=request, respond=respond)


def drop_query(name: str, where: Callable[[Call], bool]) -> Defect:
    """The server ignores a query parameter (as if it were never sent)."""
    return Defect(request=lambda call: call.with_query(**{name: None}) if where(call) else call)


def shift_offset(by: int, where: Callable[[Call], bool]) -> Defect:
    """An off-by-`by` offset: pages overlap (negative) or skip records (positive)."""

    def request(call: Call) -> Call:
        offset = call.param("offset")
        if where(call) and offset and offset.isdigit() and int(offset) > 0:
            return call.with_query(offset=str(max(int(offset) + by, 0)))
        return call

    return Defect(request=request)


def _rising_remaining() -> Defect:
    counter = count()

    def respond(call: Call, answer: Answer) -> None:
        limit = answer.header("x-ratelimit-limit")
        if limit and limit.isdigit() and int(limit) > 0:
            answer.set_header("x-ratelimit-remaining", str(next(counter) % int(limit)))

    return Defect(respond=respond)


def _every_third_limited(error: dict[str, Any]) -> Defect:
    """A limiter that answers 429 without telling when to come back."""
    counter = count(1)

    def respond(call: Call, answer: Answer) -> None:
        if next(counter) % 3 == 0:
            answer.status, answer.body = 429, json.dumps(error).encode()
            answer.set_header("content-type", "application/json")
            answer.set_header("retry-after", None)
            answer.set_header("x-ratelimit-remaining", "0")

    return Defect(respond=respond)


def _drop_header(name: str) -> Defect:
    def respond(call: Call, answer: Answer) -> None:
        answer.set_header(name, None)

    return Defect(respond=respond)


def _plain_405() -> Defect:
    def respond(call: Call, answer: Answer) -> None:
        if answer.status == 405:
            answer.body = b"Method Not Allowed"
            answer.set_header("content-type", "text/plain; charset=utf-8")

    return Defect(respond=respond)


def _empty_body(where: Callable[[Call], bool]) -> Defect:
    def respond(call: Call, answer: Answer) -> None:
        if where(call) and answer.status == 200:
            answer.body = b""

    return Defect(respond=respond)


def _crash_on_punctuation(where: Callable[[Call], bool]) -> Defect:
    """A 500 for a create whose body has a name that is not alphanumeric."""

    def respond(call: Call, answer: Answer) -> None:
        if where(call) and 200 <= answer.status < 300:
            name = json.loads(answer.body).get("data", {}).get("name", "")
            if not str(name).isalnum():
                answer.status, answer.body = 500, json.dumps({"error": {"code": "internal_error", "message": "boom"}}).encode()

    return Defect(respond=respond)


def _json(where: Callable[[Call], bool], edit: JsonEdit) -> Defect:
    return Defect(respond=edit_json(where, edit))


def _csv(where: Callable[[Call], bool], edit: Callable[[str], str]) -> Defect:
    return Defect(respond=edit_text(where, edit))


def _inplace(edit: Callable[[Any], None]) -> JsonEdit:
    def apply(data: Any) -> Any:
        edit(data)
        return data

    return apply


def _bump(mapping: dict[str, Any], key: str) -> None:
    """Add one to a number (Binom's numbers are strings)."""
    value = mapping[key]
    mapping[key] = str(int(float(value)) + 1) if isinstance(value, str) else value + 1


def _binom_totals(edit: Callable[[dict[str, Any]], None]) -> JsonEdit:
    def apply(data: Any) -> Any:
        if isinstance(data, list) and data and isinstance(data[-1], dict) and data[-1].get("id") == "totals":
            edit(data[-1])
        return data

    return apply


def _skip_last_on_pages_with_more(data: Any) -> Any:
    """A cursor page that loses its last record when another page follows."""
    if isinstance(data, dict) and data.get("pagination", {}).get("nextCursor") and len(data.get("data", [])) > 1:
        data["data"] = data["data"][:-1]
    return data


def _summary_off(data: Any) -> Any:
    data["data"]["summary"]["impressions"] += 1
    return data


def _ctr_to_one_place(data: Any) -> Any:
    for row in [data["data"]["summary"], *data["data"]["daily"]]:
        row["ctr"] = round(row["ctr"], 1) + (0.01 if row["ctr"] == round(row["ctr"], 1) and row["impressions"] else 0)
    return data


def _item_count_off(data: Any) -> Any:
    if isinstance(data, dict) and "itemCount" in data:
        data["itemCount"] += 1
    return data


def _xml_root(text: str) -> str:
    return text.replace("<response>", "<result>").replace("</response>", "</result>").replace("<response/>", "<result/>")


def _csv_commas(text: str) -> str:
    return text.replace(";", ",")


def _csv_no_header(text: str) -> str:
    return text.split("\n", 1)[1] if "\n" in text else ""


def _csv_lines_reversed(text: str) -> str:
    header, *lines = text.rstrip("\n").split("\n")
    return "\n".join([header, *reversed(lines)]) + "\n"


# ---- the catalogue -----------------------------------------------------------------------------------------------

BT = "/api/public/v1"
BT_KEY, BT_READ_ONLY, BT_OTHER = "Bearer bt_live_pro_read_write_demo", "Bearer bt_live_pro_read_only_demo", "Bearer bt_live_growth_read_write_demo"
BT_ERROR = {"error": {"code": "rate_limited", "message": "Too many requests"}}
ADV_KEY, ADV_OTHER = "adsterraadvertiserdemo0000000001", "adsterraadvertiserdemo0000000002"
PUB_KEY, PUB_OTHER = "adsterrapublisherdemo00000000001", "adsterrapublisherdemo00000000002"
PC_KEY, PC_OTHER = "pc_demo_api_token", "pc_other_api_token"
STATS = _on("GET", r"/stats\.json$")
CSV = _on("GET", r"\.csv$")
XML = _on("GET", r"\.xml$")


def _catalogue() -> Iterator[Breakage]:
    bt_lists = ("listSites", "listPlacements")
    yield Breakage("bt-delete-keeps-site", "bannertrackr", "deleted_stays_deleted", "DELETE answers 200, the site stays",
                   delete_keeps(rf"^{BT}/sites/[^/]+$", 200, b'{"success": true, "message": "Site deleted", "deletedPlacements": 0}',
                                "application/json"), Run(("createSite", "deleteSite", "getSite"), True, ("stateful",)))
    yield Breakage("bt-limit-ignored", "bannertrackr", "page_size", "`limit` ignored: every record on one page",
                   drop_query("limit", _on("GET")), Run(bt_lists))
    yield Breakage("bt-cursor-skips", "bannertrackr", "cursor_pagination", "a cursor page drops its last record",
                   _json(_on("GET", rf"^{BT}/(sites|placements)$"), _skip_last_on_pages_with_more), Run(bt_lists))
    yield Breakage("bt-ctr-one-place", "bannertrackr", "stats_arithmetic", "ctr off by rounding to one place",
                   _json(_on("GET", r"/stats$"), _ctr_to_one_place), Run(("getPlacementStats",), examples=10))
    yield Breakage("bt-summary-off", "bannertrackr", "stats_arithmetic", "summary impressions one more than the days",
                   _json(_on("GET", r"/stats$"), _summary_off), Run(("getPlacementStats",)))
    yield Breakage("bt-no-remaining", "bannertrackr", "rate_limit_headers", "X-RateLimit-Remaining missing",
                   _drop_header("x-ratelimit-remaining"), Run(("getMe",)))
    yield Breakage("bt-remaining-rises", "bannertrackr", "rate_limit_headers", "X-RateLimit-Remaining goes up within a window",
                   _rising_remaining(), Run(("getMe", "listSites")))
    yield Breakage("bt-429-no-retry-after", "bannertrackr", "retry_after_on_429", "429 without Retry-After",
                   _every_third_limited(BT_ERROR), Run(("getMe", "listSites")))
    yield Breakage("bt-read-only-writes", "bannertrackr", "read_only_scope", "a read-only key may write",
                   swap_credential("authorization", BT_READ_ONLY, BT_KEY), Run(("createSite",), True))
    yield Breakage("bt-401-as-403", "bannertrackr", "credential_statuses", "a missing or unknown key gets 403",
                   status_as(401, 403), Run(("getMe", "listSites")))
    yield Breakage("bt-unknown-key-accepted", "bannertrackr", "credential_statuses", "an unknown key reads the Pro account",
                   accept_unknown("authorization", BT_KEY, (BT_KEY, BT_READ_ONLY, BT_OTHER)), Run(("getMe",)))
    yield Breakage("bt-other-account-reads", "bannertrackr", "account_isolation", "another account's key reads this one's site",
                   swap_credential("authorization", BT_OTHER, BT_KEY), Run(("getSite", "getPlacement")))
    yield Breakage("bt-other-account-writes", "bannertrackr", "account_isolation", "another account's key may change this one's site",
                   swap_credential("authorization", BT_OTHER, BT_KEY, ("PUT",)), Run(("createSite", "updateSite"), True, ("stateful",)))
    yield Breakage("bt-405-plain-text", "bannertrackr", "error_body_shape", "405 as plain text, not the error body",
                   _plain_405(), Run(("getMe",), phases=("coverage",)))
    yield Breakage("bt-empty-200", "bannertrackr", "body_matches_content_type", "a 200 with an empty JSON body (a 429 turned 200)",
                   _empty_body(_on("GET", rf"^{BT}/me$")), Run(("getMe",)))
    yield Breakage("bt-500-on-punctuation", "bannertrackr", "not_a_server_error", "a 500 for a site name with punctuation",
                   _crash_on_punctuation(_on("POST", rf"^{BT}/sites$")), Run(("createSite",), True))
    yield Breakage("bt-count-as-string", "bannertrackr", "response_schema_conformance", "placementCount sent as a string",
                   _json(_on("GET", rf"^{BT}/sites/[^/]+$"), _inplace(lambda data: data["data"].update(placementCount="5"))),
                   Run(("getSite",)))

    binom_lists = ("listCampaigns", "listOffers", "listCampaignStats")
    yield Breakage("binom-delete-keeps-offer", "binom", "deleted_stays_deleted", "DELETE answers 204, the offer stays",
                   delete_keeps(r"^/offer/\d+$", 204), Run(("createOffer", "deleteOffer", "getOffer"), True, ("stateful",)))
    yield Breakage("binom-limit-ignored", "binom", "page_size", "`limit` ignored on lists",
                   drop_query("limit", _on("GET")), Run(binom_lists))
    yield Breakage("binom-offset-overlaps", "binom", "offset_paging", "offset one short: pages repeat a record",
                   shift_offset(-1, _on("GET")), Run(binom_lists))
    yield Breakage("binom-401-as-403", "binom", "credential_statuses", "a missing or unknown api-key gets 403",
                   status_as(401, 403), Run(("listCampaigns", "getCampaign")))
    yield Breakage("binom-totals-off", "binom", "totals_arithmetic", "the totals row counts one click more than the rows",
                   _json(_on("GET", r"^/stats/"), _binom_totals(lambda totals: _bump(totals, "clicks"))), Run(("listCampaignStats",)))
    yield Breakage("binom-total-count-off", "binom", "item_counts", "total_count one more than the rows",
                   _json(_on("GET", r"^/(info|stats)/"), _binom_totals(lambda totals: _bump(totals, "total_count"))),
                   Run(("listCampaignInfo", "listOfferStats")))

    pc_lists = ("listCampaigns", "listOffers", "listTrafficSources")
    yield Breakage("pc-delete-keeps-offer", "peerclick", "deleted_stays_deleted", "DELETE answers 200, the offer stays",
                   delete_keeps(r"^/offer/\d+$", 200, b'{"description": "Success"}', "application/json"),
                   Run(("createOffer", "deleteOffer", "getOffer"), True, ("stateful",)))
    yield Breakage("pc-limit-ignored", "peerclick", "page_size", "`limit` ignored on lists",
                   drop_query("limit", _on("GET")), Run(pc_lists))
    yield Breakage("pc-offset-skips", "peerclick", "offset_paging", "offset one too far: pages skip a record",
                   shift_offset(1, _on("GET")), Run(pc_lists))
    yield Breakage("pc-401-as-403", "peerclick", "credential_statuses", "a missing or unknown api-token gets 403",
                   status_as(401, 403), Run(("listCampaigns", "getCampaign")))
    yield Breakage("pc-other-account-reads", "peerclick", "account_isolation", "another account's token reads this one's campaign",
                   swap_credential("api-token", PC_OTHER, PC_KEY), Run(("getCampaign", "getOffer")))
    yield Breakage("pc-totals-off", "peerclick", "totals_arithmetic", "report totals count one visit more than the rows",
                   _json(_on("GET", r"^/report$"), _inplace(lambda data: _bump(data["totals"], "visits"))), Run(("getReport",)))
    yield Breakage("pc-total-rows-off", "peerclick", "item_counts", "totalRows one more than the rows",
                   _json(_on("GET", r"^/report$"), _inplace(lambda data: _bump(data, "totalRows"))), Run(("getReport",)))

    adv_reads = ("listCampaigns", "getCampaign", "getStats")
    yield Breakage("adv-csv-commas", "adsterra_advertiser", "format_equivalence", "CSV separated by `,`, not `;`",
                   _csv(CSV, _csv_commas), Run(adv_reads))
    yield Breakage("adv-csv-no-header", "adsterra_advertiser", "format_equivalence", "CSV without its header row",
                   _csv(CSV, _csv_no_header), Run(adv_reads))
    yield Breakage("adv-xml-root", "adsterra_advertiser", "format_equivalence", "XML rooted at `<result>`, not `<response>`",
                   _csv(XML, _xml_root), Run(adv_reads))
    yield Breakage("adv-item-count-off", "adsterra_advertiser", "item_counts", "itemCount one more than the items",
                   _json(_on("GET"), _item_count_off), Run(("listCampaigns", "listCampaignBanners")))
    yield Breakage("adv-401-as-403", "adsterra_advertiser", "credential_statuses", "a missing or unknown token gets 403",
                   status_as(401, 403), Run(("getBalance", "listCampaigns")))
    yield Breakage("adv-other-account-reads", "adsterra_advertiser", "account_isolation", "another account's token reads this one's campaign",
                   swap_credential("x-api-key", ADV_OTHER, ADV_KEY), Run(("getCampaign", "listCampaignBanners")))

    pub_reads = ("listDomains", "listPlacements", "getStats")
    yield Breakage("pub-csv-commas", "adsterra_publisher", "format_equivalence", "CSV separated by `,`, not `;`",
                   _csv(CSV, _csv_commas), Run(pub_reads))
    yield Breakage("pub-csv-reordered", "adsterra_publisher", "format_equivalence", "CSV lines in another order than the JSON",
                   _csv(CSV, _csv_lines_reversed), Run(pub_reads))
    yield Breakage("pub-xml-root", "adsterra_publisher", "format_equivalence", "XML rooted at `<result>`, not `<response>`",
                   _csv(XML, _xml_root), Run(pub_reads))
    yield Breakage("pub-item-count-off", "adsterra_publisher", "item_counts", "itemCount one more than the items",
                   _json(_on("GET"), _item_count_off), Run(("listDomains", "listPlacements")))
    yield Breakage("pub-401-as-403", "adsterra_publisher", "credential_statuses", "a missing or unknown token gets 403",
                   status_as(401, 403), Run(("listDomains", "listPlacements")))
    yield Breakage("pub-other-account-reads", "adsterra_publisher", "account_isolation", "another account's token reads this one's placements",
                   swap_credential("x-api-key", PUB_OTHER, PUB_KEY), Run(("listDomainPlacements",)))


CATALOGUE: tuple[Breakage, ...] = tuple(_catalogue())
BY_NAME = {breakage.name: breakage for breakage in CATALOGUE}
