"""The permission gate: the one way a list or an object is read, and the test before every act.

A role is granted on a unit and covers that unit and all its descendants (units form a
materialised-path tree, so "covers" is a prefix test on the unit's `path`). Each model declares a
Policy in its app's policies.py: how to reach the unit a row belongs to, which roles may take which
action, which rows are public (published, open) and whether anonymous users read those, and from
which related objects a row is also seen. What a user may not see is a 404; what they may see but
not change is a 403.
"""

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, TypeAlias, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from . import lookups  # noqa: F401  (registers __subtree)

SIGNED_IN = "*"  # any signed-in user, whatever their roles and scope
VIEW = "view"  # the action of reading; public rows and `seen_from` widen it, and only it
NOTHING = Q(pk__in=[])
EVERYTHING = ~NOTHING  # no WHERE clause, and unlike Q() it stays everything when OR-ed

Actor: TypeAlias = Any  # an accounts.User or an AnonymousUser (core does not import accounts)
Roles: TypeAlias = frozenset[str] | str  # the roles an action is for, or SIGNED_IN
M = TypeVar("M", bound=Model)


def signed_in(user: Actor) -> bool:
    return bool(getattr(user, "is_authenticated", False))


class Scope:
    """A user's grants: for each role, the tree paths of the units it was granted on."""

    def __init__(self, grants: list[tuple[str, str]], superuser: bool = False):
        self.superuser = superuser
        self.grants = grants

    @classmethod
    def of(cls, user: Actor) -> "Scope":
        if not signed_in(user):
            return cls([])
        cached: Scope | None = getattr(user, "_cdohub_scope", None)
        if cached is None:
            grants = list(user.role_assignments.values_list("role", "unit__path"))
            cached = cls(grants, superuser=user.is_superuser)
            user._cdohub_scope = cached
        return cached

    def paths(self, roles: Container[str]) -> list[str]:
        """The smallest set of path prefixes covering every unit these roles reach."""
        found = sorted({path for role, path in self.grants if role in roles})
        minimal: list[str] = []
        for path in found:
            if not any(path.startswith(p) for p in minimal):
                minimal.append(path)
        return minimal

    def covers(self, path: str | None, roles: Container[str]) -> bool:
        return path is not None and any(path.startswith(p) for p in self.paths(roles))

    def holds(self, roles: Container[str], paths: Container[str]) -> bool:
        """Whether one of `roles` was granted on exactly one of the units at `paths`.

        For acts of a body (a filing decision, an appointment), where a grant higher up the tree
        must not count: the provincial bureau does not decide a city bureau's filings.
        """
        return any(role in roles and path in paths for role, path in self.grants)

    @property
    def roles(self) -> set[str]:
        return {role for role, _ in self.grants}


def subtrees(unit_path: str, prefixes: Iterable[str]) -> Q:
    """The condition that `unit_path` lies under one of `prefixes` (never true when there are none)."""
    conditions = [Q(**{f"{unit_path}__subtree": prefix}) for prefix in prefixes]
    return reduce(or_, conditions) if conditions else NOTHING


def units_where(user: Actor, roles: Container[str] | None = None, unit_path: str = "path") -> Q:
    """The condition on rows whose unit lies where one of the user's `roles` (any role they hold,
    when None) reaches: everywhere for a superuser, nowhere for an anonymous user."""
    if not signed_in(user):
        return NOTHING
    scope = Scope.of(user)
    if scope.superuser:
        return EVERYTHING
    return subtrees(unit_path, scope.paths(scope.roles if roles is None else roles))


