"""The mutation catalogue: realistic breakages of each API, applied on the wire, and the check meant to catch each.

`contracts mutants` runs every breakage against the mock behind `wrapper.Wrapper` and reports whether the contract
suite failed under the intended check; the unbroken mock behind the same wrapper must pass the same runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from mockserver.apis import ALL_APIS
from mockserver.mockstate import MockState
from mockserver.settings import Settings

from .apis import APIS
from .defects import (
    accept_unknown,
    binom_totals,
    bump,
    crash_on_punctuation,
    csv_commas,
    csv_lines_reversed,
    csv_no_header,
    ctr_to_one_place,
    delete_keeps,
    drop_header,
    drop_query,
    empty_body,
    every_third_limited,
    inplace,
    item_count_off,
    json_answer,
    on,
    plain_405,
    query_over,
    refuse,
    rising_remaining,
    shift_offset,
    skip_last_on_pages_with_more,
    status_as,
    summary_off,
    swap_credential,
    target_over,
    text_answer,
    xml_root,
)
from .wrapper import Defect


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


_MOCK = MockState(Settings(), ALL_APIS)  # only for its demo keys


def _sent(api: str, role: str) -> str:
    """What a run against the mock sends as `api`'s credential in `role` (credential, read_only, other), prefix and all."""
    credential = getattr(APIS[api], role)
    return credential.prefix + credential.demo_value(_MOCK.apis[api].demo_keys(_MOCK))


BT = "/api/public/v1"
BT_KEY, BT_READ_ONLY, BT_OTHER = (
    _sent("bannertrackr", "credential"),
    _sent("bannertrackr", "read_only"),
    _sent("bannertrackr", "other"),
)
BT_ERROR = {"error": {"code": "rate_limited", "message": "Too many requests"}}
ADV_KEY, ADV_OTHER = _sent("adsterra_advertiser", "credential"), _sent("adsterra_advertiser", "other")
PUB_KEY, PUB_OTHER = _sent("adsterra_publisher", "credential"), _sent("adsterra_publisher", "other")
PC_KEY, PC_OTHER = _sent("peerclick", "credential"), _sent("peerclick", "other")
STATS = on("GET", r"/stats\.json$")
CSV = on("GET", r"\.csv$")
XML = on("GET", r"\.xml$")


