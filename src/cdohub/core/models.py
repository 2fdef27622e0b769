"""Framework models: base classes, the audit log and in-app notifications. No domain models."""

import functools
import hashlib
import json
from collections.abc import Collection
from datetime import UTC, timedelta
from typing import Any, ClassVar, NoReturn, Self

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .jobs import ACTIVE_RUN, RunStatus

GENESIS_HASH = "0" * 64


@functools.cache
def _choice_labels(field: "models.Field[Any, Any]", language: str | None) -> dict[Any, str]:
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: "models.Field[Any, Any]") -> Any:
        """`get_<field>_display()`, with each field's labels translated once per language.

        Django rebuilds the label dictionary on every call, translating every choice again: a
        search page's 60 status and format labels cost a fifth of its time (bench/load.py profile).
        """
        value = getattr(self, field.attname)
        return _choice_labels(field, get_language()).get(make_hashable(value), value)


class TrackedModel(TimeStampedModel):
    """A model whose every field change is written to the audit log (see core.audit)."""

    audit_exclude: ClassVar[tuple[str, ...]] = ("created_at", "updated_at")
    _audit_snapshot: dict[str, Any]  # field values as last loaded or saved; unset on a new object

    class Meta:
        abstract = True

    @classmethod
    def from_db(  # type: ignore[override]  # the stubs add Django 6.1's fetch_mode; Django 5.2 has none
        cls, db: str | None, field_names: Collection[str], values: Collection[Any]
    ) -> Self:
        instance = super().from_db(db, field_names, values)
        instance._audit_snapshot = dict(zip(field_names, values, strict=True))
        return instance

    @property
    def audit_unit_id(self) -> int | None:
        """The unit this object belongs to, so the audit log can be read by unit scope."""
        return getattr(self, "unit_id", None)


class JobRun(TrackedModel):
    """A run of work done by a job, tracked from queued to finished (see core.jobs).

    A concrete run sets its hooks: `task`, the dotted path of its django-tasks task; and, where it
    differs, `progress_fields`, `stale_statuses`, `stale_after()` and `now`.
    """

    task: ClassVar[str]
    progress_fields: ClassVar[tuple[str, str]] = ("steps_done", "steps_total")
    stale_statuses: ClassVar[tuple[str, ...]] = ACTIVE_RUN  # what a worker that died leaves behind
    now = staticmethod(timezone.now)  # the clock of started and finished times
    audit_exclude = ("created_at", "updated_at", "steps_done", "steps_total")  # progress is written often

    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    steps_done = models.PositiveIntegerField(default=0, verbose_name=_("steps done"))
    steps_total = models.PositiveIntegerField(default=0, verbose_name=_("steps in all"))
    error = models.TextField(_("error"), blank=True)
    attempts_log = models.JSONField(_("earlier attempts"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def stale_after(cls) -> timedelta:
        """How long a run may go without a word before it counts as stale."""
        return timedelta(hours=1)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN


class DecisionRecord(models.Model):
    """Append-only: one step of a workflow (see core.workflow), who took it, when, on which version,
    from which status to which, with what comment and facts.

    An abstract base rather than one shared table: each app's record keeps a real foreign key to
    its subject (so the database guards the link and a subject's history is one indexed lookup),
    and each table can carry its own append-only trigger and retention. A concrete record adds its
    subject's foreign key and, where its subject has choices, re-declares `action`, `from_status`
    and `to_status` with them; `subject_of` says how a step's object fills its foreign key.
    """

    subject_field: ClassVar[str]

    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    version = models.PositiveIntegerField(_("version decided on"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)
    facts = models.JSONField(_("facts"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        abstract = True

    @classmethod
    def subject_of(cls, obj: models.Model) -> dict[str, models.Model]:
        return {cls.subject_field: obj}


class OfficialCalendar(TrackedModel):
    """One year's official holiday schedule as the State Council published it: the days off and the
    weekend days worked in lieu (调休). It overrides what core.calendar otherwise knows of the year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(_("notice"), max_length=200)
    holidays = models.JSONField(_("holidays"), default=list)  # ISO dates
    workdays = models.JSONField(_("working weekend days"), default=list)  # ISO dates

    class Meta:
        verbose_name = _("official calendar")
        verbose_name_plural = _("official calendars")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.notice}"


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit log.

    kind "change" rows are field-level changes of a model; kind "event" rows are named domain
    events (appointment.filed, scope.nominated, …). Both share one chain, so deleting or editing
    any row breaks the chain from that row on.
    """

    class Kind(models.TextChoices):
        CHANGE = "change", _("field change")
        EVENT = "event", _("domain event")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("at"), db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=16)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    unit_id = models.BigIntegerField(_("unit id"), null=True, blank=True, db_index=True)
    data = models.JSONField(_("data"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # Joins without columns or constraints: the log outlives the users and units it names, and
    # reading it by unit scope or actor's name is a join on the ids above.
    actor = models.ForeignObject(
        settings.AUTH_USER_MODEL,
        from_fields=["actor_id"],
        to_fields=["id"],
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        verbose_name=_("actor"),
    )
    unit = models.ForeignObject(
        settings.CDOHUB_UNIT_MODEL,
        from_fields=["unit_id"],
        to_fields=["id"],
        on_delete=models.DO_NOTHING,
        related_name="+",
        null=True,
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The audit log page reads newest first by actor or by unit (keyset on id).
            models.Index(fields=["actor_id", "id"], name="core_audit_actor_id_idx"),
            models.Index(fields=["unit_id", "id"], name="core_audit_unit_id_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("The audit log is append-only.")

    def canonical(self) -> str:
        body = {
            "at": self.at.astimezone(UTC).isoformat(),
            "kind": self.kind,
            "action": self.action,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "source": self.source,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "unit_id": self.unit_id,
            "data": self.data,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


class AuditChainHead(models.Model):
    """The newest link; locked while appending so concurrent writers extend the chain in turn."""

    last_hash = models.CharField(max_length=64, default=GENESIS_HASH, verbose_name=_("latest hash"))
    last_entry_id = models.BigIntegerField(null=True, verbose_name=_("latest entry"))

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return self.last_hash


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        """Not read, and not settled: what the navbar counts (one COUNT on a partial index)."""
        return self.filter(read_at__isnull=True, settled_at__isnull=True)


class Notification(models.Model):
    """A notice to one person. It may name its subject (the object it is about, as a model label
    and a primary key): once a decision is taken on that subject, older notices about it are
    settled, shown as such and no longer counted unread (see `settle_notices`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    subject_type = models.CharField(_("subject type"), max_length=64, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.CharField(_("settled by"), max_length=200, blank=True)  # what was decided
    emailed_at = models.DateTimeField(_("sent in a digest at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True, settled_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["subject_type", "subject_id"],
                condition=models.Q(settled_at__isnull=True),
                name="notification_open_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None and self.settled_at is None


def subject_key(obj: models.Model) -> tuple[str, str]:
    """How a notification names the object it is about."""
    return obj._meta.label_lower, str(obj.pk)


class NotificationPreference(TrackedModel):
    """How one person wants to hear of their notifications beyond the app: a daily e-mail digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_digest = models.BooleanField(_("daily e-mail digest of unread notifications"), default=False)
    last_digest_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)
    audit_exclude = ("created_at", "updated_at", "last_digest_at")

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)
