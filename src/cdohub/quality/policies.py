"""Who may see and act on quality bindings, rules, runs and issues.

Everyone with a role sees the quality of the resources of the units in their scope (a grant covers
its unit's subtree). The resource unit's registrars (data specialist, CDEO, CDO — as in the
catalog) and the data bureau administrators over it bind resources to tables, write rules and
start or cancel runs. The unit's registrars answer its issues.
"""

from cdohub.accounts.models import User
from cdohub.core.permissions import register, units_where
from cdohub.org.choices import ALL_ROLES, REGISTRARS, Role
from cdohub.org.models import Unit

from .models import Binding, Issue, Rule, RuleResult, Run

MANAGERS = REGISTRARS | {Role.BUREAU_ADMIN}
SPECIALISTS = frozenset({Role.DATA_SPECIALIST})
DECIDERS = frozenset({Role.CDO})

for model in (Binding, Rule, Run):
    register(model, "resource__unit__path", view=ALL_ROLES, change=MANAGERS, run=MANAGERS)
register(RuleResult, "run__resource__unit__path", view=ALL_ROLES)
register(Issue, "unit__path", view=ALL_ROLES, answer=REGISTRARS)


def specialists(unit: Unit):
    """Active data specialists of `unit` (granted on it); failing that, its registrars on it or
    above it — whoever keeps its data."""
    own = User.objects.filter(
        is_active=True, role_assignments__role__in=SPECIALISTS, role_assignments__unit=unit
    ).distinct()
    if own.exists():
        return own
    paths = [unit.path[:i] for i in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    return User.objects.filter(
        is_active=True, role_assignments__role__in=REGISTRARS, role_assignments__unit__path__in=paths
    ).distinct()


def cdo_body(unit: Unit) -> Unit:
    """The body whose CDO answers for `unit`: the unit itself if an account holds the CDO role on
    it, otherwise its government (政府首席数据官)."""
    if unit.is_government or body_cdos(unit).exists():
        return unit
    return unit.government()


def body_cdos(body: Unit):
    return User.objects.filter(
        is_active=True, role_assignments__role__in=DECIDERS, role_assignments__unit=body
    ).distinct()


def bureau_admins_over(unit: Unit):
    """Bureau administrators whose grant covers `unit` (told of escalations, see the dashboard)."""
    paths = [unit.path[:i] for i in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    return User.objects.filter(
        is_active=True, role_assignments__role=Role.BUREAU_ADMIN, role_assignments__unit__path__in=paths
    ).distinct()


def managed_units(user):
    """Units whose resources `user` may bind and check."""
    return Unit.objects.filter(units_where(user, MANAGERS), is_active=True)
