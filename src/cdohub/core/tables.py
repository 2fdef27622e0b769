"""django-tables2, made cheap per cell.

django-tables2 asks `inspect.signature` which arguments a column's render function takes, again for
every cell it renders (`utils.call_with_appropriate`): the 400 cells of a 50-row resource list spent
about a quarter of the page's time there (the profile behind bench/load.py). A function's signature
does not change, so it is read once per function. `install()` runs when the core app is ready.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django_tables2 import utils

_uncached = utils.signature


@functools.lru_cache(maxsize=4096)
def _signature_of(function: Callable[..., Any], bound: bool) -> tuple[tuple[str, ...], str | None]:
    arguments, keywords = _uncached(function)
    return (arguments[1:] if bound and arguments else arguments), keywords


def signature(fn: Callable[..., Any]) -> tuple[tuple[str, ...], str | None]:
    """tables2's `signature(fn)`: (argument names without self, name of the ** catch-all)."""
    if inspect.ismethod(fn):
        return _signature_of(fn.__func__, True)
    try:
        return _signature_of(fn, False)
    except TypeError:  # an unhashable callable
        arguments, keywords = _uncached(fn)
        return arguments, keywords


def install() -> None:
    utils.signature = signature
