"""Check that a body is what its Content-Type says, so a mangled answer fails by name instead of confusing others."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from schemathesis import Case, Response

from .checking import contract_check
from .spec import documented_response


@contract_check
def body_matches_content_type(ctx: Any, response: Response, case: Case) -> bool | None:
    """A JSON Content-Type carries a JSON body and an XML one well-formed XML; a documented body is not empty.

    Catches, for example, a 429 turned into an empty 200 by a proxy, or an HTML error page sent as JSON.
    """
    if case.method.upper() == "HEAD" or response.status_code in (204, 304):
        return None
    media_type = (response.headers.get("content-type", [""])[0] or "").split(";", 1)[0].strip().lower()
    content = bytes(response.content or b"")
    documented = documented_response(case, response.status_code)
    if not content.strip():
        if documented is not None and documented.get("content"):
            raise AssertionError(f"{response.status_code} has an empty body; the spec documents a "
                                 f"{'/'.join(documented['content'])} body")  # fmt: skip
        return None
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            json.loads(content)
        except ValueError as error:
            raise AssertionError(
                f"Content-Type is {media_type} but the body is not JSON ({error}): {content[:80]!r}"
            ) from None
    elif media_type in ("application/xml", "text/xml"):
        try:
            ElementTree.fromstring(content)
        except ElementTree.ParseError as error:
            raise AssertionError(
                f"Content-Type is {media_type} but the body is not well-formed XML ({error})"
            ) from None
    return None
