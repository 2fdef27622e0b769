"""The audit log: who changed what, and the named domain events, in one hash chain.

Writers never pass the actor around by hand: the request middleware, the service helper, jobs and
management commands set it with `acting_as`, and every change recorded meanwhile carries it.
"""

import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from .checkpoints import (
    Checkpoint,
    CheckpointFileError,
    checkpoint_every,
    read_checkpoints,
    verify_checkpoints,
    write_checkpoint,
)
from .models import GENESIS_HASH, AuditChainHead, AuditEntry, TrackedModel


@dataclass(frozen=True)
class Actor:
    user: object = None  # a user, a lazy request user, or None for the system
    source: str = "system"  # web, api, command, job, system


_SYSTEM = Actor()
_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("cdohub_actor", default=None)


@contextmanager
def acting_as(user: Any = None, source: str | None = None) -> Iterator[None]:
    """Attribute every audit entry written inside the block to `user`, coming from `source`."""
    current = current_actor()
    token = _actor.set(Actor(user=user, source=source or current.source))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> Actor:
    return _actor.get() or _SYSTEM


def jsonable(value: Any) -> Any:
    """`value` as plain JSON types, the way the audit log stores it."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _actor_fields() -> dict[str, Any]:
    actor = current_actor()
    user: Any = actor.user
    if user is not None and getattr(user, "is_authenticated", False):
        return {"actor_id": user.pk, "actor_name": user.get_username(), "source": actor.source}
    return {"actor_id": None, "actor_name": "", "source": actor.source}


def _append(**fields: Any) -> AuditEntry:
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(at=timezone.now(), prev_hash=head.last_hash, **_actor_fields(), **fields)
        entry.data = jsonable(entry.data)
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_hash=entry.hash, last_entry_id=entry.pk)
        if entry.pk % checkpoint_every() == 0:
            # Signed once committed; a checkpoint that cannot be written is logged, not the
            # writer's failure, and the periodic `audit checkpoint` signs the head later.
            transaction.on_commit(write_checkpoint, robust=True)
    return entry


def _object_fields(obj: models.Model | None) -> dict[str, Any]:
    if obj is None:
        return {}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:255],
        "unit_id": getattr(obj, "audit_unit_id", None),
    }


# Named domain events -------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A legally significant act, declared once in its app's `events.py` with the facts it records.

    Declaring events as objects, not free strings, gives one registry to list (the audit log's
    filter, the user guide) and lets a typo fail at import, not in a bureau's audit trail.
    """

    name: str
    label: str | Promise  # what a reader of the audit log sees, translated
    records: frozenset[str]  # the keys its data may hold

    def __str__(self) -> str:
        return self.name


_events: dict[str, Event] = {}


def event(name: str, label: str | Promise, *records: str) -> Event:
    """Declare the event `name` ("app.act"), recording `records` in its data."""
    if name in _events:
        raise ImproperlyConfigured(f"Audit event {name!r} is declared twice")
    declared = Event(name, label, frozenset(records))
    _events[name] = declared
    return declared


def events() -> list[Event]:
    """Every declared event, by name."""
    return sorted(_events.values(), key=lambda e: e.name)


def event_named(name: str) -> Event:
    return _events[name]


def record_event(
    event: Event, obj: models.Model | None = None, unit_id: int | None = None, **data: Any
) -> AuditEntry:
    """Record `event` about `obj`, with the facts that make it meaningful."""
    undeclared = set(data) - event.records
    if undeclared:
        raise ImproperlyConfigured(f"Audit event {event.name!r} does not record {sorted(undeclared)}")
    fields = _object_fields(obj)
    if unit_id is not None:
        fields["unit_id"] = unit_id
    return _append(kind=AuditEntry.Kind.EVENT, action=event.name, data=data, **fields)


# Field-level changes of every TrackedModel --------------------------------------------------


def _field_values(instance: TrackedModel) -> dict[str, Any]:
    exclude = set(instance.audit_exclude)
    return {
        f.attname: _stored(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.attname not in exclude
    }


def _stored(value: Any) -> Any:
    """What the database holds: a file field holds the file's name."""
    return value.name if isinstance(value, FieldFile) else value


@receiver(post_save)
def _record_save(
    sender: type, instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
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
def _record_delete(sender: type, instance: models.Model, **kwargs: Any) -> None:
    if isinstance(instance, TrackedModel):
        _append(
            kind=AuditEntry.Kind.CHANGE,
            action="delete",
            data={name: [value, None] for name, value in _field_values(instance).items()},
            **_object_fields(instance),
        )


# Verification --------------------------------------------------------------------------------


# What a broken chain says, in English; marked so pages show it translated.
LINK_BROKEN = gettext_noop("link broken: an entry before it was removed or altered")
ALTERED = gettext_noop("content altered after it was written")
TAIL_REMOVED = gettext_noop("entries removed from the end of the log")


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
            return ChainReport(checked, False, entry.pk, LINK_BROKEN)
        if entry.compute_hash() != entry.hash:
            return ChainReport(checked, False, entry.pk, ALTERED)
        prev = entry.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(checked, False, head.last_entry_id, TAIL_REMOVED)
    return ChainReport(checked, True)


@dataclass
class LogReport:
    """The whole check `cdohub audit verify` and the audit log page run: the chain, then the
    signed checkpoints. `reason` is English, marked for translation (pages show `gettext(reason)`)."""

    ok: bool
    checked: int  # entries whose link and content were recomputed
    checkpoints: int = 0
    unanchored: int = 0  # entries newer than the last checkpoint
    last_checkpoint: Checkpoint | None = None
    entry_id: int | None = None  # the first entry found tampered
    reason: str = ""
    stage: str = "chain"  # where it broke: "chain", "checkpoints" or "file" (unreadable checkpoints)


def verify_log(checkpoints_path: Any = None) -> LogReport:
    """Recompute the chain, then check it against the signed checkpoints (the local file, or
    `checkpoints_path`, e.g. a third party's copy); the first tampered entry if any."""
    chain = verify_chain()
    if not chain.ok:
        return LogReport(False, chain.checked, entry_id=chain.entry_id, reason=chain.reason)
    try:
        anchor = verify_checkpoints(checkpoints_path)
        signed = read_checkpoints(checkpoints_path)
    except CheckpointFileError as error:
        return LogReport(False, chain.checked, reason=str(error), stage="file")
    last = max(signed, key=lambda c: c.entry_id) if signed else None
    return LogReport(
        anchor.ok,
        chain.checked,
        checkpoints=anchor.checkpoints,
        unanchored=anchor.unanchored,
        last_checkpoint=last,
        entry_id=anchor.entry_id,
        reason=anchor.reason,
        stage="chain" if anchor.ok else "checkpoints",
    )
