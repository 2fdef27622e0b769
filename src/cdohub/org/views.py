from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from cdohub.core import calendar, clock
from cdohub.core.models import OfficialCalendar
from cdohub.core.permissions import Scope, can, require, restrict
from cdohub.core.views import (
    ScopedDetailView,
    ScopedTableView,
    ScopedUpdateView,
    flash_outcome,
    int_or_none,
    run_import,
    xlsx_response,
)

from . import services
from .choices import ALL_ROLES, DIMENSIONS, ScopeCategory
from .filtersets import UnitFilter
from .forms import OfficialCalendarForm, UnitForm
from .importers import NominationImport, UnitImport
from .models import Milestone, PilotProgram, ScopeMember, Unit
from .services import milestone_countdown, primary_program
from .tables import UnitTable


@login_required
def dashboard(request):
    program = primary_program()
    context = {"program": program}
    if program is not None:
        compliance = services.scope_compliance(program)
        scope = Scope.of(request.user)
        own = [c for c in compliance if scope.covers(c.member.unit.path, scope.roles)]
        countdown = milestone_countdown(program.milestones.all())
        upcoming = [c for c in countdown if c["days"] >= 0]
        context.update(
            compliance=compliance,
            own_cities=own,
            compliant_count=sum(c.compliant for c in compliance),
            departments=program.members.filter(category=ScopeCategory.PILOT_DEPARTMENT).select_related(
                "unit"
            ),
            countdown=countdown,
            next_milestone=upcoming[0] if upcoming else None,
            chart=compliance_chart(program, compliance),
        )
    return render(request, "org/dashboard.html", context)


def compliance_chart(program, compliance) -> dict:
    """ECharts option: nominations per city against each scope rule's minimum."""
    lang_en = translation.get_language() == "en"
    return {
        "cities": [c.member.unit.name for c in compliance],
        "series": [
            {
                "name": rule.get("label_en" if lang_en else "label", rule["key"]),
                "min": rule["min"],
                "data": [c.counts().get(rule["key"], 0) for c in compliance],
            }
            for rule in program.scope_rules
        ],
    }


# Units ---------------------------------------------------------------------------------------


class UnitListView(ScopedTableView):
    model = Unit
    table_class = UnitTable
    filterset_class = UnitFilter
    template_name = "org/unit_list.html"
    partial_template_name = "org/_unit_table.html"

    def get_queryset(self):
        return super().get_queryset().select_related("region")


def _sees_members(user, unit: Unit) -> bool:
    """Whether the unit's users and roles page opens for `user`: any role over the unit (the
    accounts app's policy on role assignments, which this app sits below and cannot import)."""
    scope = Scope.of(user)
    return scope.superuser or scope.covers(unit.path, ALL_ROLES)


class UnitDetailView(ScopedDetailView):
    model = Unit
    template_name = "org/unit_detail.html"

    def get_context_data(self, **kwargs):
        unit = self.object
        user = self.request.user
        children = Unit.objects.get_children(unit).select_related("region")
        return super().get_context_data(
            ancestors=list(Unit.ancestors_of([unit]).values()),  # ordered by path
            children=children[:200],
            children_count=unit.numchild,
            memberships=unit.scope_memberships.select_related("program", "parent__unit"),
            can_change=can(user, "change", unit),
            can_see_members=_sees_members(user, unit),
            **kwargs,
        )


class UnitUpdateView(ScopedUpdateView):
    model = Unit
    form_class = UnitForm
    template_name = "org/unit_form.html"

    def perform_update(self, form):
        return services.update_unit(self.request.user, self.object, **form.unit_fields())

    def get_success_url(self):
        return self.object.get_absolute_url()


