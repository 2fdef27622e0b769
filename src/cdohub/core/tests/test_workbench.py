"""The workbench registry and page: contributions declared by the apps, counts and bounded lists,
deadlines in working days with the overdue first, an empty list that says why, and a cost that does
not grow with the number of items."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cdohub.core import workbench
from cdohub.core.models import Notification
from cdohub.core.permissions import Scope
from cdohub.core.workbench import Answer, Item, Kind

pytestmark = pytest.mark.django_db

EXISTING_APPS = {"appointments", "catalog", "projects", "quality", "standards"}


def test_every_existing_app_contributes_through_its_own_workbench_module():
    keys = [c.key for c in workbench.contributions()]
    assert {key.split(".")[0] for key in keys} == EXISTING_APPS
    assert len(keys) == len(set(keys))
    kinds = [workbench.KIND_ORDER.index(c.kind) for c in workbench.contributions()]
    assert kinds == sorted(kinds)  # grouped in the page's order
    for c in workbench.contributions():
        assert str(c.label) and str(c.empty), c.key
        if c.url:
            reverse(c.url)


def test_a_new_app_plugs_in_by_declaring_a_contribution():
    @workbench.contribute("reporting.due", "Reports due", Kind.DEADLINE, empty="No report is due.")
    def reports_due(user, limit):
        return Answer(3, [Item("Q3 report", "/reports/1/", deadline=date(2026, 12, 1))])

    try:
        (section,) = workbench.gather(None, keys=["reporting.due"])
        assert section.count == 3 and section.more == 2
        assert section.items[0].overdue  # 2026-12-01 is before the test's today
    finally:
        workbench._contributions.pop("reporting.due")


def test_a_key_declared_twice_by_different_queries_is_refused():
    workbench.contribute("x.twice", "x", Kind.DRAFT, empty="x")(lambda user, limit: Answer(0))
    try:
        with pytest.raises(ValueError, match="declared twice"):

            @workbench.contribute("x.twice", "x", Kind.DRAFT, empty="x")
            def other(user, limit):
                return Answer(0)
    finally:
        workbench._contributions.pop("x.twice")


def test_overdue_first_then_by_deadline_and_undated_last():
    today = date(2026, 12, 3)  # a Thursday
    items = [
        Item("undated", "/a/"),
        Item("next week", "/b/", deadline=date(2026, 12, 10)),
        Item("long overdue", "/c/", deadline=date(2026, 11, 2)),
        Item("overdue", "/d/", deadline=date(2026, 12, 1)),
    ]
    ordered = workbench.with_days_left(items, today)
    assert [i.title for i in ordered] == ["long overdue", "overdue", "next week", "undated"]
    assert ordered[1].days_left == -2 and ordered[1].days_overdue == 2
    assert ordered[2].days_left == 5 and not ordered[2].overdue


def test_an_answer_is_one_page_and_one_count_whatever_the_number_of_rows(users):
    mine = Notification.objects.filter(recipient=users["maonan_bureau"]).order_by("pk")
    for n in range(3):
        Notification.objects.create(recipient=users["maonan_bureau"], title=f"n{n}")
    for limit in (2, 10):
        with CaptureQueriesContext(connection) as ctx:
            result = workbench.answer(mine, limit, lambda n: Item(n.title, "/"))
        assert result.count == mine.count() and len(result.items) == min(limit, mine.count())
        assert len(ctx.captured_queries) == 2
        assert "LIMIT" in ctx.captured_queries[0]["sql"] and "COUNT" in ctx.captured_queries[1]["sql"]


def test_a_list_for_roles_the_user_does_not_hold_asks_nothing(users):
    Scope.of(users["maoming_staff"])  # the user's grants, read once per request
    with CaptureQueriesContext(connection) as ctx:
        (section,) = workbench.gather(users["maoming_staff"], keys=["projects.reviews_to_decide"])
    assert section.count == 0 and not ctx.captured_queries


def test_the_home_page_is_the_workbench_with_counts_lists_and_the_dashboard_one_click_away(client_for):
    response = client_for("gd_bureau").get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="workbench-counts"' in page and reverse("org:dashboard") in page
    assert client_for("gd_bureau").get(reverse("core:home")).status_code == 200
    listed = {s.contribution.key: s for _kind, sections in response.context["groups"] for s in sections}
    reviews = listed["catalog.resource_reviews"]
    assert reviews.count and reviews.items[0].url in page
    empty = response.context["empty"]
    assert len(listed) + len(empty) == len(workbench.contributions())
    for section in empty:  # an empty list says why
        assert not section.count and str(section.contribution.empty) in page


def test_a_user_without_roles_is_told_why_nothing_waits(client):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="x")
    client.force_login(nobody)
    page = client.get(reverse("home")).content.decode()
    assert "workbench-item" not in page and 'id="workbench-clear"' in page
    empty_rows = page.count('class="list-group-item workbench-section workbench-empty')
    assert empty_rows == len(workbench.contributions())


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("username", ["gd_bureau", "maoming_cdo", "maoming_specialist"])
def test_the_page_costs_a_bounded_number_of_queries(client_for, username):
    client = client_for(username)
    client.get(reverse("home"))  # warm the per-process caches (calendar)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("home"))
    # session, user, scope, the unread count, then at most a page and a count per list
    assert len(ctx.captured_queries) <= 6 + 4 * len(workbench.contributions())
