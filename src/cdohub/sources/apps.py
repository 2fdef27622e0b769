from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "cdohub.sources"
    verbose_name = _("Data sources and discovery")

    def ready(self):
        from . import checks, policies  # noqa: F401
