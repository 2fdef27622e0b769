"""Declared workflows: states, guarded steps, separation of duties and optimistic versions.

A model in a workflow has `status` and `version` fields. A step is taken on the version the actor
saw: the row is locked and re-read first, so of two people deciding at once exactly one wins and the
other gets a `Conflict` (HTTP 409) that says what happened instead. Each step declares who may take
it (`guard`), who may not (`not_by`: whoever drafted or submitted, say), whether it needs a comment,
its audit event and whom it tells; `Workflow.take` does all of it and writes one decision record.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit, clock
from .models import DecisionRecord
from .permissions import require
from .services import Notice, settle_notices

Row = Any  # a model instance with `status` and `version` fields
User = Any  # who acts
Text = str | Promise  # a message, translated now or lazily
Guard = Callable[[User, Row], None]  # raises PermissionDenied (or Http404) to refuse
Changes = dict[str, Any] | Callable[[Row, datetime], dict[str, Any]] | None
GIVE_A_REASON = gettext_lazy("Give a reason.")
WRONG_STATE = gettext_lazy("This cannot be done while the status is %(status)s.")


class Conflict(ValidationError):
    """The object moved on since the actor looked at it."""


def lock(obj: Row, seen_version: int | None, message: Text | Callable[[Row], str] | None = None) -> Row:
    """Lock `obj`'s row and re-read it; refuse with a `Conflict` if it moved on from `seen_version`.

    For edits outside a workflow step that still need the optimistic check; None skips the check.
    `message` (or `message(fresh)`) says what happened instead.
    """
    fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
    if seen_version is not None and fresh.version != int(seen_version):
        if callable(message):
            message = message(fresh)
        raise Conflict(
            str(message or _("Someone else changed this meanwhile. Reload and try again.")), code="conflict"
        )
    return fresh


@dataclass(frozen=True)
class Step:
    name: str  # also the decision record's action
    sources: tuple[str, ...]
    target: str
    event: audit.Event  # recorded when the step is taken
    guard: str | Guard | None = None  # an action of the object's Policy, or a check of its own
    not_by: tuple[str, ...] = ()  # user fields of the object ("submitted_by", "project__created_by")
    not_by_reason: Text = ""  # what whoever `not_by` names is told; required with `not_by`
    needs_comment: bool = False
    notify: Callable[[Row, User, str], Iterable[Notice]] | None = None  # (obj, actor, comment): whom to tell

    def __post_init__(self) -> None:
        if self.not_by and not self.not_by_reason:
            raise ValueError(f"Step {self.name!r} names who may not take it but not why.")


class Workflow:
    """The declared steps of one kind of object.

    `record` is the DecisionRecord model each step writes (None when the object records its
    decisions itself); `describe(fresh)` tells a late actor what happened instead; `comment_field`
    names the comment in the audit event; `wrong_state` is the refusal of a step the
    status does not allow (it may name `%(status)s` and `%(what)s`, the description).
    """

    def __init__(
        self,
        *steps: Step,
        record: type[DecisionRecord] | None = None,
        describe: Callable[[Row], str] = str,
        comment_field: str = "comment",
        comment_required: Text = GIVE_A_REASON,
        wrong_state: Text = WRONG_STATE,
    ) -> None:
        self.steps = {step.name: step for step in steps}
        for step in steps:  # each step's event records the version decided on and the comment
            missing = {"version", comment_field} - step.event.records
            if missing:
                raise ImproperlyConfigured(
                    f"Event {step.event.name!r} of step {step.name!r} lacks {sorted(missing)}"
                )
        self.record = record
        self.describe = describe
        self.comment_field = comment_field
        self.comment_required = comment_required
        self.wrong_state = wrong_state

    def __getitem__(self, name: str) -> Step:
        return self.steps[name]

    def allows(self, obj: Row, name: str, actor: User) -> bool:
        """Whether `actor` may take step `name` on `obj` as it stands: what a page asks before it
        offers the step, by the same rules `take` enforces."""
        step = self[name]
        if obj.status not in step.sources:
            return False
        try:
            self._check_guard(step, actor, obj)
            self._check_duties(step, actor, obj)
        except (PermissionDenied, Http404):
            return False
        return True

    def lock(self, obj: Row, seen_version: int | None) -> Row:
        """`lock`, telling a late actor what happened instead."""
        message = _("Someone else acted first: %(what)s. Reload to see the current state.")
        return lock(obj, seen_version, lambda fresh: message % {"what": self.describe(fresh)})

    @staticmethod
    def settled_text(fresh: Row, actor: User) -> str:
        """What older notices about `fresh` are told: where it stands now, and who moved it."""
        return _("Since then: %(status)s by %(who)s") % {"status": fresh.get_status_display(), "who": actor}

    def refuse_state(self, fresh: Row) -> ValidationError:
        what = {"status": fresh.get_status_display(), "what": self.describe(fresh)}
        return ValidationError(str(self.wrong_state) % what, code="wrong_state")

    def take(
        self,
        obj: Row,
        name: str,
        actor: User,
        seen_version: int | None,
        comment: str = "",
        *,
        changes: Changes = None,
        **facts: Any,
    ) -> Row:
        """Take step `name` on `obj` for `actor`, on the version they saw; returns the saved row.

        `changes` (a dict, or `changes(fresh, now)` returning one, which sees the locked row as it
        stood and may still refuse) sets further fields in the same save; `facts` go into the
        decision record and the audit event.
        """
        step = self[name]
        self._check_guard(step, actor, obj)
        fresh = self.lock(obj, seen_version)
        if fresh.status not in step.sources:
            raise self.refuse_state(fresh)
        self._check_duties(step, actor, fresh)
        comment = (comment or "").strip()
        if step.needs_comment and not comment:
            raise ValidationError(str(self.comment_required), code="comment_required")
        now, seen, previous = clock.now(), fresh.version, fresh.status
        updates = changes(fresh, now) if callable(changes) else changes or {}
        fresh.status, fresh.version = step.target, seen + 1
        for field, value in updates.items():
            setattr(fresh, field, value)
        fresh.save()
        if self.record is not None:
            self.record._default_manager.create(
                **self.record.subject_of(fresh),
                action=step.name,
                from_status=previous,
                to_status=step.target,
                version=seen,
                actor=actor,
                at=now,
                comment=comment,
                facts=facts,
            )
        said: dict[str, Any] = {self.comment_field: comment}  # audit data, typed as loosely as `facts`
        audit.record_event(step.event, fresh, version=seen, **said, **facts)
        settle_notices(fresh, self.settled_text(fresh, actor))
        for notice in step.notify(fresh, actor, comment) if step.notify else ():
            notice.queue(subject=fresh)
        return fresh

    @staticmethod
    def _check_guard(step: Step, actor: User, obj: Row) -> None:
        if isinstance(step.guard, str):
            require(actor, step.guard, obj)
        elif step.guard is not None:
            step.guard(actor, obj)

    @staticmethod
    def _check_duties(step: Step, actor: User, fresh: Row) -> None:
        """Separation of duties: whoever a `not_by` field names may not take the step."""
        for path in step.not_by:
            *hops, field = path.split("__")
            target = fresh
            for hop in hops:
                target = getattr(target, hop)
            if getattr(target, f"{field}_id") == actor.pk:
                raise PermissionDenied(str(step.not_by_reason))
