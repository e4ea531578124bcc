"""Binom's kept trees: a report's or list's sums over a period, grouped, kept up to date as clicks are recorded."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from ...context import RequestContext
from ...state.store import Record, Write
from . import adjustments
from .traffic import CLICKS, Leaf, Node, Traffic, clicks_between, hour_ceiling


@dataclass
class Grouped:
    """Leaves grouped level by level (a report's groupings, a list's entity) before sorting and paging: kept across
    recorded clicks and postbacks, which add their leaf to it (`_fold`); any other write to Binom's records drops it."""

    root: Node
    start: datetime
    end: datetime
    traffic: Traffic
    campaigns: dict[int, Record]  # the visible campaigns
    adjusted: frozenset[int]  # those with cost updates or click deletions: a click of theirs changes more (dropped)
    edges: list[datetime]  # where adjustments begin and end, sorted
    labels: list[Callable[[Leaf], Hashable]]
    keep: Callable[[Leaf], bool] | None  # the filter a leaf must pass, if any

    def path(self, leaf: Leaf) -> tuple[Hashable, ...] | None:
        """The rows `leaf` adds to, top-down (None: the filter leaves it out)."""
        if self.keep is not None and not self.keep(leaf):
            return None
        return tuple(label(leaf) for label in self.labels)

    def take(self, leaf: Leaf, sign: int = 1) -> None:
        node = self.root
        for key in self.path(leaf) or ():
            node = node.children.get(key) or node.children.setdefault(key, Node(key))
            node.sums.add(leaf, sign)
            node.metrics = None  # written again from the new sums


def grouped(
    ctx: RequestContext, key: Hashable, campaigns: Callable[[], list[Record]], start: datetime, end: datetime,
    labels: list[Callable[[Leaf], Hashable]], keep: Callable[[Leaf], bool] | None = None,
    traffic: Traffic | None = None,
) -> Grouped:  # fmt: skip
    """The leaves in [start, end) of `campaigns()` grouped by `labels` (those `keep` keeps). `key` names the
    grouping and everything else it depends on (the caller, whose grants decide the campaigns; the parameters).
    `traffic` shares one request's series and routes between the trees it asks for.

    Kept for the whole hour `end` falls in: the series sum whole hours, and a recorded click arrives at the clock's
    now, so the tree over [start, that hour's end) holds what [start, end) holds unless a click or an adjustment's
    edge lies between `end` and the hour's end (then it is computed for this request alone)."""
    hour = hour_ceiling(end)
    tree: Grouped = ctx.state.store.folded(
        "binom",
        ("grouped", key, start, hour),
        lambda: _grouped(ctx, campaigns(), start, hour, labels, keep, traffic),
        _fold,
    )
    if clicks_between(ctx, end, hour) or bisect.bisect_right(tree.edges, end) < bisect.bisect_left(tree.edges, hour):
        tree = _grouped(ctx, campaigns(), start, end, labels, keep, traffic)
    return tree


def _grouped(ctx: RequestContext, campaigns: list[Record], start: datetime, end: datetime,
             labels: list[Callable[[Leaf], Hashable]], keep: Callable[[Leaf], bool] | None,
             traffic: Traffic | None) -> Grouped:  # fmt: skip
    traffic = traffic or Traffic(ctx)
    changes = [change for campaign in campaigns for change in adjustments.of(ctx, campaign["id"])]
    tree = Grouped(
        Node(("", "")), start, end, traffic, {campaign["id"]: campaign for campaign in campaigns},
        frozenset(change["campaignId"] for change in changes),
        sorted(datetime.fromisoformat(change[edge]) for change in changes for edge in ("start", "end")),
        labels, keep,
    )  # fmt: skip
    for leaf in traffic.leaves(campaigns, start, end):
        tree.take(leaf)
    return tree


def _fold(tree: Grouped, write: Write) -> bool:
    """A recorded click (added) or its postback (updated) changes its own leaf only: take the old leaf away, add the
    new one. Any other write, or a click of a campaign with adjustments, drops the tree."""
    if write.table != CLICKS or write.new is None:
        return False
    leaves = []
    for sign, click in ((-1, write.old), (1, write.new)):
        if click is None:
            continue
        if click["campaignId"] in tree.adjusted:
            return False
        campaign = tree.campaigns.get(click["campaignId"])
        if campaign is not None and tree.start <= datetime.fromisoformat(click["time"]) < tree.end:
            leaves.append((sign, tree.traffic.click_leaf(campaign, click)))
    if len(leaves) == 2 and tree.path(leaves[0][1]) != tree.path(leaves[1][1]):
        return False  # its tokens changed its rows: the old ones would keep an empty row a fresh tree has not
    for sign, leaf in leaves:
        tree.take(leaf, sign)
    return True
