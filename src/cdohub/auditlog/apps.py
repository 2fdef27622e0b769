from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditLogConfig(AppConfig):
    name = "cdohub.auditlog"
    verbose_name = _("Audit log")

    def ready(self):
        from . import events, policies  # noqa: F401
