"""The main menu, grouped by the chief data officer's duties, and who may open what it links to.

Each app declares its menu groups and entries in its own `nav.py` (found when the framework starts),
each entry with the check that says who may open it: the same check the view makes, so nobody is
shown a link that answers 403. A new app plugs its pages in without editing the page layout. Links
outside the menu (an import button, a tab) ask `may_open` through the `{% may_open %}` tag, for
the URL names an app guarded with `gate`.

The current section is the entry whose address is the longest prefix of the page's path (or one of
its further `sections`); the breadcrumb trail is the workbench, the entry's group, the entry, and
the page itself when it is not the entry's own page.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from .permissions import Actor, signed_in

Check = Callable[[Actor], bool]
Label = str | Promise  # a translated string, usually lazy
HOME = "home"  # the URL name of the workbench, the first item of every trail


@dataclass(frozen=True)
class Group:
    key: str
    label: Label
    order: int
    flat: bool = False  # shown as one link (its first entry) rather than a drop-down


@dataclass(frozen=True)
class Entry:
    group: str
    url_name: str
    label: Label
    order: int = 100
    allowed: Check = signed_in
    sections: tuple[str, ...] = ()  # further path prefixes whose pages belong to this entry


@dataclass
class Item:
    entry: Entry
    url: str
    active: bool = False

    @property
    def label(self) -> Label:
        return self.entry.label


@dataclass
class MenuGroup:
    group: Group
    items: list[Item] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)

    @property
    def label(self) -> Label:
        return self.group.label

    @property
    def key(self) -> str:
        return self.group.key


@dataclass(frozen=True)
class Crumb:
    label: Label
    url: str | None = None


@dataclass
class Navigation:
    groups: list[MenuGroup]
    current: Item | None
    path: str = "/"

    @property
    def current_group(self) -> MenuGroup | None:
        return next((g for g in self.groups if g.active), None)

    @property
    def on_entry_page(self) -> bool:
        """Whether the page is the current entry's own page (not one below it)."""
        return self.current is not None and self.current.url == self.path

    def trail(self) -> list[Crumb]:
        """The breadcrumbs above the page itself: the workbench, the section's group, the section
        (unless the page is the section's own page, which names itself)."""
        if self.path == reverse(HOME):
            return []
        crumbs = [Crumb(_home_label(), reverse(HOME))]
        current, group = self.current, self.current_group
        if current is None or group is None:
            return crumbs
        if not group.group.flat:
            crumbs.append(Crumb(group.label))
        if not self.on_entry_page:
            crumbs.append(Crumb(current.label, current.url))
        return crumbs


_groups: dict[str, Group] = {}
_entries: dict[str, Entry] = {}
_gates: dict[str, Check] = {}


def group(key: str, label: Label, order: int, flat: bool = False) -> Group:
    """Declare a menu group; an app may declare one another app declared already, alike."""
    declared = Group(key, label, order, flat)
    known = _groups.setdefault(key, declared)
    if known != declared:
        raise ValueError(f"Menu group {key!r} is declared twice, differently")
    return known


def entry(
    group: str,
    url_name: str,
    label: Label,
    *,
    order: int = 100,
    allowed: Check = signed_in,
    sections: Iterable[str] = (),
) -> Entry:
    """Declare a menu entry in `group`, shown to the users `allowed` admits (the view's own check)."""
    if group not in _groups:
        raise LookupError(f"Menu entry {url_name!r}: declare its group {group!r} first")
    if url_name in _entries:
        raise ValueError(f"Menu entry {url_name!r} is declared twice")
    declared = Entry(group, url_name, label, order, allowed, tuple(sections))
    _entries[url_name] = declared
    gate(url_name, allowed)
    return declared


def gate(url_name: str, check: Check) -> None:
    """Declare who may open the page at `url_name`, for links to it outside the menu too."""
    _gates[url_name] = check


def may_open(user: Actor, url_name: str) -> bool:
    """Whether `user` may open the page at `url_name` (any signed-in user, unless gated)."""
    return _gates.get(url_name, signed_in)(user)


def groups() -> list[Group]:
    return sorted(_groups.values(), key=lambda g: (g.order, g.key))


def entries() -> list[Entry]:
    return sorted(_entries.values(), key=lambda e: (_groups[e.group].order, e.order, e.url_name))


def build(user: Actor, path: str) -> Navigation:
    """The menu `user` sees on the page at `path`: only the entries they may open, one current."""
    if not signed_in(user):
        return Navigation([], None, path)
    by_group: dict[str, MenuGroup] = {g.key: MenuGroup(g) for g in groups()}
    for declared in entries():
        if declared.allowed(user):
            by_group[declared.group].items.append(Item(declared, reverse(declared.url_name)))
    shown = [g for g in by_group.values() if g.items]
    current = _current([item for g in shown for item in g.items], path)
    if current is not None:
        current.active = True
    return Navigation(shown, current, path)


def _current(items: list[Item], path: str) -> Item | None:
    """The item whose address (or a further section) is the longest prefix of `path`; the
    workbench only on itself, since its address "/" prefixes every path."""
    best: tuple[int, Item] | None = None
    for item in items:
        for prefix in (item.url, *item.entry.sections):
            matches = path == prefix if prefix == "/" else path.startswith(prefix)
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), item)
    return best[1] if best else None


def _home_label() -> Any:
    home = _entries.get(HOME)
    return home.label if home else HOME
