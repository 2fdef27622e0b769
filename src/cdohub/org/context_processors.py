from typing import Any

from django.http import HttpRequest

from cdohub.core import calendar, clock

from . import services


def calendar_notice(request: HttpRequest) -> dict[str, Any]:
    """For the provincial bureau: this year and next, when their official schedule is not loaded."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not services.keeps_calendar(user):
        return {}
    year = clock.today().year
    return {"provisional_calendar_years": calendar.provisional_years(year, year + 1)}
