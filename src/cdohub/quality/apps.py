from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "cdohub.quality"
    verbose_name = _("Data quality")

    def ready(self):
        from . import policies  # noqa: F401
