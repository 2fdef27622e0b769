"""The audit log: who changed what, and the named domain events, in one hash chain.

Writers never pass the actor around by hand: the request middleware, the service helper, jobs and
management commands set it with `acting_as`, and every change recorded meanwhile carries it.
"""

import contextvars
import json
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditEntry, TrackedModel


@dataclass(frozen=True)
class Actor:
    user: object = None  # a user, a lazy request user, or None for the system
    source: str = "system"  # web, api, command, job, system


_SYSTEM = Actor()
_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("cdohub_actor", default=None)


@contextmanager
def acting_as(user=None, source: str | None = None):
    """Attribute every audit entry written inside the block to `user`, coming from `source`."""
    current = current_actor()
    token = _actor.set(Actor(user=user, source=source or current.source))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    return _actor.get() or _SYSTEM


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _actor_fields() -> dict:
    actor = current_actor()
    user = actor.user
    if user is not None and getattr(user, "is_authenticated", False):
        return {"actor_id": user.pk, "actor_name": user.get_username(), "source": actor.source}
    return {"actor_id": None, "actor_name": "", "source": actor.source}


def _append(**fields) -> AuditEntry:
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(at=timezone.now(), prev_hash=head.last_hash, **_actor_fields(), **fields)
        entry.data = _jsonable(entry.data)
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_hash=entry.hash, last_entry_id=entry.pk)
    return entry


def _object_fields(obj) -> dict:
    if obj is None:
        return {}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:255],
        "unit_id": getattr(obj, "audit_unit_id", None),
    }


def record_event(name: str, obj=None, unit_id=None, **data) -> AuditEntry:
    """A named domain event (e.g. "scope.nominated"), with the facts that make it meaningful."""
    fields = _object_fields(obj)
    if unit_id is not None:
        fields["unit_id"] = unit_id
    return _append(kind=AuditEntry.Kind.EVENT, action=name, data=data, **fields)


# Field-level changes of every TrackedModel --------------------------------------------------


def _field_values(instance) -> dict:
    exclude = set(instance.audit_exclude)
    return {
        f.attname: _stored(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.attname not in exclude
    }


def _stored(value):
    """What the database holds: a file field holds the file's name."""
    return value.name if isinstance(value, FieldFile) else value


@receiver(post_save)
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, TrackedModel):
        return
    values = _field_values(instance)
    before = getattr(instance, "_audit_snapshot", None)
    if created or before is None:
        changes = {name: [None, value] for name, value in values.items() if value not in (None, "")}
        action = "create" if created else "update"
    else:
        changes = {
            name: [before[name], value]
            for name, value in values.items()
            if name in before and before[name] != value
        }
        action = "update"
    instance._audit_snapshot = values
    if changes:
        _append(kind=AuditEntry.Kind.CHANGE, action=action, data=changes, **_object_fields(instance))


@receiver(post_delete)
def _record_delete(sender, instance, **kwargs):
    if isinstance(instance, TrackedModel):
        _append(
            kind=AuditEntry.Kind.CHANGE,
            action="delete",
            data={name: [value, None] for name, value in _field_values(instance).items()},
            **_object_fields(instance),
        )


# Verification --------------------------------------------------------------------------------


@dataclass
class ChainReport:
    checked: int
    ok: bool
    entry_id: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Recompute every link; report the first entry whose content or link does not match."""
    prev = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return ChainReport(
                checked, False, entry.pk, "link broken: an entry before it was removed or altered"
            )
        if entry.compute_hash() != entry.hash:
            return ChainReport(checked, False, entry.pk, "content altered after it was written")
        prev = entry.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(checked, False, head.last_entry_id, "entries removed from the end of the log")
    return ChainReport(checked, True)
