"""Reading one's notifications: read and unread, opening one, the e-mail digest preference."""

from typing import Any

from django.db.models import QuerySet

from . import clock
from .models import Notification, NotificationPreference
from .services import service


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody reads another person's."""
    return Notification.objects.filter(recipient=user)


def unread(user: Any) -> QuerySet[Notification]:
    """The user's notices neither read nor settled."""
    return Notification.objects.unread().filter(recipient=user)


def unread_count(user: Any) -> int:
    """One COUNT on the partial index of unread notices (every page asks, for the navbar)."""
    return unread(user).count()


def mark_read(user: Any, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise ValueError("Only its recipient reads a notification.")
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )


def mark_all_read(user: Any) -> int:
    """Mark every unread notice of `user` read; how many were."""
    return inbox(user).filter(read_at__isnull=True).update(read_at=clock.now())


def wants_digest(user: Any) -> bool:
    return NotificationPreference.objects.filter(user=user, email_digest=True).exists()


@service
def set_digest(actor: Any, email_digest: bool) -> NotificationPreference:
    """Ask for the daily e-mail digest, or stop it (the change is audited)."""
    preference, _created = NotificationPreference.objects.get_or_create(user=actor)
    if preference.email_digest != email_digest:
        preference.email_digest = email_digest
        preference.save()
    return preference
