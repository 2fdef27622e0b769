"""The audit log in a real chromium: the auditor filters by an event type chosen by its Chinese
name, verifies the chain, exports; a project's page shows its history; the page holds at 390 px."""

import os
from pathlib import Path

import pytest

from cdohub.core.models import AuditEntry
from cdohub.projects.models import Project
from conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, full_page=True):
    folder = os.environ.get("CDOHUB_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def test_auditor_filters_verifies_and_exports(browser_page):
    page, base = browser_page
    sign_in(page, base, "gd_auditor")
    page.goto(f"{base}/audit/")
    page.select_option("#id_action", label="首席数据官否决信息化项目")
    page.click("#audit-filters button.btn-primary")
    page.wait_for_url("**/audit/?*action=project.vetoed*")
    vetoes = AuditEntry.objects.filter(action="project.vetoed").count()
    assert page.locator(".audit-entry").count() == vetoes > 0
    assert set(page.locator(".audit-what").all_inner_texts()) == {"首席数据官否决信息化项目"}
    assert "理由" in page.locator(".audit-changes").first.inner_text()
    shot(page, "audit-log-filtered-desktop")

    page.click("#verify-button")
    page.wait_for_selector("#verification")
    assert "审计日志完整" in page.locator("#verification").inner_text()
    assert AuditEntry.objects.latest("id").action == "audit.verified"
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "audit-log-verified-390", full_page=False)
    page.locator(".audit-entry").nth(2).scroll_into_view_if_needed()
    shot(page, "audit-log-entries-390", full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways at 390 px ({width})"

    page.set_viewport_size({"width": 1440, "height": 1000})
    with page.expect_download() as download:
        page.click("#export-link")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert AuditEntry.objects.latest("id").action == "audit.exported"

    project = Project.objects.filter(unit__code__startswith="4409").order_by("pk").first()
    page.goto(f"{base}{project.get_absolute_url()}")
    page.click("#history summary")
    entries = page.locator("#history .audit-entry")
    assert (
        entries.count()
        == AuditEntry.objects.filter(object_type="projects.project", object_id=str(project.pk)).count()
    )
    shot(page, "project-history-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#history .audit-entry").first.scroll_into_view_if_needed()
    shot(page, "project-history-390", full_page=False)
