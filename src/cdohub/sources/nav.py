"""The source databases in the main menu (see core.navigation), in the data resources group."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry, group

group("resources", _("Data resources"), order=20)
entry("resources", "sources:source_list", _("Data sources"), order=40)
