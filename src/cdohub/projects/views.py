"""Pages for IT projects, their review rounds, supervision findings and the supervision dashboard."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdohub.core.forms import add_service_errors
from cdohub.core.permissions import Scope, can, require, restrict, within_reach
from cdohub.core.views import flash_outcome, int_or_none, xlsx_response
from cdohub.org.models import Unit

from . import services, stats
from .choices import CheckResult, FindingStatus, ProjectStatus, ReviewStatus, Stage
from .forms import (
    ACCEPTANCE_PHASE,
    AnswerForm,
    DecisionForm,
    FindingForm,
    LinkOutputFormSet,
    NewProjectForm,
    OpinionForm,
    OutputFormSet,
    ProjectForm,
    VerifyForm,
    outputs_from,
)
from .models import Check, Finding, Project, Review
from .policies import (
    DECIDERS,
    REGISTRARS,
    SUPERVISORS,
    may_decide,
    may_give_opinion,
    may_verify,
    supervising_grant,
)

DOCUMENT_FIELDS = {"feasibility_study", "design", "acceptance_report"}


def _projects(user):
    return restrict(user, "view", Project.objects.select_related("unit"))


def _reviews(user):
    return restrict(user, "view", Review.objects.select_related("project__unit", "reviewing_body"))


def _findings(user):
    return restrict(user, "view", Finding.objects.select_related("unit", "issuer", "project"))


def registrar_units(user):
    return within_reach(user, Unit.objects.filter(is_active=True), REGISTRARS)


def awaiting_decision(user):
    """Open rounds this user decides as a CDO (not those they prepared or submitted)."""
    bodies = [path for role, path in Scope.of(user).grants if role in DECIDERS]
    if not bodies:
        return Review.objects.none()
    return (
        Review.objects.filter(status=ReviewStatus.SUBMITTED, reviewing_body__path__in=bodies)
        .exclude(submitted_by=user)
        .exclude(project__created_by=user)
        .select_related("project__unit")
        .order_by("submitted_at")
    )


def supervised_units(user):
    return within_reach(user, Unit.objects.filter(is_active=True), SUPERVISORS)


# --- projects ---------------------------------------------------------------------------------


@login_required
def project_list(request):
    projects = _projects(request.user)
    status, q = request.GET.get("status", ""), request.GET.get("q", "").strip()
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    if q:
        projects = projects.filter(Q(name__icontains=q) | Q(unit__name__icontains=q))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            stats.projects_workbook(projects.order_by("unit__path", "pk")), _("it-projects") + ".xlsx"
        )
    page = Paginator(projects.order_by("-updated_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "inbox": awaiting_decision(request.user),
            "page": page,
            "statuses": ProjectStatus.choices,
            "status": status,
            "q": q,
            "can_create": registrar_units(request.user).exists(),
        },
    )


def _formset(request, project=None):
    initial = [] if project is None else services.outputs_of(project)
    if project is not None:
        codes = dict(
            project.outputs.filter(resource__isnull=False).values_list("resource_id", "resource__code")
        )
        initial = [{**o, "resource": codes.get(o["resource"], "")} for o in initial]
    linking = project is not None and project.status in ACCEPTANCE_PHASE
    formset_class = LinkOutputFormSet if linking else OutputFormSet
    return formset_class(request.POST or None, initial=initial, prefix="outputs")


@login_required
def project_create(request):
    units = registrar_units(request.user)
    if not units.exists():
        raise PermissionDenied
    form = NewProjectForm(request.POST or None, request.FILES or None, units=units, user=request.user)
    formset = _formset(request)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.changes()
        try:
            project = services.create_project(
                request.user,
                unit=form.cleaned_data["unit"],
                outputs=outputs_from(formset),
                uses=form.cleaned_data["uses"],
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project saved as a draft."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "formset": formset})


@login_required
def project_detail(request, pk):
    project = get_object_or_404(_projects(request.user).prefetch_related("uses__unit"), pk=pk)
    user = request.user
    reviews = project.reviews.select_related("submitted_by", "decided_by", "reviewing_body").order_by(
        "-submitted_at", "-pk"
    )
    can_edit = can(user, "change", project) and project.status in services.EDITABLE
    can_submit = can(user, "submit", project)
    stages = [s for s in Stage if project.status in services.SUBMITTABLE[s]] if can_submit else []
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "outputs": project.outputs.select_related("resource"),
            "reviews": reviews,
            "findings": restrict(user, "view", project.findings.all()),
            "can_edit": can_edit,
            "stages": stages,
            "can_supervise": can(user, "open", Finding(unit=project.unit))
            and supervising_grant(user, project.unit) is not None,
        },
    )


@login_required
def project_edit(request, pk):
    project = get_object_or_404(_projects(request.user), pk=pk)
    require(request.user, "change", project)
    form = ProjectForm(request.POST or None, request.FILES or None, instance=project, user=request.user)
    formset = _formset(request, project)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.update_project(
                request.user,
                Project.objects.get(pk=project.pk),
                seen_version=int_or_none(request.POST.get("version")),
                outputs=outputs_from(formset),
                uses=form.cleaned_data["uses"],
                **form.changes(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project saved."))
            return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "formset": formset, "project": project}
    )


@login_required
@require_POST
def project_submit(request, pk):
    project = get_object_or_404(_projects(request.user), pk=pk)
    stage = request.POST.get("stage", "")
    try:
        review = services.submit(request.user, project, stage, int_or_none(request.POST.get("version")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(project)
    messages.success(request, _("Submitted to the chief data officer for review."))
    return redirect(review)


@login_required
def project_document(request, pk, name):
    project = get_object_or_404(_projects(request.user), pk=pk)
    if name not in DOCUMENT_FIELDS or not getattr(project, name):
        raise Http404
    document = getattr(project, name)
    return FileResponse(
        document.open("rb"), content_type="application/pdf", filename=document.name.rsplit("/", 1)[-1]
    )


# --- review rounds ----------------------------------------------------------------------------


@login_required
def review_detail(request, pk):
    review = get_object_or_404(
        _reviews(request.user)
        .select_related("submitted_by", "decided_by")
        .prefetch_related(
            Prefetch("checks", Check.objects.order_by("position")), "opinions__author", "opinions__bureau"
        ),
        pk=pk,
    )
    user = request.user
    checks = list(review.checks.all())
    failed = [c for c in checks if c.result == CheckResult.FAILED]
    open_round = review.status == ReviewStatus.SUBMITTED
    decider = open_round and may_decide(user, review)
    return render(
        request,
        "projects/review_detail.html",
        {
            "review": review,
            "project": review.project,
            "checks": checks,
            "failed": failed,
            "cited": [c for c in checks if c.code in review.cited_checks],
            "opinions": review.opinions.all(),
            "rounds": review.project.reviews.order_by("stage", "round").select_related("decided_by"),
            "can_decide": decider,
            "can_rerun": open_round
            and (decider or Scope.of(user).covers(review.project.unit.path, REGISTRARS)),
            "can_opine": open_round and may_give_opinion(user, review),
            "decision_form": DecisionForm(initial={"version": review.version}, failed=failed),
            "opinion_form": OpinionForm(initial={"version": review.version}),
        },
    )


@login_required
@require_POST
def review_decide(request, pk):
    review = get_object_or_404(_reviews(request.user), pk=pk)
    failed = list(review.checks.filter(result=CheckResult.FAILED))
    form = DecisionForm(request.POST, failed=failed)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(review)
    data = form.cleaned_data
    flash_outcome(
        request,
        partial(
            services.decide,
            request.user,
            review,
            data["decision"],
            data["version"],
            reasons=data["reasons"],
            cited=data["cited_checks"],
        ),
        _("Decision recorded."),
    )
    return redirect(review)


@login_required
@require_POST
def review_opinion(request, pk):
    review = get_object_or_404(_reviews(request.user), pk=pk)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the opinion."))
        return redirect(review)
    data = form.cleaned_data
    flash_outcome(
        request,
        partial(
            services.add_opinion, request.user, review, data["text"], data["recommendation"], data["version"]
        ),
        _("Joint-review opinion added."),
    )
    return redirect(review)


@login_required
@require_POST
def review_rerun(request, pk):
    review = get_object_or_404(_reviews(request.user), pk=pk)
    flash_outcome(
        request,
        partial(services.rerun_checks, request.user, review, int_or_none(request.POST.get("version"))),
        _("The pre-checks were run again on today's data."),
    )
    return redirect(review)


# --- findings ---------------------------------------------------------------------------------


@login_required
def finding_list(request):
    findings = _findings(request.user)
    status = request.GET.get("status", "")
    if status in FindingStatus.values:
        findings = findings.filter(status=status)
    if request.GET.get("overdue"):
        findings = findings.filter(pk__in=stats.overdue(findings).values("pk"))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            stats.findings_workbook(findings.order_by("unit__path", "opened_at")),
            _("supervision-findings") + ".xlsx",
        )
    page = Paginator(findings.order_by("-opened_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/finding_list.html",
        {
            "page": page,
            "statuses": FindingStatus.choices,
            "status": status,
            "can_create": supervised_units(request.user).exists(),
        },
    )


@login_required
def finding_create(request):
    units = supervised_units(request.user)
    if not units.exists():
        raise PermissionDenied
    projects = _projects(request.user)
    initial = {}
    if project_id := int_or_none(request.GET.get("project")):
        project = projects.filter(pk=project_id).first()
        if project is not None:
            initial = {"project": project, "unit": project.unit}
    form = FindingForm(
        request.POST or None, request.FILES or None, units=units, projects=projects, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        if not data.get("evidence_file"):
            data.pop("evidence_file")
        try:
            finding = services.open_finding(request.user, unit=unit, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Finding recorded and the order issued."))
            return redirect(finding)
    return render(request, "projects/finding_form.html", {"form": form})


@login_required
def finding_detail(request, pk):
    finding = get_object_or_404(
        _findings(request.user).select_related("opened_by", "answered_by", "closed_by", "escalated_to"), pk=pk
    )
    user = request.user
    return render(
        request,
        "projects/finding_detail.html",
        {
            "finding": finding,
            "steps": finding.steps.select_related("actor"),
            "can_answer": finding.status == FindingStatus.OPEN
            and can(user, "answer", finding)
            and user.pk != finding.opened_by_id,
            "can_verify": finding.status == FindingStatus.ANSWERED
            and user.pk != finding.answered_by_id
            and may_verify(user, finding),
            "answer_form": AnswerForm(initial={"version": finding.version}),
            "verify_form": VerifyForm(initial={"version": finding.version}),
        },
    )


@login_required
@require_POST
def finding_answer(request, pk):
    finding = get_object_or_404(_findings(request.user), pk=pk)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Describe the rectification."))
        return redirect(finding)
    data = form.cleaned_data
    flash_outcome(
        request,
        partial(
            services.answer_finding,
            request.user,
            finding,
            data["answer"],
            data.get("answer_file"),
            data["version"],
        ),
        _("Rectification reported to the issuer."),
    )
    return redirect(finding)


@login_required
@require_POST
def finding_verify(request, pk):
    finding = get_object_or_404(_findings(request.user), pk=pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Someone else acted first. Reload to see the current state."))
        return redirect(finding)
    data = form.cleaned_data
    if request.POST.get("decision") == "reject":
        action = partial(services.reject_answer, request.user, finding, data["comment"], data["version"])
        message = _("The answer was rejected; the order stands.")
    else:
        action = partial(services.close_finding, request.user, finding, data["comment"], data["version"])
        message = _("Finding verified and closed.")
    flash_outcome(request, action, message)
    return redirect(finding)


@login_required
def finding_document(request, pk, name):
    finding = get_object_or_404(_findings(request.user), pk=pk)
    if name not in ("evidence_file", "answer_file") or not getattr(finding, name):
        raise Http404
    document = getattr(finding, name)
    return FileResponse(
        document.open("rb"), content_type="application/pdf", filename=document.name.rsplit("/", 1)[-1]
    )


# --- dashboard --------------------------------------------------------------------------------


@login_required
def dashboard(request):
    user = request.user
    figures = stats.figures(_projects(user), _reviews(user), _findings(user))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(stats.workbook(figures), _("project-supervision") + ".xlsx")
    return render(request, "projects/dashboard.html", {"figures": figures, "chart": stats.chart(figures)})
