"""System checks of what the provincial bureau keeps: run by `migrate` and `check --database default`."""

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError

from cdohub.core import calendar, clock


@register(Tags.database)
def official_calendar_loaded(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """This year's and next year's deadlines need the State Council's holiday schedule."""
    year = clock.today().year
    try:
        missing = calendar.provisional_years(year, year + 1)
    except DatabaseError:  # not migrated yet: migrate itself runs this check first
        return []
    return [
        Warning(
            f"No official holiday schedule is loaded for {missing_year}: its deadlines count statutory "
            "holidays only (no 调休) and are shown as provisional.",
            hint="Load the State Council notice: `cdohub calendar load FILE --as USER` or the "
            "/calendar/ page (the provincial data bureau).",
            id="calendar.W001",
        )
        for missing_year in missing
    ]
