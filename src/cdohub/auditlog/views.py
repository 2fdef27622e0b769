"""The audit log page (search, filters, keyset pages), its verify button and its Excel export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdohub.core.views import int_or_none, xlsx_response

from . import services
from .forms import LogFilterForm

VERIFICATION = "audit_verification"  # the last check's result, shown once on the log page


def _filters(request) -> tuple[LogFilterForm, services.Filters]:
    form = LogFilterForm(request.GET or None)
    return form, form.filters() if request.GET else services.Filters()


@login_required
def log(request):
    services.require_reader(request.user)
    form, filters = _filters(request)
    found = services.entries(request.user, filters).select_related("actor", "unit")
    page = services.page(
        found, before=int_or_none(request.GET.get("before")), after=int_or_none(request.GET.get("after"))
    )
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    context = {
        "form": form,
        "page": page,
        "entries": services.describe(page.entries),
        "filtered": bool(filters.as_facts()),
        "query": query.urlencode(),
        "verification": request.session.pop(VERIFICATION, None),
        "export_limit": services.export_limit(),
    }
    return render(request, "auditlog/log.html", context)


@login_required
@require_POST
def verify(request):
    result = services.verify(request.user)
    request.session[VERIFICATION] = vars(result)
    return redirect("auditlog:log")


@login_required
def export(request):
    services.require_reader(request.user)
    form, filters = _filters(request)
    try:
        content = services.export(request.user, filters)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('auditlog:log')}?{request.GET.urlencode()}")
    return xlsx_response(content, _("audit-log") + ".xlsx")
