"""Helpers shared by the projects tests (and the permission tests)."""

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
    """Objects for the permission tests: a 茂名 project under review and a finding there (out of
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
