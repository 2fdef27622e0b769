from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from cdohub.accounts import events
from cdohub.core import audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    with audit.acting_as(user, "web"):
        audit.record_event(events.SIGNED_IN, user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    audit.record_event(events.SIGN_IN_FAILED, username=credentials.get("username", ""), ip=ip)
