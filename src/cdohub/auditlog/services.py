"""The audit log read by people: the entries a user may read, filtered and paged newest first; each
entry described in words (what changed, field by field, with the model's own names; secrets never
shown); an object's own history; the chain check; the export.

The log itself is written by `core.audit`; nothing here changes an entry.
"""

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import FileField, Model, Q, QuerySet
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.core import audit, excel
from cdohub.core.checkpoints import CONTRADICTS
from cdohub.core.models import AuditEntry
from cdohub.core.permissions import VIEW, Scope, can, policies, restrict, subtrees
from cdohub.core.services import service
from cdohub.org.choices import Role
from cdohub.org.models import Unit
from cdohub.projects import services as projects
from cdohub.quality.choices import RuleKind, Severity

from . import events
from .labels import CHANGE_ACTIONS, FACT_MODELS, FACTS, SECRET_WORDS
from .policies import READERS

PAGE_SIZE = 50
HISTORY_SIZE = 50
EMPTY = "—"
TEXT_LIMIT = 300  # longer texts are cut in pages and exports; the log keeps them whole


def export_limit() -> int:
    """The most entries one export holds: a larger selection is refused, to be narrowed first."""
    limit: Any = settings.CDOHUB["AUDIT_EXPORT_MAX_ROWS"]
    return int(limit)


def may_read_log(user: Any) -> bool:
    """Whether `user` reads the audit log at all (an auditor or an administrator somewhere)."""
    scope = Scope.of(user)
    return scope.superuser or bool(scope.roles & READERS)


def require_reader(user: Any) -> None:
    if not may_read_log(user):
        raise PermissionDenied


# Filtering ------------------------------------------------------------------------------------


@dataclass
class Filters:
    actor: str = ""  # user name or display name, in part
    unit: str = ""  # a unit's code or name, in part: its entries and those of the units below it
    object_type: str = ""  # a model label, e.g. "catalog.resource"
    object_id: str = ""
    text: str = ""  # in the object's name as recorded
    action: str = ""  # an event name, or create/update/delete for field changes
    since: date | None = None
    until: date | None = None

    def as_facts(self) -> dict[str, str]:
        """The filters set, for the export's audit event and its heading."""
        return {key: str(value) for key, value in vars(self).items() if value not in ("", None)}


UNIT_MATCHES = 50  # a unit filter matching more units than this is too vague


def entries(user: Any, filters: Filters) -> QuerySet[AuditEntry]:
    """The entries `user` may read that match `filters`, newest first."""
    require_reader(user)
    found = restrict(user, VIEW, AuditEntry.objects.all())
    if filters.actor:
        found = found.filter(
            Q(actor_name__icontains=filters.actor) | Q(actor__display_name__icontains=filters.actor)
        )
    if filters.unit:
        paths = list(
            Unit.objects.filter(Q(code=filters.unit) | Q(name__icontains=filters.unit)).values_list(
                "path", flat=True
            )[:UNIT_MATCHES]
        )
        found = found.filter(subtrees("unit__path", paths))
    if filters.object_type:
        found = found.filter(object_type=filters.object_type)
    if filters.object_id:
        found = found.filter(object_id=filters.object_id)
    if filters.text:
        found = found.filter(object_repr__icontains=filters.text)
    if filters.action in CHANGE_ACTIONS:
        found = found.filter(kind=AuditEntry.Kind.CHANGE, action=filters.action)
    elif filters.action:
        found = found.filter(kind=AuditEntry.Kind.EVENT, action=filters.action)
    if filters.since:
        found = found.filter(at__gte=_day_start(filters.since))
    if filters.until:
        found = found.filter(at__lt=_day_start(filters.until + timedelta(days=1)))
    return found.order_by("-id")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Page:
    """One page of a keyset walk, newest first: `older` and `newer` are the ids to continue from."""

    entries: list[AuditEntry]
    older: int | None = None
    newer: int | None = None


def page(found: QuerySet[AuditEntry], before: int | None = None, after: int | None = None) -> Page:
    """`PAGE_SIZE` entries older than `before`, or newer than `after`, or the newest; no count,
    no offset, so the thousandth page costs what the first does."""
    if after is not None:
        rows = list(found.filter(id__gt=after).order_by("id")[: PAGE_SIZE + 1])
        more_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        older = rows[-1].pk if rows and found.filter(id__lt=rows[-1].pk).exists() else None
        return Page(rows, older=older, newer=rows[0].pk if rows and more_newer else None)
    if before is not None:
        found = found.filter(id__lt=before)
    rows = list(found[: PAGE_SIZE + 1])
    more_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    newer = rows[0].pk if rows and before is not None else None
    return Page(rows, older=rows[-1].pk if more_older else None, newer=newer)


