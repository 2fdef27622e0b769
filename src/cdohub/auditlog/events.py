"""The audit log's own audit events: reading the log out and checking it are themselves recorded."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

VERIFIED = event("audit.verified", _("Audit log verified"), "ok", "checked", "entry", "checkpoints")
EXPORTED = event("audit.exported", _("Audit log exported"), "filters", "rows")
