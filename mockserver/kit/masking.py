"""Credentials masked wherever traffic is shown or kept: the headers and query parameters that carry them, and their values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

# Headers that carry a credential whatever the API; each API's own security headers are added by the caller.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-admin-token"})
# Query parameters that carry one by their name in common HTTP APIs (no spec of ours puts a key in the query, but a
# client may send one to a real service, and a recording must not keep it).
CREDENTIAL_PARAMETERS = frozenset({"token", "api_key", "apikey", "api-key", "api_token", "access_token", "key"})


def mask(secret: str | None) -> str | None:
    """Enough of a credential to recognise it in a log, never the whole of it."""
    if not secret:
        return None
    return secret[:6] + "…" + secret[-2:] if len(secret) > 10 else "…"


def mask_value(value: str) -> str:
    """A credential header's value: `Bearer bt_live_…mo` keeps the scheme and masks what follows it."""
    scheme, space, rest = value.partition(" ")
    if space and rest and scheme.isalpha() and len(scheme) <= 12:
        return f"{scheme} {mask(rest) or ''}"
    return mask(value) or ""


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each secret masked (a token in a path, e.g. Adsterra's publisher URLs)."""
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, mask(secret) or "…")
    return text


def headers(
    pairs: Iterable[tuple[str, str]], credential_headers: Iterable[str] = (), secrets: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """(lower-case name, value) with the values of credential headers masked, and known secrets masked elsewhere."""
    names = CREDENTIAL_HEADERS | {name.lower() for name in credential_headers}
    return [
        (name.lower(), mask_value(value) if name.lower() in names else mask_secrets(value, secrets))
        for name, value in pairs
    ]


def query(pairs: Iterable[tuple[str, str]], secrets: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Query parameters with the credential-carrying ones masked."""
    return [
        (name, mask(value) or "" if name.lower() in CREDENTIAL_PARAMETERS else mask_secrets(value, secrets))
        for name, value in pairs
    ]


def mapping(values: Mapping[str, str], credential_headers: Iterable[str] = ()) -> dict[str, str]:
    return dict(headers(values.items(), credential_headers))
