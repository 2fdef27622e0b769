"""The appointments routes for each kind of user. 茂南区's CDO (filed) is appointed by 茂名's leading
group office and seen by 茂南's bureau; 韶关's CDO (returned) and implementation plan (filed) are
韶关's, out of 茂南's reach."""

import datetime

from cdohub.accounts.models import User
from cdohub.accounts.tests.factories import cast, person
from cdohub.appointments import services
from cdohub.appointments.demo import letter
from cdohub.appointments.models import Appointment, ImplementationPlan
from cdohub.core.testing import IN_SCOPE, KINDS, SIGNED_IN, Absent, Route, RoutePermissions, link, pk
from cdohub.org.models import PilotProgram, Unit

PROGRAM = "guangdong-2021"
PUBLIC = dict.fromkeys(KINDS, 200)
# 茂南区's own CDO: 茂南's bureau sees it but does not appoint it.
MINE = {"kwargs": {"pk": pk("own_appointment")}, "reader": "maonan_bureau"}
# 韶关's CDO and plan: out of 茂南's reach; the auditor reads them and changes nothing.
THEIRS = {"kwargs": {"pk": pk("other_appointment")}, "outsider": "maonan_bureau", "reader": "gd_auditor"}
THEIRS_PLAN = {**THEIRS, "kwargs": {"pk": pk("other_plan")}}
DRAFT = {
    "program": PROGRAM,
    "post": "government_cdo",
    "person_name": "x",
    "position": "x",
    "rank": "deputy",
    "in_charge_of_digital_government": True,
    "effective_on": "2021-06-01",
}
# The permitted user passes the gate and the current state refuses the act (a filed appointment or
# plan is not changed, filed or returned again): the workflows' own tests walk the states.
BY_STATE = {"permitted": 400}
END = {"ends_on": "2022-01-31", "document_number": "茂数改组〔2022〕1号"}
# 茂名市公安局's CDO, submitted to 茂名's bureau, and a plan submitted to the province: another
# city's leading group office does not see them; the auditor reads them; the filing body files or
# returns them.
SUBMITTED = {
    "kwargs": {"pk": pk("submitted_appointment")},
    "outsider": "shaoguan_lgo",
    "reader": "gd_auditor",
}
SUBMITTED_PLAN = {**SUBMITTED, "kwargs": {"pk": pk("submitted_plan")}}


def submitted_department_cdo() -> Appointment:
    specialist = User.objects.get(username="maoming_specialist")
    draft = services.create_appointment(
        specialist,
        PilotProgram.objects.get(code=PROGRAM),
        Unit.objects.get(code="440900-GA"),
        "department_cdo",
        person_name="陈明",
        position="茂名市公安局副局长",
        rank="deputy",
        in_charge_of_digital_government=True,
        effective_on=datetime.date(2026, 11, 2),
        document_number="茂公〔2026〕8号",
        document_date=datetime.date(2026, 10, 30),
        document=letter("茂公8号"),
    )
    return services.submit(specialist, draft)


