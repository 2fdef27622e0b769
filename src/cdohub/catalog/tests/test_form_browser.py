"""The resource form in a real chromium: the classification tree (searched and browsed a level at a
time) and the information-item grid that adds and removes rows without a round trip."""

import pytest

from cdohub.catalog.models import Resource
from conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tree_picker_and_item_rows_added_and_removed_in_the_page(browser_page):
    page, base = browser_page
    sign_in(page, base, "maoming_specialist")
    page.goto(f"{base}/catalog/resources/new/")
    assert page.locator("#id_classification").is_hidden()  # the tree stands in for the list

    # Browse: the roots, then 基础信息资源's children, loaded when opened.
    page.wait_for_selector("#classification-tree li[data-code='1']")
    assert page.locator("#classification-tree li[data-code='101']").count() == 0
    page.click("#classification-tree li[data-code='1'] .tree-toggle")
    page.wait_for_selector("#classification-tree li[data-code='101']")
    # Search: a node deep in the tree, with the path to it, chosen in one click.
    page.fill("#classification-search", "户籍")
    page.wait_for_selector("#classification-tree li[data-code='101002'] .tree-choose")
    page.click("#classification-tree li[data-code='101002'] .tree-choose")
    assert "101002" in page.locator("#classification-chosen").inner_text()

    page.select_option("#id_unit", label="茂名市公安局")
    page.fill("#id_name", "户籍迁移登记信息")
    assert page.locator("#items tbody tr").count() == 2
    page.click("#add-item")
    page.click("#add-item")
    assert page.locator("#items tbody tr").count() == 4 and page.locator("#item-count").inner_text() == "4"
    rows = page.locator("#items tbody tr")
    for index, (name, column) in enumerate(
        [("姓名", "XM"), ("迁出地", "QCD"), ("迁入地", "QRD"), ("废弃", "")]
    ):
        rows.nth(index).locator("input[name$='-name']").fill(name)
        rows.nth(index).locator("input[name$='-column_name']").fill(column)
        rows.nth(index).locator("select[name$='-data_type']").select_option("C")
    rows.nth(3).locator("input[name$='-length']").fill("-5")  # invalid, but removed: not validated
    rows.nth(3).locator(".remove-item").click()
    assert page.locator("#item-count").inner_text() == "3"
    page.click("#save-resource")
    page.wait_for_selector("#resource-status")

    resource = Resource.objects.get(name="户籍迁移登记信息")
    assert resource.classification.code == "101002"
    assert [i.column_name for i in resource.items.order_by("position")] == ["XM", "QCD", "QRD"]


def test_added_rows_are_validated_by_the_server_like_the_others(browser_page):
    page, base = browser_page
    sign_in(page, base, "maoming_specialist")
    page.goto(f"{base}/catalog/resources/new/")
    page.select_option("#id_unit", label="茂名市公安局")
    page.fill("#id_name", "待补充的资源")  # no classification: the tree leaves that to the server too
    page.click("#add-item")
    page.click("#add-item")
    row = page.locator("#items tbody tr").nth(3)
    row.locator("input[name$='-name']").fill("数量")  # no data type: the server's check, not the browser's
    page.click("#save-resource")
    page.wait_for_selector("#items .invalid-feedback")
    assert page.locator("#items tbody tr").count() == 4  # the added rows come back with their error
    assert page.locator("#items tbody tr").nth(3).locator(".invalid-feedback").count() >= 1
    assert page.locator("#field-classification .invalid-feedback").count() == 1
