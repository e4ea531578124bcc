"""Adsterra Publisher API (seed 003): X-API-Key or legacy token-in-path, domains, placements, Smartlinks, stats."""

from __future__ import annotations

from ...api import ApiDefinition
from ..adsterra_common import tokens
from ..adsterra_common.accounts import administration
from ..adsterra_common.errors import ERRORS
from . import contract, handlers, seed

DEFINITION = ApiDefinition(
    name="adsterra_publisher",
    title="Adsterra Publisher API",
    spec="adsterra_publisher.yaml",
    base_path="/adsterra/publisher",
    real_base_url="https://api3.adsterratools.com/publisher",
    handlers=handlers,
    errors=ERRORS,
    authenticate=tokens.authenticator(seed.OWNER_TYPE),
    seed=seed.seed,
    demo_keys=seed.demo_keys,
    anonymous_limit=tokens.RATE_LIMIT,
    rate_headers=tokens.no_rate_headers,
    accounts=administration(seed.API, seed.OWNER_TYPE),
    path_enums_route=True,  # an unsupported .{format} suffix is 404: "Make sure the URI is correct"
    contract=contract.CONTRACT,
)
