"""The platform's clock. Services ask it for "now", so the demo and tests can replay a past date
(the demo replays the 2021 pilot on its real dates, and its open work in the last working days: see
`demotime`) without touching the audit log's own timestamps."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("cdohub_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def travel(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (an aware datetime)."""
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
