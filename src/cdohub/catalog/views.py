"""Pages for the catalog: search, registration, review, census campaigns, Excel in and out."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cdohub.core.forms import add_service_errors
from cdohub.core.permissions import can, restrict
from cdohub.core.views import ScopedTableView, flash_outcome, int_or_none, run_import, xlsx_response
from cdohub.org.models import Region, Unit
from cdohub.sources.services import tables_for_proposal

from . import census, excel, search, services, synonym_import
from .choices import CampaignStatus, ResourceFormat, ShareType, UpdateCycle
from .filtersets import ResourceFilter
from .forms import (
    CampaignForm,
    DecisionForm,
    ItemFormSet,
    NewResourceForm,
    ResourceForm,
    SynonymForm,
    items_from,
)
from .models import CensusCampaign, Classification, InformationItem, Participation, Resource, Synonym
from .policies import keeps_dictionary, open_campaigns, organisers, registrar_units, reviewing_unit
from .tables import ResourceTable

PAGE = 20
FACET_VALUES_SHOWN = 12


# Search --------------------------------------------------------------------------------------


def _facet_labels() -> dict[str, dict]:
    return {
        "share_type": dict(ShareType.choices),
        "format": dict(ResourceFormat.choices),
        "update_cycle": dict(UpdateCycle.choices),
    }


@login_required
def catalog_search(request):
    text = request.GET.get("q", "").strip()
    filters = {name: request.GET.get(name, "") for name in search.FACETS}
    number = max(int_or_none(request.GET.get("page")) or 1, 1)
    results = search.search(
        request.user, text, filters, offset=(number - 1) * PAGE, limit=PAGE, facet_limit=FACET_VALUES_SHOWN
    )
    if request.GET.get("export") == "xlsx":
        ids = search.search(request.user, text, filters, limit=50000).ids
        return xlsx_response(excel.export(Resource.objects.filter(pk__in=ids)), _("data-catalog") + ".xlsx")
    query = search.parse(text)
    found = Resource.objects.select_related("unit", "classification")
    if query:  # the items are read only to show which of them matched
        in_order = InformationItem.objects.order_by("position")
        found = found.prefetch_related(Prefetch("items", queryset=in_order))
    found = found.in_bulk(results.ids)
    resources = [found[pk] for pk in results.ids if pk in found]
    for resource in resources:
        resource.matched_items = _matched_items(resource, query)
    facets = _labelled_facets(results.facets, filters)
    paginator = Paginator(range(results.total), PAGE)
    context = {
        "q": text,
        "filters": filters,
        "resources": resources,
        "total": results.total,
        "synonyms": query.synonyms,
        "facets": facets,
        "page_obj": paginator.get_page(number),
        "querystring": request.GET.copy(),
    }
    template = "catalog/_results.html" if getattr(request, "htmx", False) else "catalog/search.html"
    return render(request, template, context)


def _matched_items(resource: Resource, query: search.Query) -> list[InformationItem]:
    """The items of `resource` that match the query, to show why a resource was found."""
    if resource.is_classified or not query:
        return []
    wanted, prefixes = query.all_words, query.all_prefixes
    matched = []
    for item in resource.items.all():
        item_terms = set(search.terms(item.name, with_initials=True) + search.terms(item.column_name))
        if wanted & item_terms or any(t.startswith(p) for p in prefixes for t in item_terms):
            matched.append(item)
    return matched[:8]


def _labelled_facets(facets: dict, filters: dict) -> list[tuple[str, str, str, list]]:
    """The facets as the page shows them (search() gave the most frequent values), with labels."""
    labels = _facet_labels()

    def names(model, field, key):  # labels only for the values shown: a broad query has thousands
        wanted = [v for v, _n in facets.get(key, [])]
        return dict(model.objects.filter(**{f"{field}__in": wanted}).values_list(field, "name"))

    titles = {
        "provider": (_("Provider"), names(Unit, "pk", "provider")),
        "city": (_("City"), names(Region, "code", "city")),
        "share_type": (_("Sharing type"), labels["share_type"]),
        "format": (_("Format"), labels["format"]),
        "catalog_item": (_("Classification"), names(Classification, "code", "catalog_item")),
        "update_cycle": (_("Update cycle"), labels["update_cycle"]),
    }
    out = []
    for key, values in facets.items():
        title, label = titles[key]
        out.append((key, title, filters.get(key, ""), [(str(v), label.get(v, v), n) for v, n in values]))
    return out


# Registration --------------------------------------------------------------------------------


class ResourceListView(ScopedTableView):
    """The register of the resources in the user's scope (the published catalog is searched)."""

    model = Resource
    view_action = "inspect"
    table_class = ResourceTable
    filterset_class = ResourceFilter
    template_name = "catalog/resource_list.html"
    partial_template_name = "catalog/_resource_table.html"

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "classification", "campaign")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            self.object_list = self.get_queryset()
            rows = self.get_filterset(self.get_filterset_class()).qs
            return xlsx_response(excel.export(rows), _("data-resources") + ".xlsx")
        return super().get(request, *args, **kwargs)


