"""Helpers shared by the projects tests (and the scope-isolation test)."""

import datetime
from decimal import Decimal

from cdohub.accounts.tests.factories import person
from cdohub.appointments.demo import letter
from cdohub.catalog import services as catalog_services
from cdohub.catalog.models import Classification, Resource
from cdohub.org.models import Unit
from cdohub.projects import services


def population() -> Resource:
    """广东省公安厅's published 人口基础信息, from the demo's provincial catalog."""
    return Resource.objects.get(unit__code="440000-GA", name="人口基础信息", status="published")


def health_records(specialist, project) -> Resource:
    """The 居民电子健康档案 the project produces, registered in the catalog as a draft (the resource
    its acceptance review checks)."""
    return catalog_services.create_resource(
        specialist,
        unit=project.unit,
        classification=Classification.objects.get(code="202001"),
        name="居民电子健康档案",
        summary="居民电子健康档案",
        format="database",
        share_type="conditional",
        share_method="api",
        share_conditions="仅限卫生健康业务使用",
        share_basis="《基本医疗卫生与健康促进法》",
        open_type="none",
        open_conditions="含个人健康信息，不予开放",
        update_cycle="daily",
        released_on=datetime.date(2026, 1, 1),
        source_system="全民健康信息平台",
        items=[{"name": "姓名", "column_name": "XM", "data_type": "C", "length": 50}],
    )


def fields(**overrides) -> dict:
    values = {
        "name": "茂名市全民健康信息平台（测试）",
        "kind": "new",
        "budget": Decimal("860.00"),
        "funding_source": "budget",
        "summary": "建设全民健康信息平台，汇聚居民电子健康档案和诊疗信息",
        "systems": ["全民健康信息平台"],
        "collects": ["人口基础信息：姓名、公民身份号码、出生日期"],
        "security_level": 3,
        "feasibility_study": letter("可行性研究报告"),
        "design": letter("初步设计方案"),
    }
    values.update(overrides)
    return values


def new_project(actor, unit_code="440900-WJ", outputs=None, **overrides):
    outputs = [{"name": "居民电子健康档案", "share_type": "conditional"}] if outputs is None else outputs
    return services.create_project(
        actor, unit=Unit.objects.get(code=unit_code), outputs=outputs, **fields(**overrides)
    )


def world(admin):
    """Objects for the scope-isolation test: a 茂名 project under review and a finding there (out of
    茂南's reach), and a 茂南 project under review (in its reach)."""
    from cdohub.projects.models import Project

    wj = person("wj_specialist", "data_specialist", "440900-WJ")
    person("maoming_cdo", "cdo", "440900")
    other = new_project(wj, name="茂名市隔离测试项目")
    other_review = services.submit(wj, other, "initiation")
    finding = services.open_finding(
        person("maoming_cdo", "cdo", "440900"),
        unit=Unit.objects.get(code="440900-WJ"),
        category="other",
        severity="low",
        title="隔离测试发现",
        description="x",
        evidence="x",
        order_kind="correct",
        order_text="x",
        deadline_days=5,
    )
    rs = person("maonan_rs", "data_specialist", "440902-RS")
    person("maonan_cdo", "cdo", "440902")
    own = new_project(rs, unit_code="440902-RS", name="茂南区隔离测试项目")
    own_review = services.submit(rs, own, "initiation")
    return {
        "other_project": Project.objects.get(pk=other.pk),
        "other_review": other_review,
        "other_finding": finding,
        "own_project": Project.objects.get(pk=own.pk),
        "own_review": own_review,
    }


