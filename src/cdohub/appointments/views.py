"""Pages for appointments, implementation plans, the filing dashboard and the roster."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdohub.accounts import services as accounts
from cdohub.core import clock
from cdohub.core.forms import add_service_errors
from cdohub.core.permissions import restrict
from cdohub.core.views import ScopedDetailView, ScopedTableView, flash_outcome, int_or_none, xlsx_response
from cdohub.org.models import Milestone, PilotProgram, Unit
from cdohub.org.services import milestone_countdown, primary_program

from . import exports, rules, services, status
from .choices import UnitFilingState
from .filtersets import AppointmentFilter, PlanFilter
from .forms import (
    AppointmentForm,
    CdoAccountForm,
    DecisionForm,
    EndForm,
    NewAppointmentForm,
    NewPlanForm,
    PlanForm,
)
from .models import Appointment, ImplementationPlan
from .policies import may_prepare, members_in_scope
from .tables import AppointmentTable, PlanTable


def _program(request) -> PilotProgram:
    code = request.GET.get("program")
    program = get_object_or_404(PilotProgram, code=code) if code else primary_program()
    if program is None:
        raise Http404
    return program


# Appointments --------------------------------------------------------------------------------


class AppointmentListView(ScopedTableView):
    model = Appointment
    table_class = AppointmentTable
    filterset_class = AppointmentFilter
    template_name = "appointments/appointment_list.html"
    partial_template_name = "appointments/_table.html"

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "program")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            self.object_list = self.get_queryset()
            rows = self.get_filterset(self.get_filterset_class()).qs
            return xlsx_response(exports.appointments(rows), _("cdo-appointments") + ".xlsx")
        return super().get(request, *args, **kwargs)


class AppointmentDetailView(ScopedDetailView):
    model = Appointment
    template_name = "appointments/appointment_detail.html"
    grant_form = None  # the CDO account form as posted, when it was refused

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("unit", "program", "appointing_body", "filing_body", "submitted_by", "decided_by")
        )

    def get_context_data(self, **kwargs):
        a = self.object
        user = self.request.user
        history = Appointment.objects.filter(program=a.program, unit=a.unit, post=a.post).order_by(
            "-effective_on", "-pk"
        )
        return super().get_context_data(
            post=rules.post(a.program, a.post),
            decisions=a.decisions.select_related("actor"),
            history=history,
            **_workflow_context(user, a, may_prepare(user, a.appointing_body)),
            can_end=a.status == "filed" and a.ends_on is None and may_prepare(user, a.appointing_body),
            end_form=EndForm(initial={"ends_on": clock.today()}),
            **_cdo_account_context(user, a, self.grant_form),
            **kwargs,
        )


def _cdo_account_context(user, appointment, form=None) -> dict:
    """Whether the appointee can act as the unit's CDO, and for an account administrator the form
    that grants the role (on an account of the unit or a new one)."""
    check = services.cdo_account_check(appointment)
    if check is None or not check.missing:
        return {"cdo_check": check}
    may_grant = services.may_grant_cdo_account(user, appointment) and appointment.status in services.GRANTABLE
    if may_grant and form is None:
        candidates = services.cdo_account_candidates(appointment)
        form = CdoAccountForm(candidates=candidates, candidate=check.candidate)
    return {"cdo_check": check, "grant_form": form if may_grant else None}


@login_required
@require_POST
def appointment_grant_cdo(request, pk):
    """The account administrator grants the appointee the CDO role, creating the account if need be."""
    appointment = _filing(request, Appointment, pk)
    if not services.may_grant_cdo_account(request.user, appointment):
        raise PermissionDenied
    candidates = services.cdo_account_candidates(appointment)
    form = CdoAccountForm(request.POST, candidates=candidates)
    if form.is_valid():
        data = form.cleaned_data
        existing = data["mode"] == CdoAccountForm.EXISTING
        try:
            account = services.grant_cdo_account(
                request.user,
                appointment,
                account=data["account"] if existing else None,
                username=data["username"],
                email=data["email"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _send_password_link(request, account, created=not existing)
            messages.success(
                request,
                _("%(account)s now holds the chief data officer role of %(unit)s.")
                % {"account": account.username, "unit": appointment.unit},
            )
            return redirect(appointment)
    view = AppointmentDetailView(grant_form=form)
    view.setup(request, pk=pk)
    return view.get(request, pk=pk)


def _send_password_link(request, account, created: bool) -> None:
    """A new account with an e-mail address gets the link to set its password."""
    if created and account.email:
        send = partial(accounts.send_password_reset, request.user, account, request.build_absolute_uri("/"))
        flash_outcome(
            request, send, _("A link to set a password was sent to %(email)s.") % {"email": account.email}
        )


def _workflow_context(user, filing, preparer: bool) -> dict:
    return {
        "can_edit": preparer and filing.is_editable,
        "can_submit": preparer and filing.is_editable,
        "can_decide": services.FILING[type(filing)].allows(filing, "file", user),
        "decision_form": DecisionForm(initial={"version": filing.version}),
    }


def _preparable(user, program) -> list[tuple[Unit, list[rules.Post]]]:
    """Pilot units and the posts at each that this user appoints to."""
    found = []
    for member in members_in_scope(user, program).select_related("unit").order_by("unit__path"):
        posts = []
        for post in rules.posts_for(program, member.unit):
            try:
                bodies = rules.derive_bodies(program, post, member.unit)
            except ValidationError:
                continue
            if may_prepare(user, bodies.appointing):
                posts.append(post)
        if posts:
            found.append((member.unit, posts))
    return found


@login_required
def appointment_create(request):
    program = _program(request)
    choices = _preparable(request.user, program)
    if not choices:
        raise PermissionDenied(_("You do not appoint to any post in the pilot scope."))
    posts = {p.key: p for _unit, unit_posts in choices for p in unit_posts}
    form = NewAppointmentForm(
        request.POST or None,
        request.FILES or None,
        units=[u for u, _posts in choices],
        posts=posts.values(),
        initial={"unit": request.GET.get("unit"), "post": request.GET.get("post")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = get_object_or_404(Unit, pk=data.pop("unit"))
        try:
            appointment = services.create_appointment(request.user, program, unit, data.pop("post"), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Appointment saved as a draft. Submit it when it is complete."))
            return redirect(appointment)
    return render(request, "appointments/appointment_form.html", {"form": form, "program": program})


@login_required
def derived_bodies(request):
    """HTMX: who appoints and who receives the filing, for the chosen unit and post."""
    program = _program(request)
    unit = Unit.objects.filter(pk=request.GET.get("unit") or None).first()
    context = {}
    if unit is not None:
        try:
            post = rules.post(program, request.GET.get("post", ""))
            context["bodies"] = rules.derive_bodies(program, post, unit)
            context["post"] = post
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
    return render(request, "appointments/_bodies.html", context)


@login_required
def appointment_edit(request, pk):
    appointment = _filing(request, Appointment, pk)
    if not may_prepare(request.user, appointment.appointing_body):
        raise PermissionDenied
    form = AppointmentForm(request.POST or None, request.FILES or None, instance=appointment)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_appointment(request.user, appointment, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(appointment)
    context = {"form": form, "appointment": appointment, "program": appointment.program}
    return render(request, "appointments/appointment_form.html", context)


@login_required
@require_POST
def appointment_end(request, pk):
    appointment = _filing(request, Appointment, pk)
    form = EndForm(request.POST)
    if not may_prepare(request.user, appointment.appointing_body):
        raise PermissionDenied
    if form.is_valid():
        end = partial(services.end_appointment, request.user, appointment, **form.cleaned_data)
        flash_outcome(request, end, _("The term has been ended."))
    else:
        messages.error(request, _("Give the end date and the removal document number."))
    return redirect(appointment)


# The filing workflow, shared by appointments and plans ---------------------------------------


def _filing(request, model, pk):
    return get_object_or_404(restrict(request.user, "view", model.objects.all()), pk=pk)


@login_required
@require_POST
def filing_submit(request, pk, model):
    filing = _filing(request, model, pk)
    version = int_or_none(request.POST.get("version"))
    flash_outcome(
        request,
        partial(services.submit, request.user, filing, version),
        _("Submitted to %(body)s.") % {"body": filing.filing_body},
    )
    return redirect(filing)


@login_required
@require_POST
def filing_decide(request, pk, model):
    filing = _filing(request, model, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(filing)
    decision, version = form.cleaned_data["decision"], form.cleaned_data["version"]
    if decision == "file":
        filed = flash_outcome(request, partial(services.file, request.user, filing, version), _("Filed."))
        check = services.cdo_account_check(filing) if filed and isinstance(filing, Appointment) else None
        if check is not None and check.missing:
            messages.warning(request, check.message())
    else:
        reason = form.cleaned_data["reason"]
        decide = partial(services.return_filing, request.user, filing, reason, version)
        flash_outcome(request, decide, _("Returned with the reason given."))
    return redirect(filing)


@login_required
def filing_document(request, pk, model):
    return pdf_response(_filing(request, model, pk))


def pdf_response(filing) -> FileResponse:
    """The filing's document, named by its document number."""
    if not filing.document:
        raise Http404
    name = f"{filing.document_number or filing.pk}.pdf"
    return FileResponse(filing.document.open("rb"), content_type="application/pdf", filename=name)


