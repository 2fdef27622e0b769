"""Declared workflows: states and guarded transitions, with optimistic versions.

A model in a workflow has `status` and `version` fields. A transition is taken on the version the
actor saw; the row is locked and re-read first, so of two people deciding at once exactly one wins
and the other gets a `Conflict` that says what happened instead.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Conflict(ValidationError):
    """The object moved on since the actor looked at it."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    needs_comment: bool = False


class Workflow:
    def __init__(self, *transitions: Transition):
        self.transitions = {t.name: t for t in transitions}

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def available(self, status: str) -> list[Transition]:
        return [t for t in self.transitions.values() if status in t.sources]

    def claim(self, obj, name: str, seen_version: int | None, comment: str = "", *, describe=str):
        """Lock `obj`'s row and check `name` may be taken on it now; returns the fresh object.

        `describe(fresh)` tells a late actor what happened instead (e.g. the last decision).
        """
        transition = self[name]
        if transition.needs_comment and not comment.strip():
            raise ValidationError(_("Give a reason."), code="comment_required")
        fresh = type(obj).objects.select_for_update().get(pk=obj.pk)
        if seen_version is not None and fresh.version != seen_version:
            raise Conflict(
                _("Someone else acted first: %(what)s. Reload to see the current state.")
                % {"what": describe(fresh)},
                code="conflict",
            )
        if fresh.status not in transition.sources:
            raise ValidationError(
                _("This cannot be done while the status is %(status)s.")
                % {"status": fresh.get_status_display()},
                code="wrong_state",
            )
        return fresh

    @staticmethod
    def advance(obj, transition: Transition) -> str:
        """Move the claimed `obj` on; returns the status it left."""
        previous = obj.status
        obj.status = transition.target
        obj.version += 1
        return previous
