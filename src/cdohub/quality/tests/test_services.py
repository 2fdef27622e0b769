"""Quality services on a real SQLite source: rules refused at save, runs with their results,
samples, scores, issues from opening to closing, escalation, schedules, retries, cancellation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cdohub.core import clock
from cdohub.core.calendar import add_working_days
from cdohub.core.models import AuditEntry, Notification
from cdohub.core.workflow import Conflict
from cdohub.datakit.connectors import Cancelled
from cdohub.quality import services
from cdohub.quality.models import Binding, Issue, Rule, Run
from cdohub.sources.tests.factories import make_source

from . import factories

pytestmark = pytest.mark.django_db


def events(name):
    return AuditEntry.objects.filter(kind="event", action=name)


# Saving rules ------------------------------------------------------------------------------


def test_invalid_regex_is_refused_with_the_reason(bound, specialist, english):
    with pytest.raises(ValidationError) as refused:
        services.save_rule(specialist, bound, kind="regex", columns=["XM"], params={"pattern": "([0-9]"})
    assert "regular expression is invalid" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError) as refused:
        services.save_rule(specialist, bound, kind="regex", columns=["XM"], params={"pattern": r"(?<=a)b"})
    assert "not supported" in " ".join(refused.value.messages)
    assert not Rule.objects.filter(resource=bound, kind="regex").exists()


def test_invalid_expression_is_refused(bound, specialist):
    with pytest.raises(ValidationError):
        services.save_rule(specialist, bound, kind="expression", params={"expression": "xm = = 1"})
    with pytest.raises(ValidationError):
        services.save_rule(
            specialist, bound, kind="expression", params={"expression": "(SELECT 1) = 1; DROP TABLE rk"}
        )
    rule = services.save_rule(specialist, bound, kind="expression", params={"expression": "length(xm) <= 10"})
    assert rule.pk and events("quality.rule_saved").filter(object_id=str(rule.pk)).exists()


@pytest.mark.parametrize(
    "sql",
    ["DELETE FROM rk", "SELECT * FROM rk; SELECT 1", "UPDATE rk SET xm = 'x'", "SELECT 1; DROP TABLE rk"],
)
def test_custom_sql_that_writes_or_has_several_statements_is_refused(bound, specialist, sql):
    with pytest.raises(ValidationError):
        services.save_rule(specialist, bound, kind="custom_sql", params={"sql": sql})
    assert not Rule.objects.filter(resource=bound, kind="custom_sql").exists()


def test_rules_are_written_by_the_units_registrars_and_bureaus_only(bound, users):
    with pytest.raises(PermissionDenied):  # staff of the unit: sees it, may not change it
        services.save_rule(users["maoming_staff"], bound, kind="not_null", columns=["XB"])
    with pytest.raises(Http404):  # another county's bureau: does not see it
        services.save_rule(users["maonan_bureau"], bound, kind="not_null", columns=["XB"])
    assert services.save_rule(users["maoming_bureau"], bound, kind="not_null", columns=["XB"]).pk


def test_element_link_replaces_the_element_rules_of_its_column(bound, specialist):
    item = bound.items.get(column_name="GMSFHM")
    specs = [
        {"kind": "length", "params": {"min": 18, "max": 18}, "severity": "error", "weight": 1},
        {"kind": "validator", "params": {"validator": "resident_id"}, "severity": "critical", "weight": 3},
    ]
    made = services.element_linked(specialist, item, specs, element="DE00001")
    assert [(r.kind, r.columns, r.origin, r.element) for r in made] == [
        ("length", ["GMSFHM"], "element", "DE00001"),
        ("validator", ["GMSFHM"], "element", "DE00001"),
    ]
    again = services.element_linked(specialist, item, specs[1:], element="DE00001")
    element_rules = Rule.objects.filter(resource=bound, origin="element")
    assert list(element_rules) == again and element_rules.count() == 1
    assert Rule.objects.filter(resource=bound, origin="manual").count() == 3  # hand-written ones stay
    with pytest.raises(ValidationError):  # a bad spec from an element is refused like any rule
        services.element_linked(specialist, item, [{"kind": "regex", "params": {"pattern": "("}}])
    assert services.element_unlinked(specialist, item) == 1
    assert not Rule.objects.filter(resource=bound, origin="element").exists()


# Runs --------------------------------------------------------------------------------------


def run_of(jobs, user, resource) -> Run:
    run = jobs(lambda: services.start_run(user, resource))
    run.refresh_from_db()
    return run


def test_a_run_counts_failures_keeps_masked_samples_and_scores(bound, specialist, jobs):
    run = run_of(jobs, specialist, bound)
    assert run.status == "succeeded", run.error
    results = {r.kind: r for r in run.results.all()}
    ids, names, sexes = results["validator"], results["not_null"], results["allowed"]
    assert (ids.checked, ids.failed, ids.error) == (7, 3, "")
    assert (names.failed, sexes.failed) == (1, 1)
    shown = [row["gmsfhm"] for row in ids.samples]
    assert sorted(shown) == sorted(v[:6] + "*" * 8 + v[-4:] for v in factories.BAD_IDS)  # first 6, last 4
    assert all(row["gmsfhm"] not in factories.BAD_IDS for r in results.values() for row in r.samples)
    expected = 100 * (3 * (1 - 3 / 7) + (1 - 1 / 7) + (1 - 1 / 7)) / 5
    assert run.score == pytest.approx(expected, abs=0.01)
    assert run.rules_failed == 3 and run.statements >= 1 and run.rows == 7
    assert events("quality.run_finished").filter(object_id=str(run.pk)).exists()


def test_a_gone_column_is_a_rule_error_while_the_others_run(bound, specialist, jobs, english):
    services.save_rule(specialist, bound, kind="not_null", columns=["LXDH"])  # no such column
    run = run_of(jobs, specialist, bound)
    assert run.status == "succeeded"
    gone = run.results.get(columns=["LXDH"])
    assert "no longer exists" in gone.error and gone.pass_rate is None
    assert run.results.get(kind="validator").failed == 3 and run.rules_errored == 1
    assert not Issue.objects.filter(rule=gone.rule).exists()  # an error is not a data failure


def test_an_unreachable_source_fails_with_a_clear_message_after_retries(
    specialist, police, jobs, fast_retries, english
):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = make_source(police, specialist, name="停机的库", host="127.0.0.1", port=port)
    res = factories.resource(specialist)
    services.bind_resource(specialist, res, source=source, schema="public", table="参保人员")
    services.save_rule(specialist, res, kind="not_null", columns=["sfzh"])
    run = run_of(jobs, specialist, res)
    assert run.status == "failed"
    assert "refused the connection" in run.error and str(port) in run.error
    assert run.attempt == 3 and len(run.attempts_log) == 2
    assert events("quality.run_retried").filter(object_id=str(run.pk)).count() == 2
    assert not run.results.exists() and not Issue.objects.filter(resource=res).exists()


def test_a_retry_waits_for_its_delay(specialist, police, settings, django_capture_on_commit_callbacks):
    settings.CDOHUB = {**settings.CDOHUB, "QUALITY_RETRY_SECONDS": 600}
    source = make_source(police, specialist, name="停机的库2", host="127.0.0.1", port=1)
    res = factories.resource(specialist)
    services.bind_resource(specialist, res, source=source, schema="public", table="参保人员")
    services.save_rule(specialist, res, kind="not_null", columns=["sfzh"])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(specialist, res)
    run.refresh_from_db()
    assert run.status == "queued" and run.attempt == 2 and run.not_before is not None
    assert run not in services.run_due()  # its delay has not passed


def test_a_run_cancelled_before_or_while_running_keeps_nothing(
    bound, specialist, django_capture_on_commit_callbacks
):
    run = services.start_run(specialist, bound)  # not yet picked up by the worker
    services.cancel_run(specialist, run)
    assert services.execute_run(run.pk) == "cancelled"
    with pytest.raises(ValidationError):
        services.cancel_run(specialist, run)
    running = Run.objects.create(resource=bound, binding=bound.quality_binding, status="running")
    progress = services._Progress(running.pk)
    progress()  # still running: carries on
    services.cancel_run(specialist, running)
    with pytest.raises(Cancelled):
        progress()
    assert not running.results.exists()


def test_one_run_at_a_time(bound, specialist):
    services.start_run(specialist, bound)
    with pytest.raises(ValidationError):
        services.start_run(specialist, bound)


def test_an_unbound_resource_or_one_without_rules_is_not_run(specialist, population):
    res = factories.resource(specialist)
    with pytest.raises(ValidationError):
        services.start_run(specialist, res)
    services.bind_resource(specialist, res, source=population[0], table="rk")
    with pytest.raises(ValidationError):
        services.start_run(specialist, res)


def test_binding_refuses_a_table_the_source_does_not_have(specialist, population):
    res = factories.resource(specialist)
    with pytest.raises(ValidationError):
        services.bind_resource(specialist, res, source=population[0], table="no_such_table")
    with pytest.raises(ValidationError):
        services.bind_resource(specialist, res, source=population[0], table="rk", sample=1.5)
    binding = services.bind_resource(specialist, res, source=population[0], table="rk", sample=0.5)
    assert (binding.schema, binding.table, binding.sample) == ("main", "rk", 0.5)


def test_binding_is_proposed_from_the_resources_origin(specialist, population):
    res = factories.resource(specialist, origin="人口库（质量测试）:main.rk")
    proposal = services.proposed_binding(specialist, res)
    assert proposal == {"source": population[0], "schema": "main", "table": "rk"}
    assert services.bind_from_origin(specialist, res).table == "rk"
    other = factories.resource(specialist, origin="人口库（质量测试）:main.gone")
    assert services.proposed_binding(specialist, other) is None


# Issues --------------------------------------------------------------------------------------


def test_failing_rules_open_issues_answered_then_closed_by_a_passing_run(
    bound, population, specialist, users, jobs
):
    run = run_of(jobs, specialist, bound)
    issues = Issue.objects.filter(resource=bound)
    assert issues.count() == 3 and set(issues.values_list("status", flat=True)) == {"open"}
    ids = issues.get(rule__kind="validator")
    assert ids.due_on == add_working_days(clock.today(), 10) and ids.failed == 3 and ids.opened_run == run
    assert Notification.objects.filter(recipient=specialist, url=ids.get_absolute_url()).exists()
    assert events("quality.issue_opened").count() >= 3

    with pytest.raises(PermissionDenied):
        services.answer_issue(users["maoming_staff"], ids, "我来答")
    with pytest.raises(ValidationError):
        services.answer_issue(specialist, ids, "  ")
    answered = services.answer_issue(specialist, ids, "已更正窗口录入错误", seen_version=ids.version)
    assert answered.status == "answered" and answered.answered_by == specialist
    with pytest.raises(Conflict):
        services.answer_issue(specialist, ids, "再答一次", seen_version=ids.version)

    run_of(jobs, specialist, bound)  # the data is unchanged: the issues stay open, no new ones
    assert issues.count() == 3 and issues.filter(status__in=["open", "answered"]).count() == 3

    factories.population_file(population[1], ids=factories.GOOD_IDS, blank_names=0, unknown_sex=0)
    clean = run_of(jobs, specialist, bound)
    assert clean.score == 100 and clean.rules_failed == 0
    assert set(issues.values_list("status", flat=True)) == {"closed"}
    assert issues.get(pk=ids.pk).closed_run == clean
    assert events("quality.issue_closed").filter(object_id=str(ids.pk)).exists()
    assert events("quality.issue_answered").filter(object_id=str(ids.pk)).exists()
    with pytest.raises(ValidationError):
        services.answer_issue(specialist, issues.get(pk=ids.pk), "太晚了")


def test_overdue_issues_escalate_once_to_the_units_cdo(bound, specialist, users, jobs):
    run_of(jobs, specialist, bound)
    issue = Issue.objects.filter(resource=bound).first()
    assert services.escalate_overdue() == 0
    later = datetime.datetime.combine(
        issue.due_on + datetime.timedelta(days=1), datetime.time(9), tzinfo=datetime.UTC
    )
    with clock.travel(later):
        assert jobs(services.escalate_overdue) >= 3
        assert services.escalate_overdue() == 0
    assert Issue.objects.filter(resource=bound, escalated_at__isnull=False).count() == 3
    issue.refresh_from_db()
    assert issue.escalated_to.code == "440900"  # 茂名市公安局 has no CDO account of its own: the city's
    assert Notification.objects.filter(recipient=users["maoming_cdo"], url=issue.get_absolute_url()).exists()
    assert Notification.objects.filter(
        recipient=users["maoming_bureau"], url=issue.get_absolute_url()
    ).exists()
    assert events("quality.issue_escalated").filter(object_id=str(issue.pk)).exists()


# Schedules -----------------------------------------------------------------------------------


def test_due_scheduled_bindings_are_queued_and_move_on(bound, specialist, jobs):
    binding = services.bind_resource(
        specialist, bound, source=bound.quality_binding.source, table="rk", schedule="daily"
    )
    first = binding.next_run_at
    assert first is not None and not [r for r in services.run_due() if r.resource_id == bound.pk]
    with clock.travel(first + datetime.timedelta(hours=1)):
        queued = jobs(services.run_due)
    mine = [r for r in queued if r.resource_id == bound.pk]
    assert len(mine) == 1
    run = Run.objects.get(pk=mine[0].pk)
    assert run.trigger == "schedule" and run.status == "succeeded" and run.requested_by is None
    assert Binding.objects.get(pk=binding.pk).next_run_at > first + datetime.timedelta(hours=1)


def test_scores_of_units_and_trend(bound, specialist, users, jobs):
    from cdohub.quality import scoring

    with clock.travel(clock.now() - datetime.timedelta(days=3)):
        run_of(jobs, specialist, bound)
    run = run_of(jobs, specialist, bound)
    police = bound.unit
    assert scoring.resource_scores(specialist, [bound])[bound.pk] == run.score
    latest = scoring.latest_runs(Run.objects.filter(resource__unit__path__startswith=police.path))
    scores = [r.score for r in latest]
    assert run.score in scores and len(scores) == 2  # this resource's and the demo's 人口基础信息
    assert scoring.subtree_score(users["maoming_bureau"], police) == pytest.approx(sum(scores) / 2, abs=0.01)
    trend = scoring.trend(users["maoming_bureau"], resource=bound)
    assert len(trend) == 2 and trend[-1][1] == pytest.approx(run.score)
    assert scoring.trend(users["maonan_bureau"], resource=bound) == []  # out of scope


def test_a_gone_table_fails_the_run_without_retrying(
    bound, population, specialist, jobs, fast_retries, english
):
    import sqlite3

    with sqlite3.connect(population[1]) as db:
        db.execute("ALTER TABLE rk RENAME TO rk_old")
    run = run_of(jobs, specialist, bound)
    assert run.status == "failed" and "no longer exists" in run.error and run.attempt == 1


def test_a_sampled_run_says_so(bound, specialist, jobs):
    services.bind_resource(specialist, bound, source=bound.quality_binding.source, table="rk", sample=0.5)
    run = run_of(jobs, specialist, bound)
    assert run.status == "succeeded" and run.sampled and run.rows <= 7


def test_deleting_or_disabling_a_rule_closes_its_issues(bound, specialist, jobs):
    run_of(jobs, specialist, bound)
    ids = Issue.objects.get(resource=bound, rule__kind="validator")
    names = Issue.objects.get(resource=bound, rule__kind="not_null")
    services.save_rule(specialist, bound, names.rule, enabled=False)
    services.delete_rule(specialist, ids.rule)
    assert (
        Issue.objects.get(pk=ids.pk).status == "closed" and Issue.objects.get(pk=names.pk).status == "closed"
    )
    assert events("quality.issue_closed").filter(data__reason="rule_deleted").exists()
