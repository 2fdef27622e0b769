"""The Content-Security-Policy in a real chromium: every page is served with it, and the pages, the
vendored assets (Bootstrap, htmx, ECharts, Swagger UI), the browsable API and the admin work under it
without one violation (the `browser_page` fixture fails any test the policy blocks something in)."""

import pytest

from conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIOLATIONS = """() => new Promise((resolve) => {
  const seen = [];
  document.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective));
  setTimeout(() => resolve(seen), 300);
})"""


def test_pages_charts_forms_and_api_docs_work_under_the_policy(browser_page):
    page, base = browser_page
    response = page.goto(f"{base}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy

    sign_in(page, base, "admin")
    page.wait_for_selector("#compliance-chart canvas")  # ECharts drew the dashboard's chart
    page.goto(f"{base}/quality/")
    page.wait_for_selector("#quality-trend canvas")
    chooser = page.locator("select[data-submit-on-change]")
    if chooser.count():  # a user over several top units picks one, and the page follows at once
        value = chooser.locator("option").nth(1).get_attribute("value")
        with page.expect_navigation():
            chooser.select_option(value)
        assert f"unit={value}" in page.url

    page.goto(f"{base}/sources/new/")
    page.select_option("#id_kind", "sqlite")
    assert page.locator("#id_host").is_hidden() and page.locator("#id_path").is_visible()
    page.select_option("#id_kind", "postgresql")
    assert page.locator("#id_host").is_visible() and page.locator("#id_path").is_hidden()

    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")  # the API operations are listed
    page.goto(f"{base}/api/regions/")  # the browsable API
    page.wait_for_selector(".response-info")
    page.goto(f"{base}/admin/")
    page.wait_for_selector("#content-main")
    page.goto(f"{base}/no-such-page/")
    page.wait_for_selector("#back-home")
    assert page.evaluate(VIOLATIONS) == []
