from datetime import date

import pytest

from cdohub.core import calendar
from cdohub.core.calendar import add_working_days, is_working_day, working_days_between
from cdohub.core.models import OfficialCalendar

pytestmark = pytest.mark.django_db  # a loaded official schedule comes before the package's


@pytest.fixture(autouse=True)
def fresh_calendar():
    calendar.forget()
    yield
    calendar.forget()  # the test's schedules are rolled back: let no other test see them


def test_holidays_and_adjusted_weekends():
    assert not is_working_day(date(2021, 10, 1))  # National Day
    assert is_working_day(date(2021, 9, 26))  # a Sunday worked in lieu (调休)
    assert add_working_days(date(2021, 9, 30), 1) == date(2021, 10, 8)


def test_working_days_to_the_filing_deadline():
    # 2021-05-01..05 was the Labour Day holiday; Saturdays 04-24 and 05-08 were worked.
    assert working_days_between(date(2021, 4, 23), date(2021, 5, 31)) == 25
    assert working_days_between(date(2021, 5, 31), date(2021, 4, 23)) == -25
    assert working_days_between(date(2021, 5, 31), date(2021, 5, 31)) == 0


def test_a_year_without_an_official_schedule_keeps_its_statutory_holidays():
    assert calendar.is_official(2026) and not calendar.is_official(2027)
    assert not is_working_day(date(2027, 1, 1))  # New Year's Day, a Friday
    assert not is_working_day(date(2027, 2, 8))  # the Spring Festival's Monday
    assert not is_working_day(date(2027, 10, 1))  # National Day
    # Ten working days from Christmas Eve 2026 skip New Year's Day 2027.
    assert add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 8)
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 8)) == 10


def test_a_loaded_schedule_replaces_the_provisional_days_at_once():
    assert add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 8)  # cached from here on
    OfficialCalendar.objects.create(
        year=2027, notice="测试通知", holidays=["2027-01-01", "2027-01-04"], workdays=["2027-01-09"]
    )
    calendar.forget()
    assert calendar.is_official(2027)
    assert not is_working_day(date(2027, 1, 4)) and is_working_day(date(2027, 1, 9))  # a Saturday worked
    assert add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 9)


def test_a_notice_file_is_read_and_checked():
    text = 'year = 2027\nnotice = "国务院办公厅关于2027年部分节假日安排的通知"\nholidays = [2027-01-01]\n'
    assert calendar.parse_schedule(text) == {
        "year": 2027,
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": [date(2027, 1, 1)],
        "workdays": [],
    }
    with pytest.raises(ValueError):
        calendar.parse_schedule('year = "2027"\nnotice = "x"\n')
    with pytest.raises(ValueError):
        calendar.parse_schedule('year = 2027\nnotice = "x"\nholidays = ["1 January"]\n')
    assert len(calendar.check_days(2027, [date(2028, 1, 1)], [date(2027, 1, 4)])) == 2
    assert calendar.check_days(2027, [date(2027, 1, 1)], [date(2027, 1, 9)]) == []


def test_a_schedule_loaded_by_another_process_is_noticed_at_the_next_recheck(monkeypatch):
    assert not calendar.is_official(2027)
    OfficialCalendar.objects.create(year=2027, notice="测试通知", holidays=["2027-01-04"])
    assert not calendar.is_official(2027)  # this process still has its cache
    monkeypatch.setattr(calendar, "_checked_at", float("-inf"))  # a minute later
    assert calendar.is_official(2027) and not is_working_day(date(2027, 1, 4))
