"""Chinese working-day calendar: statutory holidays and adjusted working weekends (调休).

A year's days come from, first found: the official schedule loaded for it (`OfficialCalendar`, the
State Council notice as the provincial bureau loaded it); the schedules the `chinese-calendar`
package ships; or, for a year neither knows, its statutory holidays alone (the `holidays` package).
The last is provisional: no weekend is worked in lieu and no bridge day is off, so deadlines in that
year are flagged until the official schedule is loaded.

Days are cached per process. Loading a schedule clears the cache of its own process on commit, and
every process notices a schedule loaded elsewhere within `RECHECK_SECONDS`.
"""

import re
import time
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import chinese_calendar
import holidays as statutory
from chinese_calendar import constants as shipped
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OfficialCalendar

RECHECK_SECONDS = 60.0


@dataclass(frozen=True)
class Schedule:
    """The days off and the weekend days worked in one year."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    official: bool
    source: str

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5


@lru_cache(maxsize=64)
def schedule(year: int) -> Schedule:
    """The year's schedule: loaded, shipped with the package, or provisional (statutory days only)."""
    stored = OfficialCalendar.objects.filter(year=year).first()
    if stored is not None:
        return Schedule(year, _dates(stored.holidays), _dates(stored.workdays), True, stored.notice)
    if year in _shipped_years():
        days_off = frozenset(d for d in shipped.holidays if d.year == year)
        worked = frozenset(d for d in shipped.workdays if d.year == year)
        return Schedule(year, days_off, worked, True, "")  # the notice is shipped as data
    return Schedule(
        year, frozenset(statutory.country_holidays("CN", years=year, observed=False)), frozenset(), False, ""
    )


def is_official(year: int) -> bool:
    _recheck()
    return schedule(year).official


def provisional_years(*years: int) -> list[int]:
    """Those of `years` whose working days are provisional (no official schedule loaded)."""
    return [year for year in years if not is_official(year)]


def is_working_day(day: date) -> bool:
    _recheck()
    return _is_working_day(day)


@lru_cache(maxsize=8192)
def _is_working_day(day: date) -> bool:
    return schedule(day.year).is_working_day(day)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    _recheck()
    return _working_days_between(start, end)


@lru_cache(maxsize=4096)  # dashboards ask the same (deadline, today) pair for every pilot
def _working_days_between(start: date, end: date) -> int:
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    day, count = low + timedelta(days=1), 0
    while day <= high:
        count += _is_working_day(day)
        day += timedelta(days=1)
    return sign * count


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`."""
    _recheck()
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        remaining -= _is_working_day(day)
    return day


def forget() -> None:
    """Drop every cached day, so the next question reads the schedules again."""
    for cached in (schedule, _is_working_day, _working_days_between):
        cached.cache_clear()


SCHEDULE_KEYS = {
    "holidays": gettext_lazy("Holidays"),
    "workdays": gettext_lazy("Weekend days worked in lieu (调休)"),
}


def parse_schedule(text: str) -> dict[str, Any]:
    """A State Council notice as a TOML file: `year`, `notice`, `holidays` and `workdays` (dates).

    Returns the checked fields; raises ValueError with a message for the user.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))  # the parser says it in English only
        line, column = where.groups() if where else ("?", "?")
        raise ValueError(
            _("The file is not valid TOML: line %(line)s, column %(column)s.")
            % {"line": line, "column": column}
        ) from exc
    year, notice = data.get("year"), data.get("notice")
    if not isinstance(year, int) or not isinstance(notice, str) or not notice.strip():
        raise ValueError(_("The file needs a year (a number) and the notice's title."))
    days = {key: data.get(key, []) for key in ("holidays", "workdays")}
    for key, values in days.items():
        if not isinstance(values, list) or not all(type(value) is date for value in values):
            raise ValueError(
                _("%(key)s must be a list of dates such as 2027-01-01.") % {"key": SCHEDULE_KEYS[key]}
            )
    return {"year": year, "notice": notice.strip(), **days}


def check_days(year: int, holidays: list[date], workdays: list[date]) -> list[str]:
    """What is wrong with a year's days off and days worked (empty when nothing)."""
    errors = []
    if not 2000 <= year <= 2100:
        errors.append(_("The year must lie between 2000 and 2100."))
    if any(day.year != year for day in [*holidays, *workdays]):
        errors.append(_("Every date must fall in %(year)s.") % {"year": year})
    if set(holidays) & set(workdays):
        errors.append(_("A date cannot be both a holiday and a working day."))
    if any(day.weekday() < 5 for day in workdays):
        errors.append(_("A working day in lieu falls on a Saturday or Sunday."))
    return errors


def _dates(values: list[str]) -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in values)


@lru_cache(maxsize=1)
def _shipped_years() -> frozenset[int]:
    """The years the package answers for (it raises NotImplementedError past its last)."""
    years = {day.year for day in shipped.holidays}
    return frozenset(year for year in years if _package_knows(date(year, 12, 31)))


def _package_knows(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


_stamp: tuple[int, Any] | None = None
_checked_at = float("-inf")


def _recheck() -> None:
    """Forget the cache when the loaded schedules changed, asking the database once a minute."""
    global _stamp, _checked_at
    now = time.monotonic()
    if now - _checked_at < RECHECK_SECONDS:
        return
    _checked_at = now
    stamp = OfficialCalendar.objects.aggregate(count=Count("pk"), last=Max("updated_at"))
    current = (stamp["count"], stamp["last"])
    if current != _stamp:
        forget()
        _stamp = current
