"""The framework's own menu: the workbench first, the system pages last. Domain apps declare
their groups between the two (orders 10-800, spaced by ten so later apps slot in)."""

from django.utils.translation import gettext_lazy as _

from .navigation import HOME, entry, group

group("workbench", _("Workbench"), order=0, flat=True)
entry("workbench", HOME, _("Workbench"))

group("system", _("System"), order=900)
entry("system", "docs", _("API documentation"), order=50, sections=("/api/",))
entry("system", "admin:index", _("Administration"), order=90, allowed=lambda user: bool(user.is_staff))
