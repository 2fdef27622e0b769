"""Who may see and act on IT projects, their reviews and supervision findings.

Seeing follows the unit tree like everything else. Acting:

* A unit's registrars (data specialist, CDEO, CDO — as in the catalog) prepare and submit its
  projects, and answer the findings it receives.
* **The unit's CDO decides** (approve, return, veto). Which CDO is fixed by the appointment
  register: a department (or data bureau) with a filed CDO appointment in force — or for which an
  account holds the CDO role on the department itself — has its own CDO; any other department is
  supervised by the CDO of its government (政府首席数据官); a government's projects go to its own
  government CDO. The account that acts is one holding the CDO role granted on exactly that body: a
  CDO higher up the tree does not decide a lower unit's projects, and neither does an administrator
  (a superuser holds no CDO grant). See `reviewing_body`.
* The data bureau of the same level (its administrators, whose roles are granted on the government
  the bureau serves) adds joint-review opinions (联审意见) before the decision; it does not decide.
* CDOs and bureau administrators record findings in their scope; the body that issued an order
  (or the bureau it was escalated to) verifies and closes it.
"""

from cdohub.accounts.models import User
from cdohub.appointments import services as appointments
from cdohub.core.permissions import Scope, can, register
from cdohub.org.choices import ALL_ROLES, REGISTRARS, Role, UnitKind
from cdohub.org.models import Unit

from .choices import ReviewStatus
from .models import Finding, Project, Review

DECIDERS = frozenset({Role.CDO})
BUREAU = frozenset({Role.BUREAU_ADMIN})
SUPERVISORS = frozenset({Role.CDO, Role.BUREAU_ADMIN})

register(Project, "unit__path", view=ALL_ROLES, change=REGISTRARS, submit=REGISTRARS)
register(Review, "project__unit__path", view=ALL_ROLES)
register(Finding, "unit__path", view=ALL_ROLES, open=SUPERVISORS, answer=REGISTRARS)


def has_own_cdo(unit: Unit) -> bool:
    return appointments.holds_required_post(unit) or body_cdos(unit).exists()


def reviewing_body(unit: Unit) -> Unit:
    """The body whose CDO reviews `unit`'s projects (see the module docstring)."""
    if unit.is_government or has_own_cdo(unit):
        return unit
    return unit.government()


def body_cdos(body: Unit):
    """Active accounts holding the CDO role granted on exactly `body`: the appointments app's answer,
    which its roster checks every filed CDO against, so the register and the review agree."""
    return appointments.cdo_accounts(body)


def is_cdo_of(user, body: Unit) -> bool:
    return Scope.of(user).holds(DECIDERS, {body.path})


def same_level_bureau(unit: Unit) -> Unit | None:
    """The data bureau (政务服务数据管理部门) of the unit's own government."""
    government = unit.government()
    return Unit.objects.get_children(government).filter(kind=UnitKind.DATA_BUREAU, is_active=True).first()


def bureau_paths(bureau: Unit) -> set[str]:
    """Where a bureau administrator's grant must be to act for `bureau`: on it or its government."""
    return {bureau.path, bureau.path[: -bureau.steplen]}


def acts_for_bureau(user, bureau: Unit | None) -> bool:
    return bureau is not None and Scope.of(user).holds(BUREAU, bureau_paths(bureau))


def bureau_admins(bureau: Unit | None):
    if bureau is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        role_assignments__role__in=BUREAU,
        role_assignments__unit__path__in=bureau_paths(bureau),
    ).distinct()


def may_decide(user, review: Review) -> bool:
    """The reviewing body's CDO, never whoever prepared or submitted the project."""
    prepared = user.pk in (review.submitted_by_id, review.project.created_by_id)
    return not prepared and is_cdo_of(user, review.reviewing_body)


def may_give_opinion(user, review: Review) -> bool:
    return acts_for_bureau(user, same_level_bureau(review.project.unit))


def supervising_grant(user, unit: Unit) -> tuple[str, Unit] | None:
    """(role, unit) of the user's nearest CDO or bureau grant that covers `unit`, or None."""
    scope = Scope.of(user)
    best = None
    for role, path in scope.grants:
        if role in SUPERVISORS and unit.path.startswith(path) and (best is None or len(path) > len(best[1])):
            best = (role, path)
    if best is None:
        return None
    role, unit = best[0], Unit.objects.get(path=best[1])
    if role in BUREAU and unit.is_government:  # bureau roles are granted on the government it serves
        unit = same_level_bureau(unit) or unit
    return role, unit


def may_verify(user, finding: Finding) -> bool:
    """The issuing body (the same role on the same unit), or the bureau the order was escalated to."""
    if finding.issuer_role in BUREAU:
        if acts_for_bureau(user, finding.issuer):
            return True
    elif Scope.of(user).holds({finding.issuer_role}, {finding.issuer.path}):
        return True
    return finding.escalated_to is not None and acts_for_bureau(user, finding.escalated_to)


def bureau_above(unit: Unit) -> Unit | None:
    """The data bureau of the government one level above `unit`'s government (the province's own
    bureau at the top)."""
    government = unit.government()
    parent = Unit.objects.get_parent(government) if government.depth > 1 else None
    target = parent.government() if parent is not None else government
    return Unit.objects.get_children(target).filter(kind=UnitKind.DATA_BUREAU, is_active=True).first()


def may_rerun_checks(user, review: Review) -> bool:
    """The round's deciding CDO or the unit's registrars."""
    return may_decide(user, review) or Scope.of(user).covers(review.project.unit.path, REGISTRARS)


def may_supervise(user, unit: Unit) -> bool:
    """Whether `user` may record a finding on `unit` (a CDO or bureau grant covering it)."""
    return can(user, "open", Finding(unit=unit)) and supervising_grant(user, unit) is not None


def awaiting_decision(user):
    """Open rounds this user decides as a CDO (not those they prepared or submitted)."""
    bodies = [path for role, path in Scope.of(user).grants if role in DECIDERS]
    if not bodies:
        return Review.objects.none()
    return (
        Review.objects.filter(status=ReviewStatus.SUBMITTED, reviewing_body__path__in=bodies)
        .exclude(submitted_by=user)
        .exclude(project__created_by=user)
        .select_related("project__unit")
        .order_by("submitted_at")
    )
