"""Every change to quality bindings, rules, runs and issues.

Runs are jobs (``jobs.run_quality_scan``): the job claims its run, connects to the source outside
any transaction of ours, writes its progress in short transactions (and notices a cancellation
between the engine's statements), and stores its results, score and issues in one transaction at
the end. A source that cannot be reached fails the attempt with the connector's message; the run
is queued again after a delay, a bounded number of times (settings ``CDOHUB["QUALITY_RUN_ATTEMPTS"]``
and ``["QUALITY_RETRY_SECONDS"]``).

Issues: a failing rule opens an issue for the provider unit (its data specialists are told), due
in ``CDOHUB["QUALITY_ISSUE_DAYS"]`` working days (10 by default); a later failing run keeps it open
with the new count; the first later run in which the rule passes closes it. ``escalate_overdue``
(``cdohub quality escalate``) escalates each open issue past its deadline, once, to the unit's CDO.
"""

import datetime
import decimal
import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.core import audit, clock, jobs
from cdohub.core.calendar import add_working_days
from cdohub.core.jobs import ACTIVE_RUN, Cancelled, RunStatus
from cdohub.core.permissions import can, require, restrict
from cdohub.core.services import Notice, notify_on_commit, service
from cdohub.core.workflow import Step, Workflow
from cdohub.datakit.connectors import SourceError
from cdohub.quality import events
from cdohub.sources.models import DataSource

from . import engine, policies, scoring
from .choices import OPEN_ISSUE, IssueStatus, RuleOrigin, Schedule, Severity, Trigger
from .models import Binding, Issue, Rule, RuleResult, Run
from .targets import DIALECTS, Target

logger = logging.getLogger(__name__)

RULE_FIELDS = ("kind", "columns", "params", "weight", "severity", "enabled", "description")
SAMPLE_LIMIT = 20
DEFAULT_DIALECT = "postgres"  # what a rule of a resource not yet bound is checked against


def _conf(name: str, default):
    return settings.CDOHUB.get(name, default)


def issue_days() -> int:
    return int(_conf("QUALITY_ISSUE_DAYS", 10))


def run_attempts() -> int:
    return max(1, int(_conf("QUALITY_RUN_ATTEMPTS", 3)))


def retry_seconds() -> float:
    return float(_conf("QUALITY_RETRY_SECONDS", 300))


def _require(actor, action: str, obj) -> None:
    """The permission gate; a run started by a command or the schedule (no actor) is the system's."""
    if actor is not None:
        require(actor, action, obj)


def probe(resource) -> Rule:
    """An unsaved object of `resource` to ask the permission gate about (a Rule: building a Binding
    would cache itself on the resource's one-to-one accessor)."""
    return Rule(resource=resource)


def _resource_gate(actor, resource, action="change") -> None:
    """404 if the resource is not in the actor's scope, 403 if they may not manage its quality."""
    if actor is None:
        return
    require(actor, action, probe(resource))


# Bindings ---------------------------------------------------------------------------------------


def _next_run(schedule: str, after: datetime.datetime) -> datetime.datetime | None:
    return _one_period_on(schedule, after) if schedule else None


def _one_period_on(schedule: str, after: datetime.datetime) -> datetime.datetime:
    """`after` moved on by one period of a (set) schedule."""
    if schedule == Schedule.DAILY:
        return after + datetime.timedelta(days=1)
    if schedule == Schedule.WEEKLY:
        return after + datetime.timedelta(days=7)
    month = after.month % 12 + 1
    year = after.year + (after.month == 12)
    day = min(after.day, 28)
    return after.replace(year=year, month=month, day=day)


def _discovered_table(actor, source, schema: str, table: str):
    from cdohub.sources import services as sources

    tables = sources.latest_tables(actor, source) if actor is not None else None
    if tables is None:
        run = source.last_successful_run()
        tables = run.tables.all() if run else None
    if tables is None or not tables.exists():
        raise ValidationError(
            {"table": _("Discover the source's tables first, then choose the table the data lives in.")}
        )
    found = tables.filter(schema=schema or "", name=table).first()
    if found is None and not schema:
        named = list(tables.filter(name=table)[:2])
        found = named[0] if len(named) == 1 else None
    if found is None:
        raise ValidationError(
            {"table": _("%(source)s has no table %(table)s.") % {"source": source, "table": table}}
        )
    return found


