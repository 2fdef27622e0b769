"""Chinese full-text search over the catalog, on SQLite (FTS5) and PostgreSQL (GIN tsvector).

Chinese has no spaces, so text is cut into overlapping two-character terms: 社会保险 becomes 社会
会保 保险, and a two-character word such as 社保 or 人口 is one exact term. Each run of Chinese
also yields its last character alone, so a one-character query is a prefix search that misses
nothing. Latin letters and digits are words (codes, column names such as SFZH); Chinese names also
yield their pinyin initials (身份证号 → sfzh), which is how column names are often spelled.

Both databases index the same terms, computed here, so results agree across them; neither needs a
Chinese tokenizer extension.
"""

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache, reduce
from operator import itemgetter, or_

from django.db import connection, transaction
from django.db.models import Q
from pypinyin import Style, lazy_pinyin

from cdohub.core.permissions import Scope, policy_for

from .choices import ResourceStatus
from .models import InformationItem, Resource, SearchEntry

CHUNK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9A-Za-z]+")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
FACETS = ("provider", "city", "share_type", "format", "catalog_item", "update_cycle")
MAX_QUERY_TERMS = 32


def _han_terms(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


@lru_cache(maxsize=65536)
def initials(text: str) -> str:
    """身份证号 → sfzh: the pinyin initials of the Chinese in `text` (empty when there is none)."""
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


@dataclass(frozen=True)
class Query:
    """A parsed query: every term must match; a lone Chinese character matches as a prefix."""

    words: tuple[str, ...]
    prefixes: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> "Query":
        words, prefixes = [], []
        for chunk in CHUNK.findall(text or ""):
            if HAN.match(chunk):
                if len(chunk) == 1:
                    prefixes.append(chunk)
                else:
                    words.extend(chunk[i : i + 2] for i in range(len(chunk) - 1))
            else:
                words.append(chunk.lower())
        words = list(dict.fromkeys(words))[:MAX_QUERY_TERMS]
        return cls(tuple(words), tuple(dict.fromkeys(prefixes)))

    def __bool__(self):
        return bool(self.words or self.prefixes)

    def fts5(self) -> str:
        return " AND ".join([f'"{w}"' for w in self.words] + [f'"{p}"*' for p in self.prefixes])

    def tsquery(self) -> str:
        return " & ".join([f"'{w}'" for w in self.words] + [f"'{p}':*" for p in self.prefixes])


# --- keeping the index ------------------------------------------------------------------------


def city_of(unit) -> str:
    """The prefecture (or the province, for provincial units) a provider belongs to."""
    return unit.region.code[:4] + "00"


def entry_for(resource: Resource, items=None) -> SearchEntry:
    unit = resource.unit
    title = terms(resource.name, with_initials=True) + terms(resource.code)
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
        title_terms=" ".join(title),
        body_terms=" ".join(body),
    )


def index(resources, items_by_resource: dict | None = None) -> None:
    """(Re)index `resources` (with unit__region and classification loaded) in bulk."""
    entries = [
        entry_for(r, None if items_by_resource is None else items_by_resource.get(r.pk, []))
        for r in resources
    ]
    # Delete then insert rather than upsert: the FTS5 triggers keep the full-text index in step.
    SearchEntry.objects.filter(resource_id__in=[e.resource_id for e in entries]).delete()
    SearchEntry.objects.bulk_create(entries, batch_size=2000)


def reindex_all(batch: int = 2000) -> int:
    done = 0
    queryset = Resource.objects.select_related("unit__region", "classification__parent").order_by("pk")
    last = 0
    while chunk := list(queryset.filter(pk__gt=last)[:batch]):
        items: dict[int, list] = {}
        for item in InformationItem.objects.filter(resource__in=chunk).order_by("position"):
            items.setdefault(item.resource_id, []).append(item)
        index(chunk, items)
        done += len(chunk)
        last = chunk[-1].pk
    return done


# --- searching --------------------------------------------------------------------------------
#
# A search asks the full-text index once. One query returns every visible entry that matches, with
# its rank and its six facet columns (SQLite reads them from a covering index, so the wide terms
# columns stay on disk); the total, the page and every facet's counts are then tallied from those
# rows in one pass. Counting each facet in SQL instead would ask the index seven more times.

PG_VECTOR = (
    "(setweight(array_to_tsvector(string_to_array(title_terms, ' ')), 'A')"
    " || array_to_tsvector(string_to_array(body_terms, ' ')))"
)
FACET_COLUMNS = ("provider_id", "city", "share_type", "format", "catalog_item", "update_cycle")
SQLITE_INDEX = "catalog_search_facets"  # see migration 0004


