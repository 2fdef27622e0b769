"""The main menu and the confirmation of final acts, in a real chromium, as every demo account.

Every page the menu links to opens (no 403, 404 or 500) with its section highlighted and its
breadcrumbs; no link on those pages leads to a page that answers 403 (or 404, 500); at 390 px the
menu folds behind a button that opens it. A veto asks first: cancelling keeps the typed reasons,
confirming vetoes.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from cdohub.core.management.commands.demo import DEMO_PASSWORD, demo_modules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("CDOHUB_ARTIFACTS", "/tmp"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
REFUSED = {403, 404, 500}
OUTSIDE_THE_LAYOUT = ("/api/", "/admin/")  # Swagger UI and Django's admin draw their own pages
NOT_FOLLOWED = ("/accounts/logout/", "/i18n/")  # forms, not pages


def demo_logins():
    names = []
    for module in demo_modules():
        names += [username for username, _role, _unit in module.logins() if username not in names]
    return names


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("#sign-in")
    if "/accounts/login/" in page.url:
        said = " ".join(page.locator("main").all_inner_texts())
        raise AssertionError(f"{username} could not sign in: {said}")


def menu_links(page):
    return page.eval_on_selector_all(
        "#main-menu [data-nav]", "links => links.map((a) => [a.dataset.nav, a.getAttribute('href')])"
    )


def page_links(page):
    """The addresses the page's own content links to on this site (GET pages, not forms)."""
    script = "links => links.map((a) => a.getAttribute('href'))"
    hrefs = page.eval_on_selector_all("main a[href^='/']", script)
    return [h for h in hrefs if not h.startswith(NOT_FOLLOWED)]


def view_name(href):
    try:
        return resolve(urlsplit(href).path).view_name
    except Resolver404:
        return href


def check_the_phone_menu(page, base, username):
    page.set_viewport_size(PHONE)
    page.reload()
    menu = page.locator("#main-menu")
    assert menu.is_hidden(), f"{username}: the menu should fold at 390 px"
    page.click("#menu-toggle")
    page.wait_for_selector("#main-menu.show")
    group = page.locator("#main-menu .dropdown-toggle").first
    group.click()
    assert page.locator("#main-menu .dropdown-menu.show .dropdown-item").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scroll"
    page.set_viewport_size(DESKTOP)


@pytest.mark.timeout(2400)
def test_every_menu_page_opens_for_every_demo_account_with_its_section_and_breadcrumbs(browser_page):
    page, base = browser_page
    page.set_viewport_size(DESKTOP)
    logins = demo_logins()
    assert len(logins) >= 15
    failures = []
    browser = page.context.browser
    for username in logins:
        page.context.close()  # a fresh browser context for each account: nothing carried over
        page = browser.new_context(locale="zh-CN", viewport=DESKTOP).new_page()
        page.set_default_timeout(15000)
        sign_in(page, base, username)
        check_the_phone_menu(page, base, username)
        followed = set()
        for name, href in menu_links(page):
            response = page.goto(base + href)
            if response.status in REFUSED:
                failures.append(f"{username}: menu entry {name} {href} answers {response.status}")
                continue
            if href.startswith(OUTSIDE_THE_LAYOUT) or urlsplit(page.url).path != href:
                continue  # another layout, or a redirect (the workbench may send on)
            if page.locator(f"#main-menu [data-nav='{name}'].active").count() != 1:
                failures.append(f"{username}: {href} does not highlight its menu entry")
            if href != "/" and page.locator("#breadcrumbs .breadcrumb-item").count() < 2:
                failures.append(f"{username}: {href} has no breadcrumbs")
            for link in page_links(page):
                key = view_name(link)
                if key in followed:
                    continue
                followed.add(key)
                status = page.request.get(base + link, max_redirects=0).status
                if status in REFUSED:
                    failures.append(f"{username}: {href} links to {link}, which answers {status}")
    assert not failures, "\n".join(failures)


def test_the_bar_holds_a_long_name_at_1440_and_folds_at_390(browser_page):
    from cdohub.accounts.models import User

    long_name = "茂名市人民政府首席数据官兼数据管理局局长"
    assert len(long_name) == 20
    User.objects.filter(username="maoming_cdo").update(display_name=long_name)
    page, base = browser_page
    page.set_viewport_size(DESKTOP)
    sign_in(page, base, "maoming_cdo")
    page.goto(f"{base}/catalog/resources/")
    bar = page.locator("#main-nav").bounding_box()
    assert bar["height"] < 80, "the bar stays one line with a 20-character name"
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert page.locator("#current-user").get_attribute("title") == long_name
    page.screenshot(path=SHOTS / "nav-desktop-1440.png")
    page.locator("#main-menu [data-nav-group='resources'] .dropdown-toggle").click()
    page.screenshot(path=SHOTS / "nav-desktop-1440-open.png")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/catalog/resources/")
    assert page.locator("#main-menu").is_hidden()
    page.screenshot(path=SHOTS / "nav-phone-390.png", full_page=True)
    page.click("#menu-toggle")
    page.wait_for_selector("#main-menu.show")
    page.locator("#main-menu [data-nav-group='resources'] .dropdown-toggle").click()
    page.screenshot(path=SHOTS / "nav-phone-390-open.png", full_page=True)
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    assert page.locator("#product-name").inner_text() == "首席数据官工作平台"
    assert page.locator("#language-switch button").all_inner_texts() == ["中文", "English"]
    page.screenshot(path=SHOTS / "sign-in-phone-390.png", full_page=True)


def test_a_veto_asks_first_cancel_keeps_the_reasons_and_confirm_vetoes(browser_page):
    from cdohub.accounts.models import User
    from cdohub.projects import services
    from cdohub.projects.models import Review

    review = Review.objects.get(project__name="深圳市就业创业一体化服务平台", status="submitted")
    decider = next(u for u in User.objects.all() if services.REVIEW.allows(review, "veto", u))
    page, base = browser_page
    page.set_viewport_size(DESKTOP)
    sign_in(page, base, decider.username)
    page.goto(f"{base}{review.get_absolute_url()}")
    reasons = "拟采集的就业登记信息已在目录中共享，不得重复采集。"
    page.fill("#id_reasons", reasons)
    page.click("#veto")
    dialog = page.locator("#confirm-dialog")
    page.wait_for_selector("#confirm-dialog.show #confirm-ok")
    assert "一票否决" in dialog.locator("#confirm-title").inner_text()
    assert "新一轮" in dialog.locator("#confirm-body").inner_text()  # what will happen
    assert "不可撤销" in dialog.locator("#confirm-final").inner_text()  # and that it is final
    page.screenshot(path=SHOTS / "veto-confirm-1440.png")
    page.click("#confirm-cancel")
    page.wait_for_selector("#confirm-dialog", state="hidden")
    assert page.input_value("#id_reasons") == reasons  # nothing typed is lost
    review.refresh_from_db()
    assert review.status == "submitted"  # and nothing was sent

    page.click("#veto")
    page.wait_for_selector("#confirm-dialog.show #confirm-ok")
    with page.expect_navigation():
        page.click("#confirm-ok")
    page.wait_for_selector("#veto-record")
    assert reasons in page.locator("#veto-record").inner_text()
    review.refresh_from_db()
    assert review.status == "vetoed" and review.reasons == reasons  # the button pressed was the veto
