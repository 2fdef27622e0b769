"""Data quality end to end in a real chromium: a data specialist links an item to the 公民身份号码
data element, runs a check, sees the failing rows masked, answers the opened issue; once the data
is fixed, a rerun closes it."""

import pytest
from django.conf import settings

from cdohub.accounts.models import User
from cdohub.catalog.models import InformationItem
from cdohub.org.models import Unit
from cdohub.quality import services
from cdohub.quality.models import Issue
from cdohub.standards.models import DataElement
from conftest import sign_in

from . import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def population_path():
    folder = settings.DATA_DIR / "sources" / "browser-quality"
    folder.mkdir(parents=True, exist_ok=True)
    path = factories.population_file(folder / "population.sqlite3", blank_names=0, unknown_sex=0)
    yield path
    path.unlink(missing_ok=True)


def test_link_run_see_masked_rows_answer_and_close(browser_page, population_path):
    page, base = browser_page
    specialist = User.objects.get(username="maoming_specialist")
    police = Unit.objects.get(code="440900-GA")
    source = factories.register(
        specialist, police, "人口库（浏览器测试）", kind="sqlite", path=str(population_path)
    )
    resource = factories.resource(specialist, name="人口基础信息（浏览器测试）")
    services.bind_resource(specialist, resource, source=source, table="rk")
    item = InformationItem.objects.get(resource=resource, column_name="GMSFHM")
    element = DataElement.objects.get(identifier="DE00001")

    sign_in(page, base, "maoming_specialist")
    page.goto(f"{base}/standards/items/{item.pk}/link/?element={element.pk}")
    page.click("#link-element")
    page.wait_for_selector("#current-link >> text=公民身份号码")

    page.goto(f"{base}/quality/resources/{resource.pk}/")
    rule = page.locator("#rules tr.rule[data-kind=validator]")
    assert "标识符校验：18 位居民身份证号码" in rule.inner_text() and "DE00001" in rule.inner_text()
    page.click("#run-scan")
    page.wait_for_selector(".run-status[data-status=succeeded]")
    result = page.locator(".result[data-kind=validator]")
    assert result.get_attribute("data-failed") == "3"
    shown = result.locator("table.samples").inner_text()
    for bad in factories.BAD_IDS:
        assert bad not in shown and f"{bad[:6]}********{bad[-4:]}" in shown  # first 6 and last 4 kept

    page.goto(f"{base}/quality/resources/{resource.pk}/")
    page.locator("#open-issues a").first.click()
    page.fill("#id_answer", "已核对户籍档案，三条号码系录入错误，已在业务系统中更正。")
    page.click("#answer")
    page.wait_for_selector("#issue-status[data-status=answered]")
    issue_url = page.url

    factories.population_file(population_path, ids=factories.GOOD_IDS, blank_names=0, unknown_sex=0)
    page.goto(f"{base}/quality/resources/{resource.pk}/")
    page.click("#run-scan")
    page.wait_for_selector(".run-status[data-status=succeeded]")
    assert page.locator(".result[data-kind=validator]").get_attribute("data-failed") == "0"
    page.goto(issue_url)
    page.wait_for_selector("#issue-status[data-status=closed]")
    assert Issue.objects.get(resource=resource).status == "closed"
