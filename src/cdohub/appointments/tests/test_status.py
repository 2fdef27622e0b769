"""Filing status, lateness in working days, the roster and reminders, on the demo at its deadline."""

from datetime import date

import pytest
from django.core import mail
from python_calamine import CalamineWorkbook

from cdohub.appointments import status
from cdohub.appointments.models import Reminder
from cdohub.appointments.reminders import send_reminders


def by_unit(rows):
    return {r.unit.code: r for r in rows}


@pytest.mark.django_db
def test_the_demo_holds_a_realistic_mix_at_the_deadline(program):
    rows = by_unit(status.pilot_status(program))
    states = [s for r in rows.values() for s in r.states()]
    filed = sum(s.state == "filed" for s in states)
    assert filed / len(states) > 0.8  # most filed
    assert [c for c, r in rows.items() if r.appointment.state == "returned"] == ["440200"]
    assert [c for c, r in rows.items() if r.appointment.flagged] == ["441600-ZR"]
    assert {"440900", "440900-GA"} <= {c for c, r in rows.items() if r.appointment.state == "missing"}
    late_filed = {c for c, r in rows.items() if r.appointment.state == "filed" and r.appointment.late}
    assert {"441600", "440203", "441200-ZR"} <= late_filed
    # 2021-06-01 … 06-08 holds six working days (the 5th and 6th are a weekend).
    assert rows["440203"].appointment.late_days == 6
    assert rows["440100"].appointment.late_days == 0


@pytest.mark.django_db
def test_the_dashboard_counts_per_city(program, client_for):
    page = client_for("gd_bureau").get("/cdo/status/")
    html = page.content.decode()
    groups = {g.city.unit.code if g.city else "province": g for g in page.context["groups"]}
    assert len(groups) == 11  # ten pilot cities and the provincial departments
    assert groups["440200"].counts["returned"] == 1
    assert groups["441600"].counts["flagged"] == 1
    assert groups["440900"].counts["missing"] >= 2
    assert 'id="filing-chart"' in html and "已备案" in html
    county = client_for("maonan_bureau").get("/cdo/status/")
    assert [g.city.unit.code for g in county.context["groups"]] == ["440900"]
    assert [r.unit.code for r in county.context["groups"][0].rows] == ["440902"]


@pytest.mark.django_db
def test_overdue_list_and_export(client_for):
    client = client_for("gd_bureau")
    rows = client.get("/cdo/overdue/").context["rows"]
    overdue = {(row.unit.code, s is row.plan) for row, s in rows}
    assert ("440900", False) in overdue and ("440200", False) in overdue and ("440000-JR", True) in overdue
    assert ("440100", False) not in overdue
    book = CalamineWorkbook.from_filelike(
        __import__("io").BytesIO(client.get("/cdo/overdue/?export=xlsx").content)
    )
    sheet = book.get_sheet_by_index(0).to_python()
    assert sheet[0][:2] == ["单位", "单位编码"] and len(sheet) == len(rows) + 1


@pytest.mark.django_db
def test_roster_shows_current_holders_and_vacancies(program, client_for, units):
    entries = status.roster(program)
    guangzhou = [e for e in entries if e.unit.code == "440100" and e.post.key == "government_cdo"]
    assert len(guangzhou) == 1 and guangzhou[0].appointment.effective_on == date(2022, 3, 1)  # the successor
    assert any(e.vacant for e in entries if e.unit.code == "440900")

    public = __import__("django.test", fromlist=["Client"]).Client().get("/public/roster/guangdong-2021/")
    html = public.content.decode()
    flagged = next(e.appointment for e in entries if e.appointment and e.appointment.flagged)
    assert public.status_code == 200 and flagged.person_name in html
    assert flagged.phone not in html and "⚑" not in html  # phone and flags are not public
    sheet = (
        CalamineWorkbook.from_filelike(
            __import__("io").BytesIO(client_for("gd_bureau").get("/cdo/roster/?export=xlsx").content)
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    assert "电话" in sheet[0] and len(sheet) == len(entries) + 1


@pytest.mark.django_db
def test_reminders_at_the_program_offsets_then_overdue(users, django_capture_on_commit_callbacks):
    # 2021-05-17 is 10 working days before 2021-05-31; the program reminds at 10, 5 and 1.
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders(date(2021, 5, 17))
    assert sent >= 3
    lgo = users["maoming_lgo"]
    notes = lgo.notifications.filter(title__contains="茂名市人民政府").values_list("title", flat=True)
    assert len(notes) == 2 and all("10" in t for t in notes)  # its CDO and its plan: one reminder each
    assert users["maoming_bureau"].notifications.filter(title__contains="茂名市人民政府实施方案").exists()
    assert any(lgo.email in m.to for m in mail.outbox)
    assert send_reminders(date(2021, 5, 17)) == 0  # once only
    assert send_reminders(date(2021, 5, 18)) == 0  # no offset of 9
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(date(2021, 6, 1)) == sent  # the first working day after: overdue
    overdue = users["gd_bureau"].notifications.filter(title__contains="茂名市人民政府")
    assert overdue.count() == 2
    assert Reminder.objects.filter(unit__code="440900", working_days_before=-1).exists()
    assert send_reminders(date(2021, 5, 22)) == 0  # a Saturday


@pytest.mark.django_db
def test_pages_speak_english_on_request(client_for):
    client = client_for("gd_bureau", lang="en")
    dashboard = client.get("/cdo/status/").content.decode()
    assert (
        "Pending review" in dashboard and "Provincial departments" in dashboard and "已备案" not in dashboard
    )
    roster = client.get("/cdo/roster/").content.decode()
    assert "Government CDO" in roster and "Vacant" in roster