@dataclass(frozen=True)
class Policy:
    """Everything about who sees and acts on the rows of one model."""

    model: type[Model]
    unit_path: str  # lookup from the model to its unit's tree path, e.g. "path" or "unit__path"
    actions: Mapping[str, Roles] = field(default_factory=dict)
    public: Q | None = None  # rows every signed-in user sees (published, open)
    anonymous: bool = False  # whether anonymous users see the public rows too
    seen_from: tuple[str, ...] = ()  # lookups to related objects whose visibility shows the row

    def roles_for(self, action: str) -> Roles:
        return self.actions.get(action, frozenset())

    def where(self, user: Actor, action: str) -> Q:
        """The condition on the rows on which `user` may take `action`."""
        if not signed_in(user):
            return self._anonymous(action)
        where = self._own(user, action)
        if action != VIEW or where == EVERYTHING:
            return where
        return reduce(or_, (self._through(lookup, user) for lookup in self.seen_from), where)

    def allows(self, user: Actor, action: str, obj: Model) -> bool:
        """Whether `user` may take `action` on `obj` (an unsaved object is judged by its unit)."""
        if signed_in(user):
            roles = self.roles_for(action)
            scope = Scope.of(user)
            if scope.superuser or roles == SIGNED_IN or scope.covers(self._unit_path_of(obj), roles):
                return True
            widened = action == VIEW and (self.public is not None or self.seen_from)
        else:
            widened = self._anonymous(action) != NOTHING
        if not widened or obj.pk is None:
            return False
        return self.model._default_manager.filter(self.where(user, action), pk=obj.pk).exists()

    def _anonymous(self, action: str) -> Q:
        """What an anonymous user may read: the public rows where the policy opens them to all."""
        if action == VIEW and self.anonymous and self.public is not None:
            return self.public
        return NOTHING

    def _own(self, user: Actor, action: str) -> Q:
        """Rows the user reaches through their grants, and for reading the public rows too."""
        roles = self.roles_for(action)
        if roles == SIGNED_IN or Scope.of(user).superuser:
            return EVERYTHING
        where = units_where(user, roles, self.unit_path)
        return where | self.public if action == VIEW and self.public is not None else where

    def _through(self, lookup: str, user: Actor) -> Q:
        """Rows whose related object at `lookup` the user sees in its own right (not through its
        own `seen_from`, so two models that see each other do not show everything)."""
        related, many = self.model, False
        for part in lookup.split("__"):
            relation = related._meta.get_field(part)
            many = many or bool(relation.one_to_many or relation.many_to_many)
            assert relation.related_model is not None, f"{lookup} is not a relation"
            related = relation.related_model
        seen = related._default_manager.filter(policy_for(related)._own(user, VIEW))
        where = Q(**{f"{lookup}__in": seen})
        return Q(pk__in=self.model._default_manager.filter(where).values("pk")) if many else where

    def _unit_path_of(self, obj: Model) -> str | None:
        value: Any = obj
        for part in self.unit_path.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return str(value)


_policies: dict[type[Model], Policy] = {}


def register(
    model: type[Model],
    unit_path: str,
    *,
    public: Q | None = None,
    anonymous: bool = False,
    seen_from: Iterable[str] = (),
    **actions: Iterable[str] | str,
) -> Policy:
    """Declare who may see and do what with `model`; called from each app's policies.py.

    `actions` maps each action to its roles (or SIGNED_IN); `public` is the rows every signed-in
    user reads, and anonymous users too with `anonymous`; `seen_from` names related objects whose
    visibility shows the row as well (a campaign is seen by the units taking part in it).
    """
    if anonymous and public is None:
        raise ValueError(f"{model._meta.label}: anonymous users may read only public rows; declare them")
    roles = {action: SIGNED_IN if who == SIGNED_IN else frozenset(who) for action, who in actions.items()}
    policy = Policy(model, unit_path, roles, public, anonymous, tuple(seen_from))
    _policies[model] = policy
    return policy


def policy_for(model: type[Model]) -> Policy:
    concrete = model._meta.concrete_model or model
    try:
        return _policies[concrete]
    except KeyError as exc:
        raise LookupError(f"No permission policy declared for {model._meta.label}") from exc


def policies() -> list[Policy]:
    """Every declared policy, in the order the apps declared them."""
    return list(_policies.values())


def restrict(user: Actor, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """The rows of `queryset` on which `user` may take `action`: how every list and detail is read."""
    return queryset.filter(policy_for(queryset.model).where(user, action))


def can(user: Actor, action: str, obj: Model) -> bool:
    return policy_for(type(obj)).allows(user, action, obj)


def require(user: Actor, action: str, obj: Model) -> None:
    """404 if the user may not even see the object, 403 if they may see it but not do this."""
    if not can(user, VIEW, obj):
        raise Http404
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