# Describing entries ---------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""
    value: str = ""  # an event's fact: one value, no before and after
    secret: bool = False


@dataclass
class Described:
    entry: AuditEntry
    what: str  # the event's label, or created/changed/deleted
    object_type: str  # the model's name
    actor: str
    unit: str
    changes: list[Change] = field(default_factory=list)


def describe(found: Iterable[AuditEntry]) -> list[Described]:
    """Each entry in words: the act, the object's kind, who, which unit, and what changed."""
    found = list(found)
    names = _Names()
    names.preload(found)
    described = []
    for entry in found:
        model = _model(entry.object_type)
        described.append(
            Described(
                entry=entry,
                what=str(_what(entry)),
                object_type=str(model._meta.verbose_name) if model else "",
                actor=_actor(entry),
                unit=entry.unit.name if entry.unit_id and entry.unit else "",
                changes=_changes(entry, model, names),
            )
        )
    return described


def _what(entry: AuditEntry) -> Any:
    if entry.kind == AuditEntry.Kind.CHANGE:
        return CHANGE_ACTIONS.get(entry.action, entry.action)
    try:
        return audit.event_named(entry.action).label
    except KeyError:  # an event no longer declared: its name is all the log knows
        return entry.action


def _actor(entry: AuditEntry) -> str:
    if entry.actor_id is None:
        return str(SYSTEM)
    user = entry.actor
    display = getattr(user, "display_name", "") if user else ""
    return f"{display}（{entry.actor_name}）" if display else entry.actor_name


SYSTEM = gettext_lazy("the system")


@functools.cache
def _model(label: str) -> type[Model] | None:
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _is_secret(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_WORDS)


def _changes(entry: AuditEntry, model: type[Model] | None, names: "_Names") -> list[Change]:
    data = entry.data if isinstance(entry.data, dict) else {}
    if entry.kind == AuditEntry.Kind.CHANGE:
        changes = [_field_change(model, name, values, names) for name, values in data.items() if name != "id"]
        if entry.action in ("create", "delete"):  # one side only: the values it was made or deleted with
            for change in changes:
                change.value, change.before, change.after = (
                    (change.after if entry.action == "create" else change.before),
                    "",
                    "",
                )
        return changes
    return [_fact(model, key, value, names) for key, value in data.items()]


@functools.cache
def _field_of(model: type[Model] | None, attname: str) -> Any:
    if model is None:
        return None
    for candidate in model._meta.concrete_fields:
        if candidate.attname == attname or candidate.name == attname:
            return candidate
    return None


def _field_change(model: type[Model] | None, attname: str, values: Any, names: "_Names") -> Change:
    model_field = _field_of(model, attname)
    label = str(model_field.verbose_name) if model_field is not None else _unnamed(attname)
    if _is_secret(attname):
        return Change(label, secret=True)
    before, after = values if isinstance(values, list) and len(values) == 2 else (None, values)
    if attname in CHECK_FACTS and isinstance(after, list):  # a review's pre-checks, by code
        return Change(label, before=_check_titles(before), after=_check_titles(after))
    listed = FIELD_NAME_FIELDS.get((model._meta.label_lower if model else "", attname))
    if listed is not None:  # a list of another model's field names: said by their labels
        named = _model(listed)
        return Change(label, before=_field_labels(named, before), after=_field_labels(named, after))
    return Change(label, before=_value(model_field, before, names), after=_value(model_field, after, names))


def _check_titles(value: Any) -> str:
    if not isinstance(value, list) or not value:
        return EMPTY
    return "、".join(projects.check_title(str(code)) for code in value)


def _field_labels(model: type[Model] | None, value: Any) -> str:
    if not isinstance(value, list) or not value:
        return EMPTY
    return "、".join(_field_label(model, str(name)) for name in value)


def _unnamed(name: str) -> str:
    """A field the model no longer has: named by the facts' labels where they know it."""
    key = name[:-3] if name.endswith("_id") else name
    return str(FACTS.get(key, _("a former field")))


