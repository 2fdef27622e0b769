"""Chinese full-text search over the catalog, on SQLite (FTS5) and PostgreSQL (GIN tsvector).

Chinese has no spaces, so text is cut into overlapping two-character terms: 社会保险 becomes 社会
会保 保险, and a two-character word such as 社保 or 人口 is one exact term. Each run of Chinese
also yields its last character alone, so a one-character query is a prefix search that misses
nothing. Latin letters and digits are words (codes, column names such as SFZH); Chinese names also
yield their pinyin initials (身份证号 → sfzh), which is how column names are often spelled.

Both databases index the same terms, computed here, so results agree across them; neither needs a
Chinese tokenizer extension.
"""

import operator
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import itemgetter

import numpy as np
from django.db import connection, transaction
from django.db.models import Q

from cdohub.core.permissions import Scope, policy_for

from . import columns
from .choices import ResourceStatus
from .columns import FACETS
from .models import InformationItem, Resource, SearchEntry

CHUNK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_QUERY_TERMS = 32


def _han_terms(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


@lru_cache(maxsize=65536)
def initials(text: str) -> str:
    """身份证号 → sfzh: the pinyin initials of the Chinese in `text` (empty when there is none)."""
    from pypinyin import Style, lazy_pinyin  # its phrase dictionary is some 50 MB: loaded when first needed

    han = "".join(HAN.findall(text))
    return "".join(lazy_pinyin(han, style=Style.FIRST_LETTER)).lower() if han else ""


def terms(*texts: str, with_initials: bool = False) -> list[str]:
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        for chunk in CHUNK.findall(text):
            out.extend(_han_terms(chunk) if HAN.match(chunk) else [chunk.lower()])
        if with_initials and (abbrev := initials(text)):
            out.append(abbrev)
    return out


def _piece_terms(piece: str) -> tuple[list[str], list[str]]:
    """(words, prefixes) of one run of Chinese or of Latin letters and digits, as a query reads it."""
    if not HAN.match(piece):
        return [piece.lower()], []
    if len(piece) == 1:
        return [], [piece]
    return [piece[i : i + 2] for i in range(len(piece) - 1)], []


@dataclass(frozen=True)
class Alternative:
    """One way a query word may be found: all of its words, each prefix starting a term."""

    words: tuple[str, ...]
    prefixes: tuple[str, ...] = ()

    @classmethod
    def of(cls, *pieces: str) -> "Alternative":
        words: list[str] = []
        prefixes: list[str] = []
        for piece in pieces:
            for chunk in CHUNK.findall(piece):
                w, p = _piece_terms(chunk)
                words += w
                prefixes += p
        return cls(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(prefixes)))

    def terms(self) -> list[tuple[str, bool]]:
        return [(w, False) for w in self.words] + [(p, True) for p in self.prefixes]


MAX_VARIANTS = 8  # alternatives of one query word, itself included
MAX_CLAUSES = 4  # query words widened by the dictionary


@dataclass(frozen=True)
class Query:
    """A parsed query: every term must match; a lone Chinese character matches as a prefix. A word
    the search dictionary knows (社保) is one clause of `either`: any of its alternatives (社保, or
    社会保险, or 社会保障) must match; `synonyms` names the words so added, for the page to say."""

    words: tuple[str, ...]
    prefixes: tuple[str, ...]
    either: tuple[tuple[Alternative, ...], ...] = ()
    synonyms: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, dictionary: dict[str, tuple[str, ...]] | None = None) -> "Query":
        words, prefixes = [], []
        either: list[tuple[Alternative, ...]] = []
        added: list[str] = []
        for chunk in CHUNK.findall(text or ""):
            variants = _variants(chunk, dictionary) if dictionary and len(either) < MAX_CLAUSES else []
            if variants:
                either.append(tuple(Alternative.of(*v) for v in [(chunk,), *variants][:MAX_VARIANTS]))
                added += ["".join(v) for v in variants[: MAX_VARIANTS - 1]]
                continue
            w, p = _piece_terms(chunk)
            words += w
            prefixes += p
        words = list(dict.fromkeys(words))[:MAX_QUERY_TERMS]
        return cls(tuple(words), tuple(dict.fromkeys(prefixes)), tuple(either), tuple(dict.fromkeys(added)))

    def __bool__(self):
        return bool(self.words or self.prefixes or self.either)

    @property
    def all_words(self) -> set[str]:
        """Every word any alternative looks for (to tell which items of a resource matched)."""
        return set(self.words).union(*(a.words for clause in self.either for a in clause))

    @property
    def all_prefixes(self) -> set[str]:
        return set(self.prefixes).union(*(a.prefixes for clause in self.either for a in clause))

    def fts5(self) -> str:
        parts = [f'"{w}"' for w in self.words] + [f'"{p}"*' for p in self.prefixes]
        for clause in self.either:
            alternatives = [
                "(" + " AND ".join(f'"{t}"*' if prefix else f'"{t}"' for t, prefix in a.terms()) + ")"
                for a in clause
            ]
            parts.append("(" + " OR ".join(alternatives) + ")")
        return " AND ".join(parts)

    def tsquery(self) -> str:
        parts = [f"'{w}'" for w in self.words] + [f"'{p}':*" for p in self.prefixes]
        for clause in self.either:
            alternatives = [
                "(" + " & ".join(f"'{t}':*" if prefix else f"'{t}'" for t, prefix in a.terms()) + ")"
                for a in clause
            ]
            parts.append("(" + " | ".join(alternatives) + ")")
        return " & ".join(parts)


