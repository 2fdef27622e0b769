from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "cdohub.appointments"
    verbose_name = _("CDO appointments and filing")

    def ready(self):
        from . import checks, policies  # noqa: F401