# Implementation plans ------------------------------------------------------------------------


class PlanListView(ScopedTableView):
    model = ImplementationPlan
    table_class = PlanTable
    filterset_class = PlanFilter
    template_name = "appointments/plan_list.html"
    partial_template_name = "appointments/_table.html"

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class PlanDetailView(ScopedDetailView):
    model = ImplementationPlan
    template_name = "appointments/plan_detail.html"
    context_object_name = "plan"

    def get_context_data(self, **kwargs):
        from cdohub.org.choices import DIMENSIONS

        plan = self.object
        user = self.request.user
        return super().get_context_data(
            dimensions=[(label, plan.dimensions.get(key, "")) for key, label in DIMENSIONS],
            decisions=plan.decisions.select_related("actor"),
            **_workflow_context(user, plan, may_prepare(user, plan.unit)),
            **kwargs,
        )


def plan_units(user, program) -> list[Unit]:
    """The pilot units whose implementation plan this user files."""
    rule = rules.plan_rule(program)
    members = members_in_scope(user, program).filter(category__in=rule.filers if rule else [])
    return [m.unit for m in members.select_related("unit") if may_prepare(user, m.unit)]


@login_required
def plan_create(request):
    program = _program(request)
    units = plan_units(request.user, program)
    if not units:
        raise PermissionDenied(_("You do not file an implementation plan for any pilot."))
    form = NewPlanForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = get_object_or_404(Unit, pk=form.cleaned_data["unit"])
        try:
            plan = services.create_plan(request.user, program, unit, **form.plan_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Plan saved as a draft. Submit it when it is complete."))
            return redirect(plan)
    return render(request, "appointments/plan_form.html", {"form": form, "program": program})


@login_required
def plan_edit(request, pk):
    plan = _filing(request, ImplementationPlan, pk)
    if not may_prepare(request.user, plan.unit):
        raise PermissionDenied
    form = PlanForm(request.POST or None, request.FILES or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(request.user, plan, **form.plan_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(plan)
    return render(
        request, "appointments/plan_form.html", {"form": form, "plan": plan, "program": plan.program}
    )


# Dashboard, overdue list and roster ----------------------------------------------------------


@login_required
def filing_dashboard(request):
    program = _program(request)
    rows = status.pilot_status(program, members_in_scope(request.user, program))
    groups = status.summarise(rows)
    kpis = [(state.value, state.label) for state in UnitFilingState]
    kpis += [("late", _("Late")), ("flagged", _("Flagged"))]
    kpis = [(key, label, sum(g.counts[key] for g in groups)) for key, label in kpis]
    city = request.GET.get("city")
    detail = [r for r in rows if city and r.group and str(r.group.pk) == city] if city else []
    return render(
        request,
        "appointments/dashboard.html",
        {
            "program": program,
            "groups": groups,
            "kpis": kpis,
            "countdown": milestone_countdown(
                Milestone.objects.filter(program=program, key__in=_deadline_keys(program))
            ),
            "detail": detail,
            "flagged": [r for r in rows if r.appointment and r.appointment.flagged],
            "chart": _status_chart(groups),
            "states": UnitFilingState,
        },
    )


def _deadline_keys(program) -> set[str]:
    keys = {p.milestone for p in rules.posts(program).values() if p.milestone}
    plan = rules.plan_rule(program)
    return keys | ({plan.milestone} if plan and plan.milestone else set())


def _status_chart(groups) -> dict:
    other = _("Provincial departments")
    return {
        "groups": [g.city.unit.name if g.city else other for g in groups],
        "series": [
            {"key": state.value, "name": str(state.label), "data": [g.counts[state] for g in groups]}
            for state in UnitFilingState
        ],
        "lang": translation.get_language(),
    }


@login_required
def overdue(request):
    program = _program(request)
    rows = status.pilot_status(program, members_in_scope(request.user, program))
    late = [(r, s) for r in rows for s in r.states() if s.overdue]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(exports.overdue(late), _("overdue-filings") + ".xlsx")
    return render(request, "appointments/overdue.html", {"program": program, "rows": late})


@login_required
def roster(request):
    program = _program(request)
    entries = status.roster(program, members_in_scope(request.user, program))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(exports.roster(entries), _("cdo-roster") + ".xlsx")
    context = {
        "program": program,
        "entries": entries,
        "full": True,
        "without_account": sum(e.without_account for e in entries),
        "account_only": sum(e.account_without_appointment for e in entries),
    }
    return render(request, "appointments/roster.html", context)


def public_roster(request, code):
    """The published CDO roster (名单): only the fields the program file makes public."""
    program = get_object_or_404(PilotProgram, code=code, is_active=True)
    entries = status.roster(program)
    fields = rules.roster_rule(program).public_fields
    if request.GET.get("export") == "xlsx":
        return xlsx_response(exports.roster(entries, fields=fields), _("cdo-roster") + ".xlsx")
    context = {"program": program, "entries": entries, "fields": fields, "public": True}
    return render(request, "appointments/roster.html", context)
