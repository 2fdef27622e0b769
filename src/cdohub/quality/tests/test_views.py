"""Quality pages: the dashboard, a resource's quality page, rules refused with the engine's reason,
a run's masked samples, answering an issue."""

import pytest
from django.urls import reverse

from cdohub.quality import services
from cdohub.quality.models import Issue, Rule, Run

pytestmark = pytest.mark.django_db


def test_dashboard_shows_scores_and_overdue_issues_of_the_demo(client_for):
    page = client_for("maoming_bureau").get(reverse("quality:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "茂名市公安局" in html and "茂名市生态环境局" in html
    assert 'id="quality-trend"' in html and "quality-trend-data" in html
    overdue = page.context["overdue"]
    assert overdue and all(i.escalated_at for i in overdue)  # the demo's overdue issue was escalated
    assert page.context["score"] is not None


def test_resource_page_binds_adds_rules_and_starts_a_run(
    bound, population, client_for, django_capture_on_commit_callbacks
):
    client = client_for("maoming_specialist")
    url = reverse("quality:resource_quality", args=[bound.pk])
    page = client.get(url)
    assert page.status_code == 200 and "rk" in page.content.decode()
    refused = client.post(
        reverse("quality:rule_create", args=[bound.pk]),
        {"kind": "regex", "columns": "XM", "params": '{"pattern": "[0-9"}', "weight": 1, "severity": "error"},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 200 and "regular expression is invalid" in refused.content.decode()
    saved = client.post(
        reverse("quality:rule_create", args=[bound.pk]),
        {
            "kind": "length",
            "columns": "XM",
            "params": '{"max": 20}',
            "weight": 1,
            "severity": "warning",
            "enabled": "on",
        },
    )
    assert saved.status_code == 302 and Rule.objects.filter(resource=bound, kind="length").exists()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("quality:run_start", args=[bound.pk]))
    run = Run.objects.filter(resource=bound).get()
    assert started.status_code == 302 and started["Location"] == reverse("quality:run_detail", args=[run.pk])
    detail = client.get(started["Location"]).content.decode()
    assert "440902********1235" in detail and "440902199001011235" not in detail
    progress = client.get(reverse("quality:run_progress", args=[run.pk]), {"poll": 1})
    assert progress["HX-Refresh"] == "true"


def test_staff_reads_but_does_not_manage(bound, client_for):
    client = client_for("maoming_staff")
    page = client.get(reverse("quality:resource_quality", args=[bound.pk]))
    assert page.status_code == 200 and 'id="run-scan"' not in page.content.decode()
    assert client.post(reverse("quality:run_start", args=[bound.pk])).status_code == 403
    assert client.get(reverse("quality:rule_create", args=[bound.pk])).status_code == 403


def test_issue_is_answered_on_its_page(bound, specialist, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.start_run(specialist, bound)
    issue = Issue.objects.filter(resource=bound, rule__kind="validator").get()
    client = client_for("maoming_specialist")
    page = client.get(reverse("quality:issue_detail", args=[issue.pk])).content.decode()
    assert 'id="answer-form"' in page and "440902********1235" in page
    client.post(
        reverse("quality:issue_answer", args=[issue.pk]), {"answer": "已核实并更正", "version": issue.version}
    )
    issue.refresh_from_db()
    assert issue.status == "answered" and issue.answer == "已核实并更正"
    listed = client.get(reverse("quality:issue_list")).content.decode()
    assert issue.heading in listed
    staff = client_for("maoming_staff")
    assert staff.post(reverse("quality:issue_answer", args=[issue.pk]), {"answer": "x"}).status_code == 403


def test_province_dashboard_has_a_row_per_city(client_for):
    page = client_for("gd_bureau").get(reverse("quality:dashboard"))
    assert page.status_code == 200
    assert [r["unit"].code for r in page.context["areas"]] == ["440900"]
    assert 'id="area-scores"' in page.content.decode()
    city = client_for("gd_bureau").get(
        reverse("quality:dashboard"), {"unit": page.context["areas"][0]["unit"].pk}
    )
    assert city.context["top"].code == "440900" and city.context["overdue_count"] >= 1
    assert (
        client_for("maonan_bureau")
        .get(reverse("quality:dashboard"), {"unit": city.context["top"].pk})
        .status_code
        == 404
    )
