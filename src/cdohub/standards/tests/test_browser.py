"""In a real chromium: a bureau drafts a code set and a data element and publishes them; a data
specialist finds the element by searching on the link page, sees the rules it implies and links."""

import pytest

from cdohub.standards.models import ElementLink
from conftest import confirm, sign_in

from .factories import population_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_publish_search_and_link(browser_page):
    page, base = browser_page
    sign_in(page, base, "maoming_bureau")
    page.goto(f"{base}/standards/code-sets/new/")
    page.fill("#id_identifier", "MM-HJ")
    page.fill("#id_name", "户籍类型代码")
    page.fill("#id_values_text", "1\t本地户籍\n2\t外地户籍")
    page.click("#save-code-set")
    confirm(page, "#publish-code-set")
    page.wait_for_selector("#code-set-status.bg-success")
    page.goto(f"{base}/standards/elements/new/")
    page.fill("#id_identifier", "MM-DE-HJ")
    page.fill("#id_name", "户籍类型")
    page.select_option("#id_data_type", "C")
    page.fill("#id_format", "n1")
    page.select_option("#id_code_set", label="户籍类型代码（MM-HJ）")
    page.click("#save-element")
    assert "允许的代码值" in page.locator("#implied-rules").inner_text()  # the rule kind, by its label
    confirm(page, "#publish-element")
    page.wait_for_selector("#element-status.bg-success")

    item = population_item("440900-GA", name="性别")
    page.context.clear_cookies()
    sign_in(page, base, "maoming_specialist")
    page.goto(f"{base}/standards/items/{item.pk}/link/")
    page.fill("#element-search", "户籍类型")
    page.wait_for_selector("#element-choice-list [data-identifier=MM-DE-HJ]")
    page.click("#element-choice-list [data-identifier=MM-DE-HJ]")
    page.wait_for_selector("#preview-rules")
    assert "1、2" in page.locator("#preview-rules").inner_text()
    page.click("#link-element")
    page.wait_for_selector("#current-link >> text=户籍类型")
    assert ElementLink.objects.get(item=item).element.identifier == "MM-DE-HJ"
