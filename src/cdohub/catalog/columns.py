"""The search entries' visibility and facet columns, held in memory as arrays (as a search engine
holds its doc values).

A broad word matches most of the catalog, and counting six facets over 85,000 matches in SQL means
reading every match's row again. So the database answers only *which* entries match (ids from its
full-text index); whether the user may see them, the filters, the total and every facet's counts
come from these arrays in a few vector operations, whatever the number of matches.

Every write to the index bumps `SearchGeneration` and logs the resources it touched
(`SearchChange`); a search first reads the generation and, when the arrays are older, reloads only
the entries touched since. Each refresh builds new arrays, so a search already running keeps a
consistent copy.
"""

import secrets
import threading
from dataclasses import dataclass, field

import numpy as np
from django.db.models import F

from .models import SearchChange, SearchEntry, SearchGeneration

FACETS = ("provider", "city", "share_type", "format", "catalog_item", "update_cycle")
FACET_COLUMNS = ("provider_id", "city", "share_type", "format", "catalog_item", "update_cycle")
ROW = ("resource_id", "published", "unit_path", *FACET_COLUMNS)
KEEP_CHANGES = 20_000  # generations of the change log kept; a process further behind reloads all
SCOPE_CACHE = 256


def touched(resource_ids=None) -> None:
    """Record, in the writer's transaction, that the entries of `resource_ids` (None: every entry)
    were written or deleted."""
    token = secrets.token_hex(8)
    bump = {"number": F("number") + 1, "token": token}
    if not SearchGeneration.objects.filter(pk=1).update(**bump):  # a new or flushed database
        SearchGeneration.objects.bulk_create([SearchGeneration(pk=1)], ignore_conflicts=True)
        SearchGeneration.objects.filter(pk=1).update(**bump)
    number = SearchGeneration.objects.values_list("number", flat=True).get(pk=1)
    ids = [None] if resource_ids is None else sorted(set(resource_ids))
    SearchChange.objects.bulk_create(
        [SearchChange(generation=number, token=token, resource_id=pk) for pk in ids], batch_size=5000
    )
    if number % 1000 == 0:
        SearchChange.objects.filter(generation__lt=number - KEEP_CHANGES).delete()


@dataclass(frozen=True)
class Columns:
    generation: tuple[int, str]
    ids: np.ndarray  # resource ids, ascending; a slot is a position in these arrays
    visible: np.ndarray  # published and not deleted: what every signed-in user sees
    codes: dict[str, np.ndarray]  # facet → code of each slot's value in `values`
    values: dict[str, list]  # facet → its values by code; code 0 is "no value"
    drafts: dict[int, str]  # slot → unit path of each unpublished entry
    _scopes: dict = field(default_factory=dict, compare=False)

    def slots(self, resource_ids) -> np.ndarray:
        """The slots of `resource_ids`, leaving out any these columns do not hold (yet)."""
        ids = np.asarray(resource_ids, dtype=np.int64)
        slots = np.searchsorted(self.ids, ids).clip(0, max(len(self.ids) - 1, 0))
        return slots[self.ids[slots] == ids] if len(self.ids) else slots[:0]

    def drafts_within(self, prefixes: tuple[str, ...]) -> np.ndarray:
        """Slots of the unpublished entries whose unit lies under one of the tree paths `prefixes`."""
        if prefixes not in self._scopes:
            if len(self._scopes) >= SCOPE_CACHE:
                self._scopes.clear()
            found = [slot for slot, path in self.drafts.items() if path.startswith(prefixes)]
            self._scopes[prefixes] = np.array(found, dtype=np.int64)
        return self._scopes[prefixes]


_current: Columns | None = None
_lock = threading.Lock()


def current() -> Columns:
    """The columns as of the index's latest committed generation (as this transaction sees it)."""
    global _current
    head = _head()
    columns = _current
    if columns is not None and columns.generation == head:
        return columns
    with _lock:
        columns = _current
        if columns is None or columns.generation != head:
            columns = _refreshed(columns, head)
            _current = columns
    return columns


def _head() -> tuple[int, str]:
    row = SearchGeneration.objects.filter(pk=1).values_list("number", "token").first()
    return row or (0, "")


def _refreshed(columns: Columns | None, head: tuple[int, str]) -> Columns:
    if columns is None or not _follows(columns.generation, head):
        return _load(head)
    since = SearchChange.objects.filter(generation__gt=columns.generation[0], generation__lte=head[0])
    changed = set(since.values_list("resource_id", flat=True))
    if None in changed:
        return _load(head)
    rows = list(SearchEntry.objects.filter(resource_id__in=changed).values_list(*ROW))
    kept = np.flatnonzero(~np.isin(columns.ids, np.fromiter(changed, np.int64, len(changed))))
    return _merged(columns, head, kept, rows)


def _follows(seen: tuple[int, str], head: tuple[int, str]) -> bool:
    """Whether `head` came after generation `seen` as committed (not one rolled back since)."""
    number, token = seen
    if number >= head[0]:
        return False
    return number == 0 or SearchChange.objects.filter(generation=number, token=token).exists()


def _load(head) -> Columns:
    rows = SearchEntry.objects.values_list(*ROW).order_by("resource_id")
    return _merged(EMPTY, head, np.empty(0, dtype=np.int64), list(rows))


def _merged(columns: Columns, head, kept: np.ndarray, rows: list) -> Columns:
    """The slots `kept` of `columns` and the entries `rows` (ROW tuples), ordered by resource id."""
    values = {name: list(columns.values[name]) for name in FACETS}
    codes = {}
    for i, name in enumerate(FACETS):
        added = _encode([row[3 + i] for row in rows], values[name])
        codes[name] = np.concatenate([columns.codes[name][kept], added])
    ids = np.concatenate([columns.ids[kept], np.fromiter((r[0] for r in rows), np.int64, len(rows))])
    visible = np.concatenate([columns.visible[kept], np.fromiter((r[1] for r in rows), bool, len(rows))])
    paths = [columns.drafts.get(int(slot)) for slot in kept] + [None if r[1] else r[2] for r in rows]
    order = np.argsort(ids, kind="stable")
    slot_of = np.empty_like(order)
    slot_of[order] = np.arange(len(order))
    return Columns(
        generation=head,
        ids=ids[order],
        visible=visible[order],
        codes={name: column[order] for name, column in codes.items()},
        values=values,
        drafts={int(slot_of[i]): path for i, path in enumerate(paths) if path is not None},
    )


def _encode(column: list, vocabulary: list) -> np.ndarray:
    """The codes of `column`'s values in `vocabulary`, which grows by the values it lacked."""
    known = {value: code for code, value in enumerate(vocabulary)}
    codes = np.empty(len(column), dtype=np.int32)
    for i, value in enumerate(column):
        code = known.get(value)
        if code is None:
            code = known[value] = len(vocabulary)
            vocabulary.append(value)
        codes[i] = code
    return codes


EMPTY = Columns(
    generation=(0, ""),
    ids=np.empty(0, dtype=np.int64),
    visible=np.empty(0, dtype=bool),
    codes={name: np.empty(0, dtype=np.int32) for name in FACETS},
    values={name: [""] for name in FACETS},
    drafts={},
)


def reset() -> None:
    """Forget the columns (a test that swaps databases)."""
    global _current
    _current = None
