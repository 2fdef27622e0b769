"""The audit log in the main menu (see core.navigation): for those who may read it."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry

from .services import may_read_log

entry("system", "auditlog:log", _("Audit log"), order=10, allowed=may_read_log)
