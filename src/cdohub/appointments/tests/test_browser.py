"""Appointment and filing end to end in a real chromium: return, correction, filing, roster, dashboard."""

import io
import os

import pytest
from pypdf import PdfWriter

from conftest import confirm, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_bytes() -> bytes:
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(buffer)
    return buffer.getvalue()


def sign_out(page):
    page.locator("form[action$='/logout/'] button").click()


def new_appointment(page, base, unit, post, position):
    page.goto(f"{base}/cdo/new/")
    page.select_option("#id_unit", label=unit)
    page.select_option("#id_post", value=post)
    page.wait_for_selector(f"#filing-body >> text={'广东省' if post == 'government_cdo' else '茂名市'}")
    bodies = page.locator("#appointing-body").inner_text(), page.locator("#filing-body").inner_text()
    page.fill("#id_person_name", "陈明" if post == "government_cdo" else "林涛")
    page.fill("#id_position", position)
    page.select_option("#id_rank", value="deputy")
    page.check("#id_in_charge_of_digital_government")
    page.fill("#id_effective_on", "2026-11-02")
    page.fill("#id_document_number", "茂数改组〔2026〕1号")
    page.fill("#id_document_date", "2026-10-30")
    page.set_input_files(
        "#id_document", files=[{"name": "任职通知.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.click("#save")
    page.wait_for_selector("#workflow")
    return bodies


def open_appointment(page, base, name):
    page.goto(f"{base}/cdo/?q={name}")
    page.locator("#filing-table a", has_text=name).first.click()
    page.wait_for_selector("#workflow")


def test_city_cdo_returned_corrected_filed_and_a_department_cdo_filed_in_the_city(browser_page):
    page, base = browser_page
    sign_in(page, base, "maoming_lgo")
    bodies = new_appointment(page, base, "茂名市人民政府", "government_cdo", "副市长")
    assert bodies == ("茂名市数字政府改革建设工作领导小组", "广东省政务服务数据管理局")
    page.click("#submit")
    assert page.locator("#filing-status").inner_text() == "已报送"
    sign_out(page)

    sign_in(page, base, "gd_bureau")
    open_appointment(page, base, "陈明")
    confirm(page, "#return")  # no reason: refused, nothing changes
    assert "请说明理由" in page.locator("#messages").inner_text()
    assert page.locator("#filing-status").inner_text() == "已报送"
    page.fill("#id_reason", "职务应写全称：茂名市人民政府副市长")
    confirm(page, "#return")
    assert page.locator("#filing-status").inner_text() == "已退回"
    sign_out(page)

    sign_in(page, base, "maoming_lgo")
    open_appointment(page, base, "陈明")
    assert "职务应写全称" in page.locator("#return-reason").inner_text()
    page.click("#edit")
    page.fill("#id_position", "茂名市人民政府副市长")
    page.click("#save")
    page.click("#submit")
    assert page.locator("#filing-status").inner_text() == "已报送"
    sign_out(page)

    sign_in(page, base, "gd_bureau")
    open_appointment(page, base, "陈明")
    confirm(page, "#file")
    assert page.locator("#filing-status").inner_text() == "已备案"
    assert page.locator("#decisions tbody tr").count() == 4
    page.goto(f"{base}/cdo/roster/")
    row = page.locator("#roster tr[data-unit='440900'][data-post='government_cdo']")
    assert "陈明" in row.inner_text() and "茂名市人民政府副市长" in row.inner_text()
    page.goto(f"{base}/cdo/status/")
    maoming = page.locator("#filing-status tr[data-group='440900']")
    filed_before = int(maoming.locator(".state-filed").inner_text())
    sign_out(page)

    # A 茂名 department's CDO is filed with the 茂名 data bureau, not the province.
    sign_in(page, base, "maoming_specialist")
    bodies = new_appointment(page, base, "茂名市公安局", "department_cdo", "茂名市公安局副局长")
    assert bodies == ("茂名市公安局", "茂名市政务服务数据管理局")
    page.click("#submit")
    sign_out(page)
    sign_in(page, base, "gd_bureau")
    open_appointment(page, base, "林涛")
    assert page.locator("#decide-form").count() == 0  # the province does not decide it
    sign_out(page)
    sign_in(page, base, "maoming_bureau")
    open_appointment(page, base, "林涛")
    confirm(page, "#file")
    assert page.locator("#filing-status").inner_text() == "已备案"
    page.goto(f"{base}/cdo/status/")
    assert (
        int(page.locator("#filing-status tr[data-group='440900'] .state-filed").inner_text())
        == filed_before + 1
    )
    page.screenshot(path=os.path.join(os.environ.get("CDOHUB_ARTIFACTS", "/tmp"), "filing-status.png"))


def test_the_city_bureau_files_the_police_cdo_is_told_no_account_acts_and_grants_one(browser_page):
    from cdohub.accounts.models import User
    from cdohub.appointments.tests.test_cdo_account import submitted_police_cdo
    from cdohub.org.models import PilotProgram, Unit

    page, base = browser_page
    users = {u.username: u for u in User.objects.filter(username__startswith="maoming_")}
    units = {u.code: u for u in Unit.objects.filter(code__startswith="440900")}
    submitted_police_cdo(users, PilotProgram.objects.get(code="guangdong-2021"), units)
    shots = os.environ.get("CDOHUB_ARTIFACTS", "/tmp")

    sign_in(page, base, "maoming_bureau")
    open_appointment(page, base, "林涛")
    assert "林涛没有持有茂名市公安局首席数据官角色的账号" in page.locator("#cdo-account").inner_text()
    confirm(page, "#file")
    assert page.locator("#filing-status").inner_text() == "已备案"
    assert "项目审查无人可以作出决定" in page.locator("#messages").inner_text()
    page.check("#cdo-mode-new")
    page.fill("#id_username", "ga_cdo")
    page.fill("#id_email", "ga_cdo@demo.gdzwfw.gov.cn")
    page.screenshot(path=os.path.join(shots, "cdo-account-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#cdo-account").screenshot(path=os.path.join(shots, "cdo-account-390.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.click("#grant-cdo")
    assert "ga_cdo 已持有茂名市公安局首席数据官角色" in page.locator("#messages").inner_text()
    assert "(ga_cdo)" in page.locator("#cdo-account").inner_text()

    page.goto(f"{base}/cdo/roster/")
    police = page.locator("#roster tr[data-unit='440900-GA'][data-post='department_cdo']")
    assert "林涛" in police.inner_text() and police.locator("[data-flag]").count() == 0
    city = page.locator("#roster tr[data-unit='440900'][data-post='government_cdo']")
    assert city.locator("[data-flag='account-without-appointment']").count() == 1
    page.screenshot(path=os.path.join(shots, "roster-desktop.png"))
