"""Quality pages: the bureau's dashboard, a resource's quality (binding, rules, runs, score and
trend), a run's results with masked failing rows, and the issues a unit answers."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdohub.catalog.models import Resource
from cdohub.core import clock
from cdohub.core.forms import add_service_errors
from cdohub.core.jobs import ACTIVE_RUN
from cdohub.core.permissions import can, require, restrict
from cdohub.core.views import flash_outcome, int_or_none, xlsx_response
from cdohub.org.choices import UnitKind
from cdohub.org.models import Unit
from cdohub.sources.models import DataSource

from . import exports, scoring, services
from .choices import IssueStatus
from .forms import AnswerForm, BindingForm, RuleForm
from .models import PARAMETER_EXAMPLES, PARAMETERS, Binding, Issue, Rule, Run


def _resource(request, pk) -> Resource:
    resources = Resource.objects.select_related("unit")
    return get_object_or_404(restrict(request.user, "inspect", resources), pk=pk)


def _run(request, pk) -> Run:
    return get_object_or_404(
        restrict(request.user, "view", Run.objects.select_related("resource__unit")), pk=pk
    )


def _rule(request, pk) -> Rule:
    return get_object_or_404(
        restrict(request.user, "view", Rule.objects.select_related("resource__unit")), pk=pk
    )


def _issue(request, pk) -> Issue:
    return get_object_or_404(
        restrict(request.user, "view", Issue.objects.select_related("resource", "unit", "rule")), pk=pk
    )


def _tables(user, resource):
    from cdohub.sources import services as sources

    found = []
    nearby = DataSource.objects.select_related("unit").filter(
        unit__path__startswith=resource.unit.government().path
    )
    for source in restrict(user, "view", nearby):
        found.extend(sources.latest_tables(user, source).select_related("run__source"))
    return found


def _chart(trend) -> dict:
    """A score trend ([(day, score)]) as the ECharts line of the pages' script takes it."""
    return {
        "days": [day for day, _score in trend],
        "scores": [score for _day, score in trend],
        "name": _("Quality score"),
    }


@login_required
def dashboard(request):
    """Scores per unit and for the scope as a whole, its trend, open and overdue issues."""
    tops = scoring.top_units(request.user)
    unit_id = int_or_none(request.GET.get("unit"))
    chosen = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit_id and (chosen is None or not scoring.within(chosen, tops)):
        raise Http404
    top = chosen or (tops[0] if tops else None)
    units, areas = [], []
    if top is not None:
        bound_paths = scoring.checked_paths(request.user, top)
        units = list(Unit.objects.filter(path__in=bound_paths).order_by("path"))
        areas = [
            child
            for child in Unit.objects.get_children(top).filter(kind=UnitKind.GOVERNMENT)
            if any(path.startswith(child.path) for path in bound_paths)
        ]
    today = clock.today()
    issues = restrict(request.user, "view", Issue.objects.select_related("unit", "resource", "rule"))
    if top is not None:
        issues = issues.filter(unit__path__startswith=top.path)
    overdue = issues.overdue(today)
    trend = scoring.trend(request.user, unit=top) if top is not None else []
    context = {
        "tops": tops,
        "top": top,
        "score": scoring.subtree_score(request.user, top) if top is not None else None,
        "rows": scoring.unit_rows(request.user, units),
        "areas": scoring.unit_rows(request.user, areas),
        "open_count": issues.still_open().count(),
        "overdue_count": overdue.count(),
        "overdue": overdue.order_by("due_on")[:50],
        "chart": _chart(trend),
        "today": today,
    }
    return render(request, "quality/dashboard.html", context)


@login_required
def resource_quality(request, pk):
    resource = _resource(request, pk)
    binding = Binding.objects.filter(resource=resource).select_related("source").first()
    manage = services.may_manage(request.user, resource)
    runs = Run.objects.filter(resource=resource).select_related("requested_by")[:20]
    latest = scoring.latest_runs(Run.objects.filter(resource=resource)).first()
    trend = scoring.trend(request.user, resource=resource)
    form = None
    proposal = None
    if manage:
        tables = _tables(request.user, resource)
        initial = {}
        if binding is not None:
            initial = {"sample": binding.sample, "schedule": binding.schedule}
            match = next(
                (
                    t
                    for t in tables
                    if t.run.source_id == binding.source_id
                    and (t.schema, t.name) == (binding.schema, binding.table)
                ),
                None,
            )
            if match:
                initial["table"] = str(match.pk)
        form = BindingForm(tables=tables, initial=initial)
        if binding is None:
            proposal = services.proposed_binding(request.user, resource)
    context = {
        "resource": resource,
        "binding": binding,
        "manage": manage,
        "rules": resource.quality_rules.all(),
        "runs": runs,
        "latest": latest,
        "issues": resource.quality_issues.still_open(),
        "binding_form": form,
        "proposal": proposal,
        "rule_form": RuleForm() if manage else None,
        "active": Run.objects.filter(resource=resource, status__in=ACTIVE_RUN).first(),
        "chart": _chart(trend),
        "items": resource.items.exclude(column_name="").order_by("position"),
    }
    return render(request, "quality/resource_quality.html", context)


