"""The service helper: every state change runs in one transaction, attributed in the audit log,
with its notifications sent only once the transaction has committed."""

import functools

from django.db import transaction

from . import audit
from .models import Notification


def service(func):
    """Decorate a service `func(actor, ...)`: atomic, and every audit entry it writes names the actor."""

    @functools.wraps(func)
    def wrapper(actor, *args, **kwargs):
        source = audit.current_actor().source
        with transaction.atomic(), audit.acting_as(actor, source):
            return func(actor, *args, **kwargs)

    return wrapper


def notify_on_commit(recipients, title: str, body: str = "", url: str = "") -> None:
    """Queue in-app notifications; they appear only if the surrounding transaction commits."""
    recipients = list(recipients)

    def send():
        Notification.objects.bulk_create(
            Notification(recipient=user, title=title, body=body, url=url) for user in recipients
        )

    transaction.on_commit(send)
