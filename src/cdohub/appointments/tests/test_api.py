"""The appointments REST API: the filing workflow end to end, conflicts, uploads, derived bodies,
filing status and the roster, and what a county administrator may reach outside its county."""

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart
from django.urls import reverse
from pypdf import PdfWriter

from cdohub.accounts import services as account_services
from cdohub.appointments import services
from cdohub.appointments.choices import FilingStatus, Rank
from cdohub.appointments.models import Appointment, FilingDecision
from cdohub.core.models import AuditEntry
from cdohub.org.models import ScopeMember

PROGRAM = "guangdong-2021"
BOUNDARY = "CdoHubBoundary"


def pdf(name="任免文件.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def post_json(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def patch_json(client, url, data):
    return client.patch(url, data, content_type="application/json")


def patch_form(client, url, data):
    return client.patch(
        url, encode_multipart(BOUNDARY, data), content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )


def city_cdo_fields(**extra):
    return {
        "program": PROGRAM,
        "unit": "440900",
        "post": "government_cdo",
        "person_name": "陈明远",
        "position": "茂名市副市长",
        "rank": Rank.DEPUTY,
        "in_charge_of_digital_government": "true",
        "phone": "0668-2281234",
        "document_number": "茂数改组〔2021〕5号",
        "document_date": "2021-05-20",
        "effective_on": "2021-05-20",
        **extra,
    }


def detail(pk, action=None):
    return reverse(f"appointment-{action}" if action else "appointment-detail", args=[pk])


@pytest.fixture
def city_draft(users, units, program):
    """茂名's city CDO as a draft with its appointment letter, prepared by the leading group office."""
    return services.create_appointment(
        users["maoming_lgo"],
        program,
        units["440900"],
        "government_cdo",
        person_name="陈明远",
        position="茂名市副市长",
        rank=Rank.DEPUTY,
        in_charge_of_digital_government=True,
        document_number="茂数改组〔2021〕5号",
        document_date=date(2021, 5, 20),
        document=pdf(),
        effective_on=date(2021, 5, 20),
    )


@pytest.fixture
def city_submitted(city_draft, users):
    return services.submit(users["maoming_lgo"], city_draft, version=city_draft.version)


# The appointment workflow ----------------------------------------------------------------------


@pytest.mark.django_db
def test_city_cdo_is_drafted_returned_resubmitted_and_filed(client_for, users):
    lgo, gd, maoming = client_for("maoming_lgo"), client_for("gd_bureau"), client_for("maoming_bureau")

    created = lgo.post("/api/appointments/", city_cdo_fields(document=pdf()))
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert body["status"] == "draft" and body["version"] == 1
    assert body["unit"] == {"code": "440900", "name": "茂名市人民政府"}
    assert body["post"]["key"] == "government_cdo" and body["post"]["label"]
    assert body["appointing_body"]["code"] == "440900-LDXZ"
    assert body["filing_body"]["code"] == "440000-SJJ"
    assert body["flagged"] is False and body["predecessor"] is None and body["ends_on"] is None
    assert body["decisions"] == []
    path = reverse("appointment-document", args=[pk])
    assert body["document_url"].endswith(path)
    assert lgo.get(path)["Content-Type"] == "application/pdf"
    _token, key = account_services.create_token(users["maoming_lgo"], users["maoming_lgo"], "script")
    by_token = Client().get(path, headers={"Authorization": f"Bearer {key}"})  # API clients download too
    assert by_token.status_code == 200 and by_token["Content-Type"] == "application/pdf"

    submitted = post_json(lgo, detail(pk, "submit"), {"version": 1})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted" and submitted.json()["version"] == 2

    # The city bureau sees the filing but does not decide what the provincial bureau receives.
    assert maoming.get(detail(pk)).status_code == 200
    refused = post_json(maoming, detail(pk, "file"), {"version": 2})
    assert refused.status_code == 403
    assert Appointment.objects.get(pk=pk).status == FilingStatus.SUBMITTED

    returned = post_json(gd, detail(pk, "return"), {"version": 2, "reason": "任免文件缺少印章页。"})
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "任免文件缺少印章页。"

    edited = patch_form(lgo, detail(pk), {"document": pdf("盖章版.pdf"), "phone": "0668-2280000"})
    assert edited.status_code == 200, edited.content
    assert edited.json()["phone"] == "0668-2280000"
    assert "盖章版" in Appointment.objects.get(pk=pk).document.name

    resubmitted = post_json(lgo, detail(pk, "submit"), {"version": 3})
    assert resubmitted.status_code == 200, resubmitted.content
    filed = post_json(gd, detail(pk, "file"), {"version": 4})
    assert filed.status_code == 200, filed.content
    assert filed.json()["status"] == "filed" and filed.json()["version"] == 5

    decisions = gd.get(detail(pk)).json()["decisions"]
    assert [(d["action"], d["from"], d["to"], d["version"], d["actor"]) for d in decisions] == [
        ("submit", "draft", "submitted", 1, "maoming_lgo"),
        ("return", "submitted", "returned", 2, "gd_bureau"),
        ("submit", "returned", "submitted", 3, "maoming_lgo"),
        ("file", "submitted", "filed", 4, "gd_bureau"),
    ]
    assert decisions[1]["comment"] == "任免文件缺少印章页。" and decisions[0]["at"]

    events = AuditEntry.objects.filter(object_type="appointments.appointment", object_id=str(pk))
    assert list(events.filter(kind="event").order_by("id").values_list("action", "actor_name", "source")) == [
        ("appointment.drafted", "maoming_lgo", "api"),
        ("appointment.submitted", "maoming_lgo", "api"),
        ("appointment.returned", "gd_bureau", "api"),
        ("appointment.submitted", "maoming_lgo", "api"),
        ("appointment.filed", "gd_bureau", "api"),
    ]

    listed = gd.get("/api/appointments/", {"program": PROGRAM, "unit": "440900", "post": "government_cdo"})
    assert [a["id"] for a in listed.json()["results"]] == [pk]
    assert gd.get("/api/appointments/", {"unit": "440900", "status": "draft"}).json()["count"] == 0


@pytest.mark.django_db
def test_department_cdo_is_filed_with_the_city_bureau(client_for):
    specialist, maoming = client_for("maoming_specialist"), client_for("maoming_bureau")
    fields = city_cdo_fields(
        unit="440900-GA", post="department_cdo", position="茂名市公安局副局长", document=pdf()
    )
    created = specialist.post("/api/appointments/", fields)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["appointing_body"]["code"] == "440900-GA"
    assert created.json()["filing_body"]["code"] == "440900-SJJ"
    assert post_json(specialist, detail(pk, "submit")).status_code == 200
    assert post_json(client_for("gd_bureau"), detail(pk, "file"), {"version": 2}).status_code == 403
    filed = post_json(maoming, detail(pk, "file"), {"version": 2})
    assert filed.status_code == 200 and filed.json()["status"] == "filed"


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_changes_nothing(city_submitted, client_for):
    gd = client_for("gd_bureau")
    pk = city_submitted.pk
    for action, data in (("file", {"version": 1}), ("return", {"version": 1, "reason": "过期"})):
        response = post_json(gd, detail(pk, action), data)
        assert response.status_code == 409, response.content
        assert response.json()["detail"]
    stale_submit = post_json(client_for("maoming_lgo"), detail(pk, "submit"), {"version": 1})
    assert stale_submit.status_code == 409
    fresh = Appointment.objects.get(pk=pk)
    assert (fresh.status, fresh.version, fresh.decided_by) == (FilingStatus.SUBMITTED, 2, None)
    assert list(FilingDecision.objects.filter(appointment=fresh).values_list("action", flat=True)) == [
        "submit"
    ]
    assert not AuditEntry.objects.filter(
        object_type="appointments.appointment",
        object_id=str(pk),
        action__in=["appointment.filed", "appointment.returned"],
    ).exists()


@pytest.mark.django_db
def test_a_return_needs_a_reason(city_submitted, client_for):
    gd = client_for("gd_bureau")
    for data in ({"version": 2}, {"version": 2, "reason": ""}):
        response = post_json(gd, detail(city_submitted.pk, "return"), data)
        assert response.status_code == 400 and "reason" in response.json()
    assert post_json(gd, detail(city_submitted.pk, "file"), {}).status_code == 400  # version required
    assert Appointment.objects.get(pk=city_submitted.pk).status == FilingStatus.SUBMITTED


@pytest.mark.django_db
def test_service_refusals_are_400(city_draft, client_for, english):
    lgo = client_for("maoming_lgo", lang="en")
    # Not in a state to be filed.
    assert (
        post_json(client_for("gd_bureau"), detail(city_draft.pk, "file"), {"version": 1}).status_code == 400
    )
    # A second appointment in progress for the same post.
    again = lgo.post("/api/appointments/", city_cdo_fields(document=pdf()))
    assert again.status_code == 400 and "already in progress" in json.dumps(again.json())
    # Only the allowed fields can be changed, and nothing through the API saves a model directly.
    for data in ({"status": "filed"}, {"flagged": True}, {"appointing_body": "440000-SJJ"}):
        assert patch_json(lgo, detail(city_draft.pk), data).status_code == 400
    assert Appointment.objects.get(pk=city_draft.pk).status == FilingStatus.DRAFT
    # Below the rank the plan asks for: a justification is required, then it is flagged.
    below = patch_json(lgo, detail(city_draft.pk), {"rank": Rank.OTHER})
    assert below.status_code == 400 and "justification" in below.json()
    justified = patch_json(lgo, detail(city_draft.pk), {"rank": Rank.OTHER, "justification": "副市长空缺。"})
    assert justified.status_code == 200 and justified.json()["flagged"] is True
    assert (
        client_for("gd_bureau")
        .get("/api/appointments/", {"flagged": "true", "unit": "440900"})
        .json()["count"]
        == 1
    )


@pytest.mark.django_db
def test_no_delete_and_no_put(city_draft, client_for):
    lgo = client_for("maoming_lgo")
    assert lgo.delete(detail(city_draft.pk)).status_code == 405
    assert lgo.put(detail(city_draft.pk), {}, content_type="application/json").status_code == 405
    assert Appointment.objects.filter(pk=city_draft.pk).exists()


@pytest.mark.django_db
def test_a_non_pdf_upload_is_refused(client_for):
    specialist = client_for("maoming_specialist")
    fake = SimpleUploadedFile("任免文件.pdf", b"just some text, not a PDF", content_type="application/pdf")
    fields = city_cdo_fields(unit="440900-GA", post="department_cdo", document=fake)
    response = specialist.post("/api/appointments/", fields)
    assert response.status_code == 400 and "document" in response.json()
    assert not Appointment.objects.filter(unit__code="440900-GA").exists()


@pytest.mark.django_db
def test_ending_a_term(client_for):
    term = Appointment.objects.get(unit__code="440902", post="government_cdo", status=FilingStatus.FILED)
    url = detail(term.pk, "end")
    assert (
        post_json(
            client_for("maonan_bureau"), url, {"ends_on": "2022-01-31", "document_number": "x"}
        ).status_code
        == 403
    )
    lgo = client_for("maoming_lgo")
    assert post_json(lgo, url, {}).status_code == 400
    ended = post_json(lgo, url, {"ends_on": "2022-01-31", "document_number": "茂数改组〔2022〕1号"})
    assert ended.status_code == 200, ended.content
    assert ended.json()["ends_on"] == "2022-01-31" and ended.json()["end_reason"] == "removed"
    assert ended.json()["end_document_number"] == "茂数改组〔2022〕1号"
    assert post_json(lgo, url, {"ends_on": "2022-02-28"}).status_code == 400  # already ended


# Derived bodies --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bodies_are_derived_from_the_rules(client_for, english):
    client = client_for("maoming_lgo", lang="en")
    url = reverse("appointment-bodies")
    city = client.get(url, {"program": PROGRAM, "unit": "440900", "post": "government_cdo"})
    assert city.status_code == 200
    assert city.json()["appointing_body"]["code"] == "440900-LDXZ"
    assert city.json()["filing_body"] == {"code": "440000-SJJ", "name": city.json()["filing_body"]["name"]}
    department = client.get(url, {"program": PROGRAM, "unit": "440900-GA", "post": "department_cdo"})
    assert department.status_code == 200
    assert department.json()["appointing_body"]["code"] == "440900-GA"
    assert department.json()["filing_body"]["code"] == "440900-SJJ"

    refused = client.get(url, {"program": PROGRAM, "unit": "440900-GA", "post": "government_cdo"})
    assert refused.status_code == 400 and "is not a post of a" in json.dumps(refused.json())
    unknown = client.get(url, {"program": PROGRAM, "unit": "440900", "post": "nope"})
    assert unknown.status_code == 400 and "has no post nope" in json.dumps(unknown.json())
    assert client.get(url, {"unit": "440900"}).status_code == 400


# Implementation plans --------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_is_drafted_completed_and_filed(client_for):
    lgo, gd = client_for("maoming_lgo"), client_for("gd_bureau")
    dimensions = {"objectives": "建立首席数据官制度。", "steps": "5月底前报送备案。"}
    created = post_json(
        lgo,
        "/api/plans/",
        {
            "program": PROGRAM,
            "unit": "440900",
            "title": "茂名市首席数据官制度试点实施方案",
            "dimensions": dimensions,
        },
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["filing_body"]["code"] == "440000-SJJ" and plan["dimensions"] == dimensions
    assert plan["document_url"] is None
    url = reverse("implementationplan-detail", args=[plan["id"]])

    incomplete = post_json(lgo, reverse("implementationplan-submit", args=[plan["id"]]), {"version": 1})
    assert incomplete.status_code == 400

    bad = patch_json(lgo, url, {"dimensions": {"budget": "一百万"}})
    assert bad.status_code == 400 and "dimensions" in bad.json()
    dimensions["safeguards"] = "加强组织实施。"
    completed = patch_form(
        lgo,
        url,
        {
            "dimensions": json.dumps(dimensions, ensure_ascii=False),
            "document_number": "茂府办〔2021〕12号",
            "document_date": "2021-05-25",
            "document": pdf("实施方案.pdf"),
        },
    )
    assert completed.status_code == 200, completed.content
    assert completed.json()["dimensions"]["safeguards"] == "加强组织实施。"
    assert completed.json()["document_url"].endswith(
        reverse("implementationplan-document", args=[plan["id"]])
    )

    assert (
        post_json(lgo, reverse("implementationplan-submit", args=[plan["id"]]), {"version": 1}).status_code
        == 200
    )
    assert (
        post_json(lgo, reverse("implementationplan-file", args=[plan["id"]]), {"version": 2}).status_code
        == 403
    )
    filed = post_json(gd, reverse("implementationplan-file", args=[plan["id"]]), {"version": 2})
    assert filed.status_code == 200 and filed.json()["status"] == "filed"
    assert [d["action"] for d in filed.json()["decisions"]] == ["submit", "file"]
    assert AuditEntry.objects.filter(
        object_type="appointments.implementationplan", object_id=str(plan["id"]), action="plan.filed"
    ).exists()
    # A county is not among the pilots that file a plan.
    county = post_json(
        client_for("maonan_bureau"), "/api/plans/", {"program": PROGRAM, "unit": "440902", "title": "x"}
    )
    assert county.status_code == 400
    returned = gd.get("/api/plans/", {"status": "filed", "unit": "440900"}).json()
    assert returned["count"] == 1


# Filing status and roster ----------------------------------------------------------------------


def _all(client, url):
    response = client.get(url, {"program": PROGRAM, "page_size": 500})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.django_db
def test_filing_status_rows(client_for):
    rows = {r["unit"]["code"]: r for r in _all(client_for("gd_bureau"), "/api/filing-status/")}
    assert len(rows) == ScopeMember.objects.filter(program__code=PROGRAM).count()
    shaoguan = rows["440200"]
    assert shaoguan["category"] == "pilot_city" and shaoguan["city"] == "440200"
    assert shaoguan["post"] == "government_cdo"
    assert shaoguan["appointment"]["state"] == "returned" and shaoguan["appointment"]["holder"] is None
    assert shaoguan["plan"]["state"] == "filed"
    maoming = rows["440900"]
    assert maoming["appointment"]["state"] == "missing" and maoming["appointment"]["overdue"] is True
    assert maoming["appointment"]["late_days"] > 0 and maoming["plan"]["state"] == "missing"
    county = rows["440902"]
    assert county["city"] == "440900" and county["plan"] is None
    holder = Appointment.objects.get(unit__code="440902", post="government_cdo").person_name
    assert county["appointment"]["state"] == "filed" and county["appointment"]["holder"] == holder
    assert rows["441600-ZR"]["appointment"]["flagged"] is True
    assert client_for("gd_bureau").get("/api/filing-status/").status_code == 400
    assert client_for("gd_bureau").get("/api/filing-status/", {"program": "nope"}).status_code == 400


@pytest.mark.django_db
def test_roster_entries(client_for):
    entries = _all(client_for("maoming_bureau"), "/api/roster/")
    assert entries and all(e["unit"]["code"].startswith("4409") for e in entries)
    vacant = {e["unit"]["code"] for e in entries if e["vacant"]}
    assert {"440900", "440900-GA"} <= vacant
    filled = next(e for e in entries if e["unit"]["code"] == "440902")
    assert filled["post"]["key"] == "government_cdo" and filled["person_name"] and not filled["vacant"]
    assert filled["rank"] == "deputy" and filled["effective_on"]


@pytest.mark.django_db
def test_county_lists_hold_only_its_county(client_for):
    client = client_for("maonan_bureau")
    for url in ("/api/filing-status/", "/api/roster/"):
        rows = _all(client, url)
        assert rows and all(r["unit"]["code"].startswith("440902") for r in rows), url
    appointments = client.get("/api/appointments/", {"page_size": 500}).json()["results"]
    assert appointments and all(a["unit"]["code"].startswith("440902") for a in appointments)
    assert client.get("/api/plans/").json()["count"] == 0


# Scope isolation -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lists_take_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for("gd_bureau")
    for url in ("/api/appointments/", "/api/plans/", "/api/filing-status/", "/api/roster/"):
        with django_assert_max_num_queries(10):
            response = client.get(url, {"program": PROGRAM, "page_size": 500})
        assert response.status_code == 200 and response.json()["count"] > 10, url


def test_implausible_dates_and_phones_are_refused_by_api_and_service(client_for, english):
    lgo = client_for("maoming_lgo")
    created = lgo.post("/api/appointments/", city_cdo_fields(document=pdf(), effective_on="9999-12-31"))
    assert created.status_code == 400 and "9999-12-31" in created.content.decode()
    created = lgo.post("/api/appointments/", city_cdo_fields(document=pdf(), phone="=1+1"))
    assert created.status_code == 400 and "phone" in created.json()
    term = Appointment.objects.get(unit__code="440902", post="government_cdo", status=FilingStatus.FILED)
    ended = post_json(lgo, detail(term.pk, "end"), {"ends_on": "9999-12-31", "document_number": "x"})
    assert ended.status_code == 400 and "9999-12-31" in ended.content.decode()


def test_a_formula_entered_through_the_api_is_exported_inert(client_for):
    from openpyxl import load_workbook

    lgo = client_for("maoming_lgo")
    payload = "=cmd|' /C calc'!A0"
    created = lgo.post("/api/appointments/", city_cdo_fields(document=pdf(), position=payload))
    assert created.status_code == 201, created.content
    export = lgo.get(reverse("appointments:appointment_list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    positions = [row[4] for row in sheet.iter_rows(min_row=2) if row[4].value and "calc" in row[4].value]
    assert [(c.value, c.data_type) for c in positions] == [("'" + payload, "s")]
