"""Every change to the catalog and its census campaigns.

A resource is drafted by its unit, submitted, then published or returned (with a reason) by the
reviewing bureau; a returned resource is mended and submitted again. Each step is locked on the
version the actor saw, recorded as a decision, written to the audit chain and re-indexed for search.
"""

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.accounts.models import User
from cdohub.catalog import events
from cdohub.core import audit, clock
from cdohub.core.permissions import Scope, require
from cdohub.core.services import Notice, notify_on_commit, service
from cdohub.core.workflow import Step, Workflow, lock
from cdohub.org.choices import REGISTRARS
from cdohub.org.models import Unit

from . import columns, rules, search, synonyms
from .choices import CampaignStatus, ParticipationStatus, ResourceFormat, ResourceStatus
from .models import (
    CensusCampaign,
    Classification,
    CodeSequence,
    InformationItem,
    Participation,
    Resource,
    ResourceDecision,
    Synonym,
)
from .policies import REVIEWERS, keeps_dictionary, reviewing_unit

# --- codes ------------------------------------------------------------------------------------


def next_code(classification: Classification) -> str:
    return reserve_codes(classification, 1)[0]


def reserve_codes(classification: Classification, count: int) -> list[str]:
    """前段码/后段码: the classification code, then the next `count` sequence numbers under it."""
    sequence, _created = CodeSequence.objects.select_for_update().get_or_create(prefix=classification.code)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return [f"{classification.code}/{n:06d}" for n in range(first, first + count)]


# --- registering ------------------------------------------------------------------------------


def _values(resource: Resource) -> dict:
    return {name: getattr(resource, name) for name in rules.RESOURCE_FIELDS}


def _item_dicts(items) -> list[dict]:
    return [
        {
            "name": (i.get("name") or "").strip(),
            "column_name": (i.get("column_name") or "").strip(),
            "data_type": i.get("data_type") or "",
            "length": int(i["length"]) if str(i.get("length") or "").isdigit() else None,
            "description": (i.get("description") or "").strip(),
        }
        for i in items
    ]


def _check_related(codes, own_code: str = "") -> None:
    codes = [c for c in codes if c]
    if own_code in codes:
        raise ValidationError({"related_codes": [_("A resource cannot be related to itself.")]})
    known = set(Resource.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(
            {"related_codes": [_("No resource has the code %(codes)s.") % {"codes": "、".join(unknown)}]}
        )


def _validate(resource: Resource, items: list[dict], *, submitting: bool = False) -> None:
    required = resource.campaign.required_fields if resource.campaign is not None else ()
    errors = rules.check(_values(resource), items, submitting=submitting, required=required)
    if errors:
        raise ValidationError(errors)
    _check_related(resource.related_codes, resource.code)


def _store_items(resource: Resource, items: list[dict]) -> None:
    """Make `items` the resource's items, in that order. An item that stays (the same column, or
    the same name when it has no column) keeps its row, so what hangs on it (its data standard)
    stays too; the others are added or removed."""
    kept = {_item_key(item.__dict__): item for item in resource.items.all()}
    changed, added = [], []
    for position, values in enumerate(items, start=1):
        item = kept.pop(_item_key(values), None)
        if item is None:
            added.append(InformationItem(resource=resource, position=position, **values))
            continue
        for field, value in {**values, "position": position}.items():
            setattr(item, field, value)
        changed.append(item)
    InformationItem.objects.filter(pk__in=[item.pk for item in kept.values()]).delete()
    InformationItem.objects.bulk_update(changed, ["position", *rules.ITEM_FIELDS], batch_size=500)
    InformationItem.objects.bulk_create(added)


def _item_key(values: dict) -> tuple[str, str]:
    column = (values.get("column_name") or "").strip().lower()
    return ("column", column) if column else ("name", (values.get("name") or "").strip())


def _reindex(resource: Resource) -> None:
    resource = Resource.objects.select_related("unit__region", "classification__parent").get(pk=resource.pk)
    search.index([resource])


def provider_code(unit: Unit) -> str:
    return unit.credit_code or unit.code


def _open_participation(campaign: CensusCampaign | None, unit: Unit) -> None:
    if campaign is None:
        return
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("The census campaign is not under way."))
    if not campaign.participations.filter(unit=unit).exists():
        raise ValidationError(_("%(unit)s is not taking part in this campaign.") % {"unit": unit})


