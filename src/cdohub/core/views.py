"""Generic views: list, detail and edit through the permission gate, with HTMX partial updates."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cdohub import __version__

from .excel import XLSX_MIME
from .permissions import require, restrict


def int_or_none(value) -> int | None:
    """A number from a form or query string, or None when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def flash_outcome(request, action, success: str) -> bool:
    """Run a service call; show `success`, or the service's refusal, as a message. Whether it ran."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse(
        {
            "status": "ok",
            "version": __version__,
            "database": {
                "vendor": connection.vendor,
                "name": str(connection.settings_dict["NAME"]),
            },
        }
    )


def home(request):
    return redirect("org:dashboard")


class HtmxPartialMixin:
    """Render only `partial_template_name` when HTMX asks for a fragment."""

    partial_template_name: str | None = None

    def get_template_names(self):
        if self.partial_template_name and getattr(self.request, "htmx", False):
            return [self.partial_template_name]
        return super().get_template_names()


class ScopedTableView(LoginRequiredMixin, HtmxPartialMixin, SingleTableMixin, FilterView):
    view_action = "view"
    table_pagination = {"per_page": 50}  # the table paginates; the list view must not count again

    def get_queryset(self):
        return restrict(self.request.user, self.view_action, super().get_queryset())


class ScopedDetailView(LoginRequiredMixin, HtmxPartialMixin, DetailView):
    view_action = "view"

    def get_queryset(self):
        return restrict(self.request.user, self.view_action, super().get_queryset())


class ScopedUpdateView(LoginRequiredMixin, HtmxPartialMixin, UpdateView):
    """404 when the object is out of sight, 403 when it is visible but not changeable.

    Subclasses save through a service in `perform_update(form)`.
    """

    change_action = "change"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        require(self.request.user, self.change_action, obj)
        return obj

    def form_valid(self, form):
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

    def perform_update(self, form):
        raise NotImplementedError


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "core/notifications.html"
    paginate_by = 50

    def get_queryset(self):
        return self.request.user.notifications.all()
