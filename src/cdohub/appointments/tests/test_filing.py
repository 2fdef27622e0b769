"""The filing workflow through the services: who may act, what is refused, what is recorded."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from cdohub.appointments import services
from cdohub.appointments.demo import letter
from cdohub.appointments.models import Appointment, FilingDecision
from cdohub.core.models import AuditEntry
from cdohub.core.workflow import Conflict

PERSON = {
    "person_name": "陈明",
    "position": "茂名市副市长",
    "rank": "deputy",
    "in_charge_of_digital_government": True,
    "effective_on": date(2026, 11, 2),
}


def draft_city_cdo(users, program, units, **overrides):
    fields = {**PERSON, "document_number": "茂数改组〔2026〕1号", "document_date": date(2026, 10, 30)}
    fields.update(overrides)
    return services.create_appointment(
        users["maoming_lgo"], program, units["440900"], "government_cdo", **fields
    )


def second_reviewer():
    """Another administrator of the provincial bureau, beside the demo's gd_bureau."""
    from cdohub.accounts.models import RoleAssignment, User
    from cdohub.org.models import Unit

    user = User.objects.create(username="gd_reviewer", display_name="省数据局审核员")
    RoleAssignment.objects.create(user=user, role="bureau_admin", unit=Unit.objects.get(code="440000"))
    return user


