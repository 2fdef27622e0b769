"""Pages for the data standards: data elements and code sets (list, detail, forms, Excel in and out)
and the page where an information item is linked to a data element."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cdohub.catalog.choices import DataType
from cdohub.catalog.models import InformationItem, Resource
from cdohub.core.forms import add_service_errors
from cdohub.core.permissions import can, restrict
from cdohub.core.views import flash_outcome, int_or_none, run_import, xlsx_response
from cdohub.org.models import Unit
from cdohub.quality.choices import RuleKind, Severity

from . import excel, formats, rules, services
from .choices import StandardStatus
from .forms import CodeSetForm, ElementForm
from .models import CodeSet, DataElement, ElementLink
from .policies import steward_units

PAGE = 50
CHOICES_SHOWN = 20


def _rules_shown(element, data_type=None) -> list[dict]:
    return [
        {
            **spec,
            "text": rules.describe_rule(spec),
            "kind_label": RuleKind(spec["kind"]).label if spec["kind"] in RuleKind.values else spec["kind"],
            "severity_label": Severity(spec["severity"]).label
            if spec["severity"] in Severity.values
            else spec["severity"],
        }
        for spec in rules.implied_rules(element, data_type=data_type)
    ]


def _search_elements(queryset, text: str):
    if not text:
        return queryset
    return queryset.filter(
        Q(name__icontains=text)
        | Q(identifier__istartswith=text)
        | Q(standard__icontains=text)
        | Q(definition__icontains=text)
    )


# Data elements -------------------------------------------------------------------------------


@login_required
def element_list(request):
    text = request.GET.get("q", "").strip()
    status, data_type = request.GET.get("status", ""), request.GET.get("data_type", "")
    owner = int_or_none(request.GET.get("owner"))
    visible = restrict(request.user, "view", DataElement.objects.all())
    elements = _search_elements(visible.select_related("owner", "code_set"), text).annotate(
        link_count=Count("links")
    )
    if status in StandardStatus.values:
        elements = elements.filter(status=status)
    if data_type in DataType.values:
        elements = elements.filter(data_type=data_type)
    if owner:
        elements = elements.filter(owner_id=owner)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(excel.export(elements=elements), _("data-elements") + ".xlsx")
    page = Paginator(elements.order_by("identifier"), PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "q": text,
        "status": status,
        "statuses": StandardStatus.choices,
        "data_type": data_type,
        "data_types": DataType.choices,
        "owner": owner,
        "owners": Unit.objects.filter(pk__in=visible.values("owner_id")).order_by("path"),
        "may_maintain": steward_units(request.user).exists(),
    }
    template = (
        "standards/_element_table.html" if getattr(request, "htmx", False) else "standards/element_list.html"
    )
    return render(request, template, context)


def _element(request, pk) -> DataElement:
    elements = DataElement.objects.select_related("owner", "code_set")
    return get_object_or_404(restrict(request.user, "view", elements), pk=pk)


@login_required
def element_detail(request, pk):
    element = _element(request, pk)
    links = (
        restrict(request.user, "view", element.links.all())
        .select_related("item__resource__unit", "linked_by")
        .order_by("item__resource__code", "item__position")
    )
    may_change = can(request.user, "change", element)
    context = {
        "element": element,
        "format_text": formats.describe(element.format),
        "pattern": rules.effective_pattern(element),
        "lengths": rules.effective_lengths(element),
        "values": element.code_set.values.order_by("position") if element.code_set_id else [],
        "rules": _rules_shown(element),
        "links": links,
        "may_change": may_change,
        "may_publish": may_change and not element.is_published,
        "may_maintain": steward_units(request.user).exists(),
    }
    return render(request, "standards/element_detail.html", context)


def _form_arguments(request, standard) -> dict:
    """What both standards' forms take: the data bureaus the user maintains standards of (none: 403),
    the first of them proposed for a new standard."""
    owners = steward_units(request.user)
    if not owners.exists():
        raise PermissionDenied
    initial = {"owner": owners.order_by("depth", "path").first()} if standard is None else {}
    return {"data": request.POST or None, "instance": standard, "owners": owners, "initial": initial}


def _element_form(request, element):
    code_sets = restrict(request.user, "view", CodeSet.objects.all()).order_by("identifier")
    return ElementForm(**_form_arguments(request, element), code_sets=code_sets)


@login_required
def element_create(request):
    return _create(request, ELEMENTS)


@login_required
def element_edit(request, pk):
    return _edit(request, ELEMENTS, _element(request, pk))


@login_required
@require_POST
def element_publish(request, pk):
    return _publish(request, services.publish_element, _element(request, pk))


# Code sets -----------------------------------------------------------------------------------


@login_required
def codeset_list(request):
    text = request.GET.get("q", "").strip()
    code_sets = (
        restrict(request.user, "view", CodeSet.objects.all())
        .select_related("owner")
        .annotate(value_count=Count("values", distinct=True), element_count=Count("elements", distinct=True))
    )
    if text:
        code_sets = code_sets.filter(
            Q(name__icontains=text) | Q(identifier__istartswith=text) | Q(standard__icontains=text)
        )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(excel.export(code_sets=code_sets), _("code-sets") + ".xlsx")
    page = Paginator(code_sets.order_by("identifier"), PAGE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "q": text, "may_maintain": steward_units(request.user).exists()}
    return render(request, "standards/codeset_list.html", context)


def _code_set(request, pk) -> CodeSet:
    return get_object_or_404(restrict(request.user, "view", CodeSet.objects.select_related("owner")), pk=pk)


@login_required
def codeset_detail(request, pk):
    code_set = _code_set(request, pk)
    may_change = can(request.user, "change", code_set)
    context = {
        "code_set": code_set,
        "values": code_set.values.select_related("parent").order_by("position"),
        "elements": restrict(request.user, "view", code_set.elements.all()),
        "may_change": may_change,
        "may_publish": may_change and not code_set.is_published,
        "may_maintain": steward_units(request.user).exists(),
    }
    return render(request, "standards/codeset_detail.html", context)


def _code_set_form(request, code_set):
    values = services.code_values(code_set) if code_set is not None else None
    return CodeSetForm(**_form_arguments(request, code_set), values=values)


@login_required
def codeset_create(request):
    return _create(request, CODE_SETS)


@login_required
def codeset_edit(request, pk):
    return _edit(request, CODE_SETS, _code_set(request, pk))


@login_required
@require_POST
def codeset_publish(request, pk):
    return _publish(request, services.publish_code_set, _code_set(request, pk))


# Forms of both kinds of standard -------------------------------------------------------------


@dataclass(frozen=True)
class StandardPages:
    """What the create, edit and publish pages of data elements and of code sets differ in."""

    name: str  # what the form's template calls the object
    template: str
    form: Callable  # (request, instance or None) -> the bound form
    create: Callable  # the service making a draft
    update: Callable  # the service mending one
    created: str  # the message once a draft is saved


ELEMENTS = StandardPages(
    "element",
    "standards/element_form.html",
    _element_form,
    services.create_element,
    services.update_element,
    gettext_lazy("Data element saved as a draft."),
)
CODE_SETS = StandardPages(
    "code_set",
    "standards/codeset_form.html",
    _code_set_form,
    services.create_code_set,
    services.update_code_set,
    gettext_lazy("Code set saved as a draft."),
)


def _create(request, pages: StandardPages):
    form = pages.form(request, None)
    if request.method == "POST" and form.is_valid():
        save = partial(pages.create, request.user)
        if saved := _saved(form, save):
            messages.success(request, str(pages.created))
            return redirect(saved)
    return render(request, pages.template, {"form": form, "may_maintain": True})


def _edit(request, pages: StandardPages, standard):
    if not can(request.user, "change", standard):
        raise PermissionDenied
    form = pages.form(request, standard)
    if request.method == "POST" and form.is_valid():
        fresh = type(standard).objects.get(pk=standard.pk)
        version = int_or_none(request.POST.get("version"))
        if saved := _saved(form, partial(pages.update, request.user, fresh, seen_version=version)):
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(request, pages.template, {"form": form, pages.name: standard, "may_maintain": True})


def _saved(form, save):
    """The standard `save` makes of the valid form's fields, or None with the services' reasons
    shown on the form."""
    try:
        return save(owner=form.cleaned_data["owner"], **form.changes())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _publish(request, publish, standard):
    version = int_or_none(request.POST.get("version"))
    flash_outcome(request, partial(publish, request.user, standard, version), _("Published."))
    return redirect(standard)


# Excel ---------------------------------------------------------------------------------------


@login_required
def standards_import(request):
    if not steward_units(request.user).exists():
        raise PermissionDenied
    if request.GET.get("template"):
        return xlsx_response(excel.template(), _("data-standards-template") + ".xlsx")
    return run_import(
        request,
        excel.StandardsImport(),
        title=_("Import data elements and code sets"),
        template_url=reverse("standards:import") + "?template=1",
        done_url=reverse("standards:element_list"),
    )


# Linking an information item -----------------------------------------------------------------


def _item(request, item_id) -> InformationItem:
    resources = restrict(request.user, "view", Resource.objects.all()).values("pk")
    items = InformationItem.objects.select_related("resource__unit").filter(resource_id__in=resources)
    return get_object_or_404(items, pk=item_id)


@login_required
def item_link(request, item_id):
    """Choose a data element for an information item (searchable), see the rules it implies, link."""
    item = _item(request, item_id)
    resource = item.resource
    allowed = can(request.user, "change", resource)
    published = restrict(request.user, "view", DataElement.objects.filter(status=StandardStatus.PUBLISHED))
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        element = published.filter(pk=int_or_none(request.POST.get("element"))).first()
        if element is None:
            messages.error(request, _("Choose a published data element."))
        else:
            flash_outcome(
                request,
                partial(services.link_item, request.user, item, element),
                _("%(item)s is linked to %(element)s.") % {"item": item.name, "element": element},
            )
        return redirect("standards:item_link", item_id=item.pk)
    text = request.GET.get("q", "").strip()
    chosen = published.select_related("code_set").filter(pk=int_or_none(request.GET.get("element"))).first()
    if getattr(request, "htmx", False) and "element" in request.GET:
        return render(request, "standards/_link_preview.html", _preview(item, chosen, allowed))
    if text:
        choices = list(_search_elements(published, text).select_related("code_set")[:CHOICES_SHOWN])
    else:
        choices = suggestions(item, published)
    if getattr(request, "htmx", False):
        return render(request, "standards/_element_choices.html", {"choices": choices, "item": item})
    link = ElementLink.objects.filter(item=item).select_related("element__code_set", "linked_by").first()
    context = {
        "item": item,
        "resource": resource,
        "link": link,
        "current_rules": _rules_shown(link.element, item.data_type) if link else [],
        "choices": choices,
        "q": text,
        "may_link": allowed,
        **_preview(item, chosen, allowed),
    }
    return render(request, "standards/item_link.html", context)


def suggestions(item, published) -> list[DataElement]:
    """Published elements whose name is part of the item's name or the other way round (母亲公民身份
    号码 → 公民身份号码), longest first; else the first of all."""
    elements = list(published.select_related("code_set").order_by("identifier"))
    hits = [e for e in elements if e.name in item.name or item.name in e.name]
    hits.sort(key=lambda e: -len(e.name))
    return (hits or elements)[:CHOICES_SHOWN]


def _preview(item, element, allowed) -> dict:
    return {
        "item": item,
        "chosen": element,
        "preview_rules": _rules_shown(element, item.data_type) if element else [],
        "problems": rules.link_problems(element, item) if element else [],
        "may_link": allowed,
    }


@login_required
@require_POST
def item_unlink(request, item_id):
    item = _item(request, item_id)
    if not can(request.user, "change", item.resource):
        raise PermissionDenied
    flash_outcome(request, partial(services.unlink_item, request.user, item), _("Link removed."))
    return redirect("standards:item_link", item_id=item.pk)
