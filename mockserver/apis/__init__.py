"""The list of mocked APIs: the only place a new API is registered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..api import ApiDefinition
from .adsterra_advertiser import DEFINITION as ADSTERRA_ADVERTISER
from .adsterra_publisher import DEFINITION as ADSTERRA_PUBLISHER
from .bannertrackr import DEFINITION as BANNERTRACKR
from .binom import DEFINITION as BINOM
from .peerclick import DEFINITION as PEERCLICK

ALL_APIS: tuple[ApiDefinition, ...] = (BANNERTRACKR, BINOM, PEERCLICK, ADSTERRA_ADVERTISER, ADSTERRA_PUBLISHER)


def select(apis: Sequence[ApiDefinition], names: Iterable[str]) -> list[ApiDefinition]:
    """The APIs named (all when none are); an unknown name is a ValueError listing the known ones."""
    wanted = list(names)
    known = {api.name: api for api in apis}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValueError(f"unknown API {', '.join(unknown)}; choose from {', '.join(known)}")
    return [known[name] for name in wanted] if wanted else list(apis)
