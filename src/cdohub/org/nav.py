"""The organisation's pages in the main menu (see core.navigation)."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.navigation import entry, gate, group
from cdohub.core.permissions import Scope, subtrees

from .choices import ADMIN_ROLES, ScopeCategory
from .models import ScopeMember

group("organisation", _("Organisation and appointments"), order=10)
entry("organisation", "org:dashboard", _("Pilot dashboard"), order=10)
entry("organisation", "org:program_list", _("Pilot programs"), order=20)
entry("organisation", "org:unit_list", _("Units"), order=30)
entry("system", "org:official_calendar", _("Working-day calendar"), order=20)


def may_import_units(user) -> bool:
    """The unit import's own check: a system or bureau administrator somewhere."""
    scope = Scope.of(user)
    return scope.superuser or bool(scope.paths(ADMIN_ROLES))


gate("org:unit_import", may_import_units)


def may_nominate(user) -> bool:
    """The nomination import's rule, row by row, asked once: an administrator over a pilot city."""
    scope = Scope.of(user)
    if scope.superuser:
        return True
    cities = ScopeMember.objects.filter(category=ScopeCategory.PILOT_CITY)
    return cities.filter(subtrees("unit__path", scope.paths(ADMIN_ROLES))).exists()


gate("org:nomination_import", may_nominate)
