"""The workbench in a real chromium, as three demo roles: a bureau clerk (the city data bureau's
administrator), a CDO and a data specialist each land on their own workbench after signing in, see
the counts of what waits for them, and reach the page where one item is acted on in one click.
Screenshots (desktop and 390 px) go to CDOHUB_SHOTS when it is set."""

import os
from pathlib import Path

import pytest

from cdohub.core.workbench import gather
from conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("maoming_bureau", "catalog.resource_reviews", "bureau-clerk"),
    ("maoming_cdo", "quality.issues_escalated", "cdo"),
    ("maoming_specialist", "catalog.census_due", "data-specialist"),
]


def shoot(page, name):
    folder = os.environ.get("CDOHUB_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{folder}/workbench-{name}-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{folder}/workbench-{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1440, "height": 1000})


def test_three_roles_see_their_counts_and_click_through_to_an_item(browser_page, users):
    page, base = browser_page
    for username, key, name in ROLES:
        expected = {s.contribution.key: s.count for s in gather(users[username])}
        assert expected[key], f"{username} has nothing under {key} in the demo"
        page.context.clear_cookies()
        sign_in(page, base, username, then=None)
        assert page.url == f"{base}/"
        for section in page.locator(".workbench-section").all():
            assert int(section.get_attribute("data-count")) == expected[section.get_attribute("data-key")]
        assert page.locator("#program-dashboard").is_visible()
        shoot(page, name)
        section = page.locator(f".workbench-section[data-key='{key}']")
        link = section.locator(".workbench-item a").first
        target = link.get_attribute("href")
        link.click()
        page.wait_for_url(f"{base}{target}")
        assert page.locator("h1").count()  # the item's own page
