"""The quality pages in the main menu (see core.navigation), in the standards and quality group."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry, group

group("standards", _("Data standards and quality"), order=30)
entry("standards", "quality:dashboard", _("Quality dashboard"), order=30)
entry("standards", "quality:issue_list", _("Quality issues"), order=40)
