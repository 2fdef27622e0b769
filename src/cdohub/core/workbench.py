"""The workbench (工作台): what is waiting for one person, across every app.

Each app declares its "waiting for you" queries in its own `workbench.py` (discovered at start-up
like `events.py`), so a new app plugs in by adding that file and nothing else:

    @contribute("projects.reviews", _("Project reviews awaiting my decision"), Kind.DECISION,
                empty=_("No project review is waiting for you as chief data officer."))
    def reviews_to_decide(user, limit):
        return answer(Review.objects.filter(...).order_by("submitted_at"), limit, _review_item)

A query reads through the read gate (`core.permissions`) and must cost the same whatever the number
of rows: one indexed COUNT and one LIMITed page, never a loop over rows. The workbench adds the
working days left to each deadline (`core.calendar`), puts the overdue first and says why a list is
empty.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.enums import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import clock
from .calendar import working_days_between

LIMIT = 8  # items shown per list; the count says how many there are in all
User = Any


class Kind(TextChoices):
    """What a list is to the person reading it; the page groups lists in this order."""

    DECISION = "decision", _("Decisions awaiting me")
    DEADLINE = "deadline", _("Deadlines")
    ASSIGNED = "assigned", _("Assigned to my unit")
    DRAFT = "draft", _("My drafts")
    SUBMITTED = "submitted", _("My submissions")


KIND_ORDER = list(Kind)


@dataclass(frozen=True)
class Item:
    """One thing waiting: what it is, where it stands, by when, and the page where it is acted on."""

    title: str
    url: str
    state: str = ""
    deadline: date | None = None
    days_left: int | None = None  # working days to the deadline; negative once it is past
    detail: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


@dataclass(frozen=True)
class Answer:
    """How many there are, and the first few of them."""

    count: int
    items: list[Item] = field(default_factory=list)


Query = Callable[[User, int], Answer]


@dataclass(frozen=True)
class Contribution:
    key: str  # "<app>.<list>", unique
    label: str | Promise
    kind: Kind
    query: Query
    empty: str | Promise  # why the list is empty, said when it is
    url: str = ""  # the page listing them all, when there is one (a route name)


@dataclass(frozen=True)
class Section:
    """A contribution's answer for one user, as the page shows it."""

    contribution: Contribution
    count: int
    items: list[Item]

    @property
    def overdue(self) -> int:
        return sum(item.overdue for item in self.items)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


_contributions: dict[str, Contribution] = {}


def contribute(
    key: str, label: str | Promise, kind: Kind, *, empty: str | Promise, url: str = ""
) -> Callable[[Query], Query]:
    """Declare a "waiting for you" query (decorator), from an app's workbench.py."""

    def register(query: Query) -> Query:
        if key in _contributions and _contributions[key].query.__qualname__ != query.__qualname__:
            raise ValueError(f"Workbench contribution {key!r} is declared twice.")
        _contributions[key] = Contribution(key, label, Kind(kind), query, empty, url)
        return query

    return register


def contributions() -> list[Contribution]:
    """Every declared contribution, grouped by kind in the page's order."""
    return sorted(_contributions.values(), key=lambda c: KIND_ORDER.index(c.kind))


def contribution(key: str) -> Contribution:
    return _contributions[key]


def answer(queryset: QuerySet[Any], limit: int, to_item: Callable[[Any], Item]) -> Answer:
    """The count and the first `limit` rows of an ordered queryset, as items.

    Two queries, each bounded by an index whatever the number of rows: the page, and the COUNT.
    """
    rows = list(queryset[:limit]) if limit else []
    return Answer(queryset.order_by().count(), [to_item(row) for row in rows])


def holds_any(user: User, roles: Iterable[str]) -> bool:
    """Whether `user` holds one of `roles` anywhere (a superuser holds them all): a list for other
    roles answers nothing without asking the database."""
    from .permissions import Scope, signed_in

    if not signed_in(user):
        return False
    scope = Scope.of(user)
    return scope.superuser or bool(scope.roles & set(roles))


def item(
    obj: Model, title: str = "", *, state: str = "", deadline: date | None = None, detail: str = ""
) -> Item:
    """An item for `obj`, acted on at its own page (`get_absolute_url`)."""
    url = obj.get_absolute_url()  # type: ignore[attr-defined]  # every subject of a workbench has one
    return Item(title or str(obj), url, state, deadline, detail=detail)


def with_days_left(items: Iterable[Item], today: date) -> list[Item]:
    """The items with their working days left, the overdue (most overdue) first, then by deadline."""
    dated = [
        replace(i, days_left=working_days_between(today, i.deadline)) if i.deadline else i for i in items
    ]
    return sorted(dated, key=lambda i: (i.days_left is None, i.days_left if i.days_left is not None else 0))


def gather(user: User, limit: int = LIMIT, keys: Iterable[str] | None = None) -> list[Section]:
    """What is waiting for `user`, one section per contribution (all of them, or those of `keys`)."""
    today = clock.today()
    wanted = set(keys) if keys is not None else None
    sections = []
    for contribution in contributions():
        if wanted is not None and contribution.key not in wanted:
            continue
        result = contribution.query(user, limit)
        sections.append(Section(contribution, result.count, with_days_left(result.items, today)))
    return sections


def granted_on(user: User, roles: Iterable[str]) -> list[str]:
    """The tree paths of the units on which `user` holds one of `roles` (exactly there, not below):
    for the acts of a body, decided only by those granted on it."""
    from .permissions import Scope, signed_in

    if not signed_in(user):
        return []
    wanted = set(roles)
    return sorted({path for role, path in Scope.of(user).grants if role in wanted})
