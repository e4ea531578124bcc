"""Country codes and names the mocks' generated traffic comes from (ISO 3166-1 alpha-2)."""

from __future__ import annotations

NAMES = {
    "US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France", "CA": "Canada",
    "AU": "Australia", "BR": "Brazil", "IN": "India", "ES": "Spain", "IT": "Italy", "NL": "Netherlands",
    "PL": "Poland", "MX": "Mexico", "JP": "Japan", "ID": "Indonesia", "TH": "Thailand",
}  # fmt: skip
COUNTRIES = tuple(NAMES)  # most traffic first


def name(code: str) -> str:
    """The country's English name; an unknown code names itself."""
    return NAMES.get(code.upper(), code.upper())
