"""Generic views: list, detail and edit through the permission gate, with HTMX partial updates."""

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, UpdateView
from django.views.generic.base import TemplateResponseMixin
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cdohub import __version__

from . import clock, notifications, workbench
from .excel import XLSX_MIME, ImportFileError, ImportResult, SheetsImportResult
from .forms import ImportForm
from .models import Notification
from .permissions import require, restrict


def int_or_none(value: str | None) -> int | None:
    """A number from a form or query string, or None when it is missing or not a number."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def flash_outcome(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a service call; show `success`, or the service's refusal, as a message. Whether it ran."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: the database answers. Nothing about where it is or how it is reached."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "version": __version__, "database": {"vendor": connection.vendor}})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The workbench (工作台): what is waiting for this person, across every app (core.workbench)."""
    sections = workbench.gather(request.user)
    waiting = [s for s in sections if s.count]
    kinds = list(workbench.Kind)
    groups = []
    for kind in workbench.Kind:
        listed = sorted((s for s in waiting if s.contribution.kind == kind), key=lambda s: -s.overdue)
        if listed:
            groups.append((kind, listed))
    context = {
        "counts": [(kind, sum(s.count for s in waiting if s.contribution.kind == kind)) for kind in kinds],
        "groups": groups,
        "empty": [s for s in sections if not s.count],
        "overdue": sum(s.overdue for s in sections),
        "today": clock.today(),
    }
    return render(request, "core/workbench.html", context)


class HtmxPartialMixin(TemplateResponseMixin):
    """Render only `partial_template_name` when HTMX asks for a fragment."""

    partial_template_name: str | None = None

    def get_template_names(self) -> list[str]:
        if self.partial_template_name and getattr(self.request, "htmx", False):
            return [self.partial_template_name]
        return super().get_template_names()


# django-tables2 and django-filter ship no type hints, so their classes are Any to mypy.
class ScopedTableView(LoginRequiredMixin, HtmxPartialMixin, SingleTableMixin, FilterView):  # type: ignore[misc]
    view_action = "view"
    table_pagination = {"per_page": 50}  # the table paginates; the list view must not count again

    def get_queryset(self) -> QuerySet[Any]:
        return restrict(self.request.user, self.view_action, super().get_queryset())


# Django 5.2's generic views cannot be subscripted at runtime, so these bases stay unparametrised.
class ScopedDetailView(LoginRequiredMixin, HtmxPartialMixin, DetailView):  # type: ignore[type-arg]
    view_action = "view"

    def get_queryset(self) -> QuerySet[Any]:
        return restrict(self.request.user, self.view_action, super().get_queryset())


class ScopedUpdateView(LoginRequiredMixin, HtmxPartialMixin, UpdateView):  # type: ignore[type-arg]
    """404 when the object is out of sight, 403 when it is visible but not changeable.

    Subclasses save through a service in `perform_update(form)`.
    """

    change_action = "change"

    def get_object(self, queryset: QuerySet[Any] | None = None) -> Any:
        obj = super().get_object(queryset)
        require(self.request.user, self.change_action, obj)
        return obj

    def form_valid(self, form: ModelForm[Any]) -> HttpResponse:
        try:
            self.object = self.perform_update(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        if getattr(self.request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = self.get_success_url()
            return response
        return redirect(self.get_success_url())

    def perform_update(self, form: ModelForm[Any]) -> models.Model:
        raise NotImplementedError


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class NotificationListView(LoginRequiredMixin, ListView):  # type: ignore[type-arg]
    """One's own notifications; `?show=unread` keeps the unread only."""

    template_name = "core/notifications.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Notification]:
        user = self.request.user
        assert user.is_authenticated  # LoginRequiredMixin turns anonymous visitors away first
        if self.request.GET.get("show") == "unread":
            return notifications.unread(user)
        return notifications.inbox(user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(show_unread=self.request.GET.get("show") == "unread", **kwargs)


def _own_notification(request: HttpRequest, pk: int) -> Notification:
    """The signed-in user's notification `pk`; another person's is a 404 like a missing one."""
    found = notifications.inbox(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: it is read from now on, and the reader goes where it points."""
    notification = _own_notification(request, pk)
    notifications.mark_read(request.user, notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("core:notifications")


def _back_to_list(request: HttpRequest) -> HttpResponse:
    show = "?show=unread" if request.POST.get("show") == "unread" else ""
    return redirect(reverse("core:notifications") + show)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notifications.mark_read(request.user, _own_notification(request, pk))
    return _back_to_list(request)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    n = notifications.mark_all_read(request.user)
    messages.success(
        request, ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", n) % {"n": n}
    )
    return _back_to_list(request)


@login_required
@require_POST
def notification_digest(request: HttpRequest) -> HttpResponse:
    """The daily e-mail digest preference, set from the profile page."""
    wanted = request.POST.get("email_digest") == "on"
    notifications.set_digest(request.user, wanted)
    if wanted and not request.user.email:  # type: ignore[union-attr]  # signed in: a User
        messages.warning(
            request, _("Your account has no e-mail address: the digest cannot be sent until it has one.")
        )
    else:
        messages.success(request, _("Daily digest turned on.") if wanted else _("Daily digest turned off."))
    return redirect("accounts:profile")


# Excel imports -------------------------------------------------------------------------------
# Every app's import page: upload, validate every row, apply all or nothing; a refused workbook comes
# back annotated, kept for this session only.

RESULT_DIR = "import-results"


def _keep_annotated(request: HttpRequest, content: bytes) -> str:
    """Store the annotated workbook for this session only; returns its download token."""
    token = uuid.uuid4().hex
    folder = Path(settings.MEDIA_ROOT) / RESULT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.xlsx").write_bytes(content)
    request.session.setdefault("import_results", []).append(token)
    request.session.modified = True
    return token


@login_required
def import_result(request: HttpRequest, token: str) -> FileResponse:
    if token not in request.session.get("import_results", []):
        raise Http404
    path = Path(settings.MEDIA_ROOT) / RESULT_DIR / f"{token}.xlsx"
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=_("import-errors") + ".xlsx")


class Importer(Protocol):
    """A core.excel importer: an `ExcelImport` or an import of a workbook of several sheets."""

    def run(self, data: bytes, user: Any) -> ImportResult | SheetsImportResult: ...


def run_import(
    request: HttpRequest, importer: Importer, *, title: str, template_url: str, done_url: str
) -> HttpResponse:
    """The import page of `importer`, back to `done_url` once applied."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "title": title, "template_url": template_url}
    if request.method == "POST" and form.is_valid():
        try:
            result = importer.run(form.cleaned_data["file"].read(), request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.ok:
                text = ngettext("%(n)d row imported.", "%(n)d rows imported.", result.applied)
                messages.success(request, text % {"n": result.applied})
                return redirect(done_url)
            assert result.annotated is not None  # an importer annotates every workbook it refuses
            context.update(
                result=result,
                token=_keep_annotated(request, result.annotated),
                # (number, errors) pairs: a template would look a Row's attributes up as its columns
                error_rows=[(row.number, row.errors) for row in result.error_rows],
            )
    return render(request, "core/import.html", context, status=422 if "result" in context else 200)
