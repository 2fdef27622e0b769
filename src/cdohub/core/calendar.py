"""Chinese working-day calendar: statutory holidays and adjusted working weekends (调休)."""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # beyond the years the calendar knows: plain weekdays
        return day.weekday() < 5


@lru_cache(maxsize=4096)  # dashboards ask the same (deadline, today) pair for every pilot
def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    day, count = low + timedelta(days=1), 0
    while day <= high:
        count += is_working_day(day)
        day += timedelta(days=1)
    return sign * count


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        remaining -= is_working_day(day)
    return day