def _check_source(actor, source) -> None:
    if actor is not None and not restrict(actor, "view", DataSource.objects.filter(pk=source.pk)).exists():
        raise ValidationError({"source": _("Choose a data source you can see.")})


def _sampling_fraction(sample) -> float | None:
    """The share of the rows a check reads, above 0 and at most 1; none (or 1): every row."""
    if sample in ("", None):
        return None
    try:
        fraction = float(sample)
    except (TypeError, ValueError):
        fraction = -1
    if not 0 < fraction <= 1:
        raise ValidationError({"sample": _("A sampling fraction is a number above 0 and at most 1.")})
    return None if fraction == 1 else fraction


@service
def bind_resource(
    actor, resource, *, source, schema: str = "", table: str, sample=None, schedule: str = ""
) -> Binding:
    """Say where `resource`'s data lives: a table of a registered source (from its discovery)."""
    _resource_gate(actor, resource)
    _check_source(actor, source)
    schema, table = (schema or "").strip(), (table or "").strip()
    found = _discovered_table(actor, source, schema, table)
    schema = found.schema
    sample = _sampling_fraction(sample)
    if schedule not in ("", *Schedule.values):
        raise ValidationError({"schedule": _("Choose daily, weekly or monthly, or no schedule.")})
    binding = Binding.objects.filter(resource=resource).first() or Binding(
        resource=resource, created_by=actor
    )
    changed_schedule = binding.schedule != schedule
    binding.source, binding.schema, binding.table = source, schema, table
    binding.sample, binding.schedule = sample, schedule
    if changed_schedule or (schedule and binding.next_run_at is None):
        binding.next_run_at = _next_run(schedule, clock.now())
    binding.save()
    audit.record_event(
        events.BOUND,
        binding,
        resource=resource.pk,
        source=source.pk,
        table=binding.qualified_table,
        sample=sample,
        schedule=schedule,
    )
    return binding


def proposed_binding(user, resource) -> dict | None:
    """The source and table named by the resource's `origin` ("<source name>:<schema.table>", as the
    catalog drafts resources from discovery), if that source is visible and its table discovered."""
    from cdohub.sources import services as sources

    origin = resource.origin or ""
    name, sep, qualified = origin.partition(":")
    if not sep or not qualified:
        return None
    candidates = restrict(user, "view", DataSource.objects.filter(name=name))
    preferred = candidates.filter(unit=resource.unit).first() or candidates.first()
    if preferred is None:
        return None
    for table in sources.latest_tables(user, preferred):
        if table.qualified_name == qualified:
            return {"source": preferred, "schema": table.schema, "table": table.name}
    return None


def bind_from_origin(actor, resource, **options) -> Binding:
    proposal = proposed_binding(actor, resource)
    if proposal is None:
        raise ValidationError(
            _("The resource was not drafted from a discovered table, or that table is gone; choose one.")
        )
    return bind_resource(actor, resource, **proposal, **options)


@service
def unbind(actor, binding: Binding) -> None:
    _require(actor, "change", binding)
    if binding.runs.filter(status__in=ACTIVE_RUN).exists():
        raise ValidationError(_("A run of this resource is queued or running; cancel it first."))
    audit.record_event(events.UNBOUND, binding, resource=binding.resource_id)
    binding.delete()


# Rules ----------------------------------------------------------------------------------------


def dialect_for(resource) -> str:
    binding = Binding.objects.filter(resource=resource).select_related("source").first()
    return DIALECTS[binding.source.kind] if binding else DEFAULT_DIALECT


