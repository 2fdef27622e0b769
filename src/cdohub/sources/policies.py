"""Who may see and act on data sources and discovery runs.

Everyone with a role sees the sources of the units in their scope. A unit's data specialist, CDO
and CDEO, and the data bureau administrators above it, register sources, change them, test them
and run discovery (a role granted on a unit covers the units below it).
"""

from cdohub.core.permissions import register, units_where
from cdohub.org.choices import ALL_ROLES, Role
from cdohub.org.models import Unit

from .models import DataSource, DiscoveredTable, DiscoveryRun

MANAGERS = frozenset({Role.DATA_SPECIALIST, Role.CDO, Role.CDEO, Role.BUREAU_ADMIN})

for model, unit_path in (
    (DataSource, "unit__path"),
    (DiscoveryRun, "source__unit__path"),
    (DiscoveredTable, "run__source__unit__path"),
):
    register(
        model,
        unit_path,
        view=ALL_ROLES,
        register=MANAGERS,
        change=MANAGERS,
        check=MANAGERS,
        discover=MANAGERS,
    )


def registrable_units(user):
    """The units on which `user` may register a source."""
    return Unit.objects.filter(units_where(user, MANAGERS), is_active=True)