@login_required
def unit_create(request, pk):
    parent = get_object_or_404(Unit, pk=pk)
    require(request.user, "change", parent)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_unit(request.user, parent=parent, **form.unit_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Unit %(name)s added.") % {"name": unit.name})
            return redirect(unit)
    return render(request, "org/unit_form.html", {"form": form, "parent": parent})


# The unit tree: the page, then its two JSON answers (children of a node, search) -------------


@login_required
def unit_tree(request):
    """The organisation as an expandable tree, opened at the units the user holds roles on."""
    scope = Scope.of(request.user)
    own = Unit.objects.filter(path__in={path for _role, path in scope.grants}).order_by("path")
    context = {
        "open_unit": int_or_none(request.GET.get("open")),
        "own_units": own[:20],
        "query": request.GET.get("q", ""),
        "search_limit": services.TREE_SEARCH_LIMIT,
    }
    return render(request, "org/unit_tree.html", context)


def _tree_node(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "code": unit.code,
        "kind": unit.get_kind_display(),
        "children": unit.numchild,
        "active": unit.is_active,
        "url": unit.get_absolute_url(),
    }


@login_required
def unit_tree_children(request):
    """JSON: one page of a node's children (`parent`, none for the top), from `offset`."""
    units = restrict(request.user, "view", Unit.objects.all())
    parent_pk = int_or_none(request.GET.get("parent"))
    parent = get_object_or_404(units, pk=parent_pk) if parent_pk is not None else None
    page = services.tree_children(units, parent, offset=int_or_none(request.GET.get("offset")) or 0)
    return JsonResponse(
        {
            "parent": parent.pk if parent else None,
            "total": page.total,
            "offset": page.offset,
            "next": page.next_offset,
            "nodes": [_tree_node(u) for u in page.units],
        }
    )


@login_required
def unit_tree_search(request):
    """JSON: the units matching `q` (or the one unit `unit`), each with the path down to it."""
    units = restrict(request.user, "view", Unit.objects.all())
    unit_pk = int_or_none(request.GET.get("unit"))
    if unit_pk is not None:
        unit = get_object_or_404(units, pk=unit_pk)
        matches = services.TreeMatches([unit], Unit.ancestors_of([unit]), False)
    else:
        matches = services.tree_search(units, request.GET.get("q", "")[:100])
    results = [
        {**_tree_node(u), "path": [{"id": a.pk, "name": a.name} for a in matches.path_of(u)]}
        for u in matches.units
    ]
    return JsonResponse({"results": results, "more": matches.more, "limit": services.TREE_SEARCH_LIMIT})


@login_required
def unit_import(request):
    if not Scope.of(request.user).superuser and not Scope.of(request.user).paths(
        {"sysadmin", "bureau_admin"}
    ):
        raise PermissionDenied
    if request.GET.get("template"):
        return xlsx_response(UnitImport().template(), _("unit-import-template") + ".xlsx")
    return run_import(
        request,
        UnitImport(),
        title=_("Import units"),
        template_url=reverse("org:unit_import") + "?template=1",
        done_url=reverse("org:unit_list"),
    )


# Pilot programs and scope --------------------------------------------------------------------


class ProgramListView(LoginRequiredMixin, ListView):
    model = PilotProgram
    template_name = "org/program_list.html"


class ProgramDetailView(LoginRequiredMixin, DetailView):
    model = PilotProgram
    slug_field = slug_url_kwarg = "code"
    template_name = "org/program_detail.html"
    context_object_name = "program"

    def get_context_data(self, **kwargs):
        program = self.object
        return super().get_context_data(
            countdown=milestone_countdown(Milestone.objects.filter(program=program)),
            departments=program.members.filter(category=ScopeCategory.PILOT_DEPARTMENT).select_related(
                "unit"
            ),
            compliance=services.scope_compliance(program),
            dimensions=[(key, title, program.dimensions.get(key, "")) for key, title in DIMENSIONS],
            **kwargs,
        )


def _city_member(code, pk) -> ScopeMember:
    return get_object_or_404(
        ScopeMember.objects.select_related("program", "unit", "unit__region"),
        program__code=code,
        pk=pk,
        category=ScopeCategory.PILOT_CITY,
    )


def _city_context(request, city: ScopeMember) -> dict:
    nominated = list(
        city.nominations.select_related("unit", "nominated_by").order_by("category", "unit__path")
    )
    taken = {m.unit_id for m in nominated}
    candidates = [
        u for u in Unit.objects.get_children(city.unit).select_related("region") if u.pk not in taken
    ]
    eligible = []
    for unit in candidates:
        try:
            eligible.append((unit, services.nomination_category(city.unit, unit)))
        except ValidationError:
            continue
    return {
        "city": city,
        "program": city.program,
        "status": services.scope_compliance(city.program, cities=[city])[0],
        "nominated": nominated,
        "candidates": eligible,
        "can_nominate": can(request.user, "change", ScopeMember(parent=city)),
    }


@login_required
def city_scope(request, code, pk):
    city = _city_member(code, pk)
    return render(request, "org/city_scope.html", _city_context(request, city))


@login_required
@require_POST
def city_nominate(request, code, pk):
    city = _city_member(code, pk)
    unit = get_object_or_404(Unit, pk=request.POST.get("unit"))
    note = request.POST.get("note", "")
    nominate = partial(services.nominate, request.user, city, unit, note=note)
    flash_outcome(request, nominate, _("%(unit)s nominated.") % {"unit": unit})
    return _city_response(request, city)


@login_required
@require_POST
def city_withdraw(request, code, pk, member_pk):
    city = _city_member(code, pk)
    member = get_object_or_404(ScopeMember, pk=member_pk, parent=city)
    withdraw = partial(services.withdraw, request.user, member)
    flash_outcome(request, withdraw, _("%(unit)s withdrawn.") % {"unit": member.unit})
    return _city_response(request, city)


def _city_response(request, city):
    if request.htmx:
        return render(request, "org/_city_scope_panel.html", _city_context(request, city))
    return redirect("org:city_scope", code=city.program.code, pk=city.pk)


@login_required
def nomination_import(request, code):
    program = get_object_or_404(PilotProgram, code=code)
    if request.GET.get("template"):
        return xlsx_response(NominationImport(program).template(), _("nomination-template") + ".xlsx")
    return run_import(
        request,
        NominationImport(program),
        title=_("Import nominations"),
        template_url=reverse("org:nomination_import", args=[code]) + "?template=1",
        done_url=program.get_absolute_url(),
    )


# The official holiday schedule ---------------------------------------------------------------


@login_required
def official_calendar(request):
    """The years' schedules, and for the provincial bureau the form that loads a new year's."""
    may_change = services.keeps_calendar(request.user)
    form = OfficialCalendarForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                official = _store_calendar(request.user, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The %(year)s schedule is loaded.") % {"year": official.year})
                return redirect("org:official_calendar")
    this_year = clock.today().year
    years = [calendar.schedule(year) for year in range(this_year - 1, this_year + 2)]
    stored = OfficialCalendar.objects.filter(year__in=[s.year for s in years])
    return render(
        request,
        "org/official_calendar.html",
        {"form": form, "may_change": may_change, "years": years, "stored": {o.year: o for o in stored}},
    )


def _store_calendar(user, data):
    if data.get("file"):
        return services.load_official_calendar(user, data["file"].read().decode("utf-8", errors="replace"))
    fields = {key: data[key] for key in ("year", "notice", "holidays", "workdays")}
    return services.set_official_calendar(user, **fields)