def events(filing):
    return list(
        AuditEntry.objects.filter(object_id=str(filing.pk), action__startswith="appointment.")
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_city_cdo_is_returned_corrected_and_filed(
    users, program, units, english, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # notifications go out on commit
        lgo, province, city_bureau = users["maoming_lgo"], users["gd_bureau"], users["maoming_bureau"]
        appointment = draft_city_cdo(users, program, units)
        assert (
            appointment.appointing_body.code == "440900-LDXZ" and appointment.filing_body.code == "440000-SJJ"
        )
        with pytest.raises(ValidationError, match="Before submitting, add: document"):
            services.submit(lgo, appointment)
        appointment = services.update_appointment(lgo, appointment, document=letter("茂数改组1号"))
        appointment = services.submit(lgo, appointment, appointment.version)

        with pytest.raises(PermissionDenied, match="Only 广东省政务服务数据管理局 decides"):
            services.file(city_bureau, appointment, appointment.version)
        with pytest.raises(ValidationError, match="Give a reason"):
            services.return_filing(province, appointment, "  ", appointment.version)
        appointment = services.return_filing(province, appointment, "职务写法不规范", appointment.version)
        assert appointment.status == "returned" and appointment.return_reason == "职务写法不规范"

        appointment = services.update_appointment(lgo, appointment, position="茂名市人民政府副市长")
        appointment = services.submit(lgo, appointment, appointment.version)
        appointment = services.file(province, appointment, appointment.version)
        assert appointment.status == "filed" and appointment.decided_by == province
        steps = list(FilingDecision.objects.filter(appointment=appointment).values_list("action", "comment"))
        assert steps == [("submit", ""), ("return", "职务写法不规范"), ("submit", ""), ("file", "")]
        assert events(appointment) == [
            "appointment.drafted",
            "appointment.submitted",
            "appointment.returned",
            "appointment.submitted",
            "appointment.filed",
        ]
    assert lgo.notifications.filter(title__startswith="Filed", title__contains="陈明").exists()
    assert (
        province.notifications.filter(title__startswith="Filing to review", title__contains="陈明").count()
        == 2
    )


@pytest.mark.django_db
def test_a_department_cdo_is_filed_with_the_city_bureau(users, program, units, english):
    appointment = services.create_appointment(
        users["maoming_specialist"],
        program,
        units["440900-GA"],
        "department_cdo",
        **{**PERSON, "position": "茂名市公安局副局长"},
        document_number="茂公〔2026〕8号",
        document_date=date(2026, 10, 30),
        document=letter("茂公8号"),
    )
    assert appointment.filing_body.code == "440900-SJJ"
    appointment = services.submit(users["maoming_specialist"], appointment)
    with pytest.raises(PermissionDenied):  # the province is not the filing body of a city department
        services.file(users["gd_bureau"], appointment, appointment.version)
    assert services.file(users["maoming_bureau"], appointment, appointment.version).status == "filed"


@pytest.mark.django_db
def test_below_the_rank_in_principle_needs_a_justification_and_is_flagged(users, program, units, english):
    below = {"rank": "other", "position": "茂名市政府副秘书长", "in_charge_of_digital_government": True}
    with pytest.raises(ValidationError, match="give a written justification") as refused:
        draft_city_cdo(users, program, units, **below)
    assert "justification" in refused.value.message_dict
    assert not Appointment.objects.filter(unit=units["440900"]).exists()
    appointment = draft_city_cdo(
        users, program, units, **below, justification="副市长空缺，经市政府常务会议研究同意。"
    )
    assert appointment.flagged
    appointment = services.update_appointment(users["maoming_lgo"], appointment, rank="deputy")
    assert not appointment.flagged


@pytest.mark.django_db
def test_letters_must_be_real_pdfs_within_the_limit(users, program, units, settings, english):
    fake = SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="not a PDF"):
        draft_city_cdo(users, program, units, document=fake)
    broken = SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n garbage", content_type="application/pdf")
    with pytest.raises(ValidationError, match="cannot be read"):
        draft_city_cdo(users, program, units, document=broken)
    settings.CDOHUB = {**settings.CDOHUB, "MAX_DOCUMENT_BYTES": 100}
    with pytest.raises(ValidationError, match="the limit is 100"):
        draft_city_cdo(users, program, units, document=letter("big"))
    assert not Appointment.objects.filter(unit=units["440900"]).exists()


@pytest.mark.django_db
def test_one_holder_per_post_and_succession(users, program, units, english):
    lgo, province = users["maoming_lgo"], users["gd_bureau"]
    current = Appointment.objects.get(unit=units["440902"], post="government_cdo", status="filed")
    fields = {**PERSON, "position": "茂南区副区长", "document_number": "茂数改组〔2026〕2号"}
    fields.update(document_date=date(2026, 10, 30), document=letter("2号"))

    with pytest.raises(ValidationError, match="holds this post from"):
        services.create_appointment(
            lgo,
            program,
            units["440902"],
            "government_cdo",
            **{**fields, "effective_on": current.effective_on},
        )
    successor = services.create_appointment(lgo, program, units["440902"], "government_cdo", **fields)
    with pytest.raises(ValidationError, match="already in progress"):
        services.create_appointment(lgo, program, units["440902"], "government_cdo", **fields)
    successor = services.file(province, services.submit(lgo, successor), None)

    current.refresh_from_db()
    assert (current.ends_on, current.end_reason) == (successor.effective_on, "succeeded")
    assert successor.predecessor == current
    assert "appointment.ended" in events(current)
    assert (
        services.current_holder(program, units["440902"], "government_cdo", on=date(2026, 12, 1)) == successor
    )


@pytest.mark.django_db
def test_removal_ends_the_term_and_leaves_a_vacancy(users, program, units, english):
    holder = Appointment.objects.get(unit=units["440902"], post="government_cdo", status="filed")
    with pytest.raises(ValidationError, match="removal document"):
        services.end_appointment(users["maoming_lgo"], holder, date(2026, 11, 20), " ")
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        services.end_appointment(users["maoming_lgo"], holder, date(2020, 1, 1), "茂数改组〔2026〕3号")
    with pytest.raises(PermissionDenied):
        services.end_appointment(users["maonan_bureau"], holder, date(2026, 11, 20), "x")
    services.end_appointment(users["maoming_lgo"], holder, date(2026, 11, 20), "茂数改组〔2026〕3号")
    holder.refresh_from_db()
    assert holder.end_reason == "removed" and holder.end_document_number == "茂数改组〔2026〕3号"
    assert services.current_holder(program, units["440902"], "government_cdo", on=date(2026, 11, 21)) is None


@pytest.mark.django_db
def test_whoever_prepared_a_filing_does_not_decide_it(users, program, units, english):
    from cdohub.accounts.models import RoleAssignment

    draft = Appointment.objects.get(unit=units["440000-JR"], status="draft")  # the demo's missing one
    province = users["gd_bureau"]
    with pytest.raises(PermissionDenied):  # a bureau grant does not make the province a department
        services.submit(province, draft)
    RoleAssignment.objects.create(user=province, role="data_specialist", unit=units["440000-JR"])
    province = type(province).objects.get(pk=province.pk)  # roles are cached per user object
    submitted = services.submit(province, draft)
    with pytest.raises(PermissionDenied, match="someone else must decide"):
        services.file(province, submitted, submitted.version)


@pytest.mark.django_db
def test_a_stale_decision_is_refused_and_names_the_winner(users, program, units, english):
    appointment = Appointment.objects.get(unit=units["440604"], status="submitted")  # pending in the demo
    seen = appointment.version
    services.file(users["gd_bureau"], appointment, seen)
    with pytest.raises(Conflict, match="Someone else acted first: Filed by 省数据局管理员"):
        services.return_filing(second_reviewer(), appointment, "late reason", seen)
    appointment.refresh_from_db()
    assert appointment.status == "filed" and appointment.decisions.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_exactly_one_wins(committed_demo, english):
    """Two threads decide the same filing on the same version; the row lock lets one through."""
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite shares one cache across threads: no row locks to race on")
    from cdohub.accounts.models import User
    from cdohub.core import audit

    appointment = Appointment.objects.get(unit__code="440604", status="submitted")
    reviewers = [User.objects.get(username="gd_bureau"), second_reviewer()]
    barrier, outcomes = threading.Barrier(2), []

    def decide(user, action):
        try:
            barrier.wait()
            with audit.acting_as(user, "test"):
                if action == "file":
                    services.file(user, appointment, appointment.version)
                else:
                    services.return_filing(user, appointment, "材料不全", appointment.version)
            outcomes.append("won")
        except ValidationError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    pairs = zip(reviewers, ["file", "return"], strict=True)
    threads = [threading.Thread(target=decide, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Conflict", "won"]
    appointment.refresh_from_db()
    assert appointment.decisions.exclude(action="submit").count() == 1


@pytest.mark.django_db
def test_a_department_appoints_its_own_cdo_not_the_bureau(users, program, units, english):
    fields = {**PERSON, "position": "茂名市公安局副局长"}
    with pytest.raises(PermissionDenied, match="Only 茂名市公安局 appoints"):
        services.create_appointment(
            users["maoming_bureau"], program, units["440900-GA"], "department_cdo", **fields
        )
    from cdohub.accounts.models import RoleAssignment, User

    specialist = users["maoming_specialist"]
    RoleAssignment.objects.create(user=specialist, role="data_specialist", unit=units["440900-JY"])
    specialist = User.objects.get(pk=specialist.pk)  # roles are cached per user object
    with pytest.raises(ValidationError, match="not in the pilot scope"):  # 教育局 was not nominated
        services.create_appointment(specialist, program, units["440900-JY"], "department_cdo", **fields)


@pytest.mark.django_db
def test_an_edit_on_a_stale_page_does_not_undo_a_submission(users, program, units, english):
    lgo = users["maoming_lgo"]
    draft = draft_city_cdo(users, program, units, document=letter("1号"))
    stale = Appointment.objects.get(pk=draft.pk)  # another tab, opened before the submission
    services.submit(lgo, draft)
    with pytest.raises(ValidationError, match="only while it is a draft or returned"):
        services.update_appointment(lgo, stale, position="改")
    assert Appointment.objects.get(pk=draft.pk).status == "submitted"


@pytest.mark.django_db
def test_a_successor_holds_the_post_only_from_the_effective_date(program, units):
    from cdohub.appointments import status

    def guangzhou(on):
        return [e.appointment for e in status.roster(program, today=on) if e.unit.code == "440100"]

    before, after = guangzhou(date(2022, 2, 25)), guangzhou(date(2022, 3, 1))
    assert len(before) == len(after) == 1 and before[0] != after[0]
    assert after[0].predecessor == before[0] and before[0].ends_on == date(2022, 3, 1)


@pytest.mark.django_db
def test_a_vacancy_after_a_removal_is_not_late_for_the_first_deadline(users, program, units):
    from cdohub.appointments import status

    holder = Appointment.objects.get(unit=units["440902"], post="government_cdo", status="filed")
    services.end_appointment(users["maoming_lgo"], holder, date(2026, 11, 20), "茂数改组〔2026〕3号")
    row = next(r for r in status.pilot_status(program, today=date(2026, 11, 23)) if r.unit.code == "440902")
    assert row.appointment.state == "missing" and not row.appointment.overdue
