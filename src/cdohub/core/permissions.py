"""The permission gate.

A role is granted on a unit and covers that unit and all its descendants (units form a
materialised-path tree, so "covers" is a prefix test on the unit's `path`). Each model declares a
Policy: which roles may take which action, and how to reach the unit the object belongs to.
What a user may not see is a 404; what they may see but not change is a 403.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from . import lookups  # noqa: F401  (registers __subtree)

SIGNED_IN = "*"  # any signed-in user, whatever their roles and scope


@dataclass(frozen=True)
class Policy:
    unit_path: str  # lookup from the model to its unit's tree path, e.g. "path" or "unit__path"
    actions: dict[str, frozenset[str] | str] = field(default_factory=dict)

    def roles_for(self, action: str) -> frozenset[str] | str:
        return self.actions.get(action, frozenset())


_policies: dict[type, Policy] = {}


def register(model, unit_path: str, **actions):
    """Declare who may do what with `model`; called from each app's policies.py."""
    _policies[model] = Policy(
        unit_path,
        {k: v if v == SIGNED_IN else frozenset(v) for k, v in actions.items()},
    )


def policy_for(model) -> Policy:
    model = model._meta.concrete_model
    try:
        return _policies[model]
    except KeyError as exc:
        raise LookupError(f"No permission policy declared for {model._meta.label}") from exc


class Scope:
    """A user's grants: for each role, the tree paths of the units it was granted on."""

    def __init__(self, grants: list[tuple[str, str]], superuser: bool = False):
        self.superuser = superuser
        self.grants = grants

    @classmethod
    def of(cls, user) -> "Scope":
        if not getattr(user, "is_authenticated", False):
            return cls([])
        cached = getattr(user, "_cdohub_scope", None)
        if cached is None:
            grants = list(user.role_assignments.values_list("role", "unit__path"))
            cached = cls(grants, superuser=user.is_superuser)
            user._cdohub_scope = cached
        return cached

    def paths(self, roles) -> list[str]:
        """The smallest set of path prefixes covering every unit these roles reach."""
        found = sorted({path for role, path in self.grants if role in roles})
        minimal: list[str] = []
        for path in found:
            if not any(path.startswith(p) for p in minimal):
                minimal.append(path)
        return minimal

    def covers(self, path: str | None, roles) -> bool:
        return path is not None and any(path.startswith(p) for p in self.paths(roles))

    def holds(self, roles, paths) -> bool:
        """Whether one of `roles` was granted on exactly one of the units at `paths`.

        For acts of a body (a filing decision, an appointment), where a grant higher up the tree
        must not count: the provincial bureau does not decide a city bureau's filings.
        """
        return any(role in roles and path in paths for role, path in self.grants)

    @property
    def roles(self) -> set[str]:
        return {role for role, _ in self.grants}


def restrict(user, action: str, queryset):
    """The rows of `queryset` on which `user` may take `action`."""
    policy = policy_for(queryset.model)
    return within_reach(user, queryset, policy.roles_for(action), policy.unit_path)


def within_reach(user, queryset, roles, unit_path: str = "path"):
    """The rows of `queryset` whose unit lies where one of the user's `roles` reaches."""
    where = reach(user, roles, unit_path)
    return queryset if where is None else queryset.filter(where)


def reach(user, roles, unit_path: str = "path") -> Q | None:
    """The condition on rows whose unit lies where one of the user's `roles` reaches, to combine
    with others in one WHERE clause; None when the user reaches everywhere."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    scope = Scope.of(user)
    if scope.superuser or roles == SIGNED_IN:
        return None
    return subtrees(unit_path, scope.paths(roles))


def within_subtrees(queryset, unit_path: str, prefixes: list[str]):
    """Rows whose unit lies under any of the tree paths `prefixes` (none when there are none)."""
    return queryset.filter(subtrees(unit_path, prefixes))


def subtrees(unit_path: str, prefixes: list[str]) -> Q:
    """The condition that `unit_path` lies under one of `prefixes` (never true when there are none)."""
    if not prefixes:
        return Q(pk__in=[])
    lookup = f"{unit_path}__subtree"
    return reduce(or_, (Q(**{lookup: p}) for p in prefixes))


def unit_path_of(obj, policy: Policy) -> str | None:
    value = obj
    for part in policy.unit_path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def can(user, action: str, obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    policy = policy_for(type(obj))
    roles = policy.roles_for(action)
    scope = Scope.of(user)
    if scope.superuser or roles == SIGNED_IN:
        return True
    return scope.covers(unit_path_of(obj, policy), roles)


def require(user, action: str, obj) -> None:
    """404 if the user may not even see the object, 403 if they may see it but not do this."""
    if not can(user, "view", obj):
        raise Http404
    if not can(user, action, obj):
        raise PermissionDenied
