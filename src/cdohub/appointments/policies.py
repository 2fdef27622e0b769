"""Who may see and act on appointments and plans.

Seeing follows the unit tree like everything else. Acting is an act of a body: only roles granted
on the appointing (or filing) body itself, or on the government it belongs to, count; a grant
higher up does not, so the provincial bureau cannot decide what a city bureau receives.
"""

from cdohub.accounts.choices import ALL_ROLES, Role
from cdohub.core.permissions import Scope, register, within_subtrees
from cdohub.org.choices import UnitKind
from cdohub.org.models import ScopeMember

from .models import Appointment, ImplementationPlan

register(Appointment, "unit__path", view=ALL_ROLES)
register(ImplementationPlan, "unit__path", view=ALL_ROLES)

# Who records an appointment or a plan for a body, by the kind of body.
PREPARERS = {
    UnitKind.LEADING_GROUP: frozenset({Role.LEADING_GROUP_OFFICE}),
    UnitKind.GOVERNMENT: frozenset({Role.LEADING_GROUP_OFFICE, Role.BUREAU_ADMIN, Role.CDO}),
}
DEPARTMENT_PREPARERS = frozenset({Role.BUREAU_ADMIN, Role.CDEO, Role.DATA_SPECIALIST})
# Who decides a filing for the filing body.
DECIDERS = frozenset({Role.BUREAU_ADMIN})


def body_paths(body) -> set[str]:
    """The body itself and, for a department, data bureau or leading group, its government."""
    paths = {body.path}
    if not body.is_government:
        paths.add(body.path[: -body.steplen])
    return paths


def acts_for(user, body, roles) -> bool:
    return Scope.of(user).holds(roles, body_paths(body))


def preparer_roles(body) -> frozenset[str]:
    return PREPARERS.get(body.kind, DEPARTMENT_PREPARERS)


def may_prepare(user, body) -> bool:
    return acts_for(user, body, preparer_roles(body))


def may_decide(user, filing) -> bool:
    return acts_for(user, filing.filing_body, DECIDERS)


def visible_members(user, program):
    """The program's pilot scope members within the user's own scope (all of them for a superuser)."""
    members = ScopeMember.objects.filter(program=program)
    scope = Scope.of(user)
    if scope.superuser:
        return members
    return within_subtrees(members, "unit__path", scope.paths(scope.roles))