@service
def create_resource(actor, *, unit: Unit, campaign=None, items=(), origin: str = "", **fields) -> Resource:
    unknown = set(fields) - set(rules.RESOURCE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    resource = Resource(unit=unit, campaign=campaign, origin=origin, created_by=actor, **fields)
    require(actor, "change", resource)
    _open_participation(campaign, unit)
    items = _item_dicts(items)
    _validate(resource, items)
    resource.code = next_code(resource.classification)
    resource.provider_code = provider_code(unit)
    resource.completeness = rules.completeness(_values(resource), items)
    resource.save()
    _store_items(resource, items)
    audit.record_event(events.RESOURCE_REGISTERED, resource, code=resource.code, items=items)
    _reindex(resource)
    return resource


@service
def update_resource(actor, resource: Resource, *, seen_version=None, items=None, **fields) -> Resource:
    require(actor, "change", resource)
    unknown = set(fields) - set(rules.RESOURCE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    resource = lock(
        resource, seen_version, _("Someone else changed this resource meanwhile. Reload and try again.")
    )
    if not resource.is_editable:
        raise ValidationError(
            _("A %(status)s resource cannot be changed.") % {"status": resource.get_status_display()}
        )
    classified_under = resource.classification_id
    for name, value in fields.items():
        setattr(resource, name, value)
    before = list(resource.items.values(*rules.ITEM_FIELDS))
    new_items = before if items is None else _item_dicts(items)
    _validate(resource, new_items)
    if resource.classification_id != classified_under:
        resource.code = next_code(resource.classification)  # the code follows its classification
    resource.completeness = rules.completeness(_values(resource), new_items)
    resource.version += 1
    resource.save()
    if items is not None and new_items != before:
        _store_items(resource, new_items)
        audit.record_event(events.RESOURCE_ITEMS_CHANGED, resource, before=before, after=new_items)
    _reindex(resource)
    return resource


@service
def delete_resource(actor, resource: Resource) -> None:
    """Only a draft never submitted goes; the audit event keeps what it held."""
    require(actor, "change", resource)
    if resource.status != ResourceStatus.DRAFT or resource.decisions.exists():
        raise ValidationError(_("Only a draft that was never submitted can be deleted."))
    snapshot: dict[str, Any] = {
        "code": resource.code,
        "title": resource.name,
        "items": list(resource.items.values(*rules.ITEM_FIELDS)),
    }
    audit.record_event(events.RESOURCE_DELETED, resource, **snapshot)
    pk = resource.pk
    resource.delete()
    columns.touched([pk])


@service
def resources_from_tables(actor, tables, *, campaign=None) -> list[Resource]:
    """Draft one resource per discovered table, its columns as items, for the registrar to review."""
    created = []
    for table in tables:
        source = table.run.source
        items = [
            {
                "name": (column.get("comment") or column["name"])[:200],
                "column_name": column["name"] if rules.COLUMN_NAME.match(column["name"]) else "",
                "data_type": rules.data_type_for(column.get("data_type", "")),
                "length": column.get("length") if (column.get("length") or 0) > 0 else None,
                "description": ""
                if column.get("comment")
                else _("from the source column %(c)s") % {"c": column["name"]},
            }
            for column in table.columns
        ]
        fmt = ResourceFormat.DATABASE if source.kind != "files" else _file_format(table.name)
        resource = create_resource(
            actor,
            unit=source.unit,
            campaign=campaign,
            items=items,
            origin=f"{source.name}:{'.'.join(p for p in (table.schema, table.name) if p)}"[:300],
            classification=guess_classification(source.unit),
            name=(table.comment or table.name)[:200],
            format=fmt,
            source_system=source.name[:200],
        )
        created.append(resource)
    return created


def _file_format(name: str) -> str:
    return ResourceFormat.SPREADSHEET if name.lower().endswith((".xlsx", ".csv")) else ResourceFormat.OTHER


def guess_classification(unit: Unit) -> Classification:
    """A department's own 部门 class by its line of work (公安, 医疗保障 …), else 其他部门."""
    lines = Classification.objects.filter(code__regex=r"^3\d\d$").order_by("code")
    for line in lines:
        if line.name in unit.name or (unit.short_name and line.name[:2] in unit.short_name):
            child = line.children.order_by("code").first()
            if child:
                return child
    return Classification.objects.get(code="399001")


# --- submitting and reviewing -----------------------------------------------------------------


def _last_decision(resource: Resource) -> str:
    last = resource.decisions.select_related("actor").last()
    if last is None:
        return resource.get_status_display()
    return _("%(who)s %(what)s at %(when)s") % {
        "who": last.actor,
        "what": last.get_to_status_display(),
        "when": last.at.astimezone(clock.now().tzinfo).strftime("%Y-%m-%d %H:%M"),
    }


def _may_submit(actor, resource: Resource) -> None:
    require(actor, "submit", resource)


def _reviewer(actor, resource: Resource) -> None:
    require(actor, "view", resource)
    scope = Scope.of(actor)
    if not (scope.superuser or scope.covers(reviewing_unit(resource).path, REVIEWERS)):
        raise PermissionDenied(NOT_THE_REVIEWER)


def _tell_registrars(resource: Resource, actor, reason: str) -> list[Notice]:
    registrars = User.objects.filter(
        is_active=True, role_assignments__role__in=REGISTRARS, role_assignments__unit=resource.unit
    ).distinct()
    title = _("Data resource returned: %(name)s") % {"name": resource.name}
    return [Notice(registrars, title, reason, resource.get_absolute_url())]


NOT_THE_REVIEWER = gettext_lazy("Only the reviewing data bureau may decide, and never whoever submitted.")
REVIEW = Workflow(
    Step(
        "submit",
        (ResourceStatus.DRAFT, ResourceStatus.RETURNED),
        ResourceStatus.SUBMITTED,
        events.RESOURCE_SUBMITTED,
        guard=_may_submit,
    ),
    Step(
        "publish",
        (ResourceStatus.SUBMITTED,),
        ResourceStatus.PUBLISHED,
        events.RESOURCE_PUBLISHED,
        guard=_reviewer,
        not_by=("created_by", "submitted_by"),
        not_by_reason=NOT_THE_REVIEWER,
    ),
    Step(
        "return",
        (ResourceStatus.SUBMITTED,),
        ResourceStatus.RETURNED,
        events.RESOURCE_RETURNED,
        guard=_reviewer,
        not_by=("created_by", "submitted_by"),
        not_by_reason=NOT_THE_REVIEWER,
        needs_comment=True,
        notify=_tell_registrars,
    ),
    record=ResourceDecision,
    describe=_last_decision,
)


def _submit(actor, resource: Resource, seen_version) -> Resource:
    def complete_then_stamp(fresh: Resource, now) -> dict:
        _validate(fresh, list(fresh.items.values(*rules.ITEM_FIELDS)), submitting=True)
        return {"submitted_at": now, "submitted_by": actor, "return_reason": ""}

    fresh = REVIEW.take(resource, "submit", actor, seen_version, changes=complete_then_stamp)
    _reindex(fresh)
    return fresh


@service
def submit_resource(actor, resource: Resource, seen_version=None) -> Resource:
    """Submit one resource outside a campaign (in a campaign the whole unit's part is submitted)."""
    require(actor, "submit", resource)  # who may, before what the resource's state allows
    if resource.campaign_id:
        raise ValidationError(_("Submit a campaign's resources together, from the unit's campaign page."))
    fresh = _submit(actor, resource, seen_version)
    _notify_reviewers(fresh.unit, [fresh])
    return fresh


def pending_resources(participation: Participation):
    """The unit's draft and returned resources in the campaign: what submitting the part sends."""
    return Resource.objects.filter(
        campaign_id=participation.campaign_id,
        unit_id=participation.unit_id,
        status__in=(ResourceStatus.DRAFT, ResourceStatus.RETURNED),
    )


@service
def submit_participation(actor, participation: Participation, seen_version=None) -> Participation:
    """Submit every draft and returned resource of the unit in the campaign, all or none."""
    require(actor, "submit", participation)
    fresh = lock(
        participation,
        seen_version,
        _("Someone else submitted this meanwhile. Reload to see the current state."),
    )
    if fresh.campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("The census campaign is not under way."))
    pending = list(pending_resources(fresh))
    if not pending:
        raise ValidationError(_("There is nothing to submit: register resources first."))
    errors = []
    for resource in pending:
        try:
            _submit(actor, resource, None)
        except ValidationError as exc:
            errors.append(f"{resource.name}：{'；'.join(exc.messages)}")
    if errors:
        raise ValidationError(errors)
    fresh.status, fresh.submitted_at = ParticipationStatus.SUBMITTED, fresh.submitted_at or clock.now()
    fresh.version += 1
    fresh.save()
    audit.record_event(events.CENSUS_SUBMITTED, fresh, resources=[r.code for r in pending])
    _notify_reviewers(fresh.campaign.organiser, pending)
    return fresh


def _notify_reviewers(unit: Unit, resources) -> None:
    """Tell the reviewers of the nearest body that has any: the unit's government, else the one above."""
    body = unit.government()
    upward = [body.path, *reversed(body.ancestor_paths())]
    grants = User.objects.filter(
        is_active=True, role_assignments__role__in=REVIEWERS, role_assignments__unit__path__in=upward
    ).values_list("role_assignments__unit__path", "pk")
    by_level: dict[str, set] = {}
    for path, user_id in grants:
        by_level.setdefault(path, set()).add(user_id)
    nearest = next((by_level[path] for path in upward if path in by_level), set())
    reviewers = User.objects.filter(pk__in=nearest)
    notify_on_commit(
        reviewers,
        _("%(n)d data resources submitted for review") % {"n": len(resources)},
        "、".join(r.name for r in resources[:10]),
    )


@service
def publish_resource(actor, resource: Resource, seen_version=None, comment: str = "") -> Resource:
    fresh = REVIEW.take(
        resource, "publish", actor, seen_version, comment, changes=lambda fresh, now: {"published_at": now}
    )
    _reindex(fresh)
    _settle(fresh)
    return fresh


@service
def return_resource(actor, resource: Resource, seen_version=None, reason: str = "") -> Resource:
    fresh = REVIEW.take(
        resource,
        "return",
        actor,
        seen_version,
        reason,
        changes=lambda fresh, now: {"return_reason": reason.strip()},
    )
    _reindex(fresh)
    _settle(fresh)
    return fresh


def _settle(resource: Resource) -> None:
    """Bring the unit's campaign part in line once the bureau has decided on its resources."""
    if not resource.campaign_id:
        return
    part = Participation.objects.select_for_update().get(
        campaign_id=resource.campaign_id, unit_id=resource.unit_id
    )
    statuses = set(
        Resource.objects.filter(campaign_id=resource.campaign_id, unit_id=resource.unit_id).values_list(
            "status", flat=True
        )
    )
    status: str
    if ResourceStatus.RETURNED in statuses:
        status = ParticipationStatus.RETURNED
    elif statuses == {ResourceStatus.PUBLISHED}:
        status = ParticipationStatus.ACCEPTED
    else:
        status = part.status
    if status != part.status:
        part.status = status
        part.version += 1
        part.save()


# --- campaigns --------------------------------------------------------------------------------


@service
def launch_campaign(
    actor,
    *,
    organiser: Unit,
    name: str,
    deadline,
    units,
    required_fields=(),
    instructions: str = "",
    program=None,
) -> CensusCampaign:
    campaign = CensusCampaign(
        organiser=organiser,
        name=name.strip(),
        deadline=deadline,
        required_fields=list(required_fields),
        instructions=instructions,
        program=program,
        created_by=actor,
    )
    require(actor, "change", campaign)
    if not campaign.name:
        raise ValidationError({"name": [_("Give the campaign a name.")]})
    if not rules.campaign_fields_valid(required_fields):
        raise ValidationError({"required_fields": [_("Unknown required field.")]})
    if deadline <= clock.today():
        raise ValidationError({"deadline": [_("The deadline must lie in the future.")]})
    units = list(units)
    if not units:
        raise ValidationError({"units": [_("Choose the units that take part.")]})
    allowed = set(
        units_for_campaign(organiser).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True)
    )
    outside = [u for u in units if u.pk not in allowed]
    if outside:
        raise ValidationError(
            {"units": [_("Outside the organiser's area: %(u)s") % {"u": "、".join(map(str, outside))}]}
        )
    campaign.status, campaign.launched_at = CampaignStatus.OPEN, clock.now()
    campaign.save()
    Participation.objects.bulk_create(Participation(campaign=campaign, unit=u) for u in units)
    audit.record_event(
        events.CENSUS_LAUNCHED,
        campaign,
        deadline=deadline,
        units=[u.code for u in units],
        required=list(required_fields),
    )
    registrars = User.objects.filter(
        is_active=True, role_assignments__role__in=REGISTRARS, role_assignments__unit__in=units
    ).distinct()
    notify_on_commit(
        registrars,
        _("Data census launched: %(name)s") % {"name": campaign.name},
        _("Register your unit's data resources by %(date)s.") % {"date": deadline},
        campaign.get_absolute_url(),
    )
    return campaign


