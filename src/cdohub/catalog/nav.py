"""The catalog's pages in the main menu (see core.navigation), in the data resources group."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry, gate, group

from .policies import registrar_units

group("resources", _("Data resources"), order=20)
entry("resources", "catalog:search", _("Catalog search"), order=10)
entry("resources", "catalog:resource_list", _("Resource registrations"), order=20)
entry("resources", "catalog:campaign_list", _("Census campaigns"), order=30)
entry(
    "resources",
    "catalog:import",
    _("Import resources from Excel"),
    order=50,
    allowed=lambda user: registrar_units(user).exists(),  # the import page's own check
)
gate("catalog:resource_create", lambda user: registrar_units(user).exists())  # the form's own check
