"""Click destinations: the placement's own http(s) destinationUrl with its UTM parameters appended, nothing else."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from .views import UTM_FIELDS

# Characters a URL may hold as they are: RFC 3986 reserved and unreserved ones, and % to keep existing escapes.
# Anything else (spaces, quotes, non-ASCII, control characters) is percent-encoded, so Location is always valid.
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


def destination(placement: dict[str, Any]) -> str | None:
    """Where a click on `placement` goes, or None when it has no http(s) destinationUrl.

    Only stored placement fields go in: no request data can change the target (no open redirect). The
    destination's own query and fragment are kept; each non-empty UTM field is appended as utm_<field>
    unless the destination already has that parameter (the URL the publisher wrote wins, and no
    parameter appears twice).
    """
    url = placement.get("destinationUrl")
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    present = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    utm = placement.get("utm") or {}
    added = urlencode(
        [(f"utm_{name}", utm[name]) for name in UTM_FIELDS if utm.get(name) and f"utm_{name}" not in present]
    )
    query = "&".join(part for part in (parts.query, added) if part)
    return quote(urlunsplit(parts._replace(query=query)), safe=_URL_SAFE)
