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
from cdohub.core.permissions import can, require, restrict, units_where
from cdohub.core.views import flash_outcome, int_or_none, xlsx_response
from cdohub.org.models import Unit

from . import services, stats
from .choices import CheckResult, FindingStatus, ProjectStatus, ReviewStatus
from .forms import (
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
    REGISTRARS,
    SUPERVISORS,
    awaiting_decision,
    may_give_opinion,
    may_rerun_checks,
    may_supervise,
)
from .rules import ACCEPTANCE_PHASE


def _projects(user):
    return restrict(user, "view", Project.objects.select_related("unit"))


def _reviews(user):
    return restrict(user, "view", Review.objects.select_related("project__unit", "reviewing_body"))


def _findings(user):
    return restrict(user, "view", Finding.objects.select_related("unit", "issuer", "project"))


def registrar_units(user):
    return Unit.objects.filter(units_where(user, REGISTRARS), is_active=True)


def supervised_units(user):
    return Unit.objects.filter(units_where(user, SUPERVISORS), is_active=True)


def pdf_response(document) -> FileResponse:
    """Send a stored PDF, named as it was uploaded; 404 when there is none."""
    if not document:
        raise Http404
    return FileResponse(
        document.open("rb"), content_type="application/pdf", filename=document.name.rsplit("/", 1)[-1]
    )


def _posted(request, form, refusal=None) -> dict | None:
    """The form's data, or None after showing why it was refused (`refusal`, else the form's errors)."""
    if form.is_valid():
        return form.cleaned_data
    messages.error(request, refusal or " ".join(str(e) for errors in form.errors.values() for e in errors))
    return None


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


def _project_form(request, form, formset, save, saved: str, project=None):
    """The project form page; a valid POST is saved through `save(outputs=, uses=, **fields)`."""
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            project = save(outputs=outputs_from(formset), **form.changes())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, saved)
            return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "formset": formset, "project": project}
    )


@login_required
def project_create(request):
    units = registrar_units(request.user)
    if not units.exists():
        raise PermissionDenied
    form = NewProjectForm(request.POST or None, request.FILES or None, units=units, user=request.user)
    save = partial(services.create_project, request.user)
    return _project_form(request, form, _formset(request), save, _("Project saved as a draft."))


@login_required
def project_detail(request, pk):
    project = get_object_or_404(_projects(request.user).prefetch_related("uses__unit"), pk=pk)
    user = request.user
    reviews = project.reviews.select_related("submitted_by", "decided_by", "reviewing_body").order_by(
        "-submitted_at", "-pk"
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "outputs": project.outputs.select_related("resource"),
            "reviews": reviews,
            "findings": restrict(user, "view", project.findings.all()),
            "can_edit": project.is_editable and can(user, "change", project),
            "stages": project.submittable_stages() if can(user, "submit", project) else [],
            "can_supervise": may_supervise(user, project.unit),
        },
    )


@login_required
def project_edit(request, pk):
    project = get_object_or_404(_projects(request.user), pk=pk)
    require(request.user, "change", project)
    form = ProjectForm(request.POST or None, request.FILES or None, instance=project, user=request.user)

    def save(**changes):  # on a fresh copy: validating the form changed its instance
        return services.update_project(
            request.user,
            Project.objects.get(pk=project.pk),
            seen_version=int_or_none(request.POST.get("version")),
            **changes,
        )

    return _project_form(request, form, _formset(request, project), save, _("Project saved."), project)


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
    return pdf_response(project.document(name))


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
            "can_decide": services.REVIEW.allows(review, "approve", user),
            "can_rerun": open_round and may_rerun_checks(user, review),
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
    data = _posted(request, DecisionForm(request.POST, failed=failed))
    if data is not None:
        decide = partial(
            services.decide,
            request.user,
            review,
            data["decision"],
            data["version"],
            reasons=data["reasons"],
            cited=data["cited_checks"],
        )
        flash_outcome(request, decide, _("Decision recorded."))
    return redirect(review)


@login_required
@require_POST
def review_opinion(request, pk):
    review = get_object_or_404(_reviews(request.user), pk=pk)
    data = _posted(request, OpinionForm(request.POST), _("Write the opinion."))
    if data is not None:
        add = partial(
            services.add_opinion, request.user, review, data["text"], data["recommendation"], data["version"]
        )
        flash_outcome(request, add, _("Joint-review opinion added."))
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
            "can_answer": services.FINDING.allows(finding, "answer", user),
            "can_verify": services.FINDING.allows(finding, "close", user),
            "answer_form": AnswerForm(initial={"version": finding.version}),
            "verify_form": VerifyForm(initial={"version": finding.version}),
        },
    )


@login_required
@require_POST
def finding_answer(request, pk):
    finding = get_object_or_404(_findings(request.user), pk=pk)
    data = _posted(request, AnswerForm(request.POST, request.FILES), _("Describe the rectification."))
    if data is not None:
        answer = partial(
            services.answer_finding,
            request.user,
            finding,
            data["answer"],
            data["answer_file"],
            data["version"],
        )
        flash_outcome(request, answer, _("Rectification reported to the issuer."))
    return redirect(finding)


@login_required
@require_POST
def finding_verify(request, pk):
    finding = get_object_or_404(_findings(request.user), pk=pk)
    data = _posted(
        request, VerifyForm(request.POST), _("Someone else acted first. Reload to see the current state.")
    )
    if data is None:
        return redirect(finding)
    if request.POST.get("decision") == "reject":
        verify, message = services.reject_answer, _("The answer was rejected; the order stands.")
    else:
        verify, message = services.close_finding, _("Finding verified and closed.")
    flash_outcome(request, partial(verify, request.user, finding, data["comment"], data["version"]), message)
    return redirect(finding)


@login_required
def finding_document(request, pk, name):
    finding = get_object_or_404(_findings(request.user), pk=pk)
    return pdf_response(finding.document(name))


# --- dashboard --------------------------------------------------------------------------------


@login_required
def dashboard(request):
    user = request.user
    figures = stats.figures(_projects(user), _reviews(user), _findings(user))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(stats.workbook(figures), _("project-supervision") + ".xlsx")
    return render(request, "projects/dashboard.html", {"figures": figures, "chart": stats.chart(figures)})
