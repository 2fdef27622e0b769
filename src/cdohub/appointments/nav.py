"""The CDO appointments' pages in the main menu (see core.navigation), in the organisation group."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry

entry("organisation", "appointments:filing_dashboard", _("CDO filing status"), order=40)
entry("organisation", "appointments:appointment_list", _("CDO appointments"), order=50, sections=("/cdo/",))
entry("organisation", "appointments:plan_list", _("Implementation plans"), order=60)
entry("organisation", "appointments:roster", _("CDO roster"), order=70)