def scope_rows(w):
    """(route, kwargs, method, data, status) for 茂南's bureau administrator."""
    other, own = w["other_project"], w["own_project"]
    theirs, mine, finding = w["other_review"], w["own_review"], w["other_finding"]
    decide = {"decision": "veto", "version": 1, "reasons": "x"}
    new = {"unit": "440902-RS", "name": "x", "kind": "new", "budget": "1", "funding_source": "budget"}
    new["security_level"] = 2
    order = {
        "category": "other",
        "severity": "low",
        "title": "x",
        "description": "x",
        "evidence": "x",
        "order_kind": "correct",
        "order_text": "x",
        "deadline_days": 5,
    }
    return [
        ("projects:project_list", {}, "get", None, 200),
        ("projects:project_create", {}, "get", None, 403),  # a bureau does not prepare projects
        ("projects:dashboard", {}, "get", None, 200),
        ("projects:project_detail", {"pk": other.pk}, "get", None, 404),
        ("projects:project_detail", {"pk": own.pk}, "get", None, 200),
        ("projects:project_edit", {"pk": other.pk}, "post", {"name": "x"}, 404),
        ("projects:project_edit", {"pk": own.pk}, "get", None, 403),
        ("projects:project_submit", {"pk": other.pk}, "post", {"stage": "initiation"}, 404),
        ("projects:project_submit", {"pk": own.pk}, "post", {"stage": "acceptance"}, 403),
        ("projects:project_document", {"pk": other.pk, "name": "design"}, "get", None, 404),
        ("projects:project_document", {"pk": own.pk, "name": "design"}, "get", None, 200),
        ("projects:review_detail", {"pk": theirs.pk}, "get", None, 404),
        ("projects:review_detail", {"pk": mine.pk}, "get", None, 200),
        ("projects:review_decide", {"pk": theirs.pk}, "post", decide, 404),
        ("projects:review_decide", {"pk": mine.pk}, "post", decide, 403),  # only the CDO decides
        ("projects:review_opinion", {"pk": theirs.pk}, "post", {"version": 1, "text": "x"}, 404),
        ("projects:review_rerun", {"pk": theirs.pk}, "post", {"version": 1}, 404),
        ("projects:review_rerun", {"pk": mine.pk}, "post", {"version": 1}, 403),
        ("projects:finding_list", {}, "get", None, 200),
        ("projects:finding_create", {}, "get", None, 200),
        ("projects:finding_detail", {"pk": finding.pk}, "get", None, 404),
        ("projects:finding_answer", {"pk": finding.pk}, "post", {"version": 1, "answer": "x"}, 404),
        ("projects:finding_verify", {"pk": finding.pk}, "post", {"version": 1}, 404),
        ("projects:finding_document", {"pk": finding.pk, "name": "evidence_file"}, "get", None, 404),
        ("project-list", {}, "get", None, 200),
        ("project-list", {}, "post", {**new, "unit": "440900-WJ"}, 404),
        ("project-list", {}, "post", new, 403),
        ("project-detail", {"pk": other.pk}, "get", None, 404),
        ("project-detail", {"pk": own.pk}, "get", None, 200),
        ("project-detail", {"pk": other.pk}, "patch", {"name": "改名"}, 404),
        ("project-detail", {"pk": own.pk}, "patch", {"name": "改名"}, 403),
        ("project-document", {"pk": other.pk, "name": "design"}, "get", None, 404),
        ("project-document", {"pk": own.pk, "name": "design"}, "get", None, 200),
        ("project-document", {"pk": own.pk, "name": "acceptance_report"}, "get", None, 404),
        ("project-submit", {"pk": other.pk}, "post", {"stage": "initiation", "version": 1}, 404),
        ("project-submit", {"pk": own.pk}, "post", {"stage": "acceptance", "version": 1}, 403),
        ("projectreview-list", {}, "get", None, 200),
        ("projectreview-detail", {"pk": theirs.pk}, "get", None, 404),
        ("projectreview-detail", {"pk": mine.pk}, "get", None, 200),
        ("projectreview-decide", {"pk": theirs.pk}, "post", decide, 404),
        ("projectreview-decide", {"pk": mine.pk}, "post", decide, 403),
        ("projectreview-opinions", {"pk": theirs.pk}, "post", {"version": 1, "text": "x"}, 404),
        ("projectreview-rerun-checks", {"pk": theirs.pk}, "post", {"version": 1}, 404),
        ("projectreview-rerun-checks", {"pk": mine.pk}, "post", {"version": 1}, 403),
        ("finding-list", {}, "get", None, 200),
        ("finding-list", {}, "post", {**order, "unit": "440900-WJ"}, 404),
        ("finding-list", {}, "post", {**order, "unit": "440902-RS", "deadline_days": 0}, 400),
        ("finding-detail", {"pk": finding.pk}, "get", None, 404),
        ("finding-answer", {"pk": finding.pk}, "post", {"version": 1, "answer": "x"}, 404),
        ("finding-close", {"pk": finding.pk}, "post", {"version": 1}, 404),
        ("finding-reject", {"pk": finding.pk}, "post", {"version": 1, "reason": "x"}, 404),
        ("project-supervision-list", {}, "get", None, 200),
    ]


def unchanged(w) -> bool:
    from cdohub.projects.models import Finding, Project, Review

    projects = Project.objects.filter(pk__in=[w["other_project"].pk, w["own_project"].pk])
    reviews = Review.objects.filter(pk__in=[w["other_review"].pk, w["own_review"].pk])
    return (
        all(p.name.endswith("隔离测试项目") and p.status == "initiation_review" for p in projects)
        and all(r.status == "submitted" and r.version == 1 and not r.opinions.exists() for r in reviews)
        and Finding.objects.get(pk=w["other_finding"].pk).status == "open"
    )
