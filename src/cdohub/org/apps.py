from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "cdohub.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from . import checks, policies  # noqa: F401
