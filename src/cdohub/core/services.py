"""The service helper: every state change runs in one transaction, attributed in the audit log,
with its notifications sent only once the transaction has committed."""

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.mail import send_mass_mail
from django.db import models, transaction

from . import audit, clock
from .models import Notification, subject_key

logger = logging.getLogger(__name__)
T = TypeVar("T")


def service(func: Callable[..., T]) -> Callable[..., T]:
    """Decorate a service `func(actor, ...)`: atomic, and every audit entry it writes names the actor."""

    @functools.wraps(func)
    def wrapper(actor: Any, *args: Any, **kwargs: Any) -> T:
        source = audit.current_actor().source
        with transaction.atomic(), audit.acting_as(actor, source):
            return func(actor, *args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Notice:
    """A notification to queue: who hears of it, what it says, where it links; by email too if asked."""

    recipients: Iterable[Any]
    title: str
    body: str = ""
    url: str = ""
    email: bool = False
    subject: models.Model | None = None  # what it is about; a later decision on it settles it

    def queue(self, subject: models.Model | None = None) -> None:
        """Queue it; `subject` names what it is about when the notice itself does not."""
        notify_on_commit(
            self.recipients,
            self.title,
            self.body,
            self.url,
            email=self.email,
            subject=self.subject or subject,
        )


def notify_on_commit(
    recipients: Iterable[Any],
    title: str,
    body: str = "",
    url: str = "",
    *,
    email: bool = False,
    subject: models.Model | None = None,
) -> None:
    """Queue in-app notifications, and with `email` a mail to each recipient that has an address;
    they go out only if the surrounding transaction commits. `subject` is the object they are
    about: a later decision on it settles them (`settle_notices`)."""
    recipients = list(recipients)
    subject_type, subject_id = subject_key(subject) if subject is not None else ("", "")

    def send() -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient=user,
                title=title,
                body=body,
                url=url,
                subject_type=subject_type,
                subject_id=subject_id,
            )
            for user in recipients
        )
        if email:
            _mail([(title, body, None, [user.email]) for user in recipients if user.email])

    transaction.on_commit(send)


def settle_notices(subject: models.Model, outcome: str) -> int:
    """Mark the open notices about `subject` as settled by `outcome` (what was decided), so they
    leave the unread count and say that the matter moved on. Returns how many were settled.

    Called inside the deciding transaction; the notices of the decision itself are created after
    it commits, so they stay open.
    """
    subject_type, subject_id = subject_key(subject)
    return Notification.objects.filter(
        subject_type=subject_type, subject_id=subject_id, settled_at__isnull=True
    ).update(settled_at=clock.now(), settled_by=outcome[:200])


def _mail(mails: list[tuple[str, str, None, list[str]]]) -> None:
    """Email is a second channel: a mail server failure is logged and never stops the work."""
    if not mails:
        return
    try:
        send_mass_mail(mails, fail_silently=False)
    except Exception:  # noqa: BLE001  (SMTP, DNS, TLS: whatever the server does, the work goes on)
        logger.exception("Email to %d recipients failed", len(mails))
