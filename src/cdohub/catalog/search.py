"""Chinese full-text search over the catalog, on SQLite (FTS5) and PostgreSQL (GIN tsvector).

Chinese has no spaces, so text is cut into overlapping two-character terms: 社会保险 becomes 社会
会保 保险, and a two-character word such as 社保 or 人口 is one exact term. Each run of Chinese
also yields its last character alone, so a one-character query is a prefix search that misses
nothing. Latin letters and digits are words (codes, column names such as SFZH); Chinese names also
yield their pinyin initials (身份证号 → sfzh), which is how column names are often spelled.

Both databases index the same terms, computed here, so results agree across them; neither needs a
Chinese tokenizer extension.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Q
from pypinyin import Style, lazy_pinyin

from cdohub.core.permissions import Scope, policy_for, within_subtrees

from .choices import ResourceStatus
from .models import Resource, SearchEntry

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
        for item in Resource.items.rel.related_model.objects.filter(resource__in=chunk).order_by("position"):
            items.setdefault(item.resource_id, []).append(item)
        index(chunk, items)
        done += len(chunk)
        last = chunk[-1].pk
    return done


# --- searching --------------------------------------------------------------------------------

PG_VECTOR = (
    "(setweight(array_to_tsvector(string_to_array(title_terms, ' ')), 'A')"
    " || array_to_tsvector(string_to_array(body_terms, ' ')))"
)


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
    in_scope = within_subtrees(SearchEntry.objects.all(), "unit_path", scope.paths(roles))
    return entries.filter(Q(published=True) | Q(pk__in=in_scope.values("pk")))


def matching(entries, query: Query):
    """`entries` that match `query`, annotated with `rank` (lower is better)."""
    if not query:
        return entries.extra(select={"rank": "0"})
    if connection.vendor == "sqlite":
        return entries.extra(
            tables=["catalog_search_fts"],
            where=[
                "catalog_search_fts.rowid = catalog_searchentry.resource_id",
                "catalog_search_fts MATCH %s",
            ],
            params=[query.fts5()],
            select={"rank": "bm25(catalog_search_fts, 8.0, 1.0)"},
        )
    if connection.vendor == "postgresql":
        return entries.extra(
            where=[f"{PG_VECTOR} @@ %s::tsquery"],
            params=[query.tsquery()],
            select={"rank": f"-ts_rank({PG_VECTOR}, %s::tsquery)"},
            select_params=[query.tsquery()],
        )
    # Any other database: each term as a substring of the terms; correct but not indexed.
    for word in query.words + query.prefixes:
        entries = entries.filter(Q(title_terms__contains=word) | Q(body_terms__contains=word))
    return entries.extra(select={"rank": "0"})


def search(user, text: str, filters: dict | None = None, *, offset: int = 0, limit: int = 20) -> Results:
    """The page of resources `user` may see that match `text` and the facet `filters`, with counts
    for every facet value among all matches (each facet counted without its own filter, so the
    user can widen a choice as well as narrow it)."""
    filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
    query = Query.parse(text)
    base = matching(visible_entries(user), query)
    hits = base.filter(**{_lookup(k): v for k, v in filters.items()})
    ids = list(
        hits.order_by("rank", "resource_id").values_list("resource_id", flat=True)[offset : offset + limit]
    )
    facets = {}
    for name in FACETS:
        others = base.filter(**{_lookup(k): v for k, v in filters.items() if k != name})
        rows = others.values(name).annotate(n=Count("resource_id")).order_by("-n", name)
        facets[name] = [(row[name], row["n"]) for row in rows if row[name] not in ("", None)]
    return Results(total=hits.count(), ids=ids, facets=facets)


def _lookup(name: str) -> str:
    return "provider_id" if name == "provider" else name