@service
def close_campaign(actor, campaign: CensusCampaign) -> CensusCampaign:
    require(actor, "change", campaign)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("Only a campaign under way can be closed."))
    campaign.status = CampaignStatus.CLOSED
    campaign.save()
    audit.record_event(events.CENSUS_CLOSED, campaign)
    return campaign


def units_for_campaign(organiser: Unit):
    """Who a bureau may ask: every unit of the government it serves."""
    government = organiser.government()
    return Unit.objects.filter(path__startswith=government.path, is_active=True)


# Questions other apps ask ------------------------------------------------------------------


def search_resources(user, text: str, *, limit: int = 20) -> search.Results:
    """The catalog search, as `user` sees it (an IT project's reuse check asks it)."""
    return search.search(user, text, limit=limit)


# --- the search dictionary --------------------------------------------------------------------

ALTERNATIVE_SEPARATORS = re.compile(r"[、，,;；/／\s]+")


def split_alternatives(text: str) -> list[str]:
    """身份证号码、居民身份证 → its words (separated by 、 , ; / or spaces), each once."""
    return list(dict.fromkeys(w for w in ALTERNATIVE_SEPARATORS.split(text or "") if w))


def synonym_problems(term: str, alternatives: list[str], exclude_pk=None) -> list[str]:
    """What is wrong with a dictionary entry (the form, the Excel import and the service agree)."""
    problems = []
    if not search.CHUNK.fullmatch(term or ""):
        problems.append(_("The term is one word of Chinese characters, letters or digits."))
    if not alternatives:
        problems.append(_("Give at least one word it is also written as."))
    if len(alternatives) > synonyms.MAX_ALTERNATIVES:
        problems.append(_("At most %(n)d alternatives.") % {"n": synonyms.MAX_ALTERNATIVES})
    for word in alternatives:
        if len(word) > 40 or not search.CHUNK.search(word):
            problems.append(_("“%(w)s” is not a word to search for.") % {"w": word})
    if term and term in alternatives:
        problems.append(_("The term cannot be its own alternative."))
    taken = Synonym.objects.filter(term__iexact=term or "").exclude(pk=exclude_pk)
    if term and taken.exists():
        problems.append(_("The dictionary already has “%(t)s”.") % {"t": term})
    return problems