@login_required
def resource_create(request):
    units = registrar_units(request.user)
    if not units.exists():
        raise PermissionDenied
    campaigns = open_campaigns(request.user)
    initial = {
        "campaign": int_or_none(request.GET.get("campaign")),
        "unit": int_or_none(request.GET.get("unit")),
    }
    form = NewResourceForm(request.POST or None, units=units, campaigns=campaigns, initial=initial)
    items = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            resource = services.create_resource(
                request.user,
                unit=form.cleaned_data["unit"],
                campaign=form.cleaned_data["campaign"],
                items=items_from(items),
                **form.changes(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Registered as %(code)s.") % {"code": resource.code})
            return redirect(resource)
    return render(request, "catalog/resource_form.html", {"form": form, "items": items})


TREE_SEARCH_LIMIT = 50


@login_required
def classification_nodes(request):
    """The classification tree for the resource form's picker, a level at a time: the children of
    `parent` (the roots without one), or the nodes whose code or name holds `q`, with their path."""
    text = request.GET.get("q", "").strip()
    nodes = Classification.objects.select_related("parent__parent__parent")
    if text:
        nodes = nodes.filter(Q(code__startswith=text) | Q(name__icontains=text))[:TREE_SEARCH_LIMIT]
    else:
        parent = request.GET.get("parent", "")
        nodes = nodes.filter(parent__code=parent) if parent else nodes.filter(parent__isnull=True)
    nodes = list(nodes)
    with_children = set(
        Classification.objects.filter(parent__in=nodes).values_list("parent_id", flat=True).distinct()
    )
    return JsonResponse(
        {
            "nodes": [
                {
                    "id": n.pk,  # the <select>'s value
                    "code": n.code,
                    "name": n.name,
                    "assignable": n.is_assignable,
                    "has_children": n.pk in with_children,
                    "path": " › ".join(a.name for a in _ancestors(n)) if text else "",
                }
                for n in nodes
            ]
        }
    )


def _ancestors(node: Classification) -> list[Classification]:
    found = []
    while node.parent_id is not None:
        node = node.parent
        found.insert(0, node)
    return found


def _resource(request, pk) -> Resource:
    resources = Resource.objects.select_related("unit", "classification", "campaign")
    return get_object_or_404(restrict(request.user, "view", resources), pk=pk)


@login_required
def resource_edit(request, pk):
    resource = _resource(request, pk)
    if not can(request.user, "change", resource):
        raise PermissionDenied
    initial_items = list(resource.items.values("name", "column_name", "data_type", "length", "description"))
    form = ResourceForm(request.POST or None, instance=resource)
    items = ItemFormSet(request.POST or None, prefix="items", initial=initial_items)
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            resource = services.update_resource(
                request.user,
                Resource.objects.get(pk=pk),
                seen_version=int_or_none(request.POST.get("version")),
                items=items_from(items),
                **form.changes(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(resource)
    return render(request, "catalog/resource_form.html", {"form": form, "items": items, "resource": resource})


@login_required
def resource_detail(request, pk):
    resource = _resource(request, pk)
    context = {
        "resource": resource,
        "reviewer": reviewing_unit(resource),
        "part": Participation.objects.filter(campaign_id=resource.campaign_id, unit_id=resource.unit_id)
        .select_related("campaign__organiser")
        .first()
        if resource.campaign_id
        else None,
        "items": resource.items.select_related("element_link__element"),  # its data standard
        "decisions": resource.decisions.select_related("actor"),
        "in_scope": can(request.user, "inspect", resource),
        "may_link": can(request.user, "change", resource),
        "may_change": resource.is_editable and can(request.user, "change", resource),
        "may_submit": resource.is_editable
        and not resource.campaign_id
        and can(request.user, "submit", resource),
        "may_review": services.REVIEW.allows(resource, "publish", request.user),
    }
    return render(request, "catalog/resource_detail.html", context)


@login_required
@require_POST
def resource_submit(request, pk):
    resource = _resource(request, pk)
    version = int_or_none(request.POST.get("version"))
    submit = partial(services.submit_resource, request.user, resource, version)
    flash_outcome(request, submit, _("Submitted for review."))
    return redirect(resource)


@login_required
@require_POST
def resource_decide(request, pk):
    resource = _resource(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(resource)
    version, reason = form.cleaned_data["version"], form.cleaned_data["reason"]
    if form.cleaned_data["decision"] == "publish":
        decide = partial(services.publish_resource, request.user, resource, version)
        flash_outcome(request, decide, _("Published in the catalog."))
    else:
        decide = partial(services.return_resource, request.user, resource, version, reason)
        flash_outcome(request, decide, _("Returned with the reason given."))
    return redirect(resource)


@login_required
@require_POST
def resource_delete(request, pk):
    resource = _resource(request, pk)
    if flash_outcome(request, partial(services.delete_resource, request.user, resource), _("Draft deleted.")):
        return redirect("catalog:resource_list")
    return redirect(resource)


@login_required
@require_POST
def resources_from_tables(request):
    tables = tables_for_proposal(request.user, request.POST.getlist("tables"))
    if not tables:
        messages.error(request, _("Choose at least one table."))
        return redirect(request.META.get("HTTP_REFERER") or "catalog:resource_list")
    campaign = _chosen_campaign(request.user, request.POST.get("campaign"))
    try:
        created = services.resources_from_tables(request.user, tables, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(request.META.get("HTTP_REFERER") or "catalog:resource_list")
    text = ngettext(
        "%(n)d draft resource created: review its metadata, then submit.",
        "%(n)d draft resources created: review their metadata, then submit.",
        len(created),
    )
    messages.success(request, text % {"n": len(created)})
    if campaign:
        part = Participation.objects.get(campaign=campaign, unit=created[0].unit)
        return redirect(part)
    return redirect(reverse("catalog:resource_list") + "?status=draft")


def _chosen_campaign(user, value) -> CensusCampaign | None:
    """The open census picked in a form, if any (404 if it is not one the user takes part in)."""
    pk = int_or_none(value)
    return get_object_or_404(open_campaigns(user), pk=pk) if pk else None


# Excel ---------------------------------------------------------------------------------------


@login_required
def catalog_import(request):
    if not registrar_units(request.user).exists():
        raise PermissionDenied
    if request.GET.get("template"):
        return xlsx_response(excel.template(), _("data-resource-template") + ".xlsx")
    campaign = _chosen_campaign(request.user, request.GET.get("campaign"))
    return run_import(
        request,
        excel.CatalogImport(campaign),
        title=_("Import data resources") + (f" · {campaign}" if campaign else ""),
        template_url=reverse("catalog:import") + "?template=1",
        done_url=campaign.get_absolute_url() if campaign else reverse("catalog:resource_list"),
    )


# Census campaigns ----------------------------------------------------------------------------


@login_required
def campaign_list(request):
    campaigns = restrict(request.user, "view", CensusCampaign.objects.select_related("organiser"))
    may_launch = organisers(request.user).exists()
    return render(request, "catalog/campaign_list.html", {"campaigns": campaigns, "may_launch": may_launch})


@login_required
def campaign_create(request):
    bureaus = organisers(request.user)
    if not bureaus.exists():
        raise PermissionDenied
    chosen = bureaus.filter(
        pk=int_or_none(request.POST.get("organiser") or request.GET.get("organiser"))
    ).first()
    organiser = chosen or bureaus.order_by("depth", "path").first()
    units = services.units_for_campaign(organiser).exclude(kind__in=("leading_group",)).order_by("path")
    form = CampaignForm(
        request.POST or None, organisers=bureaus, units=units, initial={"organiser": organiser}
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.launch_campaign(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Census launched."))
            return redirect(campaign)
    return render(request, "catalog/campaign_form.html", {"form": form})


def _campaign(request, pk) -> CensusCampaign:
    return get_object_or_404(restrict(request.user, "view", CensusCampaign.objects.all()), pk=pk)


@login_required
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    rows = census.unit_rows(campaign, restrict(request.user, "view", campaign.participations.all()))
    if request.GET.get("export") == "xlsx":
        return xlsx_response(census.export(campaign, rows), f"{campaign.name}.xlsx")
    cities = census.city_rows(rows)
    context = {
        "campaign": campaign,
        "rows": rows,
        "cities": cities,
        "may_close": campaign.status == CampaignStatus.OPEN and can(request.user, "change", campaign),
        "chart": {
            "units": [r.participation.unit.short_name or r.participation.unit.name for r in rows],
            "registered": [r.figures.registered for r in rows],
            "completeness": [round(r.figures.completeness * 100, 1) for r in rows],
            "reviewed": [round(r.figures.reviewed_share * 100, 1) for r in rows],
        },
    }
    return render(request, "catalog/campaign_detail.html", context)


@login_required
@require_POST
def campaign_close(request, pk):
    campaign = _campaign(request, pk)
    flash_outcome(request, partial(services.close_campaign, request.user, campaign), _("Campaign closed."))
    return redirect(campaign)


def _participation(request, pk) -> Participation:
    parts = Participation.objects.select_related("campaign__organiser", "unit")
    return get_object_or_404(restrict(request.user, "view", parts), pk=pk)


@login_required
def participation_detail(request, pk):
    part = _participation(request, pk)
    resources = (
        Resource.objects.filter(campaign=part.campaign, unit=part.unit)
        .select_related("classification")
        .prefetch_related(Prefetch("items", queryset=InformationItem.objects.only("id", "resource_id")))
    )
    rows = census.unit_rows(part.campaign, Participation.objects.filter(pk=part.pk))
    may_register = part.campaign.status == CampaignStatus.OPEN and can(request.user, "submit", part)
    pending = services.pending_resources(part).count()
    context = {
        "part": part,
        "resources": resources,
        "figures": rows[0].figures,
        "may_register": may_register,
        "pending": pending,
        "may_submit": may_register and pending > 0,  # once all is submitted, nothing is left to send
    }
    return render(request, "catalog/participation_detail.html", context)


@login_required
@require_POST
def participation_submit(request, pk):
    part = _participation(request, pk)
    version = int_or_none(request.POST.get("version"))
    flash_outcome(
        request,
        partial(services.submit_participation, request.user, part, version),
        _("Submitted to %(org)s for review.") % {"org": part.campaign.organiser},
    )
    return redirect(part)


# The search dictionary -----------------------------------------------------------------------


@login_required
def synonym_list(request):
    """Every signed-in user reads the dictionary (it explains their results); the provincial
    bureau adds to it here."""
    if request.GET.get("export") == "xlsx":
        return xlsx_response(synonym_import.export(), _("search-synonyms") + ".xlsx")
    may_keep = keeps_dictionary(request.user)
    form = SynonymForm(request.POST or None)
    if request.method == "POST":
        if not may_keep:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_synonym(request.user, None, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("catalog:synonym_list")
    text = request.GET.get("q", "").strip()
    entries = Synonym.objects.all()
    if text:
        entries = entries.filter(Q(term__icontains=text) | Q(alternatives__icontains=text))
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    context = {"page": page, "q": text, "form": form if may_keep else None, "may_keep": may_keep}
    return render(request, "catalog/synonym_list.html", context)


def _synonym_keeper(request):
    if not keeps_dictionary(request.user):
        raise PermissionDenied


@login_required
def synonym_edit(request, pk):
    _synonym_keeper(request)
    synonym = get_object_or_404(Synonym, pk=pk)
    initial = {
        "term": synonym.term,
        "alternatives": "、".join(synonym.alternatives),
        "two_way": synonym.two_way,
        "note": synonym.note,
    }
    form = SynonymForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_synonym(request.user, synonym, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalog:synonym_list")
    return render(request, "catalog/synonym_form.html", {"form": form, "synonym": synonym})


@login_required
@require_POST
def synonym_delete(request, pk):
    _synonym_keeper(request)
    synonym = get_object_or_404(Synonym, pk=pk)
    flash_outcome(request, partial(services.delete_synonym, request.user, synonym), _("Deleted."))
    return redirect("catalog:synonym_list")


@login_required
def synonym_import_page(request):
    _synonym_keeper(request)
    importer = synonym_import.SynonymImport()
    if request.GET.get("template"):
        return xlsx_response(importer.template(), _("search-synonyms-template") + ".xlsx")
    return run_import(
        request,
        importer,
        title=_("Import search synonyms"),
        template_url=reverse("catalog:synonym_import") + "?template=1",
        done_url=reverse("catalog:synonym_list"),
    )