def _catalogue() -> Iterator[Breakage]:
    bt_lists = ("listSites", "listPlacements")
    yield Breakage(
        "bt-delete-keeps-site",
        "bannertrackr",
        "deleted_stays_deleted",
        "DELETE answers 200, the site stays",
        delete_keeps(
            rf"^{BT}/sites/[^/]+$",
            200,
            b'{"success": true, "message": "Site deleted", "deletedPlacements": 0}',
            "application/json",
        ),
        Run(("createSite", "deleteSite", "getSite"), True, ("stateful",)),
    )
    yield Breakage(
        "bt-limit-ignored",
        "bannertrackr",
        "page_size",
        "`limit` ignored: every record on one page",
        drop_query("limit", on("GET")),
        Run(bt_lists),
    )
    yield Breakage(
        "bt-cursor-skips",
        "bannertrackr",
        "cursor_pagination",
        "a cursor page drops its last record",
        json_answer(on("GET", rf"^{BT}/(sites|placements)$"), skip_last_on_pages_with_more),
        Run(bt_lists),
    )
    yield Breakage(
        "bt-ctr-one-place",
        "bannertrackr",
        "stats_arithmetic",
        "ctr off by rounding to one place",
        json_answer(on("GET", r"/stats$"), ctr_to_one_place),
        Run(("getPlacementStats",), examples=10),
    )
    yield Breakage(
        "bt-summary-off",
        "bannertrackr",
        "stats_arithmetic",
        "summary impressions one more than the days",
        json_answer(on("GET", r"/stats$"), summary_off),
        Run(("getPlacementStats",)),
    )
    yield Breakage(
        "bt-no-remaining",
        "bannertrackr",
        "rate_limit_headers",
        "X-RateLimit-Remaining missing",
        drop_header("x-ratelimit-remaining"),
        Run(("getMe",)),
    )
    yield Breakage(
        "bt-remaining-rises",
        "bannertrackr",
        "rate_limit_headers",
        "X-RateLimit-Remaining goes up within a window",
        rising_remaining(),
        Run(("getMe", "listSites")),
    )
    yield Breakage(
        "bt-429-no-retry-after",
        "bannertrackr",
        "retry_after_on_429",
        "429 without Retry-After",
        every_third_limited(BT_ERROR),
        Run(("getMe", "listSites")),
    )
    yield Breakage(
        "bt-read-only-writes",
        "bannertrackr",
        "read_only_scope",
        "a read-only key may write",
        swap_credential("authorization", BT_READ_ONLY, BT_KEY),
        Run(("createSite",), True),
    )
    yield Breakage(
        "bt-401-as-403",
        "bannertrackr",
        "credential_statuses",
        "a missing or unknown key gets 403",
        status_as(401, 403),
        Run(("getMe", "listSites")),
    )
    yield Breakage(
        "bt-unknown-key-accepted",
        "bannertrackr",
        "credential_statuses",
        "an unknown key reads the Pro account",
        accept_unknown("authorization", BT_KEY, (BT_KEY, BT_READ_ONLY, BT_OTHER)),
        Run(("getMe",)),
    )
    yield Breakage(
        "bt-other-account-reads",
        "bannertrackr",
        "account_isolation",
        "another account's key reads this one's site",
        swap_credential("authorization", BT_OTHER, BT_KEY),
        Run(("getSite", "getPlacement")),
    )
    yield Breakage(
        "bt-other-account-writes",
        "bannertrackr",
        "account_isolation",
        "another account's key may change this one's site",
        swap_credential("authorization", BT_OTHER, BT_KEY, ("PUT",)),
        Run(("createSite", "updateSite"), True, ("stateful",)),
    )
    yield Breakage(
        "bt-405-plain-text",
        "bannertrackr",
        "error_body_shape",
        "405 as plain text, not the error body",
        plain_405(),
        Run(("getMe",), phases=("coverage",)),
    )
    yield Breakage(
        "bt-414-short-target",
        "bannertrackr",
        "status_code_documented",
        "414 for a request target of 40 bytes (the document allows 16,384)",
        refuse(414, b'{"error": "Request-URI Too Long"}', target_over(40)),
        Run(bt_lists),
    )
    yield Breakage(
        "bt-valid-limit-refused",
        "bannertrackr",
        "positive_data_accepted",
        "400 for a valid `limit` over 20",
        refuse(400, b'{"error": "limit too large"}', query_over("limit", 20)),
        Run(bt_lists),
    )
    yield Breakage(
        "bt-empty-200",
        "bannertrackr",
        "body_matches_content_type",
        "a 200 with an empty JSON body (a 429 turned 200)",
        empty_body(on("GET", rf"^{BT}/me$")),
        Run(("getMe",)),
    )
    yield Breakage(
        "bt-500-on-punctuation",
        "bannertrackr",
        "not_a_server_error",
        "a 500 for a site name with punctuation",
        crash_on_punctuation(on("POST", rf"^{BT}/sites$")),
        Run(("createSite",), True),
    )
    yield Breakage(
        "bt-count-as-string",
        "bannertrackr",
        "response_schema_conformance",
        "placementCount sent as a string",
        json_answer(on("GET", rf"^{BT}/sites/[^/]+$"), inplace(lambda data: data["data"].update(placementCount="5"))),
        Run(("getSite",)),
    )

    binom_lists = ("listCampaigns", "listOffers", "listCampaignStats")
    yield Breakage(
        "binom-delete-keeps-offer",
        "binom",
        "deleted_stays_deleted",
        "DELETE answers 204, the offer stays",
        delete_keeps(r"^/offer/\d+$", 204),
        Run(("createOffer", "deleteOffer", "getOffer"), True, ("stateful",)),
    )
    yield Breakage(
        "binom-limit-ignored",
        "binom",
        "page_size",
        "`limit` ignored on lists",
        drop_query("limit", on("GET")),
        Run(binom_lists),
    )
    yield Breakage(
        "binom-offset-overlaps",
        "binom",
        "offset_paging",
        "offset one short: pages repeat a record",
        shift_offset(-1, on("GET")),
        Run(binom_lists),
    )
    yield Breakage(
        "binom-401-as-403",
        "binom",
        "credential_statuses",
        "a missing or unknown api-key gets 403",
        status_as(401, 403),
        Run(("listCampaigns", "getCampaign")),
    )
    yield Breakage(
        "binom-totals-off",
        "binom",
        "totals_arithmetic",
        "the totals row counts one click more than the rows",
        json_answer(on("GET", r"^/stats/"), binom_totals(lambda totals: bump(totals, "clicks"))),
        Run(("listCampaignStats",)),
    )
    yield Breakage(
        "binom-total-count-off",
        "binom",
        "item_counts",
        "total_count one more than the rows",
        json_answer(on("GET", r"^/(info|stats)/"), binom_totals(lambda totals: bump(totals, "total_count"))),
        Run(("listCampaignInfo", "listOfferStats")),
    )

    pc_lists = ("listCampaigns", "listOffers", "listTrafficSources")
    yield Breakage(
        "pc-delete-keeps-offer",
        "peerclick",
        "deleted_stays_deleted",
        "DELETE answers 200, the offer stays",
        delete_keeps(r"^/offer/\d+$", 200, b'{"description": "Success"}', "application/json"),
        Run(("createOffer", "deleteOffer", "getOffer"), True, ("stateful",)),
    )
    yield Breakage(
        "pc-limit-ignored",
        "peerclick",
        "page_size",
        "`limit` ignored on lists",
        drop_query("limit", on("GET")),
        Run(pc_lists),
    )
    yield Breakage(
        "pc-offset-skips",
        "peerclick",
        "offset_paging",
        "offset one too far: pages skip a record",
        shift_offset(1, on("GET")),
        Run(pc_lists),
    )
    yield Breakage(
        "pc-401-as-403",
        "peerclick",
        "credential_statuses",
        "a missing or unknown api-token gets 403",
        status_as(401, 403),
        Run(("listCampaigns", "getCampaign")),
    )
    yield Breakage(
        "pc-other-account-reads",
        "peerclick",
        "account_isolation",
        "another account's token reads this one's campaign",
        swap_credential("api-token", PC_OTHER, PC_KEY),
        Run(("getCampaign", "getOffer")),
    )
    yield Breakage(
        "pc-totals-off",
        "peerclick",
        "totals_arithmetic",
        "report totals count one visit more than the rows",
        json_answer(on("GET", r"^/report$"), inplace(lambda data: bump(data["totals"], "visits"))),
        Run(("getReport",)),
    )
    yield Breakage(
        "pc-total-rows-off",
        "peerclick",
        "item_counts",
        "totalRows one more than the rows",
        json_answer(on("GET", r"^/report$"), inplace(lambda data: bump(data, "totalRows"))),
        Run(("getReport",)),
    )

    yield from _adsterra(
        "adv",
        "adsterra_advertiser",
        ADV_KEY,
        ADV_OTHER,
        reads=("listCampaigns", "getCampaign", "getStats"),
        counted=("listCampaigns", "listCampaignBanners"),
        isolated=("getCampaign", "listCampaignBanners"),
        csv_breakage=("csv-no-header", "CSV without its header row", csv_no_header),
        record="campaign",
        credential_reads=("getBalance", "listCampaigns"),
    )
    yield from _adsterra(
        "pub",
        "adsterra_publisher",
        PUB_KEY,
        PUB_OTHER,
        reads=("listDomains", "listPlacements", "getStats"),
        counted=("listDomains", "listPlacements"),
        isolated=("listDomainPlacements",),
        csv_breakage=("csv-reordered", "CSV lines in another order than the JSON", csv_lines_reversed),
        record="placements",
        credential_reads=("listDomains", "listPlacements"),
    )