def _clean_rule(rule: Rule, dialect: str) -> None:
    if isinstance(rule.columns, str):
        rule.columns = [c.strip() for c in rule.columns.split(",") if c.strip()]
    rule.columns = [str(c).strip() for c in (rule.columns or [])]
    if not isinstance(rule.params, dict):
        raise ValidationError({"params": _("Parameters are a JSON object.")})
    try:
        rule.weight = float(rule.weight)
    except (TypeError, ValueError):
        raise ValidationError({"weight": _("The weight must be a positive number.")}) from None
    spec = engine.Rule(
        key=rule.key if rule.pk else "new",
        kind=rule.kind,
        columns=tuple(rule.columns),
        params=rule.params,
        weight=rule.weight,
        severity=rule.severity,
    )
    # a validator given as its own kind ("resident_id") is stored as kind "validator"
    rule.kind, rule.params = spec.kind, dict(spec.params)
    try:
        engine.validate(spec, dialect)
    except ValidationError as exc:
        field = {"columns": "columns", "weight": "weight", "severity": "severity", "kind": "kind"}.get(
            exc.code or "", "params"
        )
        raise ValidationError({field: exc.messages}) from None


@service
def save_rule(actor, resource, rule: Rule | None = None, **fields) -> Rule:
    """Create a rule on `resource` (or change `rule`); refused with the engine's reason when the
    rule cannot run (invalid regex or expression, custom SQL that writes or has several statements)."""
    _resource_gate(actor, resource)
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if rule is None:
        rule = Rule(resource=resource, created_by=actor)
    else:
        rule = Rule.objects.select_for_update().get(pk=rule.pk, resource=resource)
    for name, value in fields.items():
        setattr(rule, name, value if value is not None or name != "description" else "")
    _clean_rule(rule, dialect_for(resource))
    rule.save()
    if not rule.enabled:
        _close_issues_of(rule, "rule_disabled")
    _record_saved(rule)
    return rule


def _record_saved(rule: Rule, **more) -> None:
    audit.record_event(
        events.RULE_SAVED,
        rule,
        resource=rule.resource_id,
        kind=rule.kind,
        columns=rule.columns,
        params=rule.params,
        weight=rule.weight,
        severity=rule.severity,
        enabled=rule.enabled,
        origin=rule.origin,
        **more,
    )


@service
def delete_rule(actor, rule: Rule) -> None:
    _require(actor, "change", rule)
    _drop(rule)


def _drop(rule: Rule) -> None:
    _close_issues_of(rule, "rule_deleted")
    audit.record_event(events.RULE_DELETED, rule, resource=rule.resource_id, kind=rule.kind)
    rule.delete()


def _close_issues_of(rule: Rule, reason: str) -> None:
    """A rule no longer checked (deleted or disabled) leaves no issue open: nothing would close it."""
    for issue in Issue.objects.select_for_update().still_open().filter(rule=rule):
        issue.status, issue.closed_at, issue.version = IssueStatus.CLOSED, clock.now(), issue.version + 1
        issue.save()
        audit.record_event(events.ISSUE_CLOSED, issue, rule=rule.pk, reason=reason)


def _column_of(item) -> str:
    return (item.column_name or "").strip()


def _element_rules(resource, column: str):
    """The rules a data element made for `column` of `resource`."""
    return Rule.objects.filter(resource=resource, origin=RuleOrigin.ELEMENT, columns=[column])


def _element_rule(actor, resource, column: str, spec: dict, element: str) -> Rule:
    """An unsaved rule of `resource` made from a data element's rule `spec` for `column` (a rule of
    the whole table — row count, expression, custom SQL — names no column)."""
    kind = spec.get("kind", "")
    return Rule(
        resource=resource,
        kind=kind,
        columns=[] if kind in ("row_count", "expression", "custom_sql") else [column],
        params=dict(spec.get("params") or {}),
        weight=spec.get("weight", 1.0) or 1.0,
        severity=spec.get("severity") or "error",
        origin=RuleOrigin.ELEMENT,
        element=str(spec.get("element") or element or "")[:64],
        description=str(spec.get("description") or "")[:300],
        created_by=actor,
    )


