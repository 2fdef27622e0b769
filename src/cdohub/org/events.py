"""The org app's audit events: the region tree, units and pilot programs."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

REGIONS_LOADED = event("org.regions_loaded", _("Region codes loaded"), "count")
UNIT_CREATED = event("unit.created", _("Unit created"), "parent")
PROGRAM_LOADED = event("program.loaded", _("Pilot program loaded"), "sha256", "file")
SCOPE_NOMINATED = event("scope.nominated", _("Pilot unit nominated"), "program", "nominee", "category")
SCOPE_WITHDRAWN = event("scope.withdrawn", _("Pilot unit withdrawn"), "program", "nominee")
CALENDAR_LOADED = event(
    "calendar.loaded", _("Official holiday schedule loaded"), "year", "notice", "holidays", "workdays"
)
