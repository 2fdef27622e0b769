"""Quality issues on the workbench: those a unit's registrars must answer, by their working-day
rectification date, and the overdue ones escalated to a chief data officer."""

import pytest

from cdohub.accounts.models import User
from cdohub.core import clock
from cdohub.core.workbench import contribution, gather
from cdohub.quality.choices import OPEN_ISSUE, IssueStatus
from cdohub.quality.models import Issue
from cdohub.quality.policies import body_cdos
from cdohub.quality.services import ISSUE

pytestmark = pytest.mark.django_db


def listed(key, user):
    result = contribution(key).query(user, 1000)
    assert result.count == len(result.items)
    return {i.url for i in result.items}


def test_issues_assigned_are_those_the_user_may_answer():
    open_issues = list(Issue.objects.filter(status=IssueStatus.OPEN))
    found = 0
    for user in User.objects.filter(is_active=True):
        expected = {i.get_absolute_url() for i in open_issues if ISSUE.allows(i, "answer", user)}
        assert listed("quality.issues_assigned", user) == expected, user.username
        found += len(expected)
    assert found


def test_escalated_issues_reach_the_cdo_of_the_body_they_were_escalated_to(users):
    escalated = list(Issue.objects.filter(status__in=OPEN_ISSUE, escalated_to__isnull=False))
    assert escalated
    for issue in escalated:
        for cdo in body_cdos(issue.escalated_to):
            assert issue.get_absolute_url() in listed("quality.issues_escalated", cdo)
    assert listed("quality.issues_escalated", users["maoming_specialist"]) == set()


def test_the_workbench_shows_working_days_left_with_the_overdue_first(users):
    (section,) = gather(users["maoming_cdeo"], keys=["quality.issues_assigned"])
    days = [item.days_left for item in section.items]
    assert days == sorted(days) and all(d is not None for d in days)
    today = clock.today()
    assert [item.overdue for item in section.items] == [item.deadline < today for item in section.items]
