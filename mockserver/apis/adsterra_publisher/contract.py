"""What the contract suite needs beyond the Adsterra Publisher spec."""

from __future__ import annotations

from ..adsterra_common.contract import NO_ROTATION, contract

CONTRACT = contract("publisher", "demo publisher", "another publisher account", {
    "operations": [
        NO_ROTATION,
        # The coverage phase applies the token override below after generating a case, so a case it made to break
        # {token} (e.g. one character too long) goes out with the valid token and is rightly answered 200
        # (schemathesis 4.32.5; `--checks all` re-enables a check turned off here, so the phase goes). The fuzzing
        # phase fixes the token before generating, and checks there that these operations reject invalid data.
        {"include-tag": "Legacy token in path", "phases": {"coverage": {"enabled": False}}},
    ],
    "parameters": {
        # The legacy /{token}/... operations carry the credential in the path; without it they can only answer
        # 401/403 (and schemathesis' inferred links would put placement ids there).
        "path.token": "${ADSTERRA_PUBLISHER_API_KEY}",
        "path.domain_id": {"dictionary": "adsterra_domains", "probability": 0.8},
    },
})  # fmt: skip
