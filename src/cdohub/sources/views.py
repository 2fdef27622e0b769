"""Pages: the source list, registering and changing a source, its health and runs, and a run's
progress, changes since the previous run and the tables it found."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdohub.core.forms import add_service_errors
from cdohub.core.jobs import RunStatus
from cdohub.core.permissions import can, require, restrict
from cdohub.core.views import ScopedDetailView, ScopedTableView, flash_outcome
from cdohub.datakit.connectors.types import type_label

from . import services
from .choices import Health
from .filtersets import SourceFilter
from .forms import NewSourceForm, SourceForm
from .models import DataSource, DiscoveryRun
from .policies import registrable_units
from .tables import SourceTable

UNIT_CHOICES_SHOWN = 500


def _source(request, pk) -> DataSource:
    return get_object_or_404(restrict(request.user, "view", DataSource.objects.select_related("unit")), pk=pk)


def _run(request, pk) -> DiscoveryRun:
    runs = DiscoveryRun.objects.select_related("source__unit", "requested_by")
    return get_object_or_404(restrict(request.user, "view", runs), pk=pk)


class SourceListView(ScopedTableView):
    model = DataSource
    table_class = SourceTable
    filterset_class = SourceFilter
    template_name = "sources/source_list.html"
    partial_template_name = "sources/_table.html"

    def get_queryset(self):
        return super().get_queryset().select_related("unit")

    def get_context_data(self, **kwargs):
        can_register = registrable_units(self.request.user).exists()
        return super().get_context_data(can_register=can_register, **kwargs)


@login_required
def source_create(request):
    units = registrable_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("You do not register data sources for any unit."))
    home = request.user.home_unit
    default = request.GET.get("unit") or (home.code if home and units.filter(pk=home.pk).exists() else "")
    form = NewSourceForm(request.POST or None, initial={"unit": default}, units=units)
    if request.method == "POST" and form.is_valid():
        unit = units.filter(code=form.cleaned_data["unit"].strip()).first()
        if unit is None:
            form.add_error("unit", _("You do not register data sources for this unit."))
        else:
            try:
                source = services.register_source(
                    request.user, unit, password=form.cleaned_data["password"], **form.source_fields()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Connected and registered. Run a discovery to read its tables."))
                return redirect(source)
    context = {"form": form, "unit_choices": units.order_by("path")[:UNIT_CHOICES_SHOWN]}
    return render(request, "sources/source_form.html", context)


class SourceDetailView(ScopedDetailView):
    model = DataSource
    template_name = "sources/source_detail.html"
    context_object_name = "source"

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "created_by")

    def get_context_data(self, **kwargs):
        source, user = self.object, self.request.user
        runs = source.runs.select_related("requested_by").order_by("-pk")[:20]
        return super().get_context_data(
            runs=runs,
            active_run=source.runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first(),
            last_run=source.last_successful_run(),
            can_change=can(user, "change", source),
            can_check=can(user, "check", source),
            can_discover=can(user, "discover", source),
            **kwargs,
        )


@login_required
def source_edit(request, pk):
    source = _source(request, pk)
    require(request.user, "change", source)
    form = SourceForm(request.POST or None, instance=source, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_source(
                request.user, source, password=form.cleaned_data["password"], **form.source_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(source)
    return render(request, "sources/source_form.html", {"form": form, "source": source})


@login_required
@require_POST
def source_check(request, pk):
    source = _source(request, pk)
    source = services.check_source(request.user, source)
    if source.health == Health.HEALTHY:
        messages.success(request, _("Connected: the source is healthy."))
    else:
        messages.error(request, _("Connection failed: %(error)s") % {"error": source.last_error})
    return redirect(source)


@login_required
@require_POST
def source_discover(request, pk):
    source = _source(request, pk)
    try:
        run = services.start_discovery(request.user, source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(source)
    return redirect(run)


class RunDetailView(ScopedDetailView):
    model = DiscoveryRun
    template_name = "sources/run_detail.html"
    context_object_name = "run"

    def get_queryset(self):
        return super().get_queryset().select_related("source__unit", "requested_by")

    def get_context_data(self, **kwargs):
        run, user = self.object, self.request.user
        changes = services.diff(run)
        tables = list(run.tables.order_by("schema", "name")) if run.status == RunStatus.SUCCEEDED else []
        marks = changes.column_marks() if changes else {}
        for table in tables:
            table.column_rows = [
                {
                    **c,
                    "change": marks.get((table.pk, c["name"]), ""),
                    "type_label": type_label(c["data_type"]),
                }
                for c in table.columns
            ]
        return super().get_context_data(
            source=run.source,
            changes=changes,
            previous=changes.previous if changes else services.previous_run(run),
            new_table_ids={t.pk for t in changes.new_tables} if changes else set(),
            tables=tables,
            can_cancel=run.is_active and can(user, "discover", run),
            **kwargs,
        )


@login_required
def run_progress(request, pk):
    """HTMX: the progress bar, polled while the run is queued or running; reloads the page once
    it has finished."""
    run = _run(request, pk)
    response = render(request, "sources/_run_progress.html", {"run": run})
    if not run.is_active and request.GET.get("poll"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_cancel(request, pk):
    run = _run(request, pk)
    flash_outcome(request, partial(services.cancel_run, request.user, run), _("Discovery cancelled."))
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = run.get_absolute_url()
        return response
    return redirect(run)