@login_required
@require_POST
def resource_bind(request, pk):
    resource = _resource(request, pk)
    require(request.user, "change", services.probe(resource))
    if request.POST.get("from_origin"):
        flash_outcome(
            request, partial(services.bind_from_origin, request.user, resource), _("The resource is bound.")
        )
        return redirect("quality:resource_quality", resource.pk)
    form = BindingForm(request.POST, tables=_tables(request.user, resource))
    if form.is_valid():
        table = form.cleaned_data["table"]
        try:
            services.bind_resource(
                request.user,
                resource,
                source=table.run.source,
                schema=table.schema,
                table=table.name,
                sample=form.cleaned_data["sample"],
                schedule=form.cleaned_data["schedule"],
            )
            messages.success(request, _("The resource is bound."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("quality:resource_quality", resource.pk)


def _rule_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.RULE_FIELDS}


@login_required
def rule_create(request, pk):
    resource = _resource(request, pk)
    require(request.user, "change", services.probe(resource))
    return _rule_page(request, resource)


@login_required
def rule_edit(request, pk):
    rule = _rule(request, pk)
    require(request.user, "change", rule)
    return _rule_page(request, rule.resource, rule)


def _rule_page(request, resource, rule=None):
    """The form of a new rule of `resource`, or of its `rule`; saved, back to the resource's page."""
    form = RuleForm(request.POST or None, initial=_rule_initial(rule) if rule else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rule(request.user, resource, rule, **_rule_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The rule is saved."))
            return redirect("quality:resource_quality", resource.pk)
    parameters = [(name, label, PARAMETER_EXAMPLES[name]) for name, (label, _code) in PARAMETERS.items()]
    return render(
        request,
        "quality/rule_form.html",
        {"form": form, "resource": resource, "rule": rule, "parameters": parameters},
    )


def _rule_initial(rule) -> dict:
    return {
        "kind": rule.kind,
        "columns": ", ".join(rule.columns),
        "params": rule.params_text,
        "weight": rule.weight,
        "severity": rule.severity,
        "enabled": rule.enabled,
        "description": rule.description,
    }


@login_required
@require_POST
def rule_delete(request, pk):
    rule = _rule(request, pk)
    flash_outcome(request, partial(services.delete_rule, request.user, rule), _("The rule is deleted."))
    return redirect("quality:resource_quality", rule.resource_id)


@login_required
@require_POST
def run_start(request, pk):
    resource = _resource(request, pk)
    require(request.user, "run", services.probe(resource))
    try:
        run = services.start_run(request.user, resource)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("quality:resource_quality", resource.pk)
    return redirect("quality:run_detail", run.pk)


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    results = list(run.results.all())
    if request.GET.get("export") == "xlsx":
        return xlsx_response(exports.failing_rows(run, results), _("failing-rows") + f"-{run.pk}.xlsx")
    names = exports.item_names(run.resource)
    for result in results:
        result.explained = exports.explained_rows(result, names)
        result.headers = exports.headers(result, names)
    context = {
        "run": run,
        "resource": run.resource,
        "results": results,
        "can_cancel": run.is_active and can(request.user, "run", run),
        "issues": {
            i.rule_id: i
            for i in Issue.objects.filter(resource=run.resource, rule__in=[r.rule_id for r in results])
        },
    }
    return render(request, "quality/run_detail.html", context)


@login_required
def run_progress(request, pk):
    run = _run(request, pk)
    if request.GET.get("poll") and not run.is_active:
        response = render(request, "quality/_run_progress.html", {"run": run})
        response["HX-Refresh"] = "true"
        return response
    return render(request, "quality/_run_progress.html", {"run": run})


@login_required
@require_POST
def run_cancel(request, pk):
    run = _run(request, pk)
    flash_outcome(request, partial(services.cancel_run, request.user, run), _("The check is cancelled."))
    return redirect("quality:run_detail", run.pk)


@login_required
def issue_list(request):
    issues = restrict(request.user, "view", Issue.objects.select_related("unit", "resource", "rule"))
    status = request.GET.get("status", "open")
    if status == "open":
        issues = issues.still_open()
    elif status in IssueStatus.values:
        issues = issues.filter(status=status)
    unit = int_or_none(request.GET.get("unit"))
    if unit:
        chosen = Unit.objects.filter(pk=unit).first()
        issues = issues.filter(unit__path__startswith=chosen.path) if chosen else issues.none()
    if request.GET.get("overdue"):
        issues = issues.overdue(clock.today())
    issues = issues.order_by("due_on", "pk")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(exports.issues(issues, clock.today()), _("quality-issues") + ".xlsx")
    page = Paginator(issues, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/issue_list.html",
        {"page": page, "status": status, "statuses": IssueStatus.choices, "today": clock.today()},
    )


@login_required
def issue_detail(request, pk):
    issue = _issue(request, pk)
    last = issue.last_run
    result = last.results.filter(rule_id=issue.rule_id).first() if last and issue.rule_id else None
    if result is not None:
        names = exports.item_names(issue.resource)
        result.explained = exports.explained_rows(result, names)
        result.headers = exports.headers(result, names)
    context = {
        "issue": issue,
        "result": result,
        "may_answer": services.may_answer(request.user, issue),
        "form": AnswerForm(initial={"answer": issue.answer, "version": issue.version}),
        "today": clock.today(),
    }
    return render(request, "quality/issue_detail.html", context)


@login_required
@require_POST
def issue_answer(request, pk):
    issue = _issue(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was done about the failing rows."))
        return redirect("quality:issue_detail", issue.pk)
    flash_outcome(
        request,
        partial(
            services.answer_issue,
            request.user,
            issue,
            form.cleaned_data["answer"],
            form.cleaned_data["version"],
        ),
        _("Your answer is recorded. The issue closes itself when a later check passes."),
    )
    return redirect("quality:issue_detail", issue.pk)
