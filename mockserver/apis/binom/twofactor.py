"""Binom two-factor verification of the caller: a TOTP secret, enabled and disabled with a code on the mock's clock.

API keys are not asked for codes (INVENTED): two-factor verification guards the tracker's sign-in page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from typing import Any
from urllib.parse import quote

from ...context import RequestContext
from ...kit.errors import ApiError
from . import access, userlog
from .seed import TRACKER

STEP = 30  # seconds per code, as authenticator apps use (RFC 6238)
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def code(secret: str, at: float) -> str:
    """The RFC 6238 code of `secret` at `at` (six digits, SHA-1): what an authenticator app shows then."""
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", int(at // STEP)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _check(ctx: RequestContext, secret: str, given: str) -> None:
    now = ctx.state.clock.now().timestamp()
    if given not in {code(secret, now + drift) for drift in (-STEP, 0, STEP)}:  # a step of clock drift either way
        raise ApiError(400, "Validation failed", "code is not the current code of the user's two-factor secret")


def _set(ctx: RequestContext, two_factor: dict[str, Any]) -> None:
    ctx.table("users").update(TRACKER, access.user(ctx)["id"], {"twoFactor": two_factor})


async def get_two_factor_status(ctx: RequestContext) -> Any:
    return {"enabled": access.user(ctx)["twoFactor"]["enabled"]}


async def generate_two_factor_secret(ctx: RequestContext) -> Any:
    me = access.user(ctx)
    if me["twoFactor"]["enabled"]:
        raise ApiError(409, "Two-factor verification is enabled", "Disable it before generating a new secret")
    secret = ctx.state.data.token(32, BASE32)
    _set(ctx, {"enabled": False, "secret": secret})
    url = f"otpauth://totp/Binom:{quote(me['login'])}?secret={secret}&issuer=Binom"
    return {"secret": secret, "otpauthUrl": url}


async def enable_two_factor(ctx: RequestContext, body: dict[str, Any]) -> Any:
    state = access.user(ctx)["twoFactor"]
    if state["enabled"] or state["secret"] is None:
        raise ApiError(409, "Nothing to enable", "Generate a secret first (PUT /user/2fa/secret/generate)")
    _check(ctx, state["secret"], body["code"])
    _set(ctx, {"enabled": True, "secret": state["secret"]})
    userlog.record(ctx, "two_factor_enabled", access.user(ctx)["id"], "two-factor verification enabled")
    return {"enabled": True}


async def disable_two_factor(ctx: RequestContext, body: dict[str, Any]) -> Any:
    state = access.user(ctx)["twoFactor"]
    if not state["enabled"]:
        raise ApiError(409, "Two-factor verification is not enabled")
    _check(ctx, state["secret"], body["code"])
    _set(ctx, {"enabled": False, "secret": None})
    userlog.record(ctx, "two_factor_disabled", access.user(ctx)["id"], "two-factor verification disabled")
    return {"enabled": False}


HANDLERS = {
    handler.__name__: handler
    for handler in (get_two_factor_status, generate_two_factor_secret, enable_two_factor, disable_two_factor)
}  # fmt: skip