def _fact(model: type[Model] | None, key: str, value: Any, names: "_Names") -> Change:
    label = str(FACTS.get(key, _("other detail")))
    if _is_secret(key):
        return Change(label, secret=True)
    if value is None or value == "" or value == [] or value == {}:
        return Change(label, value=EMPTY)
    if key in FIELD_NAME_FACTS and isinstance(value, list):
        named = _model(FIELD_NAME_FACTS[key]) or model
        return Change(label, value="、".join(_field_label(named, str(name)) for name in value))
    if key == "units" and isinstance(value, list) and all(isinstance(code, str) for code in value):
        names_by_code = dict(Unit.objects.filter(code__in=value).values_list("code", "name"))
        return Change(label, value="、".join(str(names_by_code.get(code) or code) for code in value))
    if key in CHECK_FACTS and isinstance(value, list):
        return Change(label, value="、".join(projects.check_title(str(code)) for code in value))
    if key in FACT_MODELS and isinstance(value, int) and not isinstance(value, bool):
        return Change(label, value=names.of(FACT_MODELS[key], value))
    if key in FACT_MODELS and isinstance(value, str):
        return Change(label, value=names.by_code(FACT_MODELS[key], value))
    model_field = _field_of(model, key) or _field_of(model, key.removeprefix("from_").removeprefix("to_"))
    if model_field is not None and model_field.choices and value in dict(model_field.flatchoices):
        return Change(label, value=_value(model_field, value, names))
    return Change(label, value=_coded(model, value) or _value(None, value, names))


CHECK_FACTS = ("cited_checks", "failed_checks")  # a project review's pre-checks, by code
# Facts that list field names: of this model, or ("") of the entry's object.
FIELD_NAME_FACTS = {"fields": "", "required": "catalog.resource"}
# Fields that hold a list of another model's field names.
FIELD_NAME_FIELDS = {("catalog.censuscampaign", "required_fields"): "catalog.resource"}


def _field_label(model: type[Model] | None, name: str) -> str:
    model_field = _field_of(model, name)
    return str(model_field.verbose_name) if model_field is not None else _unnamed(name)


def _coded(model: type[Model] | None, value: Any) -> str:
    """A fact holding codes (or a list of them) of one of the object's choice fields, by their
    labels: an event names its facts after the act, not always after the field."""
    codes = value if isinstance(value, list) else [value]
    if model is None or not codes or not all(isinstance(code, str) for code in codes):
        return ""
    for labels in _choice_labels(model):
        if all(code in labels for code in codes):
            return "、".join(str(labels[code]) for code in codes)
    return ""


@functools.cache
def _choice_labels(model: type[Model]) -> list[dict[Any, Any]]:
    """The choices of the model's fields, then of the models it refers to (a review's facts speak
    of its project's states too)."""
    own = [dict(f.flatchoices) for f in model._meta.concrete_fields if f.choices]
    related = [
        dict(f.flatchoices)
        for relation in model._meta.concrete_fields
        if relation.many_to_one and relation.related_model not in (None, model)
        for f in relation.related_model._meta.concrete_fields
        if f.choices
    ]
    return own + related


