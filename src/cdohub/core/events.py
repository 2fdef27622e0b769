"""The framework's own audit events."""

from django.utils.translation import gettext_lazy as _

from .audit import event

DIGEST_SENT = event("core.digest_sent", _("Notification digest e-mailed"), "recipient", "notifications")
