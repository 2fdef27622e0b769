from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cdohub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import audit, checks, tables  # noqa: F401  (connects the change signals, registers the checks)

        tables.install()

        autodiscover_modules("events")  # every app's audit events, declared in its events.py
        autodiscover_modules("workbench")  # every app's "waiting for you" queries (core.workbench)
        autodiscover_modules("nav")  # every app's menu entries, declared in its nav.py
