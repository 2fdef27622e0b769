"""The catalog's part of the workbench, checked against the catalog's own rules for every demo
account: reviews are what the review workflow lets them publish, census parts what they may submit."""

import pytest

from cdohub.accounts.models import User
from cdohub.catalog.choices import CampaignStatus, ParticipationStatus, ResourceStatus
from cdohub.catalog.models import Participation, Resource
from cdohub.catalog.services import REVIEW
from cdohub.core.permissions import can
from cdohub.core.workbench import contribution

pytestmark = pytest.mark.django_db


def listed(key, user):
    result = contribution(key).query(user, 1000)
    assert result.count == len(result.items)
    return {i.url for i in result.items}


def check(key, expected_for):
    found = 0
    for user in User.objects.filter(is_active=True):
        expected = expected_for(user)
        assert listed(key, user) == expected, user.username
        found += len(expected)
    assert found, f"{key}: nothing in the demo to check against"


def test_resource_reviews_are_what_the_review_workflow_lets_them_publish():
    submitted = list(Resource.objects.filter(status=ResourceStatus.SUBMITTED))
    check(
        "catalog.resource_reviews",
        lambda user: {r.get_absolute_url() for r in submitted if REVIEW.allows(r, "publish", user)},
    )


def test_census_parts_owed_are_those_the_user_may_submit():
    owed = list(
        Participation.objects.filter(
            status__in=(ParticipationStatus.OPEN, ParticipationStatus.RETURNED),
            campaign__status=CampaignStatus.OPEN,
        )
    )
    check("catalog.census_due", lambda user: {p.get_absolute_url() for p in owed if can(user, "submit", p)})


def test_census_submissions_to_review_are_those_of_campaigns_the_user_reviews():
    submitted = list(
        Participation.objects.filter(status=ParticipationStatus.SUBMITTED).select_related("campaign")
    )
    check(
        "catalog.census_reviews",
        lambda user: {p.get_absolute_url() for p in submitted if can(user, "review", p.campaign)},
    )


def test_drafts_and_submissions_are_the_users_own(users):
    specialist = users["maoming_specialist"]
    drafts = contribution("catalog.my_drafts").query(specialist, 100)
    expected = Resource.objects.filter(
        created_by=specialist, status__in=(ResourceStatus.DRAFT, ResourceStatus.RETURNED)
    ).count()
    assert drafts.count == expected >= 1
    resource = Resource.objects.filter(created_by=specialist, status=ResourceStatus.DRAFT).first()
    Resource.objects.filter(pk=resource.pk).update(status=ResourceStatus.SUBMITTED, submitted_by=specialist)
    assert contribution("catalog.my_drafts").query(specialist, 100).count == expected - 1
    submitted = contribution("catalog.my_submissions").query(specialist, 100)
    assert resource.get_absolute_url() in {i.url for i in submitted.items}
    assert contribution("catalog.my_submissions").query(users["maoming_staff"], 100).count == 0


def test_the_home_page_asks_as_many_queries_with_many_items_as_with_few(users, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    specialist = users["maoming_specialist"]
    client = client_for("maoming_specialist")
    client.get("/")

    def page_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    few = page_queries()
    template = Resource.objects.filter(created_by=specialist).first()
    for n in range(20):
        Resource.objects.create(
            unit=template.unit,
            classification=template.classification,
            code=f"WB-{n:04d}",
            name=f"工作台测试资源{n}",
            created_by=specialist,
        )
    assert contribution("catalog.my_drafts").query(specialist, 8).count >= 20
    assert page_queries() == few
