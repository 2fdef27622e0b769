"""The search dictionary: the words a search also looks for (身份证 → 公民身份号码, 社保 → 社会保险).

The bureau keeps it as `Synonym` rows; `data/synonyms.toml` seeds it. A search reads it through
`dictionary()`, which a process holds in memory and reloads when the rows changed (one small query
per search tells: their count and latest change).
"""

import threading
import tomllib
from pathlib import Path

from django.db.models import Count, Max

from .models import Synonym

DATA = Path(__file__).resolve().parent / "data" / "synonyms.toml"
MAX_ALTERNATIVES = 8


def defaults() -> list[dict]:
    """The shipped entries: term, alternatives, two_way."""
    entries = tomllib.loads(DATA.read_text(encoding="utf-8"))["synonym"]
    return [{"two_way": True, **entry} for entry in entries]


def load_defaults(model) -> int:
    """Add the shipped entries the dictionary lacks (a migration's model or `Synonym`)."""
    known = set(model.objects.values_list("term", flat=True))
    new = [model(**entry) for entry in defaults() if entry["term"] not in known]
    model.objects.bulk_create(new)
    return len(new)


def build(rows) -> dict[str, tuple[str, ...]]:
    """word (lower case) → the words a search for it also looks for."""
    found: dict[str, dict[str, None]] = {}
    for term, alternatives, two_way in rows:
        term = term.strip().lower()
        for alternative in alternatives:
            alternative = alternative.strip().lower()
            if not alternative or alternative == term:
                continue
            found.setdefault(term, {})[alternative] = None
            if two_way:
                found.setdefault(alternative, {})[term] = None
    return {word: tuple(list(others)[:MAX_ALTERNATIVES]) for word, others in found.items()}


_cache: tuple[tuple, dict[str, tuple[str, ...]]] = ((), {})
_lock = threading.Lock()


def dictionary() -> dict[str, tuple[str, ...]]:
    """The dictionary as stored now (kept in memory while the rows are unchanged)."""
    global _cache
    stamp = tuple(Synonym.objects.aggregate(n=Count("pk"), last=Max("updated_at")).values())
    if _cache[0] == stamp:
        return _cache[1]
    with _lock:
        built = build(Synonym.objects.values_list("term", "alternatives", "two_way"))
        _cache = (stamp, built)
    return built
