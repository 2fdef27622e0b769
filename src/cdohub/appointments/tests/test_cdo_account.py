"""A filed CDO and the accounts: the filing body is told when no account holds the CDO role, an
account administrator grants it in one step, and the roster shows where the two disagree."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cdohub.accounts.models import RoleAssignment, User
from cdohub.appointments import services, status
from cdohub.appointments.demo import letter
from cdohub.core.models import AuditEntry

pytestmark = pytest.mark.django_db
POLICE_CDO = {
    "person_name": "林涛",
    "position": "茂名市公安局副局长",
    "rank": "deputy",
    "in_charge_of_digital_government": True,
    "effective_on": date(2026, 11, 2),
    "document_number": "茂公任〔2026〕3号",
    "document_date": date(2026, 10, 30),
}


def submitted_police_cdo(users, program, units):
    """茂名市公安局's department CDO, drafted by its data specialist and submitted to the city bureau."""
    specialist = users["maoming_specialist"]
    appointment = services.create_appointment(
        specialist, program, units["440900-GA"], "department_cdo", document=letter("茂公任3号"), **POLICE_CDO
    )
    return services.submit(specialist, appointment, appointment.version)


def filed_police_cdo(users, program, units):
    appointment = submitted_police_cdo(users, program, units)
    return services.file(users["maoming_bureau"], appointment, appointment.version)


def roster_entry(program, code, post):
    return next(e for e in status.roster(program) if e.unit.code == code and e.post.key == post)


def audit_actions(since):
    return list(AuditEntry.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True))


def test_filing_the_police_cdo_is_told_no_account_holds_the_role(users, program, units, english):
    appointment = filed_police_cdo(users, program, units)
    check = services.cdo_account_check(appointment)
    assert check.missing and check.candidate is None
    assert "林涛 has no account holding the chief data officer role of 茂名市公安局" in check.message()
    entry = roster_entry(program, "440900-GA", "department_cdo")
    assert (
        entry.appointment == appointment and entry.without_account and not entry.account_without_appointment
    )


def test_a_new_account_is_created_and_granted_the_role_in_one_audited_step(users, program, units):
    appointment = filed_police_cdo(users, program, units)
    before = AuditEntry.objects.latest("id").id
    account = services.grant_cdo_account(
        users["maoming_bureau"], appointment, username="ga_cdo", email="ga_cdo@example.gov.cn"
    )
    assert account.display_name == "林涛" and account.home_unit == units["440900-GA"]
    assert not account.has_usable_password()
    assert RoleAssignment.objects.filter(user=account, role="cdo", unit=units["440900-GA"]).exists()
    actions = audit_actions(before)
    assert {"user.created", "role.granted", "appointment.cdo_account_granted"} <= set(actions)
    granted = AuditEntry.objects.get(id__gt=before, action="appointment.cdo_account_granted")
    assert granted.data == {"post": "department_cdo", "person": "林涛", "account": "ga_cdo", "created": True}
    assert granted.actor_id == users["maoming_bureau"].pk
    assert not services.cdo_account_check(appointment).missing
    assert not roster_entry(program, "440900-GA", "department_cdo").disagrees


def test_the_appointees_existing_account_is_found_and_given_the_role(users, program, units):
    staff = users["maoming_staff"]
    staff.display_name = "林涛"
    staff.save()
    appointment = submitted_police_cdo(users, program, units)  # at filing time, before the decision
    check = services.cdo_account_check(appointment)
    assert check.missing and check.candidate == staff
    assert staff in services.cdo_account_candidates(appointment)
    account = services.grant_cdo_account(users["maoming_bureau"], appointment, account=staff)
    assert account == staff and list(services.cdo_accounts(units["440900-GA"])) == [staff]
    assert staff not in services.cdo_account_candidates(appointment)