@service
def element_linked(actor, item, rules, element: str = "") -> list[Rule]:
    """The standards app linked catalog `item` to a data element: replace the element-made rules of
    the item's column with `rules` ([{kind, params, severity, weight}], from the element). Each is
    validated like a hand-written rule; a rule the engine refuses is refused here, with its reason.
    An item without a column name gets no rules (there is nothing to check)."""
    resource = item.resource
    column = _column_of(item)
    if not column:
        return []
    dialect = dialect_for(resource)
    for old in _element_rules(resource, column):
        _drop(old)
    made = []
    for spec in rules:
        rule = _element_rule(actor, resource, column, dict(spec), element)
        _clean_rule(rule, dialect)
        rule.save()
        _record_saved(rule, element=rule.element)
        made.append(rule)
    return made


@service
def element_unlinked(actor, item, element: str = "") -> int:
    """The item was unlinked from its data element: drop the rules the element made for its column."""
    column = _column_of(item)
    if not column:
        return 0
    gone = _element_rules(item.resource, column)
    if element:
        gone = gone.filter(element=element)
    count = 0
    for rule in gone:
        _drop(rule)
        count += 1
    return count


# Runs ---------------------------------------------------------------------------------------


@service
def start_run(actor, resource, trigger: str = Trigger.MANUAL, enqueue_job: bool = True) -> Run:
    """Queue a check of `resource`'s rules; one run at a time per resource. The job starts once
    this commits (`enqueue_job=False`: the caller runs it, see `run_now`)."""
    _resource_gate(actor, resource, "run")
    binding = Binding.objects.select_related("source").filter(resource=resource).first()
    if binding is None:
        raise ValidationError(_("Say first which table the resource's data lives in."), code="unbound")
    if not resource.quality_rules.filter(enabled=True).exists():
        raise ValidationError(_("The resource has no enabled rule to check."), code="no_rules")
    Binding.objects.select_for_update().filter(pk=binding.pk).first()  # one start at a time per resource
    run = jobs.start(
        resource.quality_runs,
        _("A run of this resource is already queued or running."),
        binding=binding,
        trigger=trigger,
        requested_by=actor,
        source_name=binding.source.name[:200],
        table=binding.qualified_table[:520],
        dialect=DIALECTS[binding.source.kind],
        queued_at=clock.now(),
    )
    audit.record_event(events.RUN_REQUESTED, run, resource=resource.pk, trigger=trigger)
    if enqueue_job:
        jobs.enqueue_on_commit(run)
    return run


@service
def cancel_run(actor, run: Run) -> Run:
    _require(actor, "run", run)
    run = jobs.cancel(run, _("Only a queued or running check can be cancelled; this one is %(status)s."))
    audit.record_event(events.RUN_CANCELLED, run, resource=run.resource_id)
    return run


class _Progress(jobs.Progress):
    """Counts the run's statements: the engine calls it before each one."""

    model = Run

    def __call__(self) -> None:
        self.step()


@dataclass
class _Found:
    result: engine.ScanResult
    rules: list[Rule]
    samples: dict[str, tuple[list[str], list[dict]]]


def _jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, decimal.Decimal | datetime.date | datetime.time | datetime.datetime):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return "<binary>"
    return str(value)


def _scan(run: Run) -> _Found:
    binding = run.binding
    if binding is None:
        raise SourceError(_("The resource is no longer bound to a table."), "config")
    progress = _Progress(run.pk)
    target = Target(binding.source, before_statement=progress)
    target.check()
    columns = target.columns(binding.schema, binding.table)
    rules = list(run.resource.quality_rules.filter(enabled=True).order_by("pk"))
    specs = [engine.Rule(r.key, r.kind, tuple(r.columns), r.params, r.weight, r.severity) for r in rules]
    table = target.table(binding.schema, binding.table)
    now = clock.now()
    scan = engine.compile_scan(
        table, columns, specs, target.dialect, sample=binding.sample, now=now, relation=target.relation
    )
    progress.total = progress.done + len(scan.statements) + 1
    result = engine.run_scan(target, scan)
    folded = {name.lower(): name for name in columns}
    masks = {folded.get(name.lower(), name): kind for name, kind in engine.masks_for(specs).items()}
    samples = {}
    failing = [s for s in specs if (o := result.outcomes.get(s.key)) and o.failed and not o.error]
    progress.total = progress.done + len(failing) + 1
    for spec in failing:
        if spec.kind in ("row_count", "freshness"):
            continue
        try:
            query = engine.compile_samples(
                table,
                spec,
                target.dialect,
                limit=SAMPLE_LIMIT,
                columns_present=columns,
                now=now,
                relation=target.relation,
                masks=masks,
            )
            rows = engine.fetch_samples(target, query)
        except ValidationError:
            continue
        except SourceError as exc:
            if exc.retryable:
                raise
            continue
        names = query.columns or (list(rows[0]) if rows else [])
        samples[spec.key] = (names, [{k: _jsonable(v) for k, v in row.items()} for row in rows])
    return _Found(result, rules, samples)


