"""What the contract suite needs to know about each API beyond its spec: where credentials go and where the mock is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent.parent / "mockserver" / "openapi"  # the specs the mock serves (also in a wheel)


@dataclass(frozen=True)
class Credential:
    """One security scheme of a spec, and how a user supplies its value."""

    scheme: str  # name under components.securitySchemes
    env: str  # environment variable that holds the value
    header: str  # where the value travels
    prefix: str = ""  # e.g. "Bearer "
    mock_value: str = ""  # the demo credential used against the local mock

    def value(self, override: str | None = None, *, mock: bool = False) -> str | None:
        return override or os.environ.get(self.env) or (self.mock_value if mock else None)


@dataclass(frozen=True)
class ContractApi:
    name: str
    spec: str  # file under openapi/
    title: str  # info.title: schemathesis matches [[project]] config entries by it
    mock_path: str  # base URL path of this API on the mock
    credential: Credential | None  # None: the API needs none (the mock's control API on loopback)
    read_only: Credential | None = None  # a credential that may only read, for the scope check
    other: Credential | None = None  # another account's credential, for the account isolation check
    # Default request budget of one run: enough for every phase against the mock, and minutes, not hours, at the
    # real service's published rate (PeerClick: 3 requests/s). 0: unbounded.
    max_requests: int = 0

    @property
    def spec_path(self) -> Path:
        return SPEC_DIR / self.spec


APIS = {
    api.name: api
    for api in (
        ContractApi(
            name="bannertrackr",
            spec="bannertrackr.yaml",
            title="BannerTrackr Developer API",
            mock_path="/bannertrackr",
            max_requests=2000,  # Pro: 300 reads and 60 writes a minute
            credential=Credential("bearerAuth", "BANNERTRACKR_API_KEY", "Authorization", "Bearer ", "bt_live_pro_read_write_demo"),
            read_only=Credential(
                "bearerAuth", "BANNERTRACKR_READ_ONLY_KEY", "Authorization", "Bearer ", "bt_live_pro_read_only_demo"
            ),
            other=Credential(
                "bearerAuth", "BANNERTRACKR_OTHER_API_KEY", "Authorization", "Bearer ", "bt_live_growth_read_write_demo"
            ),
        ),
        ContractApi(
            name="adsterra_advertiser",
            spec="adsterra_advertiser.yaml",
            title="Adsterra Advertiser API",
            mock_path="/adsterra/advertiser",
            max_requests=2000,  # 1200 a minute
            credential=Credential(
                "apiKeyHeader", "ADSTERRA_ADVERTISER_API_KEY", "X-API-Key", mock_value="adsterraadvertiserdemo0000000001"
            ),
            other=Credential(
                "apiKeyHeader", "ADSTERRA_ADVERTISER_OTHER_API_KEY", "X-API-Key", mock_value="adsterraadvertiserdemo0000000002"
            ),
        ),
        ContractApi(
            name="adsterra_publisher",
            spec="adsterra_publisher.yaml",
            title="Adsterra Publisher API",
            mock_path="/adsterra/publisher",
            max_requests=2000,  # 1200 a minute
            credential=Credential(
                "apiKeyHeader", "ADSTERRA_PUBLISHER_API_KEY", "X-API-Key", mock_value="adsterrapublisherdemo00000000001"
            ),
            other=Credential(
                "apiKeyHeader", "ADSTERRA_PUBLISHER_OTHER_API_KEY", "X-API-Key", mock_value="adsterrapublisherdemo00000000002"
            ),
        ),
        ContractApi(
            name="admin",
            spec="admin.yaml",
            title="Mock control API",
            mock_path="/__admin",
            credential=None,
        ),
        ContractApi(
            name="binom",
            spec="binom.yaml",
            title="Binom tracker API v2",
            mock_path="/binom/public/api/v1",
            max_requests=8000,  # no limit documented
            # The administrator's key: a restricted user's key would see 403s on most campaign ids.
            credential=Credential("binomApiKey", "BINOM_API_KEY", "api-key", "", "binom_admin_demo_key"),
        ),
        ContractApi(
            name="peerclick",
            spec="peerclick.yaml",
            title="PeerClick API",
            mock_path="/peerclick/v1",
            max_requests=600,  # 3 a second (1 for reports): about 4 minutes
            # A key token (POST /auth/access/session); the mock seeds a demo token that never expires.
            credential=Credential("apiToken", "PEERCLICK_API_TOKEN", "api-token", "", "pc_demo_api_token"),
            other=Credential("apiToken", "PEERCLICK_OTHER_API_TOKEN", "api-token", "", "pc_other_api_token"),
        ),
    )
}


def by_title(title: str) -> ContractApi | None:
    return next((api for api in APIS.values() if api.title == title), None)


def mask(secret: str) -> str:
    """Never print a credential in full."""
    return secret[:4] + "…" + secret[-2:] if len(secret) > 8 else "…"
