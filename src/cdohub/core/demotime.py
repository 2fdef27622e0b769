"""When the demo's open work happens: counted back and forward from today in official working days.

The Guangdong pilot's own dates (the plan of 2021-04-23, the 2021-05-31 filing deadline, the
2022-06-30 summary) are history and stay as they were. What is still open — filings waiting for a
decision, project reviews, quality issues, supervision orders, a census — is laid around the day the
demo is loaded, so whoever signs in finds work submitted a few working days ago, deadlines a few
working days ahead and a few just missed. The notices of that history were read long ago; only
those about work still open stay unread (`settle_notices`).
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from . import clock
from .calendar import add_working_days, is_working_day
from .models import Notification


def ahead(days: int) -> date:
    """The date `days` working days after today."""
    return add_working_days(clock.today(), days)


def ago(days: int) -> date:
    """The date `days` working days before today (today itself, if a working day, for 0)."""
    day = clock.today()
    while not is_working_day(day):
        day -= timedelta(days=1)
    while days > 0:
        day -= timedelta(days=1)
        days -= is_working_day(day)
    return day


def at(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock on `day`, in the platform's time zone."""
    return datetime.combine(day, time(hour), timezone.get_current_timezone())


def settle_notices(open_links: Iterable[str]) -> None:
    """Once the demo is committed: every notice is read, but those linking to work still open."""
    links = set(open_links)

    def settle() -> None:
        unread = Notification.objects.filter(read_at__isnull=True)
        unread.exclude(url__in=links).update(read_at=clock.now())

    transaction.on_commit(settle)


_laid_on: dict[str, date] = {}


def laid_on() -> date | None:
    """The day the demo was loaded: its administrator's account was made then (asked once)."""
    if "day" not in _laid_on:
        users = get_user_model().objects.filter(username="admin")
        joined = users.values_list("date_joined", flat=True).first()
        if joined is None:
            return None
        _laid_on["day"] = timezone.localdate(joined)
    return _laid_on["day"]


def banner(request: HttpRequest) -> dict[str, Any]:
    """On a server started by `cdohub demo`: the day its open work was laid around, for the banner."""
    if not settings.CDOHUB.get("DEMO"):
        return {}
    return {"demo_laid_on": laid_on()}
