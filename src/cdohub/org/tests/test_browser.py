"""The pilot scope, end to end in a real chromium (Playwright driving Debian's package)."""

import os
import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser_page(live_server):
    from playwright.sync_api import sync_playwright

    from cdohub.accounts.models import User
    from conftest import load_demo

    if not User.objects.filter(username="admin").exists():
        load_demo()
    # Playwright's sync API runs an event loop in this thread; the ORM calls above are done.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page, live_server.url
        browser.close()


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Demo@2021!")
    page.click("#sign-in")
    page.wait_for_url(f"{base}/dashboard/")


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
