"""Binom's `/report/{page}`: the period's traffic grouped into up to three levels, rows depth-first, totals apart."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ...context import RequestContext
from ...domain.pagination import offset_page
from ...kit import countries
from ...kit.errors import ApiError
from ...state.store import Record
from . import access, trees, views
from .listings import KINDS, visible_campaigns
from .periods import Period
from .seed import TRACKER
from .traffic import Label, Leaf, Node, Sums

TOKENS = 30  # token_1..token_30, as the click log's columns


def report(ctx: RequestContext, page: str, period: Period, params: dict[str, Any]) -> dict[str, Any]:
    ids = params.get("ids") or []
    _check_ids(ctx, page, ids)
    wanted = []
    for kind in KINDS:
        chosen = set(params.get(f"filters_{kind}_id") or []) | (set(ids) if kind == page else set())
        if chosen:
            wanted.append((KINDS[kind].of_route, chosen))

    def keep(leaf: Leaf) -> bool:
        return all(of_route(leaf.campaign, leaf.route) in chosen for of_route, chosen in wanted)

    assert ctx.principal is not None
    key = ("report", page, ctx.principal.credential_id, json.dumps(params, default=repr))
    labels = [_labeller(ctx, grouping) for grouping in params["groupings"]]
    tree = trees.grouped(ctx, key, lambda: visible_campaigns(ctx), period.start, period.end, labels,
                         keep if wanted else None)  # fmt: skip
    return _rendered(ctx, tree, params)


def _rendered(ctx: RequestContext, tree: trees.Grouped, params: dict[str, Any]) -> dict[str, Any]:
    tops = list(tree.root.children.values())
    if params.get("name_filter"):
        tops = [node for node in tops if params["name_filter"].casefold() in node.label[1].casefold()]
    tops = _sorted(tops, params["sort_column"], params["sort_type"])
    totals = Sums()
    for node in tops:
        totals.add(node.sums)
    shown, count = offset_page(tops, params["limit"], params["offset"])
    rows: list[dict[str, Any]] = []
    for node in shown:
        _flatten(ctx, node, 1, params["groupings"], params["sort_column"], params["sort_type"], rows)
    return {"report": rows, "totals": {"total_count": str(count)} | views.report_metrics(totals)}


def _check_ids(ctx: RequestContext, page: str, ids: list[int]) -> None:
    """Every `ids[]` value must be a live entity of the page's kind (404), and a campaign the caller may see (403)."""
    table = ctx.table(KINDS[page].table)
    for entity_id in ids:
        record = table.get(TRACKER, entity_id)
        if record is None or record["deleted"]:
            raise ApiError(404, f"{page.replace('_', ' ').capitalize()} {entity_id} not found")
        if page == "campaign":
            access.require_campaign(ctx, record)


def _flatten(ctx: RequestContext, node: Node, level: int, groupings: list[str], column: str, direction: str,
             rows: list[dict[str, Any]]) -> None:  # fmt: skip
    """Depth-first: the node's row, then each child's subtree, children sorted like their parents."""
    row = {"level": str(level), "entity_id": node.label[0], "name": node.label[1]}
    if groupings[level - 1] == "offer":
        row["affiliateNetworkName"] = _network_of_offer(ctx, node.label[0])
    rows.append(row | _metrics(node))
    for child in _sorted(list(node.children.values()), column, direction):
        _flatten(ctx, child, level + 1, groupings, column, direction, rows)


def _metrics(node: Node) -> dict[str, str]:
    """The node's row metrics, written once per rendering: sorting reads them, then the row itself."""
    if node.metrics is None:
        node.metrics = views.report_metrics(node.sums)
    return node.metrics


def _sorted(nodes: list[Node], column: str, direction: str) -> list[Node]:
    """By `column` (names as text, metrics as numbers), ties by entity id."""
    nodes = sorted(nodes, key=lambda node: (len(node.label[0]), node.label[0]))  # numeric ids in numeric order
    if column == "name":
        return sorted(nodes, key=lambda node: node.label[1].casefold(), reverse=direction == "desc")
    return sorted(nodes, key=lambda node: Decimal(_metrics(node)[column]), reverse=direction == "desc")


def _labeller(ctx: RequestContext, grouping: str) -> Callable[[Leaf], Label]:
    """How a leaf is labelled at one grouping level (INVENTED names for ids 0: direct, none, default)."""
    if grouping.startswith("token_"):
        position = int(grouping.removeprefix("token_")) - 1
        return lambda leaf: (leaf.tokens[position],) * 2 if position < len(leaf.tokens) else ("", "")
    return _entity_labellers(ctx)[grouping]


def _entity_labellers(ctx: RequestContext) -> dict[str, Callable[[Leaf], Label]]:
    """The groupings other than tokens: how each labels a leaf."""

    def named(table: str, empty: str) -> Callable[[int], Label]:
        def label(entity_id: int) -> Label:
            record = ctx.table(table).get(TRACKER, entity_id) if entity_id else None
            return str(entity_id), record["name"] if record else empty

        return label

    return {
        "campaign": lambda leaf: (str(leaf.campaign["id"]), str(leaf.campaign["name"])),
        "offer": lambda leaf: named("offers", "Direct")(leaf.route.offer),
        "landing": lambda leaf: named("landings", "Direct")(leaf.route.landing),
        "traffic_source": lambda leaf: named("traffic_sources", "")(int(leaf.campaign["trafficSourceId"])),
        "affiliate_network": lambda leaf: named("affiliate_networks", "No affiliate network")(leaf.route.network),
        "rotation": lambda leaf: named("rotations", "No rotation")(leaf.campaign["rotationId"] or 0),
        "rule": lambda leaf: ("0", "Default rule"),
        "path": lambda leaf: (str(leaf.route.path), leaf.route.path_name),
        "geoCountry": lambda leaf: (leaf.country, countries.name(leaf.country)),
    }


def labeller_names(ctx: RequestContext) -> list[str]:
    """The groupings other than tokens, in the labeller's order (what the groupings endpoints list)."""
    return list(_entity_labellers(ctx))


def _network_of_offer(ctx: RequestContext, offer_id: str) -> str:
    offer: Record | None = ctx.table("offers").get(TRACKER, int(offer_id)) if offer_id != "0" else None
    network = (
        ctx.table("affiliate_networks").get(TRACKER, offer["affiliateNetworkId"])
        if offer and offer["affiliateNetworkId"]
        else None
    )
    return str(network["name"]) if network else ""