def execute_run(run_id: int) -> str:
    """The job's body: claim the run, scan, store. Returns the run's status."""
    claimed = jobs.claim(Run, run_id)
    run = Run.objects.select_related("resource__unit", "binding__source", "requested_by").get(pk=run_id)
    if not claimed:
        return run.status
    with audit.acting_as(run.requested_by, "job"):
        try:
            found = _scan(run)
        except Cancelled:
            return RunStatus.CANCELLED
        except SourceError as exc:
            if exc.retryable and run.attempt < run_attempts():
                return _retry(run.requested_by, run, exc.message)
            return _finish_failed(run.requested_by, run, exc.message)
        except Exception:
            logger.exception("Quality run %s failed", run_id)
            message = _(
                "The check stopped on an unexpected error; the administrator will find it in the log."
            )
            return _finish_failed(run.requested_by, run, message)
        return _finish_succeeded(run.requested_by, run, found)


@service
def _retry(actor, run: Run, message: str) -> str:
    run = jobs.retry(run, message, retry_seconds())
    if run.status == RunStatus.QUEUED:
        audit.record_event(events.RUN_RETRIED, run, attempt=run.attempt, error=message)
    return run.status


@service
def _finish_failed(actor, run: Run, message: str) -> str:
    run = Run.objects.select_for_update(of=("self",)).select_related("binding").get(pk=run.pk)
    if run.status != RunStatus.RUNNING:
        return run.status
    run.status, run.error, run.finished_at = RunStatus.FAILED, message, clock.now()
    run.save()
    _advance_schedule(run)
    audit.record_event(
        events.RUN_FINISHED,
        run,
        resource=run.resource_id,
        status=run.status,
        error=message,
        attempt=run.attempt,
    )
    if run.requested_by_id:
        notify_on_commit(
            [run.requested_by],
            _("Quality check of %(resource)s failed") % {"resource": run.resource.name},
            body=message,
            url=run.get_absolute_url(),
        )
    return run.status


def _advance_schedule(run: Run) -> None:
    binding = run.binding
    if run.trigger != Trigger.SCHEDULE or binding is None or not binding.schedule:
        return
    now = clock.now()
    following = binding.next_run_at or now
    while following <= now:
        following = _one_period_on(binding.schedule, following)
    Binding.objects.filter(pk=binding.pk).update(next_run_at=following)


@service
def _finish_succeeded(actor, run: Run, found: _Found) -> str:
    run = (
        Run.objects.select_for_update(of=("self",)).select_related("resource__unit", "binding").get(pk=run.pk)
    )
    if run.status != RunStatus.RUNNING:
        return run.status  # cancelled while scanning: keep nothing
    outcome = found.result
    results = []
    for rule in found.rules:
        got = outcome.outcomes.get(rule.key) or engine.RuleOutcome(rule.key, error=_("The rule was not run."))
        columns, rows = found.samples.get(rule.key, ([], []))
        results.append(
            RuleResult(
                run=run,
                rule=rule,
                kind=rule.kind,
                columns=rule.columns,
                params=rule.params,
                label=rule.label[:400],
                weight=rule.weight,
                severity=rule.severity,
                checked=got.checked,
                failed=got.failed,
                error=got.error,
                pass_rate=scoring.pass_rate(got.checked, got.failed, got.error),
                samples=rows,
                sample_columns=columns,
            )
        )
    RuleResult.objects.bulk_create(results)
    run.score = scoring.run_score(results)
    run.rows, run.table_rows, run.sampled = outcome.rows, outcome.table_rows, outcome.sampled
    run.statements, run.seconds = outcome.statements, round(outcome.seconds, 3)
    run.rules_failed = sum(1 for r in results if not r.error and r.failed)
    run.rules_errored = sum(1 for r in results if r.error)
    run.status, run.finished_at, run.error = RunStatus.SUCCEEDED, clock.now(), ""
    run.steps_done = run.steps_total = max(run.steps_total, 1)
    run.save()
    _advance_schedule(run)
    audit.record_event(
        events.RUN_FINISHED,
        run,
        resource=run.resource_id,
        status=run.status,
        score=run.score,
        rows=run.rows,
        rules_failed=run.rules_failed,
        rule_errors=run.rules_errored,
        attempt=run.attempt,
    )
    _sync_issues(run, results)
    return run.status


