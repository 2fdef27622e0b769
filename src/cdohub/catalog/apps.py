from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "cdohub.catalog"
    verbose_name = _("Data resource catalog and census")

    def ready(self):
        from . import policies  # noqa: F401
