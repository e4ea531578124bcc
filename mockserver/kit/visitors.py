"""Who a tracking hit comes from: crawler check and device class from User-Agent, country and visitor id from headers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from hashlib import blake2b
from typing import NamedTuple

UNKNOWN_COUNTRY = "ZZ"  # the user-assigned code CLDR uses for "unknown region"
# Checked in order; the first that holds a usable code wins. CF-IPCountry is what Cloudflare sets in front of an
# origin; X-Country lets a developer pick the country of a test hit.
COUNTRY_HEADERS = (b"cf-ipcountry", b"x-country")
CLOUDFLARE_UNKNOWN = b"XX"

# Well-known crawlers by name, then the conventions most others follow ("SomeBot/1.0", "+http://contact-url").
# Command-line clients (curl, wget, HTTP libraries) are deliberately not here: developers try the URLs with them.
_CRAWLER = re.compile(
    rb"googlebot|bingbot|slurp|duckduckbot|baiduspider|yandexbot|facebookexternalhit|twitterbot|applebot"
    rb"|bot/|crawler|spider|\+https?://"
)  # matched against the lower-cased agent
_TABLET = (b"ipad", b"tablet", b"kindle", b"silk/", b"playbook")
_MOBILE = (b"mobi", b"iphone", b"ipod", b"android", b"windows phone", b"blackberry", b"opera mini")
_CACHED_AGENT_BYTES = 512  # longer (unusual) agents are classified every time, so the cache stays small


class Visitor(NamedTuple):
    device: str  # desktop, mobile or tablet
    country: str  # ISO 3166-1 alpha-2, or UNKNOWN_COUNTRY
    id: int  # 64-bit hash of client IP and User-Agent: the same person on the same device


def identify(headers: Mapping[bytes, bytes], peer: str) -> Visitor | None:
    """The visitor behind a request with these (lower-cased) `headers` from `peer`; None for a crawler."""
    agent = headers.get(b"user-agent", b"")
    forwarded = headers.get(b"x-forwarded-for", b"")
    chosen = headers.get(COUNTRY_HEADERS[0], b""), headers.get(COUNTRY_HEADERS[1], b"")
    if len(agent) + len(forwarded) + len(chosen[0]) + len(chosen[1]) <= _CACHED_REQUEST_BYTES:
        return _cached_visitor(agent, forwarded, chosen, peer)
    return _visitor(agent, forwarded, chosen, peer)


def _visitor(agent: bytes, forwarded: bytes, chosen: tuple[bytes, bytes], peer: str) -> Visitor | None:
    """`identify` from the headers it reads (a missing one empty, as an empty one counts for nothing)."""
    kind = _cached_device(agent) if len(agent) <= _CACHED_AGENT_BYTES else device(agent)
    if kind is None:
        return None
    ip = _first_address(forwarded) or peer.encode()
    known = _cached_visitor_id(ip, agent) if len(agent) <= _CACHED_AGENT_BYTES else visitor_id(ip, agent)
    return Visitor(kind, _country_of(chosen), known)


# Most hits come from a few thousand browsers, each sending the same headers on every hit: the visitor they make is
# worked out once while it is among the last few thousand (one lookup per hit instead of five), for requests whose
# headers it reads are short (a cache of at most ~3 MB; longer ones are identified every time).
_CACHED_REQUEST_BYTES = 768
_cached_visitor = lru_cache(maxsize=4096)(_visitor)


def device(agent: bytes) -> str | None:
    """desktop, mobile or tablet; None for a crawler."""
    agent = agent.lower()
    if _CRAWLER.search(agent):
        return None
    # Android tablets send "Android" without "Mobile"; phones send both.
    if any(token in agent for token in _TABLET) or (b"android" in agent and b"mobile" not in agent):
        return "tablet"
    if any(token in agent for token in _MOBILE):
        return "mobile"
    return "desktop"


# Most traffic comes from a few hundred distinct agents: classifying each once makes the hot path a dict lookup.
_cached_device = lru_cache(maxsize=4096)(device)


def country(headers: Mapping[bytes, bytes]) -> str:
    return _country_of(tuple(headers.get(name, b"") for name in COUNTRY_HEADERS))


def _country_of(sent: tuple[bytes, ...]) -> str:
    """The country the first of the COUNTRY_HEADERS' values (in that order) that names one names."""
    for value in sent:
        if value:
            code = _cached_code(value) if len(value) <= _CACHED_CODE_BYTES else _code(value)
            if code is not None:
                return code
    return UNKNOWN_COUNTRY


def _code(sent: bytes) -> str | None:
    """The country code a header's value names, if it names one."""
    code = sent.strip().upper()
    if len(code) == 2 and code.isalpha() and code != CLOUDFLARE_UNKNOWN:
        return code.decode("ascii")
    return None


# A few hundred values at most (two letters, give or take spaces and case): each is read once.
_CACHED_CODE_BYTES = 8
_cached_code = lru_cache(maxsize=1024)(_code)


def client_ip(headers: Mapping[bytes, bytes], peer: str) -> bytes:
    """The first address of X-Forwarded-For (the original client, as proxies append), else the socket peer."""
    return _first_address(headers.get(b"x-forwarded-for", b"")) or peer.encode()


def _first_address(forwarded: bytes) -> bytes:
    return forwarded.split(b",", 1)[0].strip()


_UNFED = blake2b(digest_size=8)  # copied per visitor: cheaper than a new hash object set up each time


def visitor_id(ip: bytes, agent: bytes) -> int:
    """blake2b of `ip`, a line break and `agent`, 64 bits little-endian (the values stored sets hold: keep them)."""
    # blake2b, not hash(): stable across processes, so an exported store means the same visitors after a load.
    digest = _UNFED.copy()
    digest.update(ip)
    digest.update(b"\n")
    digest.update(agent)
    return int.from_bytes(digest.digest(), "little")


# A visitor loads many pixels (every placement on every page it views): its id is hashed once while it is among the
# last few thousand, a dict lookup after (about a tenth of the hash), at most ~2 MB for the longest agents kept.
_cached_visitor_id = lru_cache(maxsize=4096)(visitor_id)
