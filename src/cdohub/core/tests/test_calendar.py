from datetime import date

from cdohub.core.calendar import add_working_days, is_working_day, working_days_between


def test_holidays_and_adjusted_weekends():
    assert not is_working_day(date(2021, 10, 1))  # National Day
    assert is_working_day(date(2021, 9, 26))  # a Sunday worked in lieu (调休)
    assert add_working_days(date(2021, 9, 30), 1) == date(2021, 10, 8)


def test_working_days_to_the_filing_deadline():
    # 2021-05-01..05 was the Labour Day holiday; Saturdays 04-24 and 05-08 were worked.
    assert working_days_between(date(2021, 4, 23), date(2021, 5, 31)) == 25
    assert working_days_between(date(2021, 5, 31), date(2021, 4, 23)) == -25
    assert working_days_between(date(2021, 5, 31), date(2021, 5, 31)) == 0