class TestAppointmentsRoutes(RoutePermissions):
    outsider = "dianbai_bureau"
    department = "maonan_wj"
    reader = "maonan_staff"
    permitted = "maoming_lgo"

    @classmethod
    def build_world(cls):
        cast()
        person("shaoguan_lgo", "leading_group_office", "440200")
        other = Appointment.objects.get(unit__code="440200", post="government_cdo")
        return {
            "own_appointment": Appointment.objects.get(unit__code="440902", post="government_cdo"),
            "other_appointment": other,
            "other_plan": ImplementationPlan.objects.get(unit__code="440200"),
            "submitted_appointment": submitted_department_cdo(),
            "submitted_plan": ImplementationPlan.objects.filter(status="submitted").first(),
        }

    routes = [
        Route(
            "appointments:appointment_list",
            outsider=Absent("dianbai_bureau", "own_appointment", field="person_name"),
            department=Absent("maonan_wj", "own_appointment", field="person_name"),
            permitted="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route(
            "appointments:appointment_create",
            permitted="maonan_bureau",
            expect={"outsider": 200, "department": 403},
            note="a county bureau appoints its county's CDEO",
        ),
        Route(
            "appointments:appointment_create",
            method="post",
            data={"unit": link("own_appointment", "unit_id"), "post": "government_cdo"},
            reader="maonan_bureau",
            expect={"outsider": 200, "department": 403, "reader": 200},
            note="the form does not offer a post or unit out of the user's hands: nothing is saved",
        ),
        Route(
            "appointments:derived_bodies",
            data={"unit": link("own_appointment", "unit_id"), "post": "government_cdo"},
            permitted="maonan_bureau",
            expect=SIGNED_IN,
        ),
        Route("appointments:filing_dashboard", permitted="maonan_bureau", expect=SIGNED_IN),
        Route("appointments:overdue", permitted="maonan_bureau", expect=SIGNED_IN),
        Route("appointments:roster", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "appointments:public_roster",
            kwargs={"code": PROGRAM},
            permitted="maonan_bureau",
            expect=PUBLIC,
            note="published",
        ),
        Route("appointments:appointment_detail", **MINE, expect={"reader": 200}),
        Route("appointments:appointment_detail", **THEIRS, permitted="shaoguan_lgo", expect=IN_SCOPE),
        Route("appointments:appointment_edit", **MINE),
        Route(
            "appointments:appointment_edit",
            **THEIRS,
            method="post",
            data={"person_name": "x"},
            permitted="shaoguan_lgo",
        ),
        Route("appointments:appointment_end", **MINE, method="post", data={"ends_on": "2026-01-01"}),
        Route("appointments:appointment_submit", **THEIRS, method="post", permitted="shaoguan_lgo"),
        Route(
            "appointments:appointment_decide",
            **MINE,
            method="post",
            data={"decision": "file", "version": 1},
            permitted="gd_bureau",
        ),
        Route(
            "appointments:appointment_decide",
            **THEIRS,
            method="post",
            data={"decision": "file", "version": 1},
            permitted="gd_bureau",
        ),
        Route("appointments:appointment_document", **MINE, permitted="maonan_bureau", expect=IN_SCOPE),
        Route("appointments:appointment_document", **THEIRS, permitted="shaoguan_lgo", expect=IN_SCOPE),
        Route("appointments:plan_list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "appointments:plan_create",
            reader="maonan_bureau",
            expect={"outsider": 403, "department": 403},
            note="a plan is the city's or the province's, never a county's or a department's",
        ),
        Route("appointments:plan_detail", **THEIRS_PLAN, permitted="shaoguan_lgo", expect=IN_SCOPE),
        Route(
            "appointments:plan_edit",
            **THEIRS_PLAN,
            method="post",
            data={"title": "x"},
            permitted="shaoguan_lgo",
        ),
        Route("appointments:plan_submit", **THEIRS_PLAN, method="post", permitted="shaoguan_lgo"),
        Route(
            "appointments:plan_decide",
            **THEIRS_PLAN,
            method="post",
            data={"decision": "return", "version": 1},
            permitted="gd_bureau",
        ),
        Route("appointments:plan_document", **THEIRS_PLAN, permitted="shaoguan_lgo", expect=IN_SCOPE),
        Route(
            "appointment-list",
            data={"page_size": 500},
            outsider=Absent("dianbai_bureau", "own_appointment", field="person_name"),
            department=Absent("maonan_wj", "own_appointment", field="person_name"),
            permitted="maonan_bureau",
            expect=IN_SCOPE,
        ),
        Route(
            "appointment-list",
            method="post",
            data={**DRAFT, "unit": "440900"},
            outsider="maonan_bureau",
            reader="gd_auditor",
            label="appointment-list-city",
        ),
        Route(
            "appointment-list",
            method="post",
            data={**DRAFT, "unit": "440902"},
            reader="maonan_bureau",
            label="appointment-list-county",
        ),
        Route(
            "appointment-bodies",
            data={"program": PROGRAM, "unit": "440900", "post": "government_cdo"},
            permitted="maonan_bureau",
            expect=SIGNED_IN,
        ),
        Route("appointment-detail", **THEIRS, permitted="shaoguan_lgo", expect=IN_SCOPE),
        Route("appointment-detail", **MINE, permitted="maonan_bureau", expect=IN_SCOPE),
        Route(
            "appointment-detail",
            **THEIRS,
            method="patch",
            data={"person_name": "改名"},
            permitted="shaoguan_lgo",
        ),
        Route("appointment-detail", **MINE, method="patch", data={"person_name": "改名"}, expect=BY_STATE),
        Route("appointment-document", **THEIRS, permitted="shaoguan_lgo", expect=IN_SCOPE),
        Route("appointment-document", **MINE, permitted="maonan_bureau", expect=IN_SCOPE),
        Route(
            "appointment-submit",
            **THEIRS,
            method="post",
            data={"version": link("other_appointment", "version")},
            permitted="shaoguan_lgo",
        ),
        Route(
            "appointment-submit",
            **MINE,
            method="post",
            data={"version": link("own_appointment", "version")},
            expect=BY_STATE,
        ),
        Route(
            "appointment-file",
            **THEIRS,
            method="post",
            data={"version": link("other_appointment", "version")},
            permitted="gd_bureau",
            expect=BY_STATE,
        ),
        Route(
            "appointment-file",
            **MINE,
            method="post",
            data={"version": link("own_appointment", "version")},
            permitted="gd_bureau",
            expect=BY_STATE,
        ),
        Route(
            "appointment-return",
            **THEIRS,
            method="post",
            data={"version": link("other_appointment", "version"), "reason": "x"},
            permitted="gd_bureau",
            expect=BY_STATE,
        ),
        Route(
            "appointment-return",
            **MINE,
            method="post",
            data={"version": link("own_appointment", "version"), "reason": "x"},
            permitted="gd_bureau",
            expect=BY_STATE,
        ),
        Route(
            "appointment-end", **THEIRS, method="post", data=END, permitted="shaoguan_lgo", expect=BY_STATE
        ),
        Route("appointment-end", **MINE, method="post", data=END),
        Route("implementationplan-list", permitted="maonan_bureau", expect=SIGNED_IN),
        Route(
            "implementationplan-list",
            method="post",
            data={"program": PROGRAM, "unit": "440200", "title": "x"},
            outsider="maonan_bureau",
            reader="gd_auditor",
            permitted="shaoguan_lgo",
            expect=BY_STATE,
            note="韶关 has its plan already",
        ),
        Route("implementationplan-detail", **THEIRS_PLAN, permitted="shaoguan_lgo", expect=IN_SCOPE),
        Route(
            "implementationplan-detail",
            **THEIRS_PLAN,
            method="patch",
            data={"title": "改名"},
            permitted="shaoguan_lgo",
            expect=BY_STATE,
        ),
        Route("implementationplan-document", **THEIRS_PLAN, permitted="shaoguan_lgo", expect=IN_SCOPE),
        Route(
            "implementationplan-submit",
            **THEIRS_PLAN,
            method="post",
            data={"version": link("other_plan", "version")},
            permitted="shaoguan_lgo",
            expect=BY_STATE,
        ),
        Route(
            "implementationplan-file",
            **THEIRS_PLAN,
            method="post",
            data={"version": link("other_plan", "version")},
            permitted="gd_bureau",
            expect=BY_STATE,
        ),
        Route(
            "implementationplan-return",
            **THEIRS_PLAN,
            method="post",
            data={"version": link("other_plan", "version"), "reason": "x"},
            permitted="gd_bureau",
            expect=BY_STATE,
        ),
        Route(
            "appointments:appointment_decide",
            **SUBMITTED,
            method="post",
            data={"decision": "file", "version": link("submitted_appointment", "version")},
            permitted="maoming_bureau",
            label="appointments:appointment_decide-submitted",
        ),
        Route(
            "appointments:appointment_grant_cdo",
            **SUBMITTED,
            method="post",
            data={"mode": "new", "username": "ga_cdo", "email": "ga_cdo@example.gov.cn"},
            permitted="maoming_bureau",
            note="the account administrators of 茂名市公安局 grant its filed CDO the CDO role",
        ),
        Route(
            "appointment-file",
            **SUBMITTED,
            method="post",
            data={"version": link("submitted_appointment", "version")},
            permitted="maoming_bureau",
            label="appointment-file-submitted",
        ),
        Route(
            "appointment-return",
            **SUBMITTED,
            method="post",
            data={"version": link("submitted_appointment", "version"), "reason": "请补充任职文件"},
            permitted="maoming_bureau",
            label="appointment-return-submitted",
        ),
        Route(
            "implementationplan-file",
            **SUBMITTED_PLAN,
            method="post",
            data={"version": link("submitted_plan", "version")},
            permitted="gd_bureau",
            label="implementationplan-file-submitted",
        ),
        Route(
            "implementationplan-return",
            **SUBMITTED_PLAN,
            method="post",
            data={"version": link("submitted_plan", "version"), "reason": "请补充"},
            permitted="gd_bureau",
            label="implementationplan-return-submitted",
        ),
        Route("filing-status-list", data={"program": PROGRAM}, permitted="maonan_bureau", expect=SIGNED_IN),
        Route("roster-list", data={"program": PROGRAM}, permitted="maonan_bureau", expect=SIGNED_IN),
    ]
