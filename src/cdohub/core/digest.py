"""The daily e-mail digest: for each person who asked for it, their unread notifications in one mail.

Run by the `digest` command, which `cdohub periodic` schedules every hour; a person gets at most one
digest a day, holding only what is still unread and was not in an earlier digest. Each sent digest
is recorded in the audit log (to whom, how many notices), as official notices left the platform.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import audit, clock, events
from .models import Notification, NotificationPreference
from .services import _mail  # the one place a mail failure is logged and never stops the work

MOST = 50  # notices listed in one digest; the rest wait in the app


def due_preferences(now: datetime) -> QuerySet[NotificationPreference]:
    """Those who asked for a digest and had none today."""
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    wanting = NotificationPreference.objects.filter(email_digest=True, user__is_active=True).exclude(
        user__email=""
    )
    return wanting.exclude(last_digest_at__gte=today_start).select_related("user")


def send_digests(now: datetime | None = None) -> int:
    """Send today's digests; returns how many were sent."""
    now = now or clock.now()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for preference in due_preferences(now):
            sent += _send_one(preference, now)
    return sent


def _send_one(preference: NotificationPreference, now: datetime) -> int:
    with transaction.atomic():
        preference = NotificationPreference.objects.select_for_update().get(pk=preference.pk)
        notices = list(
            Notification.objects.unread().filter(recipient=preference.user, emailed_at__isnull=True)[:MOST]
        )
        preference.last_digest_at = now
        preference.save(update_fields=["last_digest_at", "updated_at"])
        if not notices:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
        user = preference.user
        audit.record_event(events.DIGEST_SENT, user, recipient=user.pk, notifications=[n.pk for n in notices])
        subject, body = compose(notices)
        transaction.on_commit(lambda: _mail([(subject, body, None, [user.email])]))
    return 1


def compose(notices: list[Notification]) -> tuple[str, str]:
    """The digest's subject and plain-text body."""
    subject = ngettext(
        "%(site)s: %(n)d unread notification", "%(site)s: %(n)d unread notifications", len(notices)
    ) % {"site": settings.CDOHUB["SITE_NAME"], "n": len(notices)}
    base = str(settings.CDOHUB.get("BASE_URL", "")).rstrip("/")
    lines = []
    for notice in notices:
        lines.append(f"- {timezone.localtime(notice.created_at):%Y-%m-%d %H:%M}  {notice.title}")
        if notice.url:
            lines.append(f"  {base}{notice.url}")
    footer = _("You receive this digest because you asked for it on your profile page.")
    return subject, "\n".join([*lines, "", footer])
