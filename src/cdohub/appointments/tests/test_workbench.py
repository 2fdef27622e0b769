"""The filing workflow's part of the workbench: for every demo account, the filings it may decide
and those its bodies still owe are exactly what the workflow's own guards allow."""

import pytest

from cdohub.accounts.models import User
from cdohub.appointments.choices import FilingStatus
from cdohub.appointments.models import Appointment, ImplementationPlan
from cdohub.appointments.services import FILING
from cdohub.core.workbench import contribution

pytestmark = pytest.mark.django_db
FILINGS = (Appointment, ImplementationPlan)


def allowed(user, step, statuses):
    return {
        f.get_absolute_url()
        for model in FILINGS
        for f in model.objects.filter(status__in=statuses)
        if FILING[model].allows(f, step, user)
    }


def listed(key, user):
    result = contribution(key).query(user, 1000)
    assert result.count == len(result.items)
    return {i.url for i in result.items}


def test_filings_awaiting_a_decision_are_those_the_deciders_may_file():
    found = 0
    for user in User.objects.filter(is_active=True):
        expected = allowed(user, "file", (FilingStatus.SUBMITTED,))
        assert listed("appointments.filings_to_decide", user) == expected, user.username
        found += len(expected)
    assert found  # the demo has filings waiting (the province bureau's, at least)


def test_filings_owed_are_those_the_preparing_body_may_submit():
    found = 0
    for user in User.objects.filter(is_active=True):
        expected = allowed(user, "submit", (FilingStatus.DRAFT, FilingStatus.RETURNED))
        assert listed("appointments.filings_due", user) == expected, user.username
        found += len(expected)
    assert found


def test_an_owed_filing_carries_the_programs_deadline():
    owed = contribution("appointments.filings_due")
    answers = [owed.query(user, 8) for user in User.objects.filter(is_active=True)]
    items = [i for a in answers for i in a.items]
    assert items and all(i.deadline is not None for i in items)
