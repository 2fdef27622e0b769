"""Who may see and act on appointments and plans.

Seeing follows the unit tree like everything else. Acting is an act of a body, and only roles
granted on that body count, never a grant higher up (the provincial bureau does not decide what a
city bureau receives, nor appoint a department's CDO). A leading group and a data bureau act
through their government's office and administrators, so for them a grant on that government
counts too (the house rule: bureau roles are granted on the government the bureau serves).
"""

from cdohub.core.permissions import Scope, register, units_where
from cdohub.org.choices import ALL_ROLES, Role, UnitKind
from cdohub.org.models import ScopeMember

from .models import Appointment, ImplementationPlan

register(Appointment, "unit__path", view=ALL_ROLES)
register(ImplementationPlan, "unit__path", view=ALL_ROLES)

# Who records an appointment or a plan for a body, by the kind of body.
PREPARERS = {
    UnitKind.LEADING_GROUP: frozenset({Role.LEADING_GROUP_OFFICE}),
    UnitKind.GOVERNMENT: frozenset({Role.LEADING_GROUP_OFFICE, Role.BUREAU_ADMIN, Role.CDO}),
}
DEPARTMENT_PREPARERS = frozenset({Role.CDEO, Role.DATA_SPECIALIST})
# Who decides a filing for the filing body.
DECIDERS = frozenset({Role.BUREAU_ADMIN})


def body_paths(body) -> set[str]:
    """Where a grant must be to act for `body`: on it, or for a leading group or data bureau also
    on its government. A department acts only through roles granted on the department."""
    paths = {body.path}
    if body.kind in (UnitKind.LEADING_GROUP, UnitKind.DATA_BUREAU):
        paths.add(body.path[: -body.steplen])
    return paths


def acts_for(user, body, roles) -> bool:
    return Scope.of(user).holds(roles, body_paths(body))


def preparer_roles(body) -> frozenset[str]:
    return PREPARERS.get(body.kind, DEPARTMENT_PREPARERS)


def may_prepare(user, body) -> bool:
    return acts_for(user, body, preparer_roles(body))


def members_in_scope(user, program):
    """The program's pilot scope members within the user's own scope (all of them for a superuser)."""
    return ScopeMember.objects.filter(units_where(user, unit_path="unit__path"), program=program)
