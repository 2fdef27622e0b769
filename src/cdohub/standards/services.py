"""Every change to the data standards, and the linking of information items to data elements.

Data elements and code sets are drafted by a data bureau and published; once published, what their
quality rules follow from (type, lengths, format, pattern, code set and its values, validator) is
fixed — a published standard is a reference others check against — while names and descriptions
may still be mended. Only a published element can be linked to an information item.

Linking is done by the item's registrars, whatever the resource's status: it is quality metadata
about the item, not a change of the registered resource (policies.py). Each link or unlink tells
the quality app, which keeps the rules it generates (``implied_rules``).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cdohub.catalog.models import InformationItem
from cdohub.core import audit, clock
from cdohub.core.forms import field_label
from cdohub.core.permissions import require, restrict
from cdohub.core.services import service
from cdohub.core.workflow import Step, Workflow, lock
from cdohub.org.models import Unit
from cdohub.quality import services as quality_services
from cdohub.standards import events

from . import rules
from .choices import StandardStatus
from .models import CodeSet, CodeValue, DataElement, ElementLink
from .policies import steward_units
from .rules import implied_rules  # noqa: F401  (part of this module's interface)

VALUE_FIELDS = ("code", "name", "parent")


def _check_owner(actor, owner: Unit | None) -> None:
    if owner is None or not steward_units(actor).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": [_("Choose a data bureau whose standards you maintain.")]}, code="owner"
        )


def _unknown(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})


def _clean(values: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _taken(model, identifier: str, pk=None) -> None:
    if model.objects.filter(identifier=identifier).exclude(pk=pk).exists():
        raise ValidationError(
            {"identifier": [_("The identifier %(id)s is already in use.") % {"id": identifier}]},
            code="duplicate",
        )


def _draft(actor, model, owner: Unit | None, fields: dict):
    """An unsaved draft `model` (code set or data element) of `owner`, a data bureau whose standards
    the actor maintains."""
    if owner is None:
        raise ValidationError({"owner": [_("Choose the data bureau that maintains it.")]}, code="owner")
    standard = model(owner=owner, created_by=actor, **fields)
    require(actor, "change", standard)
    _check_owner(actor, owner)
    return standard


def _move_to(actor, standard, owner: Unit | None) -> None:
    """Give `standard` to another data bureau the actor maintains standards of (None: keep it)."""
    if owner is not None and owner != standard.owner:
        _check_owner(actor, owner)
        standard.owner = owner


def _steward(actor, standard) -> None:
    require(actor, "change", standard)


def _publishing(event: audit.Event) -> Workflow:
    return Workflow(Step("publish", (StandardStatus.DRAFT,), StandardStatus.PUBLISHED, event, guard=_steward))


CODE_SET_PUBLISHING = _publishing(events.CODE_SET_PUBLISHED)
ELEMENT_PUBLISHING = _publishing(events.ELEMENT_PUBLISHED)


def _publish(workflow: Workflow, actor, standard, seen_version, check, **facts):
    """Publish the draft `standard` once `check(fresh)` (which raises what stands in the way) passes;
    returns the row as published."""

    def checked(fresh, now) -> dict:
        check(fresh)
        return {"published_at": now}

    return workflow.take(standard, "publish", actor, seen_version, changes=checked, **facts)


# Code sets -----------------------------------------------------------------------------------


def _value_rows(values) -> list[dict]:
    return [{k: str(v.get(k) or "").strip() for k in VALUE_FIELDS} for v in values]


def _check_values(rows: list[dict]) -> None:
    problems = rules.code_value_problems(rows)
    if problems:
        raise ValidationError(
            {
                "values": [
                    _("Value %(n)d (%(code)s): %(problems)s")
                    % {"n": index + 1, "code": rows[index]["code"] or "—", "problems": "；".join(found)}
                    for index, found in sorted(problems.items())
                ]
            },
            code="values",
        )


def code_values(code_set: CodeSet) -> list[dict]:
    by_pk: dict[int | None, str] = {}  # a root value's parent, None, is never in it
    rows = []
    for value in code_set.values.all():  # in position order (Meta), prefetched where it was
        by_pk[value.pk] = value.code
        rows.append((value, value.parent_id))
    return [{"code": v.code, "name": v.name, "parent": by_pk.get(parent, "")} for v, parent in rows]


def _store_values(code_set: CodeSet, rows: list[dict]) -> None:
    code_set.values.all().delete()
    CodeValue.objects.bulk_create(
        CodeValue(code_set=code_set, code=r["code"], name=r["name"], position=n)
        for n, r in enumerate(rows, start=1)
    )
    if not any(r["parent"] for r in rows):
        return
    stored = {v.code: v for v in CodeValue.objects.filter(code_set=code_set)}
    children = []
    for row in rows:
        if row["parent"]:
            child = stored[row["code"]]
            child.parent = stored[row["parent"]]
            children.append(child)
    CodeValue.objects.bulk_update(children, ["parent"], batch_size=1000)


@service
def create_code_set(actor, *, owner: Unit, values=(), **fields) -> CodeSet:
    """A draft code set of `owner` (a data bureau the actor administers), with its values
    ({code, name, parent code}) in order."""
    _unknown(fields, rules.CODE_SET_FIELDS)
    fields = _clean(fields)
    code_set = _draft(actor, CodeSet, owner, fields)
    errors = rules.code_set_problems(fields)
    if errors:
        raise ValidationError(errors)
    _taken(CodeSet, code_set.identifier)
    rows = _value_rows(values)
    _check_values(rows)
    code_set.save()
    _store_values(code_set, rows)
    audit.record_event(events.CODE_SET_CREATED, code_set, identifier=code_set.identifier, values=rows)
    return code_set


@service
def update_code_set(
    actor, code_set: CodeSet, *, seen_version=None, values=None, owner=None, **fields
) -> CodeSet:
    """Mend a code set; a published one keeps its identifier and values (its name, standard and
    description may still change)."""
    require(actor, "change", code_set)
    _unknown(fields, rules.CODE_SET_FIELDS)
    fresh = lock(code_set, seen_version)
    fields = _clean(fields)
    before = code_values(fresh)
    rows = before if values is None else _value_rows(values)
    if fresh.is_published:
        if rows != before or fields.get("identifier", fresh.identifier) != fresh.identifier:
            raise ValidationError(
                _("A published code set keeps its identifier and values: publish a new code set instead."),
                code="published",
            )
        if owner is not None and owner != fresh.owner:
            raise ValidationError(_("A published code set keeps its bureau."), code="published")
    _move_to(actor, fresh, owner)
    for name, value in fields.items():
        setattr(fresh, name, value)
    errors = rules.code_set_problems({name: getattr(fresh, name) for name in rules.CODE_SET_FIELDS})
    if errors:
        raise ValidationError(errors)
    _taken(CodeSet, fresh.identifier, fresh.pk)
    _check_values(rows)
    fresh.version += 1
    fresh.save()
    if rows != before:
        _store_values(fresh, rows)
        audit.record_event(events.CODE_VALUES_CHANGED, fresh, before=before, after=rows)
    return fresh


def _publishable_code_set(code_set: CodeSet) -> None:
    if not code_set.values.exists():
        raise ValidationError(_("A code set needs at least one value before it is published."), code="empty")


@service
def publish_code_set(actor, code_set: CodeSet, seen_version=None) -> CodeSet:
    return _publish(
        CODE_SET_PUBLISHING,
        actor,
        code_set,
        seen_version,
        _publishable_code_set,
        identifier=code_set.identifier,
    )


# Data elements -------------------------------------------------------------------------------


def _element_values(fields: dict) -> dict:
    """`fields` trimmed, an empty length as none."""
    values = _clean(fields)
    for name in ("max_length", "min_length"):
        if values.get(name) == "":
            values[name] = None
    return values


def _check_code_set(actor, element: DataElement) -> None:
    if element.code_set_id is None:
        return
    if not restrict(actor, "view", CodeSet.objects.all()).filter(pk=element.code_set_id).exists():
        raise ValidationError({"code_set": [_("Choose a code set from the list.")]}, code="code_set")


def _validate_element(actor, element: DataElement) -> None:
    errors = rules.element_problems({name: getattr(element, name) for name in rules.ELEMENT_FIELDS})
    if errors:
        raise ValidationError(errors)
    _taken(DataElement, element.identifier, element.pk)
    _check_code_set(actor, element)


@service
def create_element(actor, *, owner: Unit, **fields) -> DataElement:
    """A draft data element of `owner` (a data bureau the actor administers)."""
    _unknown(fields, rules.ELEMENT_FIELDS)
    fields = _element_values(fields)
    element = _draft(actor, DataElement, owner, fields)
    _validate_element(actor, element)
    element.save()
    audit.record_event(
        events.ELEMENT_CREATED,
        element,
        identifier=element.identifier,
        rules=rules.implied_rules(element),
    )
    return element


@service
def update_element(actor, element: DataElement, *, seen_version=None, owner=None, **fields) -> DataElement:
    """Mend a data element; a published one keeps what its rules follow from (rules.RULE_FIELDS)."""
    require(actor, "change", element)
    _unknown(fields, rules.ELEMENT_FIELDS)
    fresh = lock(element, seen_version)
    fields = _element_values(fields)
    if fresh.is_published:
        _keeps_its_rules(fresh, fields, owner)
    _move_to(actor, fresh, owner)
    before = rules.implied_rules(fresh)
    for name, value in fields.items():
        setattr(fresh, name, value)
    _validate_element(actor, fresh)
    fresh.version += 1
    fresh.save()
    after = rules.implied_rules(fresh)
    if after != before:
        audit.record_event(events.ELEMENT_RULES_CHANGED, fresh, before=before, after=after)
    return fresh


def _keeps_its_rules(element: DataElement, fields: dict, owner: Unit | None) -> None:
    """Refuse a change of what the published `element`'s quality rules follow from, or of its bureau."""
    changed = [
        name
        for name in rules.RULE_FIELDS
        if name in fields and _comparable(fields[name]) != _comparable(getattr(element, name))
    ]
    if changed or (owner is not None and owner != element.owner):
        labels = "、".join(field_label(DataElement, n) for n in changed) or _("bureau")
        raise ValidationError(
            _(
                "A published data element keeps what its quality rules follow from (%(fields)s): "
                "publish a new element instead."
            )
            % {"fields": labels},
            code="published",
        )