def _value(model_field: Any, value: Any, names: "_Names") -> str:
    """A stored value as a reader says it: the choice's label, the related object's name, yes or
    no, a date; a list as its items; a structure as the names it holds."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if model_field is not None and model_field.choices and not isinstance(value, (list, dict)):
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field is not None and model_field.name.endswith("role") and value in Role.values:
        return str(Role(value).label)
    if isinstance(model_field, FileField) and isinstance(value, str):
        return value.rsplit("/", 1)[-1]  # the file's name, not where it is stored
    if model_field is not None and model_field.is_relation and model_field.related_model:
        return names.of(model_field.related_model._meta.label_lower, value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return "、".join(_item(item) for item in value)
    if isinstance(value, dict):
        return _mapping(value)
    if isinstance(value, str):
        return _cut(_when(value) or value)
    return str(value)


def _item(item: Any) -> str:
    if isinstance(item, dict):
        return _mapping(item)
    if isinstance(item, list):
        return "、".join(_item(part) for part in item)
    return _cut(_when(item) or str(item)) if isinstance(item, str) else str(item)


NAME_KEYS = ("name", "title", "item_name", "code", "identifier")
# Codes inside a structure (a data element's rules) that have labels.
CODED_FACTS: dict[str, dict[Any, Any]] = {"kind": dict(RuleKind.choices), "severity": dict(Severity.choices)}


def _mapping(value: dict[str, Any]) -> str:
    """A structure (an item of a list, rule parameters) as its name, else its known facts."""
    for key in NAME_KEYS:
        if value.get(key):
            return str(value[key])
    known = [
        f"{FACTS[k]}：{CODED_FACTS[k].get(v, _item(v)) if k in CODED_FACTS else _item(v)}"
        for k, v in value.items()
        if k in FACTS and not _is_secret(k)
    ]
    return "；".join(known) if known else str(_("(details recorded)"))


def _when(text: str) -> str:
    """An ISO date or time as the page shows dates; empty when `text` is neither."""
    if len(text) < 10 or text[4:5] != "-":
        return ""
    try:
        moment = parse_datetime(text)
        if moment is not None and "T" in text:
            return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
        day = parse_date(text)
    except ValueError:
        return ""
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"


class _Names:
    """Names of the objects values refer to by id, looked up once per page."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, Any], str] = {}

    def preload(self, found: list[AuditEntry]) -> None:
        """Fetch, one query per kind of object, every object the entries refer to by id."""
        wanted: dict[str, set[int]] = {}
        for entry in found:
            for label, pk in _references(entry):
                if isinstance(pk, int) and not isinstance(pk, bool):
                    wanted.setdefault(label, set()).add(pk)
        for label, pks in wanted.items():
            model = _model(label)
            if model is None:
                continue
            objects = model._default_manager.in_bulk(pks)
            for pk in pks:
                obj = objects.get(pk)
                self.known[label, pk] = str(obj) if obj is not None else _GONE % {"id": pk}

    def of(self, label: str, pk: Any) -> str:
        if isinstance(pk, (list, dict, bool)):
            return _item(pk)
        if (label, pk) not in self.known:
            self.known[label, pk] = self._look_up(label, pk)
        return self.known[label, pk]

    def by_code(self, label: str, code: str) -> str:
        """The name of the object whose code is `code` (a program named by its code), else the code."""
        if (label, code) not in self.known:
            model = _model(label)
            has_code = model is not None and _field_of(model, "code") is not None
            obj = model._default_manager.filter(code=code).first() if has_code and model else None
            self.known[label, code] = str(obj) if obj is not None else _item(code)
        return self.known[label, code]

    @staticmethod
    def _look_up(label: str, pk: Any) -> str:
        model = _model(label)
        if model is None:
            return _item(pk)
        try:
            obj = model._default_manager.filter(pk=pk).first()
        except (ValueError, TypeError, ValidationError):  # a fact that names it otherwise (a code)
            return _item(pk)
        return str(obj) if obj is not None else _GONE % {"id": pk}


_GONE = gettext_lazy("#%(id)s (no longer exists)")


def _references(entry: AuditEntry) -> Iterator[tuple[str, Any]]:
    """The (model label, id) pairs an entry's values refer to."""
    model = _model(entry.object_type)
    data = entry.data if isinstance(entry.data, dict) else {}
    for key, value in data.items():
        if entry.kind == AuditEntry.Kind.EVENT and key in FACT_MODELS:
            yield FACT_MODELS[key], value
            continue
        model_field = _field_of(model, key)
        if model_field is None or not model_field.is_relation or model_field.related_model is None:
            continue
        label = model_field.related_model._meta.label_lower
        values = value if entry.kind == AuditEntry.Kind.CHANGE and isinstance(value, list) else [value]
        for pk in values:
            yield label, pk


# An object's own history ----------------------------------------------------------------------


def history_of(user: Any, obj: Model, limit: int = HISTORY_SIZE) -> list[Described] | None:
    """The newest entries about `obj` itself, for whoever may view it; None for anyone else."""
    try:
        if not can(user, VIEW, obj):
            return None
    except LookupError:  # a model with no policy is read by no one through this
        return None
    about = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return describe(about.select_related("actor", "unit").order_by("-id")[:limit])


def object_types() -> list[tuple[str, str]]:
    """The kinds of object the log speaks of, by their names: every model with a policy."""
    labels = {policy.model._meta.label_lower: str(policy.model._meta.verbose_name) for policy in policies()}
    labels.pop(AuditEntry._meta.label_lower, None)
    return sorted(labels.items(), key=lambda item: item[1])