def _require_keeper(actor) -> None:
    if not keeps_dictionary(actor):
        raise PermissionDenied(_("Only the provincial data bureau keeps the search dictionary."))


@service
def save_synonym(
    actor,
    synonym: Synonym | None,
    *,
    term: str,
    alternatives: list[str],
    two_way: bool = True,
    note: str = "",
) -> Synonym:
    """Add an entry to the search dictionary (`synonym` None) or change one; searches use it at once."""
    _require_keeper(actor)
    term = term.strip()
    problems = synonym_problems(term, alternatives, exclude_pk=synonym.pk if synonym else None)
    if problems:
        raise ValidationError(problems)
    before = {"term": synonym.term, "alternatives": synonym.alternatives} if synonym else {}
    synonym = synonym or Synonym()
    synonym.term, synonym.alternatives, synonym.two_way, synonym.note = term, alternatives, two_way, note
    synonym.save()
    audit.record_event(
        events.SYNONYM_SAVED, synonym, term=term, alternatives=alternatives, two_way=two_way, before=before
    )
    return synonym


@service
def delete_synonym(actor, synonym: Synonym) -> None:
    _require_keeper(actor)
    audit.record_event(events.SYNONYM_DELETED, synonym, term=synonym.term, alternatives=synonym.alternatives)
    synonym.delete()


@service
def import_synonyms(actor, entries: list[dict], sha256: str) -> tuple[int, int]:
    """Add or change the entries of an Excel file (term, alternatives, two_way, note), all or none."""
    _require_keeper(actor)
    existing = {s.term.lower(): s for s in Synonym.objects.all()}
    created: list[str] = []
    updated: list[str] = []
    for entry in entries:
        synonym = existing.get(entry["term"].lower()) or Synonym()
        (updated if synonym.pk else created).append(entry["term"])
        for field, value in entry.items():
            setattr(synonym, field, value)
        synonym.save()
    audit.record_event(events.SYNONYMS_IMPORTED, None, sha256=sha256, created=created, updated=updated)
    return len(created), len(updated)
