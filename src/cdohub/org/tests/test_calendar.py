"""The official holiday schedule as the provincial bureau loads it, and what a year without one shows."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from cdohub.core import calendar, clock
from cdohub.core.calendar import add_working_days
from cdohub.core.models import AuditEntry, OfficialCalendar
from cdohub.org import services
from cdohub.org.checks import official_calendar_loaded
from cdohub.org.models import Milestone

NOTICE_2027 = """year = 2027
notice = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
holidays = [2027-01-01, 2027-01-04]
workdays = [2027-01-09]
"""
EMPTY_2027 = {"year": 2027, "notice": "测试通知", "holidays": [], "workdays": []}
DEC_3 = timezone.make_aware(datetime(2026, 12, 3, 10))


@pytest.fixture(autouse=True)
def fresh_calendar():
    calendar.forget()
    yield
    calendar.forget()  # the test's schedules are rolled back: let no other test see them


@pytest.mark.django_db
def test_the_provincial_bureau_loads_a_year_and_deadlines_follow_at_once(
    client_for, django_capture_on_commit_callbacks
):
    assert add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 8)  # provisional, cached
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("gd_bureau").post(
            "/calendar/",
            {
                "year": 2027,
                "notice": "测试通知",
                "holidays": "2027-01-01\n2027-01-04",
                "workdays": "2027-01-09",
            },
        )
    assert response.status_code == 302
    assert add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 9)
    entry = AuditEntry.objects.get(action="calendar.loaded")
    assert entry.actor_name == "gd_bureau" and entry.data["year"] == 2027
    assert entry.data["workdays"] == ["2027-01-09"]


@pytest.mark.django_db
def test_only_the_provincial_bureau_sets_the_schedule(users):
    with pytest.raises(PermissionDenied):
        services.set_official_calendar(
            users["maonan_bureau"], year=2027, notice="x", holidays=[], workdays=[]
        )
    with pytest.raises(ValidationError):  # a weekday is no working day in lieu
        services.set_official_calendar(
            users["gd_bureau"], year=2027, notice="x", holidays=[], workdays=[date(2027, 1, 4)]
        )
    assert not OfficialCalendar.objects.exists()


@pytest.mark.django_db
def test_the_notice_file_is_loaded_by_command(tmp_path, django_capture_on_commit_callbacks):
    notice = tmp_path / "2027.toml"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("calendar", "load", str(notice), "--as", "gd_bureau")
    official = OfficialCalendar.objects.get(year=2027)
    assert official.holidays == ["2027-01-01", "2027-01-04"] and calendar.is_official(2027)
    assert AuditEntry.objects.filter(action="calendar.loaded", source="command").exists()


@pytest.mark.django_db
def test_a_year_without_its_schedule_is_flagged_to_the_bureau(client_for, django_capture_on_commit_callbacks):
    with clock.travel(DEC_3):
        page = client_for("gd_bureau").get("/dashboard/").content.decode()
        assert 'id="calendar-banner"' in page and "2027" in page
        assert 'id="calendar-banner"' not in client_for("maoming_staff").get("/dashboard/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client_for("gd_bureau").post("/calendar/", {"year": 2027, "notice": "测试通知"})
        assert 'id="calendar-banner"' not in client_for("gd_bureau").get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_a_provisional_deadline_is_marked(client_for, users, django_capture_on_commit_callbacks):
    milestone = Milestone.objects.select_related("program").first()
    Milestone.objects.filter(pk=milestone.pk).update(due_on=date(2027, 1, 8))
    url = f"/programs/{milestone.program.code}/"
    page = client_for("maoming_staff").get(url).content.decode()
    assert "2027-01-08" in page and "deadline-provisional" in page
    with django_capture_on_commit_callbacks(execute=True):
        services.set_official_calendar(
            users["gd_bureau"], year=2027, notice="测试通知", holidays=[], workdays=[]
        )
    page = client_for("maoming_staff").get(url).content.decode()
    assert "2027-01-08" in page and "deadline-provisional" not in page


@pytest.mark.django_db
def test_the_notice_file_is_uploaded_on_the_page(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("gd_bureau")
    upload = SimpleUploadedFile("2027.toml", NOTICE_2027.encode())
    assert client.post("/calendar/", {"file": upload}).status_code == 302
    assert OfficialCalendar.objects.get(year=2027).workdays == ["2027-01-09"]
    broken = SimpleUploadedFile("2027.toml", b'year = 2027\nnotice = "x"\nworkdays = [2027-01-04]\n')
    page = client.post("/calendar/", {"file": broken}).content.decode()
    assert "调休上班日须为周六或周日" in page


@pytest.mark.django_db
def test_a_missing_schedule_is_a_system_check_warning():
    with clock.travel(DEC_3):
        assert [w.id for w in official_calendar_loaded()] == ["calendar.W001"]
        assert "2027" in official_calendar_loaded()[0].msg
        OfficialCalendar.objects.create(year=2027, notice="测试通知")
        calendar.forget()
        assert official_calendar_loaded() == []
