"""Project reviews and findings on the workbench: the CDO sees the rounds they decide, the unit's
registrars the orders to rectify by their working-day deadline, the issuer the reports to verify."""

import pytest

from cdohub.accounts.models import User
from cdohub.core.workbench import contribution
from cdohub.org.models import Unit
from cdohub.projects import services
from cdohub.projects.choices import FindingStatus, ReviewStatus
from cdohub.projects.models import Finding, Review
from cdohub.projects.services import FINDING, REVIEW

from .factories import new_project

pytestmark = pytest.mark.django_db


def listed(key, user):
    result = contribution(key).query(user, 1000)
    assert result.count == len(result.items)
    return {i.url for i in result.items}


def check(key, rows, step):
    found = 0
    for user in User.objects.filter(is_active=True):
        expected = {r.get_absolute_url() for r in rows if step(r, user)}
        assert listed(key, user) == expected, user.username
        found += len(expected)
    return found


@pytest.fixture
def under_review(users):
    """A 茂名市公安局 project submitted by its data specialist: the city's CDO decides it."""
    project = new_project(
        users["maoming_specialist"], unit_code="440900-GA", name="茂名市警务数据平台（工作台测试）"
    )
    return services.submit(users["maoming_specialist"], project, "initiation")


@pytest.fixture
def order(users):
    return services.open_finding(
        users["maoming_cdo"],
        unit=Unit.objects.get(code="440900-GA"),
        category="sharing",
        severity="medium",
        title="警务数据未按目录共享（工作台测试）",
        description="x",
        evidence="x",
        order_kind="correct",
        order_text="按目录共享",
        deadline_days=5,
    )


def test_reviews_to_decide_are_what_the_review_workflow_lets_the_cdo_decide(users, under_review):
    before = contribution("projects.reviews_to_decide").query(users["maoming_cdo"], 100).count
    rows = list(Review.objects.filter(status=ReviewStatus.SUBMITTED))
    assert check("projects.reviews_to_decide", rows, lambda r, u: REVIEW.allows(r, "approve", u))
    assert under_review.get_absolute_url() in listed("projects.reviews_to_decide", users["maoming_cdo"])
    assert under_review.get_absolute_url() in listed("projects.my_reviews", users["maoming_specialist"])
    services.decide(users["maoming_cdo"], under_review, "approve", under_review.version)
    assert contribution("projects.reviews_to_decide").query(users["maoming_cdo"], 100).count == before - 1


def test_findings_assigned_and_to_verify_follow_the_finding_workflow(users, order):
    open_rows = list(Finding.objects.filter(status=FindingStatus.OPEN))
    assert check("projects.findings_assigned", open_rows, lambda f, u: FINDING.allows(f, "answer", u))
    assigned = contribution("projects.findings_assigned").query(users["maoming_specialist"], 100)
    mine = next(i for i in assigned.items if i.url == order.get_absolute_url())
    assert mine.deadline == order.due_on and mine.days_left is None  # the workbench adds the days left
    services.answer_finding(users["maoming_specialist"], order, "已共享", seen_version=order.version)
    answered = list(Finding.objects.filter(status=FindingStatus.ANSWERED))
    assert check("projects.findings_to_verify", answered, lambda f, u: FINDING.allows(f, "close", u))
    assert order.get_absolute_url() in listed("projects.findings_to_verify", users["maoming_cdo"])