def run_now(actor, resource, trigger: str = Trigger.COMMAND) -> Run:
    """Start a run and do it in this process (the command line and the demo): returns it finished."""
    run = start_run(actor, resource, trigger=trigger, enqueue_job=False)
    if run.status == RunStatus.QUEUED:
        execute_run(run.pk)
    run.refresh_from_db()
    return run


def due_bindings(now=None):
    now = now or clock.now()
    return Binding.objects.exclude(schedule="").filter(next_run_at__lte=now).select_related("resource")


def run_due(now=None) -> list[Run]:
    """Queue every scheduled binding whose time has come, and every run waiting to retry whose
    delay has passed (when the job backend cannot defer). Returns the runs queued."""
    now = now or clock.now()
    queued = []
    for binding in due_bindings(now):
        try:
            queued.append(start_run(None, binding.resource, trigger=Trigger.SCHEDULE))
        except ValidationError as exc:
            logger.info("Scheduled check of %s not started: %s", binding.resource, " ".join(exc.messages))
            Binding.objects.filter(pk=binding.pk).update(next_run_at=_next_run(binding.schedule, now))
    return queued + jobs.enqueue_due(Run)


# Issues -------------------------------------------------------------------------------------


def _sync_issues(run: Run, results: list[RuleResult]) -> None:
    """Open (or keep open) an issue per failing rule; close the open ones of rules that pass."""
    resource = run.resource
    today = clock.today()
    for result in results:
        if result.error or result.rule_id is None:
            continue
        current = Issue.objects.select_for_update().still_open().filter(rule_id=result.rule_id).first()
        if result.failed:
            if current is not None:
                current.failed, current.last_run = result.failed, run
                current.save()
                continue
            issue = Issue.objects.create(
                resource=resource,
                unit=resource.unit,
                rule_id=result.rule_id,
                title=_("%(resource)s: %(rule)s") % {"resource": resource.name, "rule": result.label},
                severity=result.severity,
                opened_run=run,
                last_run=run,
                failed=result.failed,
                opened_at=clock.now(),
                due_on=add_working_days(today, issue_days()),
            )
            audit.record_event(
                events.ISSUE_OPENED,
                issue,
                resource=resource.pk,
                rule=result.rule_id,
                run=run.pk,
                failed=result.failed,
                due_on=issue.due_on,
            )
            notify_on_commit(
                policies.specialists(resource.unit),
                _("Quality issue: %(title)s — rectify by %(due)s")
                % {"title": issue.title, "due": date_format(issue.due_on)},
                body=_("%(failed)s of %(checked)s rows fail the rule.")
                % {"failed": result.failed, "checked": result.checked},
                url=issue.get_absolute_url(),
            )
        elif current is not None:
            current.status, current.closed_at, current.closed_run = IssueStatus.CLOSED, clock.now(), run
            current.last_run, current.failed = run, 0
            current.version += 1
            current.save()
            audit.record_event(events.ISSUE_CLOSED, current, run=run.pk, rule=result.rule_id)
            notify_on_commit(
                policies.specialists(current.unit),
                _("Quality issue closed: %(title)s") % {"title": current.title},
                url=current.get_absolute_url(),
            )


