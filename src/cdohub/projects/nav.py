"""The IT projects' pages in the main menu (see core.navigation)."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry, group

group("projects", _("IT project management"), order=40)
entry("projects", "projects:project_list", _("IT projects"), order=10)
entry("projects", "projects:finding_list", _("Supervision findings"), order=20)
entry("projects", "projects:dashboard", _("Supervision dashboard"), order=30)