@dataclass
class Results:
    total: int
    ids: list[int]  # resource ids of the requested page, best first
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def visible_entries(user):
    """Published resources for every signed-in user; the rest only within the user's scope."""
    entries = SearchEntry.objects.all()
    scope = Scope.of(user)
    if scope.superuser:
        return entries
    roles = policy_for(Resource).roles_for("view")
    # Tested on each matching row: a subquery for the scope would scan the whole table every time.
    subtrees = [Q(unit_path__subtree=path) for path in scope.paths(roles)]
    return entries.filter(reduce(or_, subtrees, Q(published=True)))


def search(user, text: str, filters: dict | None = None, *, offset: int = 0, limit: int = 20) -> Results:
    """The page of resources `user` may see that match `text` and the facet `filters`, with counts
    for every facet value among all matches (each facet counted without its own filter, so the
    user can widen a choice as well as narrow it)."""
    filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
    wanted = {
        FACETS.index(name): SearchEntry._meta.get_field(_lookup(name)).get_prep_value(value)
        for name, value in filters.items()
    }
    rows = matches(visible_entries(user), Query.parse(text))
    # A row counts towards a facet when it passes every filter but, perhaps, that facet's own.
    hits, widening = rows, [[] for _ in FACETS]
    if wanted:
        hits = []
        for row in rows:
            failed = [i for i, value in wanted.items() if row[2 + i] != value]
            if not failed:
                hits.append(row)
            elif len(failed) == 1:
                widening[failed[0]].append(row[2 + failed[0]])
    facets = {}
    for i, name in enumerate(FACETS):
        counts = Counter(map(itemgetter(2 + i), hits))
        counts.update(widening[i])
        counts.pop("", None)  # no value is not a choice (the columns are never NULL)
        values = sorted(counts.items(), key=itemgetter(0))
        values.sort(key=itemgetter(1), reverse=True)  # stable: by count, then by value
        facets[name] = values
    page = heapq.nsmallest(offset + limit, hits, key=itemgetter(1, 0))[offset:]  # by rank, then id
    return Results(total=len(hits), ids=[row[0] for row in page], facets=facets)


def matches(entries, query: Query) -> list[tuple]:
    """(resource_id, rank, *FACET_COLUMNS) of each of `entries` that matches `query`; a lower rank
    is better."""
    if connection.vendor == "sqlite":
        return _sqlite_matches(entries, query)
    if not query:
        return list(entries.extra(select={"rank": "0"}).values_list("resource_id", "rank", *FACET_COLUMNS))
    if connection.vendor == "postgresql":
        # The lexemes carry no positions, so setweight() cannot mark the title's and ts_rank() is
        # the same for every entry that has all the words: ranking only tells prefix matches apart.
        rank = f"-ts_rank({PG_VECTOR}, %s::tsquery)" if query.prefixes else "0"
        found = entries.extra(
            where=[f"{PG_VECTOR} @@ %s::tsquery"],
            params=[query.tsquery()],
            select={"rank": rank},
            select_params=[query.tsquery()] if query.prefixes else [],
        ).values_list("resource_id", "rank", *FACET_COLUMNS)
        # For a word most entries hold, the planner prefers a sequential scan, which rebuilds the
        # tsvector of every row (seconds); the GIN index answers in milliseconds whatever the word.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            rows = list(found)
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
        return rows
    # Any other database: each term as a substring of the terms; correct but not indexed.
    for word in query.words + query.prefixes:
        entries = entries.filter(Q(title_terms__contains=word) | Q(body_terms__contains=word))
    return list(entries.extra(select={"rank": "0"}).values_list("resource_id", "rank", *FACET_COLUMNS))


def _sqlite_matches(entries, query: Query) -> list[tuple]:
    # Raw SQL for INDEXED BY: left to itself SQLite looks each match up through the primary key and
    # reads its whole row (terms and all) for six short columns.
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    where, params = entries.query.get_compiler(connection=connection).compile(entries.query.where)
    columns = ", ".join(f"{table}.{column}" for column in FACET_COLUMNS)
    if query:
        sql = (
            f"SELECT {table}.resource_id, bm25(catalog_search_fts, 8.0, 1.0), {columns}"
            f" FROM catalog_search_fts JOIN {table} INDEXED BY {SQLITE_INDEX}"
            f" ON {table}.resource_id = catalog_search_fts.rowid"
            f" WHERE catalog_search_fts MATCH %s AND ({where or '1 = 1'})"
        )
        params = [query.fts5(), *params]
    else:
        sql = f"SELECT resource_id, 0, {columns} FROM {table} INDEXED BY {SQLITE_INDEX}"
        sql += f" WHERE {where or '1 = 1'}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _lookup(name: str) -> str:
    return "provider_id" if name == "provider" else name