def _tell_escalated_to(issue: Issue, actor, answer: str) -> list[Notice]:
    """The CDO an overdue issue was escalated to hears of its answer."""
    if issue.escalated_to is None:
        return []
    title = _("Quality issue answered: %(title)s") % {"title": issue.title}
    return [Notice(policies.body_cdos(issue.escalated_to), title, answer, issue.get_absolute_url())]


ISSUE = Workflow(
    Step(
        "answer",
        (IssueStatus.OPEN, IssueStatus.ANSWERED),
        IssueStatus.ANSWERED,
        events.ISSUE_ANSWERED,
        guard="answer",
        needs_comment=True,
        notify=_tell_escalated_to,
    ),
    describe=lambda issue: issue.get_status_display(),
    comment_field="answer",
    wrong_state=gettext_lazy("The issue is closed: a later run passed the rule."),
)


@service
def answer_issue(actor, issue: Issue, answer: str, seen_version=None) -> Issue:
    """The unit says what it did (or will do) about the failing rows. The issue closes itself
    when a later run passes the rule."""
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": _("Say what was done about the failing rows.")})

    def stamp(fresh: Issue, now) -> dict:
        return {"answer": text, "answered_by": actor, "answered_at": now}

    return ISSUE.take(issue, "answer", actor, seen_version, text, changes=stamp)


def escalate_overdue(today=None) -> int:
    """Escalate each open issue past its deadline, once, to the unit's CDO (the unit's own, else its
    government's); the bureaus over the unit see it on their dashboard. Returns how many."""
    today = today or clock.today()
    count = 0
    due = Issue.objects.overdue(today).filter(escalated_at__isnull=True)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            issue = Issue.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pk)
            if issue.status not in OPEN_ISSUE or issue.escalated_at is not None:
                continue
            body = policies.cdo_body(issue.unit)
            issue.escalated_to, issue.escalated_at = body, clock.now()
            issue.version += 1
            issue.save()
            audit.record_event(events.ISSUE_ESCALATED, issue, to=body.pk, due_on=issue.due_on)
            notify_on_commit(
                [*policies.body_cdos(body), *policies.bureau_admins_over(issue.unit)],
                _("Overdue quality issue: %(title)s (%(unit)s, due %(due)s)")
                % {"title": issue.title, "unit": issue.unit, "due": date_format(issue.due_on)},
                url=issue.get_absolute_url(),
            )
            count += 1
    return count


@dataclass(frozen=True)
class Standing:
    """Where a resource stands on quality: its enabled rules and its latest successful check."""

    rules: int
    run: Run | None
    failing: list[str]  # the labels of the rules of at least error severity that failed or erred

    @property
    def passing(self) -> bool:
        return self.rules > 0 and self.run is not None and not self.failing


BLOCKING = (Severity.CRITICAL, Severity.ERROR)


def standing(resources) -> dict[int, Standing]:
    """{resource id: Standing} for `resources`, for other domains to judge by (a project's
    acceptance review). Platform facts, not a user's view: callers show them to whom they may."""
    ids = [r.pk for r in resources]
    enabled = Rule.objects.filter(resource_id__in=ids, enabled=True)
    rules = Counter(enabled.values_list("resource_id", flat=True))
    latest = {run.resource_id: run for run in scoring.latest_runs(Run.objects.filter(resource_id__in=ids))}
    failing: dict[int, list[str]] = {}
    results = RuleResult.objects.filter(run__in=latest.values(), severity__in=BLOCKING)
    for result in results.exclude(failed=0, error="").select_related("run"):
        failing.setdefault(result.run.resource_id, []).append(result.label)
    return {pk: Standing(rules.get(pk, 0), latest.get(pk), failing.get(pk, [])) for pk in ids}


def may_manage(user, resource) -> bool:
    return can(user, "change", probe(resource))


def may_answer(user, issue: Issue) -> bool:
    return ISSUE.allows(issue, "answer", user)


__all__ = [
    "PermissionDenied",
    "answer_issue",
    "bind_from_origin",
    "bind_resource",
    "cancel_run",
    "delete_rule",
    "element_linked",
    "element_unlinked",
    "escalate_overdue",
    "execute_run",
    "proposed_binding",
    "run_due",
    "run_now",
    "save_rule",
    "start_run",
    "unbind",
]
