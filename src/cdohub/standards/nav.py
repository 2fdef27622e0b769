"""The standards' pages in the main menu (see core.navigation), in the standards and quality group."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry, gate, group

from .policies import may_maintain

group("standards", _("Data standards and quality"), order=30)
entry("standards", "standards:element_list", _("Data elements"), order=10)
entry("standards", "standards:codeset_list", _("Code sets"), order=20)
gate("standards:import", may_maintain)  # the import page's own check
