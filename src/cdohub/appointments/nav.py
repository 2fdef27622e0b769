"""The CDO appointments' pages in the main menu (see core.navigation), in the organisation group."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry, gate
from cdohub.org.services import primary_program

entry("organisation", "appointments:filing_dashboard", _("CDO filing status"), order=40)
entry("organisation", "appointments:appointment_list", _("CDO appointments"), order=50, sections=("/cdo/",))
entry("organisation", "appointments:plan_list", _("Implementation plans"), order=60)
entry("organisation", "appointments:roster", _("CDO roster"), order=70)


def may_appoint(user) -> bool:
    """The new-appointment page's own check: the user appoints to some post in the pilot scope."""
    from . import views  # the pages' rules, imported when first asked (views import this app's forms)

    program = primary_program()
    return program is not None and bool(views._preparable(user, program))


def may_file_a_plan(user) -> bool:
    """The new-plan page's own check: the user files the implementation plan of some pilot."""
    from . import views

    program = primary_program()
    return program is not None and bool(views.plan_units(user, program))


gate("appointments:appointment_create", may_appoint)
gate("appointments:plan_create", may_file_a_plan)
