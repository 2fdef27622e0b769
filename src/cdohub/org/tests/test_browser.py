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


def shots_dir() -> str:
    return os.environ.get("CDOHUB_ARTIFACTS", "/tmp")


def test_the_unit_tree_opens_by_click_and_keyboard_and_a_search_reveals_a_unit(browser_page):
    page, base = browser_page
    sign_in(page, base, "maoming_specialist")
    page.goto(f"{base}/units/tree/")
    province = page.locator("#unit-tree > li[role='treeitem']").first
    province.wait_for()
    assert "广东省人民政府" in province.inner_text() and province.get_attribute("aria-expanded") == "false"

    province.locator(".toggle").first.click()  # a click opens it: its children come from the server
    city = page.locator("#unit-tree li[role='treeitem'][aria-label='茂名市人民政府']")
    city.wait_for()
    assert province.get_attribute("aria-expanded") == "true"
    assert city.get_attribute("aria-level") == "2"

    city.focus()  # the keyboard: right opens, down moves into the children, left goes back up
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#unit-tree li[aria-label='茂名市公安局']")
    assert city.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    first_child = page.evaluate("document.activeElement.getAttribute('aria-level')")
    assert first_child == "3"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "茂名市人民政府"
    page.keyboard.press("ArrowLeft")
    assert city.get_attribute("aria-expanded") == "false"
    page.screenshot(path=os.path.join(shots_dir(), "unit-tree-desktop.png"), full_page=True)

    page.goto(f"{base}/units/tree/")  # a fresh tree: the search opens it down to the match
    page.locator("#unit-tree > li[role='treeitem']").first.wait_for()
    page.fill("#unit-tree-q", "茂南区人民政府")
    result = page.locator("#unit-tree-results li", has_text="茂南区人民政府").first
    result.wait_for()
    assert "广东省人民政府 › 茂名市人民政府" in result.inner_text()
    result.locator("button").click()
    found = page.locator("#unit-tree li[aria-label='茂南区人民政府']")
    found.wait_for()
    assert found.locator(".node.found").count() == 1
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "茂南区人民政府"
    page.keyboard.press("Enter")  # Enter opens the unit's page
    page.wait_for_url("**/units/*/")
    assert "茂南区人民政府" in page.locator("h1").inner_text()

    from cdohub.org.models import Unit

    foshan_wj = Unit.objects.get(code="440600-WJ")
    page.goto(f"{base}/units/tree/?open={foshan_wj.pk}")  # a link from elsewhere opens the tree there
    page.wait_for_selector("#unit-tree li[aria-label='佛山市卫生健康局'] > .node.found")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/units/tree/")
    page.fill("#unit-tree-q", "局")
    page.wait_for_selector("#unit-tree-results li")
    assert page.locator("#unit-tree-results li").count() == 30
    assert "仅显示前 30 个结果" in page.locator("#unit-tree-results").inner_text()
    page.locator("#unit-tree-results").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(shots_dir(), "unit-tree-390-search.png"))
    page.locator("button[data-reveal]").first.click()
    page.wait_for_selector("#unit-tree .node.found")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width})"
    page.screenshot(path=os.path.join(shots_dir(), "unit-tree-390.png"))
