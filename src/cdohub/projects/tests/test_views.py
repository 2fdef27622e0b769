"""Pages and API of the projects app, driven as users would drive them."""

import io
import re

import pytest
from openpyxl import load_workbook

from cdohub.appointments.demo import letter
from cdohub.projects import services
from cdohub.projects.models import Finding, Project, Review

from .factories import new_project, population


def client_as(client, user, lang="en"):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


@pytest.mark.django_db
def test_create_submit_veto_and_admin_override_on_pages(wj, client, units):
    c = client_as(client, wj["specialist"])
    assert c.get("/projects/new/").status_code == 200
    data = {
        "unit": units["440900-WJ"].pk,
        "name": "茂名市妇幼健康信息系统（页面测试）",
        "kind": "new",
        "budget": "320",
        "funding_source": "budget",
        "summary": "妇幼保健业务信息化",
        "systems": "妇幼健康信息系统",
        "collects": "人口基础信息：姓名、公民身份号码",
        "security_level": "3",
        "uses": "",
        "feasibility_study": letter("可研"),
        "design": letter("设计"),
        "outputs-TOTAL_FORMS": "2",
        "outputs-INITIAL_FORMS": "0",
        "outputs-0-name": "妇幼保健档案",
        "outputs-0-share_type": "conditional",
        "outputs-0-resource": "",
        "outputs-1-name": "",
        "outputs-1-share_type": "",
        "outputs-1-resource": "",
    }
    response = c.post("/projects/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(name="茂名市妇幼健康信息系统（页面测试）")
    assert list(project.outputs.values_list("name", "share_type")) == [("妇幼保健档案", "conditional")]
    page = c.get(project.get_absolute_url()).content.decode()
    assert 'id="submit-initiation"' in page and 'id="submit-acceptance"' not in page
    response = c.post(f"/projects/{project.pk}/submit/", {"stage": "initiation", "version": project.version})
    review = Review.objects.get(project=project)
    assert response.url == review.get_absolute_url()
    page = c.get(review.get_absolute_url()).content.decode()
    assert 'id="check-reuse" data-result="failed"' in page and "decide-form" not in page

    cdo = client_as(client.__class__(), wj["cdo"])
    inbox = cdo.get("/projects/").content.decode()
    assert 'id="inbox"' in inbox and review.get_absolute_url() in inbox
    assert review.get_absolute_url() not in c.get("/projects/").content.decode()  # not the submitter's
    page = cdo.get(review.get_absolute_url()).content.decode()
    assert 'id="decide-form"' in page and 'id="cite-reuse"' in page
    assert "人口基础信息：姓名、公民身份号码" in page  # the project as submitted
    cdo.post(f"/projects/reviews/{review.pk}/decide/", {"decision": "veto", "version": review.version})
    review.refresh_from_db()
    assert review.status == "submitted"  # no reasons: refused
    cdo.post(
        f"/projects/reviews/{review.pk}/decide/",
        {"decision": "veto", "version": review.version, "reasons": "重复采集", "cited_checks": ["reuse"]},
    )
    review.refresh_from_db()
    assert review.status == "vetoed" and review.cited_checks == ["reuse"]

    admin = client_as(client.__class__(), wj["admin"])
    response = admin.post(
        f"/projects/reviews/{review.pk}/decide/", {"decision": "approve", "version": review.version}
    )
    assert response.status_code == 403
    page = admin.get(review.get_absolute_url()).content.decode()
    assert 'id="veto-record"' in page and "decide-form" not in page
    admin.post(f"/admin/projects/review/{review.pk}/change/", {"status": "approved"})
    review.refresh_from_db()
    assert review.status == "vetoed"


@pytest.mark.django_db
def test_the_admin_site_shows_reviews_read_only(wj, client):
    review = services.submit(wj["specialist"], new_project(wj["specialist"]), "initiation")
    c = client_as(client, wj["admin"])
    page = c.get(f"/admin/projects/review/{review.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert c.get(f"/admin/projects/review/{review.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_api_submit_decide_conflict_and_override(wj, client):
    api = client_as(client, wj["specialist"])
    body = {
        "unit": "440900-WJ",
        "name": "茂名市接口测试项目",
        "kind": "upgrade",
        "budget": "45.5",
        "funding_source": "special",
        "security_level": 2,
        "collects": ["人口基础信息"],
        "outputs": [{"name": "接口测试资源", "share_type": "unconditional"}],
        "uses": [population().code],
    }
    created = api.post("/api/projects/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    project = created.json()
    assert project["status"] == "draft" and project["uses"] == [population().code]
    refused = api.post(
        f"/api/projects/{project['id']}/submit/",
        {"stage": "initiation", "version": project["version"]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "feasibility study" in refused.json()["detail"][0]
    bad = api.post("/api/projects/", {**body, "kind": "nonsense"}, content_type="application/json")
    assert bad.status_code == 400
    p = Project.objects.get(pk=project["id"])
    p.feasibility_study, p.design = letter("a"), letter("b")
    p.save()
    submitted = api.post(
        f"/api/projects/{p.pk}/submit/",
        {"stage": "initiation", "version": p.version},
        content_type="application/json",
    )
    assert submitted.status_code == 201
    review = submitted.json()
    assert {c["code"]: c["result"] for c in review["checks"]}["reuse"] == "failed"
    assert (
        api.patch(f"/api/projects/{p.pk}/", {"name": "x"}, content_type="application/json").status_code == 400
    )

    bureau = client_as(client.__class__(), wj["bureau"])
    opinion = bureau.post(
        f"/api/project-reviews/{review['id']}/opinions/",
        {"version": review["version"], "text": "建议复用省人口库", "recommendation": "veto"},
        content_type="application/json",
    )
    assert opinion.status_code == 201
    cdo = client_as(client.__class__(), wj["cdo"])
    stale = cdo.post(
        f"/api/project-reviews/{review['id']}/decide/",
        {"decision": "approve", "version": review["version"]},
        content_type="application/json",
    )
    assert stale.status_code == 409
    current = cdo.get(f"/api/project-reviews/{review['id']}/").json()
    assert current["opinions"][0]["recommendation"] == "veto"
    vetoed = cdo.post(
        f"/api/project-reviews/{review['id']}/decide/",
        {"decision": "veto", "version": current["version"], "reasons": "重复采集", "cited_checks": ["reuse"]},
        content_type="application/json",
    )
    assert vetoed.status_code == 200 and vetoed.json()["status"] == "vetoed"
    admin = client_as(client.__class__(), wj["admin"])
    override = admin.post(
        f"/api/project-reviews/{review['id']}/decide/",
        {"decision": "approve", "version": vetoed.json()["version"]},
        content_type="application/json",
    )
    assert override.status_code == 403
    again = cdo.post(
        f"/api/project-reviews/{review['id']}/decide/",
        {"decision": "approve", "version": vetoed.json()["version"]},
        content_type="application/json",
    )
    assert again.status_code == 400 and "final" in again.json()["detail"][0]


@pytest.mark.django_db
def test_findings_pages_and_api(wj, client, units):
    cdo = client_as(client, wj["cdo"])
    response = cdo.post(
        "/findings/new/",
        {
            "unit": units["440900-WJ"].pk,
            "category": "sharing",
            "severity": "medium",
            "title": "健康档案未按目录共享",
            "description": "已登记为有条件共享，但未开通接口",
            "evidence": "共享平台调用记录为零",
            "order_kind": "correct",
            "order_text": "十个工作日内开通共享接口",
            "deadline_days": "10",
        },
    )
    finding = Finding.objects.get(title="健康档案未按目录共享")
    assert response.url == finding.get_absolute_url()
    unit = client_as(client.__class__(), wj["specialist"])
    page = unit.get(finding.get_absolute_url()).content.decode()
    assert 'id="answer-form"' in page and "verify-form" not in page
    answered = unit.post(
        f"/api/findings/{finding.pk}/answer/",
        {"version": finding.version, "answer": "已开通接口"},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert 'id="verify-form"' in cdo.get(finding.get_absolute_url()).content.decode()
    cdo.post(f"/findings/{finding.pk}/verify/", {"version": answered.json()["version"], "decision": "close"})
    finding.refresh_from_db()
    assert finding.status == "closed"
    listed = cdo.get("/api/findings/?status=closed").json()
    assert finding.pk in [f["id"] for f in listed["results"]]


@pytest.mark.django_db
def test_dashboard_and_export(wj, client):
    review = services.submit(wj["specialist"], new_project(wj["specialist"]), "initiation")
    services.decide(wj["cdo"], review, "veto", review.version, reasons="重复采集", cited=["reuse"])
    c = client_as(client, wj["cdo"], "zh-hans")
    page = c.get("/projects/dashboard/").content.decode()
    assert 'id="supervision-chart-data"' in page and "茂名市卫生健康局" in page
    export = c.get("/projects/dashboard/?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    wj_row = next(r for r in rows if r[1] == "茂名市卫生健康局")
    assert wj_row[0] == "茂名市" and wj_row[6] >= 1
    api = c.get("/api/project-supervision/").json()
    assert any(r["name"] == "茂名市卫生健康局" and r["vetoed"] >= 1 for r in api)


@pytest.mark.django_db
def test_after_initiation_the_edit_page_offers_only_the_acceptance_fields(wj, client):
    project = new_project(wj["specialist"])
    review = services.submit(wj["specialist"], project, "initiation")
    services.decide(wj["cdo"], review, "approve", review.version)
    page = client_as(client, wj["specialist"]).get(f"/projects/{project.pk}/edit/").content.decode()
    tags = re.finditer(r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*>', page)
    inputs = {m.group(1): m.group(0) for m in tags}
    assert (
        "disabled" in inputs["name"] and "disabled" in inputs["budget"] and "disabled" in inputs["collects"]
    )
    assert "disabled" not in inputs["acceptance_report"] and "disabled" not in inputs["uses"]
    assert "disabled" in inputs["outputs-0-name"] and "居民电子健康档案" in inputs["outputs-0-name"]
    assert "disabled" not in inputs["outputs-0-resource"]


@pytest.mark.django_db
def test_project_and_finding_lists_export_what_the_user_sees(wj, client):
    review = services.submit(wj["specialist"], new_project(wj["specialist"]), "initiation")
    services.decide(wj["cdo"], review, "return", review.version, reasons="补充共享属性")
    c = client_as(client, wj["cdo"], "zh-hans")
    sheet = load_workbook(io.BytesIO(c.get("/projects/?export=xlsx").content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "单位"
    mine = [r for r in rows if r[1] == "茂名市全民健康信息平台（测试）"]
    assert mine and mine[0][6] == "立项退回修改" and mine[0][10] == "补充共享属性"
    assert all(r[0].startswith("茂名") for r in rows[1:])  # only what the 茂名 CDO may see
    sheet = load_workbook(io.BytesIO(c.get("/findings/?export=xlsx").content)).active
    assert sheet.cell(1, 1).value == "被监督单位"


@pytest.mark.django_db
def test_a_formula_entered_as_a_project_name_is_exported_inert(wj, client):
    payloads = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]
    for payload in payloads:
        new_project(wj["specialist"], name=payload)
    c = client_as(client, wj["cdo"], "zh-hans")
    sheet = load_workbook(io.BytesIO(c.get("/projects/?export=xlsx").content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    exported = {cell.value for cell in names if cell.value.startswith("'")}
    assert exported == {"'" + p for p in payloads}
    assert all(cell.data_type == "s" for cell in names)