def _comparable(value):
    if hasattr(value, "pk"):
        return value.pk
    return None if value in ("", None) else value


def _publishable_element(element: DataElement) -> None:
    if element.code_set is not None and not element.code_set.is_published:
        raise ValidationError(
            _("Publish the code set %(set)s first.") % {"set": element.code_set}, code="code_set_draft"
        )


@service
def publish_element(actor, element: DataElement, seen_version=None) -> DataElement:
    """Publish a draft element; its code set must be published first."""
    return _publish(
        ELEMENT_PUBLISHING,
        actor,
        element,
        seen_version,
        _publishable_element,
        identifier=element.identifier,
        rules=rules.implied_rules(element),
    )


# Linking items -------------------------------------------------------------------------------


@service
def link_item(actor, item: InformationItem, element: DataElement) -> ElementLink:
    """Declare that `item` holds `element` (replacing an earlier link); the quality app is given the
    rules the element implies for the item's column. Refused for a draft element, and for an item
    that cannot hold the element (rules.link_problems)."""
    resource = item.resource
    require(actor, "change", resource)
    if not element.is_published:
        raise ValidationError(
            {"element": [_("Only a published data element can be linked.")]}, code="element_draft"
        )
    problems = rules.link_problems(element, item)
    if problems:
        raise ValidationError({"element": problems}, code="incompatible")
    link = ElementLink.objects.select_for_update().filter(item=item).first()
    previous = link.element.identifier if link else ""
    if link is not None and link.element_id == element.pk:
        return link
    now = clock.now()
    if link is None:
        link = ElementLink(item=item, unit_id=resource.unit_id)
    link.element, link.linked_by, link.linked_at = element, actor, now
    link.save()
    implied = rules.implied_rules(element, data_type=item.data_type)
    audit.record_event(
        events.ITEM_LINKED,
        link,
        resource=resource.code,
        item=item.pk,
        item_name=item.name,
        column=item.column_name,
        element=element.identifier,
        previous=previous,
        rules=implied,
    )
    quality_services.element_linked(actor, item, implied, element=element.identifier)
    return link


@service
def unlink_item(actor, item: InformationItem) -> None:
    """Remove the item's link; the quality app drops the rules it generated from it."""
    resource = item.resource
    require(actor, "change", resource)
    link = ElementLink.objects.select_for_update().filter(item=item).select_related("element").first()
    if link is None:
        raise ValidationError(_("This information item is not linked to a data element."), code="not_linked")
    audit.record_event(
        events.ITEM_UNLINKED,
        link,
        resource=resource.code,
        item=item.pk,
        item_name=item.name,
        element=link.element.identifier,
    )
    identifier = link.element.identifier
    link.delete()
    quality_services.element_unlinked(actor, item, element=identifier)


def rules_for_item(item: InformationItem) -> list[dict]:
    """The rules the item's current link implies (none when it is not linked)."""
    link = ElementLink.objects.filter(item=item).select_related("element__code_set").first()
    return rules.implied_rules(link.element, data_type=item.data_type) if link else []
