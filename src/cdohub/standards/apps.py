from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "cdohub.standards"
    verbose_name = _("Data standards")

    def ready(self):
        from . import policies  # noqa: F401