def action_choices() -> list[tuple[str, str]]:
    """The acts a reader filters by: field changes, then every declared event by its label."""
    changes = [(name, str(label)) for name, label in CHANGE_ACTIONS.items()]
    named = sorted(((e.name, str(e.label)) for e in audit.events()), key=lambda item: item[1])
    return changes + named


# Verifying and exporting ----------------------------------------------------------------------


@dataclass
class Verification:
    ok: bool
    checked: int
    checkpoints: int
    unanchored: int
    entry_id: int | None
    message: str  # what the reader is told, translated
    last_checkpoint_id: int | None = None
    last_checkpoint_count: int | None = None
    last_checkpoint_at: str = ""


@service
def verify(actor: Any) -> Verification:
    """Run the check `cdohub audit verify` runs (chain, then signed checkpoints), record it."""
    require_reader(actor)
    report = audit.verify_log()
    last = report.last_checkpoint
    result = Verification(
        ok=report.ok,
        checked=report.checked,
        checkpoints=report.checkpoints,
        unanchored=report.unanchored,
        entry_id=report.entry_id,
        message=_reason(report.reason),
        last_checkpoint_id=last.entry_id if last else None,
        last_checkpoint_count=last.count if last else None,
        last_checkpoint_at=_when(last.at) if last else "",
    )
    audit.record_event(
        events.VERIFIED,
        ok=report.ok,
        checked=report.checked,
        entry=report.entry_id,
        checkpoints=report.checkpoints,
    )
    return result


def _reason(reason: str) -> str:
    """A verification's reason (English, marked for translation) in the reader's language."""
    if not reason:
        return ""
    prefix = f"{CONTRADICTS}: "
    if reason.startswith(prefix):
        detail = reason[len(prefix) :]
        known = _(detail)
        if known == detail and detail.startswith("it counted"):
            known = _("the number of entries up to it differs from the log")
        return f"{_(CONTRADICTS)}：{known}"
    return _(reason)


EXPORT_HEADERS = (
    gettext_lazy("No."),
    gettext_lazy("Time"),
    gettext_lazy("Act"),
    gettext_lazy("By"),
    gettext_lazy("Source"),
    gettext_lazy("Unit"),
    gettext_lazy("Object type"),
    gettext_lazy("Object"),
    gettext_lazy("What changed"),
)

SOURCES = {
    "web": gettext_lazy("web page"),
    "api": gettext_lazy("API"),
    "command": gettext_lazy("command"),
    "job": gettext_lazy("background job"),
    "system": gettext_lazy("system"),
}


def source_label(source: str) -> str:
    return str(SOURCES.get(source, source))


@service
def export(actor: Any, filters: Filters) -> bytes:
    """The entries `actor` may read that match `filters`, as a workbook (formula cells
    neutralised); refused when more than `export_limit()` match. Recorded as an event."""
    found = entries(actor, filters)
    limit = export_limit()
    ids = list(found.values_list("id", flat=True)[: limit + 1])
    if len(ids) > limit:
        raise ValidationError(
            _("%(limit)d entries at most can be exported at once; narrow the filters (a date range, a unit).")
            % {"limit": limit}
        )
    rows = []
    chunk = 2000
    for start in range(0, len(ids), chunk):
        part = AuditEntry.objects.filter(id__in=ids[start : start + chunk]).select_related("actor", "unit")
        for item in describe(part.order_by("-id")):
            rows.append(_export_row(item))
    audit.record_event(events.EXPORTED, filters=filters.as_facts(), rows=len(rows))
    return excel.export_rows(str(_("Audit log")), [str(h) for h in EXPORT_HEADERS], rows)


def _export_row(item: Described) -> list[Any]:
    entry = item.entry
    return [
        entry.pk,
        timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
        item.what,
        item.actor,
        source_label(entry.source),
        item.unit,
        item.object_type,
        entry.object_repr,
        "\n".join(_change_text(change) for change in item.changes),
    ]


def _change_text(change: Change) -> str:
    if change.secret:
        return f"{change.label}：{_('(changed, not shown)')}"
    if change.value:
        return f"{change.label}：{change.value}"
    return f"{change.label}：{change.before} → {change.after}"
