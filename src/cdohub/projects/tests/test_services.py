"""Projects, review rounds and findings through the services: the veto, what is refused, what is kept."""

import datetime
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404

from cdohub.appointments.demo import letter
from cdohub.catalog import services as catalog_services
from cdohub.core import clock
from cdohub.core.calendar import add_working_days
from cdohub.core.models import AuditEntry, Notification
from cdohub.core.workflow import Conflict
from cdohub.org.models import Unit
from cdohub.projects import services
from cdohub.projects.models import Check, Finding, Project, Review
from cdohub.quality import services as quality_services
from cdohub.quality.tests import factories as quality_factories

from .factories import health_records, new_project, person, population


def events(obj, prefix):
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action__startswith=prefix
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def results(review):
    return dict(review.checks.values_list("code", "result"))


@pytest.mark.django_db
def test_veto_is_final_and_a_new_round_is_approved_then_accepted(wj, english):
    specialist, cdo, bureau, admin = wj["specialist"], wj["cdo"], wj["bureau"], wj["admin"]
    project = new_project(specialist)
    first = services.submit(specialist, project, "initiation")
    assert first.reviewing_body.code == "440900" and first.round == 1
    assert results(first) == {"duplicates": "passed", "reuse": "failed", "outputs_declared": "passed"}
    reuse = first.checks.get(code="reuse")
    held = reuse.evidence["held"]
    assert any(h["provider"] == "广东省公安厅" and h["resource"] == "人口基础信息" for h in held)
    assert "广东省公安厅「人口基础信息」" in reuse.summary
    project.refresh_from_db()
    assert project.status == "initiation_review"

    vetoed = services.decide(
        cdo, first, "veto", first.version, reasons="重复采集人口基础信息，应通过共享获取", cited=["reuse"]
    )
    assert vetoed.status == "vetoed" and vetoed.cited_checks == ["reuse"] and vetoed.decided_by == cdo
    assert Project.objects.get(pk=project.pk).status == "initiation_vetoed"
    entry = AuditEntry.objects.get(action="project.vetoed", object_id=str(first.pk))
    assert entry.data["cited_checks"] == ["reuse"] and entry.data["reasons"].startswith("重复采集")

    # Nobody overrides it: not the administrator, not the bureau, not the CDO again.
    for who in (admin, bureau):
        with pytest.raises(PermissionDenied):
            services.decide(who, vetoed, "approve", vetoed.version)
    with pytest.raises(ValidationError, match="final"):
        services.decide(cdo, vetoed, "approve", vetoed.version)
    with pytest.raises(ValidationError, match="final"):
        services.add_opinion(bureau, vetoed, "建议通过")
    with pytest.raises(ValidationError, match="final"):
        services.rerun_checks(cdo, vetoed)
    vetoed.status, vetoed.decision = "approved", "approve"
    with pytest.raises(ValidationError, match="final"):
        vetoed.save()
    with pytest.raises(ValidationError):
        Review.objects.get(pk=first.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():  # the database refuses it too
        Review.objects.filter(pk=first.pk).update(status="approved", decision="approve")
    with pytest.raises(DatabaseError), transaction.atomic():
        Check.objects.filter(review=first, code="reuse").update(result="passed")
    first.refresh_from_db()
    assert first.status == "vetoed" and results(first)["reuse"] == "failed"

    # Round 2: the unit drops the collection and uses the shared resource.
    project = services.update_project(specialist, project, collects=[], uses=[population()])
    second = services.submit(specialist, project, "initiation")
    assert second.round == 2 and results(second)["reuse"] == "not_applicable"
    services.add_opinion(bureau, second, "同意立项，人口数据通过省共享平台获取。", "approve")
    with pytest.raises(Conflict):  # the opinion moved the round on: decide on what is there now
        services.decide(cdo, second, "approve", second.version)
    second.refresh_from_db()
    approved = services.decide(cdo, second, "approve", second.version)
    assert approved.status == "approved"
    project.refresh_from_db()
    assert project.status == "initiated"
    assert list(project.reviews.order_by("round").values_list("round", "status")) == [
        (1, "vetoed"),
        (2, "approved"),
    ]

    # Acceptance: the produced resource must be registered and published.
    with pytest.raises(ValidationError, match="acceptance report"):
        services.submit(specialist, project, "acceptance")
    assert not project.reviews.filter(stage="acceptance").exists()
    resource = health_records(specialist, project)
    with pytest.raises(ValidationError, match="approved at initiation"):
        services.update_project(specialist, project, outputs=[{"name": "别的资源", "share_type": "none"}])
    with pytest.raises(ValidationError, match="only the acceptance report"):
        services.update_project(specialist, project, budget=1)
    project = services.update_project(
        specialist,
        project,
        acceptance_report=letter("验收报告"),
        outputs=[{"name": "居民电子健康档案", "share_type": "conditional", "resource": resource}],
    )
    acceptance = services.submit(specialist, project, "acceptance")
    assert results(acceptance) == {
        "outputs_registered": "failed",
        "sharing_in_place": "failed",
        "quality_passing": "failed",
    }
    resource.refresh_from_db()
    catalog_services.submit_resource(specialist, resource)
    resource.refresh_from_db()
    catalog_services.publish_resource(bureau, resource, resource.version)
    acceptance = services.rerun_checks(cdo, acceptance, acceptance.version)
    assert results(acceptance) == {
        "outputs_registered": "passed",
        "sharing_in_place": "passed",
        "quality_passing": "failed",  # no quality rule yet, let alone a passing check
    }
    # Its data is checked where it lives, and passes.
    folder = Path(settings.DATA_DIR) / "sources" / "projects-acceptance"
    folder.mkdir(parents=True, exist_ok=True)
    source = quality_factories.register(
        specialist,
        project.unit,
        "健康档案库",
        kind="sqlite",
        path=str(quality_factories.population_file(folder / "health.sqlite3", blank_names=0)),
    )
    quality_services.bind_resource(specialist, resource, source=source, table="rk")
    quality_services.save_rule(specialist, resource, kind="not_null", columns=["XM"])
    assert quality_services.run_now(specialist, resource).score == 100
    acceptance = services.rerun_checks(cdo, acceptance, acceptance.version)
    assert results(acceptance)["quality_passing"] == "passed"
    services.decide(cdo, acceptance, "approve", acceptance.version)
    project.refresh_from_db()
    assert project.status == "accepted"
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.update_project(specialist, project, name="改名")
    assert events(project, "project.") == [
        "project.created",
        "project.uses_changed",
        "project.outputs_changed",
    ]
    actions = AuditEntry.objects.filter(
        object_type="projects.review",
        object_id__in=[str(first.pk), str(second.pk), str(acceptance.pk)],
        kind="event",
    ).values_list("action", flat=True)
    assert sorted(set(actions)) == [
        "project.approved",
        "project.checks_rerun",
        "project.opinion_added",
        "project.submitted",
        "project.vetoed",
    ]


@pytest.mark.django_db
def test_return_and_veto_need_reasons_and_cite_only_failed_checks(wj, english):
    project = new_project(wj["specialist"])
    review = services.submit(wj["specialist"], project, "initiation")
    for decision in ("return", "veto"):
        with pytest.raises(ValidationError, match="Give the reasons"):
            services.decide(wj["cdo"], review, decision, review.version, reasons="  ")
    with pytest.raises(ValidationError, match="Only failed checks"):
        services.decide(wj["cdo"], review, "veto", review.version, reasons="x", cited=["duplicates"])
    with pytest.raises(ValidationError, match="cited only to return or veto"):
        services.decide(wj["cdo"], review, "approve", review.version, cited=["reuse"])
    with pytest.raises(ValidationError, match="Unknown decision"):
        services.decide(wj["cdo"], review, "maybe", review.version)
    review.refresh_from_db()
    assert review.status == "submitted" and review.version == 1 and review.decided_by is None
    returned = services.decide(wj["cdo"], review, "return", review.version, reasons="补充数据共享属性")
    assert returned.status == "returned"
    assert Project.objects.get(pk=project.pk).status == "initiation_returned"


@pytest.mark.django_db
def test_only_the_units_cdo_decides(wj, english, units):
    project = new_project(wj["specialist"])
    review = services.submit(wj["specialist"], project, "initiation")
    province_cdo = person("gd_cdo", "cdo", "440000")
    maonan = person("maonan_bureau", "bureau_admin", "440902")
    for who in (wj["bureau"], wj["admin"], province_cdo, wj["specialist"]):
        with pytest.raises(PermissionDenied):
            services.decide(who, review, "approve", review.version)
    with pytest.raises(Http404):  # out of scope: not even visible
        services.decide(maonan, review, "approve", review.version)
    review.refresh_from_db()
    assert review.status == "submitted" and review.version == 1


@pytest.mark.django_db
def test_a_cdo_does_not_decide_a_project_they_submitted(wj, english):
    project = new_project(wj["cdo"], name="茂名市卫生应急指挥系统（测试）", systems=["卫生应急指挥系统"])
    review = services.submit(wj["cdo"], project, "initiation")
    with pytest.raises(PermissionDenied, match="prepared or submitted"):
        services.decide(wj["cdo"], review, "approve", review.version)


@pytest.mark.django_db
def test_a_department_with_its_own_cdo_is_reviewed_by_it(english, units):
    """茂名市人社局 filed its department CDO: that CDO decides, not the city's."""
    specialist = person("rs_specialist", "data_specialist", "440900-RS")
    project = new_project(specialist, unit_code="440900-RS", name="茂名市就业服务平台（测试）", collects=[])
    with pytest.raises(ValidationError, match="No account holds the chief data officer role of 茂名市人力"):
        services.submit(specialist, project, "initiation")
    assert not Review.objects.filter(project=project).exists()
    rs_cdo = person("rs_cdo", "cdo", "440900-RS")
    review = services.submit(specialist, project, "initiation")
    assert review.reviewing_body.code == "440900-RS"
    with pytest.raises(PermissionDenied):
        services.decide(person("maoming_cdo", "cdo", "440900"), review, "approve", review.version)
    assert services.decide(rs_cdo, review, "approve", review.version).status == "approved"


@pytest.mark.django_db
def test_acceptance_only_after_an_approved_initiation(wj, english):
    project = new_project(wj["specialist"], acceptance_report=letter("验收报告"))
    with pytest.raises(ValidationError, match="only after the initiation was approved"):
        services.submit(wj["specialist"], project, "acceptance")
    review = services.submit(wj["specialist"], project, "initiation")
    services.decide(wj["cdo"], review, "veto", review.version, reasons="重复建设")
    with pytest.raises(ValidationError, match="only after the initiation was approved"):
        services.submit(wj["specialist"], project, "acceptance")
    assert not Review.objects.filter(project=project, stage="acceptance").exists()


@pytest.mark.django_db
def test_no_edit_while_under_review_and_nothing_half_written(wj, english):
    project = new_project(wj["specialist"])
    stale_version = project.version
    services.submit(wj["specialist"], project, "initiation")
    with pytest.raises(ValidationError, match="cannot be changed while it is Initiation under review"):
        services.update_project(wj["specialist"], project, name="改名")
    with pytest.raises(Conflict):
        services.update_project(wj["specialist"], project, seen_version=stale_version, name="改名")
    with pytest.raises(ValidationError, match="cannot be submitted"):
        services.submit(wj["specialist"], project, "initiation")
    project.refresh_from_db()
    assert project.name == "茂名市全民健康信息平台（测试）" and project.reviews.count() == 1
    missing = new_project(wj["specialist"], name="缺材料项目", design=None)
    with pytest.raises(ValidationError, match="Before submitting, add: design"):
        services.submit(wj["specialist"], missing, "initiation")
    missing.refresh_from_db()
    assert missing.status == "draft" and not missing.reviews.exists()


@pytest.mark.django_db
def test_bad_project_input_is_refused(wj, english):
    with pytest.raises(ValidationError, match="not a PDF"):
        new_project(wj["specialist"], design=letter("x").__class__("x.pdf", b"hello", "application/pdf"))
    with pytest.raises(ValidationError):
        new_project(wj["specialist"], security_level=7)
    with pytest.raises(ValidationError, match="declared once"):
        new_project(wj["specialist"], outputs=[{"name": "A", "share_type": "none"}] * 2)
    with pytest.raises(PermissionDenied):
        new_project(wj["bureau"])  # a bureau does not prepare a department's project
    assert not Project.objects.filter(unit__code="440900-WJ").exists()


@pytest.mark.django_db
def test_duplicate_projects_in_the_region_are_flagged(wj, english):
    first = new_project(wj["specialist"], name="茂名市智慧医疗信息平台建设项目", collects=[])
    services.submit(wj["specialist"], first, "initiation")
    other = person("ga_specialist", "data_specialist", "440900-GA")
    second = new_project(
        other, unit_code="440900-GA", name="茂名市智慧医疗信息平台", systems=["全民健康信息平台"], collects=[]
    )
    review = services.submit(other, second, "initiation")
    dup = review.checks.get(code="duplicates")
    assert dup.result == "failed" and dup.evidence["matches"][0]["project_id"] == first.pk
    far = person("sz_specialist", "data_specialist", "440300-WJ")
    third = new_project(far, unit_code="440300-WJ", name="茂名市智慧医疗信息平台", collects=[])
    assert person("sz_cdo", "cdo", "440300")
    assert results(services.submit(far, third, "initiation"))["duplicates"] == "passed"  # another city


@pytest.mark.django_db
def test_a_stale_decision_gets_a_conflict(wj, english):
    review = services.submit(wj["specialist"], new_project(wj["specialist"]), "initiation")
    seen = review.version
    services.decide(wj["cdo"], review, "return", seen, reasons="材料不全")
    other_cdo = person("maoming_cdo2", "cdo", "440900")
    with pytest.raises(Conflict, match="Someone else acted first: Returned for revision by"):
        services.decide(other_cdo, review, "veto", seen, reasons="否决")
    review.refresh_from_db()
    assert review.status == "returned"


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_exactly_one_wins(committed_demo, english):
    if connection.vendor == "sqlite":
        pytest.skip("in-memory SQLite shares one cache across threads: no row locks to race on")
    from cdohub.core import audit

    specialist = person("wj_specialist", "data_specialist", "440900-WJ")
    cdos = [person("maoming_cdo", "cdo", "440900"), person("maoming_cdo2", "cdo", "440900")]
    review = services.submit(specialist, new_project(specialist), "initiation")
    barrier, outcomes = threading.Barrier(2), []

    def decide(user, decision):
        try:
            barrier.wait()
            with audit.acting_as(user, "test"):
                services.decide(user, review, decision, review.version, reasons="理由")
            outcomes.append("won")
        except ValidationError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=p) for p in zip(cdos, ["approve", "veto"], strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Conflict", "won"]
    review.refresh_from_db()
    assert review.status in ("approved", "vetoed")
    assert (
        AuditEntry.objects.filter(
            object_id=str(review.pk), action__in=["project.approved", "project.vetoed"]
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_opinions_come_from_the_same_level_bureau_only(wj, english):
    review = services.submit(wj["specialist"], new_project(wj["specialist"]), "initiation")
    with pytest.raises(PermissionDenied):
        services.add_opinion(person("gd_bureau", "bureau_admin", "440000"), review, "意见")
    with pytest.raises(PermissionDenied):
        services.add_opinion(wj["cdo"], review, "意见")
    with pytest.raises(ValidationError, match="Write the opinion"):
        services.add_opinion(wj["bureau"], review, " ")
    opinion = services.add_opinion(wj["bureau"], review, "建议否决：人口数据已有共享", "veto")
    assert opinion.bureau.code == "440900-SJJ"


# --- findings ---------------------------------------------------------------------------------

ORDER = {
    "category": "collection",
    "severity": "high",
    "title": "违规重复采集居民身份信息",
    "description": "卫健局自建系统重复采集居民身份信息",
    "evidence": "系统截图及数据库表结构",
    "order_kind": "stop",
    "order_text": "立即停止重复采集，改用共享接口",
    "deadline_days": 5,
}


@pytest.mark.django_db
def test_finding_is_ordered_answered_rejected_answered_and_closed(
    wj, english, django_capture_on_commit_callbacks
):
    unit = Unit.objects.get(code="440900-WJ")
    with (
        django_capture_on_commit_callbacks(execute=True),
        clock.travel(datetime.datetime(2026, 9, 29, 9, tzinfo=datetime.UTC)),
    ):
        finding = services.open_finding(wj["cdo"], unit=unit, **ORDER)
    assert finding.issuer.code == "440900" and finding.issuer_role == "cdo"
    assert (
        finding.due_on == add_working_days(datetime.date(2026, 9, 29), 5) == datetime.date(2026, 10, 12)
    )  # over the National Day holiday
    assert Notification.objects.filter(recipient=wj["specialist"], title__contains="违规重复采集").exists()
    with pytest.raises(ValidationError, match="Describe the rectification"):
        services.answer_finding(wj["specialist"], finding, " ")
    with pytest.raises(PermissionDenied):
        services.answer_finding(wj["cdo"], finding, "已整改")  # the issuer does not answer its own order
    with pytest.raises(ValidationError):
        services.close_finding(wj["cdo"], finding)  # nothing reported yet
    finding = services.answer_finding(
        wj["specialist"], finding, "已停止采集", letter("整改报告"), finding.version
    )
    with pytest.raises(PermissionDenied):
        services.close_finding(wj["bureau"], finding)  # the bureau did not issue this order
    with pytest.raises(ValidationError, match="Give a reason"):
        services.reject_answer(wj["cdo"], finding, "")
    finding = services.reject_answer(wj["cdo"], finding, "未提供接口调用记录", finding.version)
    assert finding.status == "open"
    finding = services.answer_finding(
        wj["specialist"], finding, "补充接口调用记录", seen_version=finding.version
    )
    stale = finding.version
    finding = services.close_finding(wj["cdo"], finding, "核查属实", finding.version)
    assert finding.status == "closed" and finding.closed_by == wj["cdo"]
    with pytest.raises(Conflict):
        services.close_finding(wj["cdo"], finding, "", stale)
    assert list(finding.steps.values_list("action", flat=True)) == [
        "open",
        "answer",
        "reject",
        "answer",
        "close",
    ]
    assert events(finding, "finding.") == [
        "finding.opened",
        "finding.answered",
        "finding.answer_rejected",
        "finding.answered",
        "finding.closed",
    ]


@pytest.mark.django_db
def test_who_may_record_a_finding(wj, english):
    unit = Unit.objects.get(code="440900-WJ")
    with pytest.raises(PermissionDenied):
        services.open_finding(wj["admin"], unit=unit, **ORDER)  # an administrator is no supervisor
    with pytest.raises(PermissionDenied):
        services.open_finding(wj["specialist"], unit=unit, **ORDER)
    with pytest.raises(Http404):
        services.open_finding(person("maonan_bureau", "bureau_admin", "440902"), unit=unit, **ORDER)
    with pytest.raises(ValidationError, match="1 to 120 working days"):
        services.open_finding(wj["cdo"], unit=unit, **{**ORDER, "deadline_days": 0})
    with pytest.raises(ValidationError):
        services.open_finding(wj["cdo"], unit=unit, **{**ORDER, "evidence": ""})
    assert not Finding.objects.filter(unit=unit).exists()
    finding = services.open_finding(wj["bureau"], unit=unit, **ORDER)
    assert finding.issuer.code == "440900-SJJ" and finding.issuer_role == "bureau_admin"


@pytest.mark.django_db
def test_overdue_orders_escalate_once_to_the_bureau_above(wj, english, django_capture_on_commit_callbacks):
    unit = Unit.objects.get(code="440900-WJ")
    with clock.travel(datetime.datetime(2026, 9, 29, 9, tzinfo=datetime.UTC)):
        finding = services.open_finding(wj["cdo"], unit=unit, **ORDER)
    province = person("gd_bureau", "bureau_admin", "440000")
    assert services.escalate_overdue(finding.due_on) == 0  # due today: not yet overdue
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue(finding.due_on + datetime.timedelta(days=1)) >= 1
    finding.refresh_from_db()
    assert finding.escalated_to.code == "440000-SJJ" and finding.status == "open"
    assert Notification.objects.filter(recipient=province, title__contains=finding.title).exists()
    from django.core import mail

    sent = [m for m in mail.outbox if finding.title in m.subject]
    assert sent and sent[0].subject.startswith("逾期未整改")
    assert (
        services.escalate_overdue(finding.due_on + datetime.timedelta(days=2)) == 0
        or not Finding.objects.filter(pk=finding.pk, escalated_at__isnull=True).exists()
    )
    assert AuditEntry.objects.filter(action="finding.escalated", object_id=str(finding.pk)).count() == 1
    # The bureau it was escalated to may now verify it too.
    finding = services.answer_finding(wj["specialist"], finding, "已整改", seen_version=finding.version)
    assert services.close_finding(province, finding, "省局核查", finding.version).status == "closed"


@pytest.mark.django_db
def test_the_escalation_command_acts_as_a_command(wj, english):
    from io import StringIO

    from django.core.management import call_command

    unit = Unit.objects.get(code="440900-WJ")
    with clock.travel(datetime.datetime(2026, 9, 29, 9, tzinfo=datetime.UTC)):
        finding = services.open_finding(wj["cdo"], unit=unit, **ORDER)
    out = StringIO()
    call_command("escalate_findings", date=finding.due_on + datetime.timedelta(days=1), stdout=out)
    assert "findings escalated:" in out.getvalue()
    entry = AuditEntry.objects.get(action="finding.escalated", object_id=str(finding.pk))
    assert entry.source == "command" and entry.actor_id is None
    assert finding.steps.last().action == "escalate"
