"""What deleting a BannerTrackr site or placement takes with it (the doc's cascades), as the store's remove rules."""

from __future__ import annotations

from ...state.store import Rules, Store, View, removing
from . import traffic

API = "bannertrackr"


def _pixel_and_traffic(store: Store, owner: str, placement: View) -> None:
    traffic.forget(store.table(API, traffic.TABLE), owner, placement["id"])
    store.table(API, "pixels").remove(owner, placement["pixelId"])  # its tracking URLs answer 404 from now on


RULES = {
    "sites": Rules(on_remove=(removing(API, "placements", "siteId"),)),
    "placements": Rules(on_remove=(_pixel_and_traffic,)),
}


def declare(store: Store) -> None:
    for name, rules in RULES.items():
        store.declare(API, name, rules)