def _variants(chunk: str, dictionary: dict[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The other ways of writing `chunk` the dictionary knows, as pieces: the dictionary word found
    in it replaced by each of its alternatives (身份证号 → 公民身份号码 + 号). Latin words match whole."""
    if not HAN.match(chunk):
        return [(other,) for other in dictionary.get(chunk.lower(), ())]
    found = [word for word in dictionary if len(word) > 1 and word in chunk]
    if not found:
        return []
    variants: list[tuple[str, ...]] = []
    for word in sorted(found, key=len, reverse=True):
        before, _word, after = chunk.partition(word)
        variants += [tuple(p for p in (before, other, after) if p) for other in dictionary[word]]
    return list(dict.fromkeys(variants))


def parse(text: str) -> Query:
    """`text` as a search reads it, the words of the search dictionary widened to their synonyms."""
    from .synonyms import dictionary

    return Query.parse(text, dictionary())


# --- keeping the index ------------------------------------------------------------------------


def city_of(unit) -> str:
    """The prefecture (or the province, for provincial units) a provider belongs to."""
    return unit.region.code[:4] + "00"


def entry_for(resource: Resource, items=None) -> SearchEntry:
    unit = resource.unit
    title = terms(resource.name, with_initials=True) + terms(resource.code)
    in_title = set(title)
    body: list[str] = []
    if not resource.is_classified:  # a classified resource is catalogued by its title alone
        items = resource.items.all() if items is None else items
        body = terms(resource.summary, unit.name, resource.provider_code, resource.source_system)
        classification = resource.classification
        body += terms(classification.name, classification.parent.name if classification.parent else "")
        for item in items:
            body += terms(item.name, with_initials=True) + terms(item.column_name, item.description)
    return SearchEntry(
        resource_id=resource.pk,
        published=resource.status == ResourceStatus.PUBLISHED,
        unit_path=unit.path,
        provider_id=unit.pk,
        city=city_of(unit),
        share_type=resource.share_type,
        format=resource.format,
        catalog_item=resource.classification.code[:3],
        update_cycle=resource.update_cycle,
        title_terms=" ".join(dict.fromkeys(title)),
        body_terms=" ".join(dict.fromkeys(t for t in body if t not in in_title)),  # each term once
    )


def index(resources, items_by_resource: dict | None = None, *, log: bool = True) -> None:
    """(Re)index `resources` (with unit__region and classification loaded) in bulk; `log` records
    which ones changed for the columns in memory (reindex_all says "all of them" once instead)."""
    entries = [
        entry_for(r, None if items_by_resource is None else items_by_resource.get(r.pk, []))
        for r in resources
    ]
    # Delete then insert rather than upsert: the FTS5 triggers keep the full-text index in step.
    SearchEntry.objects.filter(resource_id__in=[e.resource_id for e in entries]).delete()
    SearchEntry.objects.bulk_create(entries, batch_size=2000)
    if log:
        columns.touched([e.resource_id for e in entries])


def reindex_all(batch: int = 2000) -> int:
    done = 0
    queryset = Resource.objects.select_related("unit__region", "classification__parent").order_by("pk")
    last = 0
    while chunk := list(queryset.filter(pk__gt=last)[:batch]):
        items: dict[int, list] = {}
        for item in InformationItem.objects.filter(resource__in=chunk).order_by("position"):
            items.setdefault(item.resource_id, []).append(item)
        index(chunk, items, log=False)
        done += len(chunk)
        last = chunk[-1].pk
    columns.touched(None)
    return done


# --- searching --------------------------------------------------------------------------------
#
# The database answers two questions from its full-text index: which entries match, and which of
# them match in their title. Everything else (who may see what, the filters, the total, the page and
# the counts of every facet) comes from the entries' columns in memory (catalog.columns), in vector
# operations whose cost hardly depends on how many entries match. Title matches rank first, then
# the older resources: the same order on every database.

PG_VECTOR = (
    "array_to_tsvector(string_to_array(btrim(title_terms || ' ' || body_terms), ' '))"  # migration 0005
)
ENTRIES = SearchEntry._meta.db_table
TITLE_CHUNK = 1000  # title matches read at a time, in id order (four times more each time)


@dataclass
class Results:
    total: int
    ids: list[int]  # resource ids of the requested page, best first
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def search(
    user,
    text: str,
    filters: dict | None = None,
    *,
    offset: int = 0,
    limit: int = 20,
    facet_limit: int | None = None,
) -> Results:
    """The page of resources `user` may see that match `text` and the facet `filters`, with the
    counts of each facet's values among all matches, most frequent first (at most `facet_limit`
    of them). Each facet is counted without its own filter, so the user can widen a choice as well
    as narrow it."""
    query = parse(text)
    with _reading():
        table = columns.current()
        matched, in_title = _visible(table, user), None
        if query:
            ids, title_ids = matches(query)
            matched &= _mask(len(table.ids), table.slots(ids))
            in_title = None if title_ids is None else table.slots(title_ids)
        wanted = {
            name: table.values[name].index(value) if value in table.values[name] else -1
            for name, value in _prepared(filters).items()
        }
        passes = {name: table.codes[name] == code for name, code in wanted.items()}
        hits = reduce(operator.and_, passes.values(), matched)
        page = _page(table, query, hits, offset, limit, in_title)
    facets = {}
    for name in FACETS:
        among = reduce(operator.and_, [m for f, m in passes.items() if f != name], matched)
        counts = np.bincount(table.codes[name][among], minlength=len(table.values[name]))
        facets[name] = _most_frequent(counts, table.values[name], facet_limit)
    return Results(total=int(hits.sum()), ids=table.ids[page].tolist(), facets=facets)


def _reading():
    """A transaction on PostgreSQL (for its SET LOCAL planner setting); none on SQLite, where every
    transaction here is IMMEDIATE and would queue a search behind the writers."""
    return transaction.atomic() if connection.vendor == "postgresql" else nullcontext()


def _page(table, query: Query, hits: np.ndarray, offset: int, limit: int, in_title=None) -> np.ndarray:
    """The slots of the page: the hits that match in their title first, then the others, each in
    the order of resource ids. `in_title`: the slots of the title matches; when the database could
    not tell them with the matches, they are read in id order only as far as the page needs."""
    if not query:
        return np.flatnonzero(hits)[offset : offset + limit]
    if in_title is None:
        in_title, complete = _title_slots(table, query, hits, offset + limit)
        if not complete:
            return in_title[offset : offset + limit]
    first = hits & _mask(len(hits), in_title)
    order = np.concatenate([np.flatnonzero(first), np.flatnonzero(hits & ~first)])
    return order[offset : offset + limit]


def _title_slots(table, query: Query, hits: np.ndarray, wanted: int) -> tuple[np.ndarray, bool]:
    """The first `wanted` title-matching hits, in id order (or every one, and True, when fewer)."""
    found, after, chunk = [], 0, TITLE_CHUNK
    while True:
        ids = _sqlite_title_matches(query, after=after, count=chunk)
        slots = table.slots(ids)
        found.extend(slots[hits[slots]].tolist())
        if len(ids) < chunk:
            return np.array(found, dtype=np.int64), True
        if len(found) >= wanted:
            return np.array(found, dtype=np.int64), False
        after, chunk = int(ids[-1]), chunk * 4


def _visible(table, user) -> np.ndarray:
    """Published entries for every signed-in user; the others only within the user's scope."""
    scope = Scope.of(user)
    if scope.superuser:
        return np.ones(len(table.ids), dtype=bool)
    visible = table.visible.copy()
    prefixes = tuple(scope.paths(policy_for(Resource).roles_for("view")))
    if prefixes:
        visible[table.drafts_within(prefixes)] = True
    return visible


def _mask(size: int, slots) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[slots] = True
    return mask


def _prepared(filters: dict | None) -> dict:
    """The facet filters in the columns' own types (a provider is a unit id)."""
    field_of = dict(zip(FACETS, columns.FACET_COLUMNS, strict=True))
    return {
        name: SearchEntry._meta.get_field(field_of[name]).to_python(value)
        for name, value in (filters or {}).items()
        if name in FACETS and value
    }


def _most_frequent(counts, values: list, limit: int | None) -> list[tuple]:
    """(value, count) of the values counted, by count and then value; the empty value is no choice."""
    counts[0] = 0
    codes = np.flatnonzero(counts)
    if limit is not None and len(codes) > limit:  # keep the values that can make the cut
        cut = np.partition(counts[codes], len(codes) - limit)[len(codes) - limit]
        codes = codes[counts[codes] >= cut]
    ranked = sorted(((values[c], int(counts[c])) for c in codes.tolist()), key=itemgetter(0))
    ranked.sort(key=itemgetter(1), reverse=True)  # stable: by count, then by value
    return ranked[:limit]


def matches(query: Query) -> tuple[np.ndarray, np.ndarray | None]:
    """The ids of the entries that match `query`, and of those that match in their title alone
    when the same pass can tell (None when it cannot: SQLite's index knows no more than the ids)."""
    if connection.vendor == "sqlite":
        sql = "SELECT group_concat(rowid) FROM catalog_search_fts WHERE catalog_search_fts MATCH %s"
        return _ids(sql, [query.fts5()]), None
    if connection.vendor == "postgresql":
        # The rows are read anyway (for their ids): each is tested for the words in its title
        # there, and a title match comes back negated, so one list carries both answers.
        in_title, params = _pg_in_title(query)
        sql = (
            f"SELECT string_agg((CASE WHEN {in_title} THEN -resource_id ELSE resource_id END)::text, ',')"
            f" FROM {ENTRIES} WHERE {PG_VECTOR} @@ %s::tsquery"
        )
        signed = _ids(sql, [*params, query.tsquery()])
        return np.abs(signed), -signed[signed < 0]
    everywhere = _ids_by_substrings(query, ["title_terms", "body_terms"])
    in_title = _ids_by_substrings(query, ["title_terms"])
    return (
        np.fromiter(everywhere.values_list("resource_id", flat=True), dtype=np.int64),
        np.fromiter(in_title.values_list("resource_id", flat=True), dtype=np.int64),
    )


def _pg_in_title(query: Query) -> tuple[str, list[str]]:
    """The SQL condition (and its parameters) that an entry matches `query` in its title."""

    def test(term: str, prefix: bool) -> tuple[str, str]:
        if prefix:  # a prefix starts a term
            return "strpos(' ' || title_terms, %s) > 0", f" {term}"
        return "strpos(' ' || title_terms || ' ', %s) > 0", f" {term} "  # a word is a whole term

    def all_of(terms) -> tuple[str, list[str]]:
        tests = [test(t, p) for t, p in terms]
        return "(" + " AND ".join(sql for sql, _p in tests) + ")", [p for _sql, p in tests]

    parts, params = [], []
    required = Alternative(query.words, query.prefixes).terms()
    if required:
        sql, more = all_of(required)
        parts.append(sql)
        params += more
    for clause in query.either:
        alternatives = [all_of(a.terms()) for a in clause]
        parts.append("(" + " OR ".join(sql for sql, _p in alternatives) + ")")
        params += [p for _sql, more in alternatives for p in more]
    return " AND ".join(parts), params


def _sqlite_title_matches(query: Query, *, after: int, count: int) -> np.ndarray:
    """The first `count` resource ids above `after`, ascending, whose title matches `query`."""
    sql = (
        "SELECT group_concat(id) FROM (SELECT rowid AS id FROM catalog_search_fts"
        " WHERE catalog_search_fts MATCH %s AND rowid > %s ORDER BY rowid LIMIT %s)"
    )
    return np.sort(_ids(sql, [f"{{title_terms}}: ({query.fts5()})", after, count]))


def _ids(sql: str, params: list) -> np.ndarray:
    """The ids `sql` aggregates into one comma-separated string: a row per id costs more than the
    search."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # For a word most entries hold, the planner prefers a sequential scan, which rebuilds
            # the tsvector of every row (seconds); the GIN index answers in milliseconds.
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, params)
        (joined,) = cursor.fetchone()
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
    return np.fromstring(joined or "", sep=",", dtype=np.int64)


def _ids_by_substrings(query: Query, searched: list[str]):
    """Any other database: each term as a substring of the terms; correct but not indexed."""

    def anywhere(word: str) -> Q:
        return reduce(operator.or_, [Q(**{f"{c}__contains": word}) for c in searched])

    entries = SearchEntry.objects.all()
    for word in query.words + query.prefixes:
        entries = entries.filter(anywhere(word))
    for clause in query.either:
        alternatives = [reduce(operator.and_, [anywhere(t) for t, _p in a.terms()]) for a in clause]
        entries = entries.filter(reduce(operator.or_, alternatives))
    return entries
