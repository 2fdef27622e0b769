"""Validators that forms, the API and imports share through the model fields that declare them."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cdohub.core import clock

EARLIEST_DATE = datetime.date(1900, 1, 1)
YEARS_AHEAD = 10


def plausible_date(value: datetime.date) -> None:
    """Refuse a date no record of this platform can have: before 1900 or more than ten years
    ahead (a typing slip such as 9999-12-31 or 2201-06-01)."""
    today = clock.today()
    latest = today.replace(year=today.year + YEARS_AHEAD, day=28 if today.month == 2 else today.day)
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            _("%(date)s is not a plausible date: use one between %(first)s and %(last)s.")
            % {"date": value.isoformat(), "first": EARLIEST_DATE.isoformat(), "last": latest.isoformat()},
            code="implausible_date",
        )
