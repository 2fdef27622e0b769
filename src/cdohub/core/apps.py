from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cdohub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # audit connects the field-level change signals; checks registers the system checks
        from . import audit, checks  # noqa: F401

        autodiscover_modules("events")  # every app's audit events, declared in its events.py
