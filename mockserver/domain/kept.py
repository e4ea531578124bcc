"""Reads kept until a write: a read handler's answer remembered per caller, URL and arguments (`RequestContext.kept_json`)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..context import RequestContext

# What else, besides the API's records, the caller, the URL and the arguments, a kept read's answer depends on (what
# the clock decides in it), as a tuple for the key; None: this request's answer is computed afresh, never kept.
Depends = Callable[["RequestContext", dict[str, Any]], "tuple[Hashable, ...] | None"]


def nothing_else(ctx: RequestContext, params: dict[str, Any]) -> tuple[Hashable, ...]:
    """A view of stored records alone: no clock, no other API's records."""
    return ()


def frozen(params: dict[str, Any]) -> Hashable:
    """The arguments as a key: every name with its value and the value's type (True == 1, but they are not the same
    argument), as given (the same arguments in another order are only another key), or, where a value is a list or
    object, in name order with those as tuples."""
    key = (tuple(params.items()), tuple(map(type, params.values())))
    try:
        hash(key)
    except TypeError:
        return tuple(sorted((name, type(value), _frozen(value)) for name, value in params.items()))
    return key


def _frozen(value: Any) -> Hashable:
    if isinstance(value, list):
        return ("list", *((type(item), _frozen(item)) for item in value))
    if isinstance(value, dict):
        return ("dict", frozen(value))
    return value  # type: ignore[no-any-return]


def kept_answer(
    ctx: RequestContext, name: str, params: dict[str, Any], compute: Callable[[], Any], depends: Depends = nothing_else
) -> Any:
    """`compute()`'s answer to the read `name` with `params`, kept until a write to the API's records, unless
    `depends` says this one is not to be kept."""
    extra = depends(ctx, params)
    if extra is None:
        return compute()
    return ctx.kept_json((name, frozen(params), *extra), compute)


def kept_read(
    depends: Depends = nothing_else,
) -> Callable[[Callable[..., Any]], Callable[..., Awaitable[Any]]]:
    """A read handler, written as a plain function of (ctx, **arguments) returning its answer, as a kept one: an
    error it raises is answered and not kept. Arguments are passed by name (they are the key)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(view)
        async def handler(ctx: RequestContext, **params: Any) -> Any:
            return kept_answer(ctx, view.__name__, params, lambda: view(ctx, **params), depends)

        return handler

    return decorate