def _adsterra(prefix: str, api: str, key: str, other: str, *, reads: tuple[str, ...], counted: tuple[str, ...],
              isolated: tuple[str, ...], csv_breakage: tuple[str, str, Callable[[str], str]], record: str,
              credential_reads: tuple[str, ...]) -> Iterator[Breakage]:  # fmt: skip
    """The breakages both Adsterra APIs share (one renderer, one token scheme), and one CSV breakage of each."""
    suffix, what, edit = csv_breakage
    yield Breakage(
        f"{prefix}-csv-commas",
        api,
        "format_equivalence",
        "CSV separated by `,`, not `;`",
        text_answer(CSV, csv_commas),
        Run(reads),
    )
    yield Breakage(f"{prefix}-{suffix}", api, "format_equivalence", what, text_answer(CSV, edit), Run(reads))
    yield Breakage(
        f"{prefix}-xml-root",
        api,
        "format_equivalence",
        "XML rooted at `<result>`, not `<response>`",
        text_answer(XML, xml_root),
        Run(reads),
    )
    yield Breakage(
        f"{prefix}-item-count-off",
        api,
        "item_counts",
        "itemCount one more than the items",
        json_answer(on("GET"), item_count_off),
        Run(counted),
    )
    yield Breakage(
        f"{prefix}-401-as-403",
        api,
        "credential_statuses",
        "a missing or unknown token gets 403",
        status_as(401, 403),
        Run(credential_reads),
    )
    yield Breakage(
        f"{prefix}-other-account-reads",
        api,
        "account_isolation",
        f"another account's token reads this one's {record}",
        swap_credential("x-api-key", other, key),
        Run(isolated),
    )


CATALOGUE: tuple[Breakage, ...] = tuple(_catalogue())
