"""The demo lives now: the pilot's own dates are history, its open work is laid around today.

Whoever signs in as a demo role finds work waiting in their area, deadlines a few working days
ahead and a few just missed (never years), and no unread notice about something already decided.
"""

from datetime import date

import pytest
from django.urls import resolve
from django.utils import timezone

from cdohub.appointments import services as appointments
from cdohub.appointments.models import Appointment, ImplementationPlan
from cdohub.catalog import services as catalog
from cdohub.catalog.models import CensusCampaign, Participation, Resource
from cdohub.core import clock
from cdohub.core.calendar import working_days_between
from cdohub.core.models import Notification
from cdohub.core.permissions import restrict
from cdohub.org.models import Milestone
from cdohub.projects import services as projects
from cdohub.projects.models import Finding, Review
from cdohub.quality.models import Issue

ROLES = [
    "admin",
    "gd_bureau",
    "gd_lgo",
    "gd_auditor",
    "maoming_bureau",
    "maoming_lgo",
    "maoming_cdo",
    "maoming_cdeo",
    "maoming_specialist",
    "maoming_staff",
    "maonan_bureau",
    "bureau_440300",
    "cdo_440100-GA",
    "ds_440300-RS",
    "ds_440900-SJ",
]
RECENT = 10  # working days: what is waiting was submitted within the last two weeks


def deadlines(user) -> list[date]:
    """The deadlines of the open work the user sees: issues, orders and censuses."""
    issues = restrict(user, "view", Issue.objects.filter(status__in=("open", "answered")))
    orders = restrict(user, "view", Finding.objects.filter(status="open"))
    censuses = restrict(user, "view", CensusCampaign.objects.filter(status="open"))
    return [
        *issues.values_list("due_on", flat=True),
        *orders.values_list("due_on", flat=True),
        *censuses.values_list("deadline", flat=True),
    ]


def recent(moment) -> bool:
    return working_days_between(timezone.localdate(moment), clock.today()) <= RECENT


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_every_role_sees_deadlines_ahead_and_a_few_just_missed(users, username):
    today = clock.today()
    days = deadlines(users[username])
    ahead = [d for d in days if d >= today]
    missed = [working_days_between(d, today) for d in days if d < today]
    assert ahead, f"{username} sees no deadline ahead"
    assert missed, f"{username} sees no deadline just missed"
    assert max(missed) < 30, f"{username} sees work overdue by {max(missed)} working days"
    assert min(working_days_between(today, d) for d in ahead) <= 15


def filings_to_decide(user):
    submitted = [
        f
        for model in (Appointment, ImplementationPlan)
        for f in restrict(user, "view", model.objects.filter(status="submitted"))
    ]
    return [f for f in submitted if appointments.FILING[type(f)].allows(f, "file", user)]


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["gd_bureau", "maoming_bureau", "bureau_440300"])
def test_bureau_registrars_have_filings_submitted_lately_to_decide(users, username):
    waiting = filings_to_decide(users[username])
    assert waiting and all(recent(f.submitted_at) for f in waiting)


@pytest.mark.django_db
def test_no_filing_has_waited_for_a_decision_since_the_pilot(users):
    for model in (Appointment, ImplementationPlan):
        for filing in model.objects.filter(status="submitted"):
            assert recent(filing.submitted_at), f"{filing} waits since {filing.submitted_at:%Y-%m-%d}"


@pytest.mark.django_db
def test_the_district_bureau_has_census_resources_to_review(users):
    maonan = users["maonan_bureau"]
    resources = restrict(maonan, "view", Resource.objects.filter(status="submitted"))
    assert [r for r in resources if catalog.REVIEW.allows(r, "publish", maonan)]
    behind = Participation.objects.filter(campaign__organiser__code="440902-SJJ", status="open")
    assert behind.exists()  # one department still registering


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["maoming_cdo", "cdo_440100-GA"])
def test_cdos_have_a_project_review_submitted_lately_to_decide(users, username):
    cdo = users[username]
    reviews = restrict(cdo, "view", Review.objects.filter(status="submitted"))
    waiting = [r for r in reviews if projects.REVIEW.allows(r, "approve", cdo)]
    assert waiting and all(recent(r.submitted_at) for r in waiting)


@pytest.mark.django_db
def test_specialists_have_issues_and_orders_of_their_unit_to_rectify(users):
    issue = Issue.objects.filter(unit=users["maoming_specialist"].home_unit, status="open")
    assert issue.exists()
    for username in ("ds_440900-SJ", "ds_440300-RS"):
        assert Finding.objects.filter(unit=users[username].home_unit, status="open").exists()
    assert Resource.objects.filter(unit__code="440900-GA", status="draft").exists()  # census draft


@pytest.mark.django_db
def test_the_city_leading_group_office_has_a_successor_with_the_province(users):
    submitted = Appointment.objects.filter(submitted_by=users["maoming_lgo"], status="submitted")
    assert submitted.exists() and all(a.filing_body.code == "440000-SJJ" for a in submitted)


OPEN = {
    "appointments:appointment_detail": (Appointment, {"submitted"}),
    "appointments:plan_detail": (ImplementationPlan, {"submitted"}),
    "projects:review_detail": (Review, {"submitted"}),
    "projects:finding_detail": (Finding, {"open", "answered"}),
    "quality:issue_detail": (Issue, {"open", "answered"}),
    "catalog:campaign_detail": (CensusCampaign, {"open"}),
    "catalog:resource_detail": (Resource, {"submitted", "returned"}),
}


@pytest.mark.django_db
def test_unread_notices_are_about_work_still_open_and_history_was_read(users):
    unread = Notification.objects.filter(read_at__isnull=True)
    assert unread.filter(recipient__username__in=ROLES).count() >= 10
    for notice in unread:
        match = resolve(notice.url)
        model, still_open = OPEN[f"{match.namespace}:{match.url_name}"]
        subject = model.objects.get(pk=match.kwargs["pk"])
        assert subject.status in still_open, f"{notice.title} is unread, but {subject} is {subject.status}"
    assert Notification.objects.filter(read_at__isnull=False).count() > unread.count()


@pytest.mark.django_db
def test_the_plans_own_dates_stay_history(program):
    due = dict(Milestone.objects.filter(program=program).values_list("key", "due_on"))
    assert due == {"filing": date(2021, 5, 31), "summary": date(2022, 6, 30)}
    filed_2021 = Appointment.objects.filter(program=program, status="filed", submitted_at__year=2021)
    assert filed_2021.count() > 50


@pytest.mark.django_db
def test_a_server_started_by_the_demo_says_how_its_dates_are_laid(client_for, settings, users):
    client = client_for("maoming_cdo")
    assert 'id="demo-banner"' not in client.get("/dashboard/").content.decode()
    settings.CDOHUB = {**settings.CDOHUB, "DEMO": True}
    html = client.get("/dashboard/").content.decode()
    loaded = timezone.localdate(users["admin"].date_joined)  # the day the demo was laid around
    assert 'id="demo-banner"' in html and f"{loaded.year}年{loaded.month}月{loaded.day}日" in html
    assert "真实" in html  # the plan's own dates are its real history
