"""The census end to end in a real chromium: launch, discovery from a real database, submission,
return with a reason, and the dashboard's figures."""

import datetime
import sqlite3

import pytest
from django.conf import settings

from cdohub.core import clock
from conftest import confirm, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCHEMA = """
CREATE TABLE jtwf_jl (  -- 交通违法记录
  wfbh TEXT PRIMARY KEY,  -- 违法编号
  hphm TEXT,  -- 号牌号码
  wfsj TIMESTAMP,  -- 违法时间
  fkje NUMERIC  -- 罚款金额
);
CREATE TABLE jsr_xx (  -- 机动车驾驶人信息
  gmsfhm TEXT,  -- 公民身份号码
  xm TEXT,  -- 姓名
  zjcx TEXT,  -- 准驾车型
  lzrq DATE  -- 领证日期
);
CREATE TABLE tmp_sync (x INTEGER);
INSERT INTO jtwf_jl VALUES ('W001', '粤K12345', '2026-10-01 08:00:00', 200);
INSERT INTO jsr_xx VALUES ('440902199001011234', '李雷', 'C1', '2010-05-01');
"""


@pytest.fixture
def traffic_database():
    folder = settings.DATA_DIR / "sources" / "browser-test"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "traffic.sqlite3"
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
    yield path
    path.unlink(missing_ok=True)


def sign_out(page):
    page.locator("form[action$='/logout/'] button").click()


def test_census_from_launch_to_discovery_return_and_dashboard(browser_page, traffic_database):
    page, base = browser_page
    deadline = (clock.today() + datetime.timedelta(days=30)).isoformat()

    sign_in(page, base, "maoming_bureau")
    page.goto(f"{base}/census/new/")
    page.fill("#id_name", "茂名市公安数据专项普查")
    page.fill("#id_deadline", deadline)
    page.select_option("#id_units", label="茂名市公安局")
    page.check("input[name=required_fields][value=items]")
    page.click("#campaign-form button")
    page.wait_for_selector("#unit-table")
    campaign_url = page.url
    assert "茂名市公安局" in page.locator("#unit-table").inner_text()
    sign_out(page)

    sign_in(page, base, "maoming_specialist")
    page.goto(f"{base}/sources/new/")
    page.fill("#id_name", "交通管理数据库")
    page.select_option("#id_kind", value="sqlite")
    page.fill("#id_path", str(traffic_database))
    page.click("#save")
    page.wait_for_selector("#discover")
    page.click("#discover")
    page.wait_for_selector("#propose-form")
    assert "交通违法记录" in page.content()
    page.check("input[aria-label$='jtwf_jl']")
    page.check("input[aria-label$='jsr_xx']")
    page.select_option("#propose-form select[name=campaign]", label="茂名市公安数据专项普查")
    page.click("#propose")
    page.wait_for_selector("#part-resources")
    part_url = page.url
    rows = page.locator("#part-resources tbody tr")
    assert rows.count() == 2
    assert "交通违法记录" in rows.all_inner_texts()[0] + rows.all_inner_texts()[1]

    # A discovered draft still needs what only a person knows: summary, sharing, cycle.
    for name, summary in (("交通违法记录", "道路交通违法行为记录"), ("机动车驾驶人信息", "驾驶证核发信息")):
        page.locator("#part-resources a", has_text=name).click()
        page.click("#edit-resource")
        page.fill("#id_summary", summary)
        page.select_option("#id_share_type", value="unconditional")
        page.select_option("#id_share_method", value="api")
        page.select_option("#id_open_type", value="none")
        page.fill("#id_open_conditions", "含个人信息")
        page.select_option("#id_update_cycle", value="daily")
        page.click("#save-resource")
        page.wait_for_selector("#resource-status")
        page.goto(part_url)
    confirm(page, "#submit-census")
    page.wait_for_selector("#part-status")
    assert page.locator("#part-status").inner_text() == "已报送"
    sign_out(page)

    sign_in(page, base, "maoming_bureau")
    page.goto(campaign_url)
    page.locator("#unit-table a", has_text="茂名市公安局").click()
    page.locator("#part-resources a", has_text="交通违法记录").click()
    page.fill("#id_reason", "罚款金额字段缺少计量单位说明，请补充后重新报送。")
    confirm(page, "#review-form button[value=return]")
    page.wait_for_selector("#return-reason")
    assert page.locator("#resource-status").inner_text() == "已退回"
    page.goto(campaign_url)
    row = page.locator("#unit-table tr[data-unit='440900-GA']")
    assert row.locator(".registered").inner_text() == "2"
    assert row.locator(".completeness").inner_text() == "83%"  # no release date, no related resources
    assert row.locator(".reviewed").inner_text() == "50%"
    assert page.locator("#census-chart canvas").count() == 1
