"""Adsterra Advertiser API (seed 002): X-API-Key tokens, campaigns, banners, landings, linking lists, custom bids, stats."""

from __future__ import annotations

from ...api import ApiDefinition
from ..adsterra_common import tokens
from ..adsterra_common.accounts import administration
from ..adsterra_common.errors import ERRORS
from . import contract, handlers, seed

DEFINITION = ApiDefinition(
    name="adsterra_advertiser",
    title="Adsterra Advertiser API",
    spec="adsterra_advertiser.yaml",
    base_path="/adsterra/advertiser",
    real_base_url="https://api3.adsterratools.com/advertiser",
    handlers=handlers,
    errors=ERRORS,
    authenticate=tokens.authenticator(seed.OWNER_TYPE),
    seed=seed.seed,
    demo_keys=seed.demo_keys,
    anonymous_limit=tokens.RATE_LIMIT,
    rate_headers=tokens.no_rate_headers,
    accounts=administration(seed.API, seed.OWNER_TYPE, balance=0.0),
    path_enums_route=True,  # an unsupported .{format} suffix is 404: "Make sure the URI is correct"
    contract=contract.CONTRACT,
)
