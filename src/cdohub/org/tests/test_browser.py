"""The pilot scope, end to end in a real chromium (Playwright driving Debian's package)."""

import os

import pytest

from conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_maoming_nominates_a_third_county_and_the_province_sees_all_compliant(browser_page):
    page, base = browser_page
    sign_in(page, base, "maoming_bureau")
    maoming_row = page.locator("#compliance tr[data-city='440900']")
    assert "未达标" in maoming_row.locator(".status").inner_text()
    assert page.locator("#kpi-compliant").inner_text().strip() == "9 / 10"

    maoming_row.locator("a").first.click()
    assert "未达标" in page.locator("#city-status").inner_text()
    page.locator("#candidates tr[data-unit='440983'] button").click()  # 信宜市
    page.wait_for_selector("#nominated >> text=信宜市人民政府")
    assert "已达标" in page.locator("#city-status").inner_text()
    assert page.locator("#candidates tr[data-unit='440983']").count() == 0

    page.locator("#language-switch button[value='en']").click()
    page.wait_for_load_state()
    assert "Compliant" in page.locator("#city-status").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Pilot scope of" in page.locator("h1").inner_text()

    page.goto(f"{base}/dashboard/")
    page.locator("form[action$='/logout/'] button").click()
    sign_in(page, base, "gd_bureau")
    assert page.locator("#kpi-compliant").inner_text().strip() == "10 / 10"
    statuses = page.locator("#compliance td.status").all_inner_texts()
    assert len(statuses) == 10 and all("Compliant" in s and "Not" not in s for s in statuses)
    page.screenshot(path=os.path.join(os.environ.get("CDOHUB_ARTIFACTS", "/tmp"), "dashboard.png"))