def test_only_an_account_administrator_of_the_unit_grants_and_a_refusal_changes_nothing(
    users, program, units, english
):
    appointment = filed_police_cdo(users, program, units)
    before = AuditEntry.objects.latest("id").id
    for who in ("maoming_specialist", "maoming_cdo", "maonan_bureau"):
        assert not services.may_grant_cdo_account(users[who], appointment)
    with pytest.raises(PermissionDenied, match="Only an administrator of the accounts of 茂名市公安局"):
        services.grant_cdo_account(users["maoming_specialist"], appointment, username="ga_cdo")
    with pytest.raises(ValidationError, match="Give a user name"):
        services.grant_cdo_account(users["maoming_bureau"], appointment, username=" ")
    assert audit_actions(before) == []
    assert not User.objects.filter(username="ga_cdo").exists()
    account = services.grant_cdo_account(users["maoming_bureau"], appointment, username="ga_cdo")
    with pytest.raises(ValidationError, match="already holds this role"):
        services.grant_cdo_account(users["maoming_bureau"], appointment, account=account)


def test_a_draft_is_not_granted_the_role(users, program, units, english):
    specialist = users["maoming_specialist"]
    draft = services.create_appointment(
        specialist, program, units["440900-GA"], "department_cdo", **POLICE_CDO
    )
    with pytest.raises(ValidationError, match="submitted for filing or in force"):
        services.grant_cdo_account(users["maoming_bureau"], draft, username="ga_cdo")


def test_an_account_with_the_role_but_no_filed_appointment_is_flagged_on_the_roster(program, users):
    entry = roster_entry(program, "440900", "government_cdo")  # 茂名 has not appointed its city CDO yet
    assert entry.vacant and entry.accounts == [users["maoming_cdo"]]
    assert entry.account_without_appointment and not entry.without_account


# The pages ------------------------------------------------------------------------------------


def test_the_filing_body_is_warned_when_it_files_and_offered_the_grant(users, program, units, client_for):
    appointment = submitted_police_cdo(users, program, units)
    bureau = client_for("maoming_bureau")
    page = bureau.get(appointment.get_absolute_url()).content.decode()
    assert 'id="cdo-account-form"' in page and "林涛没有持有茂名市公安局首席数据官角色的账号" in page
    decide = reverse("appointments:appointment_decide", args=[appointment.pk])
    response = bureau.post(decide, {"decision": "file", "version": appointment.version}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any("林涛没有持有茂名市公安局首席数据官角色的账号" in m for m in shown)

    grant = reverse("appointments:appointment_grant_cdo", args=[appointment.pk])
    response = bureau.post(grant, {"mode": "new", "username": "ga_cdo", "email": "ga_cdo@example.gov.cn"})
    assert response.status_code == 302
    page = bureau.get(appointment.get_absolute_url()).content.decode()
    assert 'id="cdo-account-form"' not in page and "(ga_cdo)" in page


def test_the_grant_form_is_kept_with_its_errors_and_hidden_from_others(users, program, units, client_for):
    appointment = submitted_police_cdo(users, program, units)
    grant = reverse("appointments:appointment_grant_cdo", args=[appointment.pk])
    response = client_for("maoming_bureau").post(grant, {"mode": "new", "username": "", "email": "x@y.cn"})
    assert response.status_code == 200 and 'value="x@y.cn"' in response.content.decode()
    assert "请填写新账号的用户名" in response.content.decode()
    specialist = client_for("maoming_specialist")
    page = specialist.get(appointment.get_absolute_url()).content.decode()
    assert 'id="cdo-account"' in page and 'id="cdo-account-form"' not in page
    assert specialist.post(grant, {"mode": "new", "username": "ga_cdo"}).status_code == 403


def test_the_roster_page_flags_both_disagreements(users, program, units, client_for):
    filed_police_cdo(users, program, units)
    page = client_for("gd_bureau").get(reverse("appointments:roster")).content.decode()
    assert 'id="roster-disagreements"' in page
    police = page.split('data-unit="440900-GA" data-post="department_cdo"')[1].split("</tr>")[0]
    assert 'data-flag="without-account"' in police
    city = page.split('data-unit="440900" data-post="government_cdo"')[1].split("</tr>")[0]
    assert 'data-flag="account-without-appointment"' in city and "茂名市首席数据官" in city
