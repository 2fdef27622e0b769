"""Benchmark: the unit tree's answers (expand a node, search) on the national tree of org_tree.py.

Reuses `bench/org_tree.py`'s database and generator (~103,000 units) and measures, for a province
bureau administrator, p50/p95 of: the top of the tree, expanding a province (130 children), a city
and a county government, and searches for a common word (many matches, cut at the limit), a rare
name and a unit code prefix; with the SQL queries each costs.

    .venv/bin/python bench/unit_tree.py                 # SQLite and PostgreSQL, writes docs/benchmarks.md
    .venv/bin/python bench/unit_tree.py --db sqlite     # one database only
"""

import argparse
import json
import os
from pathlib import Path

from org_tree import measure, queries, run_one  # bench/org_tree.py (this folder is on sys.path)
from report import measure_each_database, write_section

ROOT = Path(__file__).resolve().parent.parent


def scenarios() -> list[tuple[str, str]]:
    from django.urls import reverse

    from cdohub.org.models import Unit

    children, search = reverse("org:unit_tree_children"), reverse("org:unit_tree_search")
    province = Unit.objects.filter(depth=1, kind="government").order_by("path")[18]  # 广东
    city = Unit.objects.filter(depth=2, kind="government", path__startswith=province.path).first()
    county = Unit.objects.filter(depth=3, kind="government", path__startswith=city.path).first()
    deep = Unit.objects.filter(depth=4, path__startswith=county.path).last()
    return [
        ("top of the tree", children),
        (f"expand a province ({province.numchild} children)", f"{children}?parent={province.pk}"),
        (f"expand a city ({city.numchild} children)", f"{children}?parent={city.pk}"),
        (f"expand a county ({county.numchild} children)", f"{children}?parent={county.pk}"),
        ("search a common word (公安)", f"{search}?q=公安"),
        (f"search a rare name ({deep.name})", f"{search}?q={deep.name}"),
        (f"search a code prefix ({county.code})", f"{search}?q={county.code}"),
        ("reveal one unit (path to it)", f"{search}?unit={deep.pk}"),
    ]


def sql_ms(client, url) -> float:
    """The time the database spent on the request's queries (the median of 20 requests)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spent = []
    for _ in range(20):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        spent.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return round(sorted(spent)[len(spent) // 2], 1)


def run(db: str) -> dict:
    run_one(db, only_generate=True)
    from django.test import Client

    from cdohub.accounts.models import RoleAssignment

    user = RoleAssignment.objects.filter(unit__level="province", role="bureau_admin").first().user
    client = Client()
    client.force_login(user)
    rows = []
    for label, url in scenarios():
        p50, p95 = measure(client, url, runs=100)
        rows.append(
            {
                "scenario": label,
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "queries": queries(client, url),
                "sql_ms": sql_ms(client, url),
            }
        )
    from cdohub.org.models import Unit

    load = os.getloadavg()[0]  # the machine is shared: say how busy it was
    return {"db": db, "units": Unit.objects.count(), "load": round(load, 1), "rows": rows}


def sql_cell(row: dict) -> str:
    """Django records query times to the millisecond: below that, say so rather than 0."""
    spent = row.get("sql_ms")
    return "—" if spent is None else ("< 1" if spent < 1 else str(spent))


def report(results: list[dict]) -> str:
    lines = [
        "## Unit tree: expand and search on a national tree (issue #14)",
        "",
        "`bench/unit_tree.py` on the tree of `bench/org_tree.py`, as a province bureau administrator; "
        "in-process Django test client, 100 timed requests after 5 warm-up ones, on the shared 2-core "
        "machine (the load average at the end of each run is given: other work shared the cores). "
        "An expand answers at most 200 children (then a next page) and a search at most 30 units, each "
        "with its ancestor path, in a fixed number of queries. An expand and a code search are index "
        "range scans (tree level and path; code), whatever the size of the tree; a name search reads "
        "names until it has 30 matches, so a rare name reads the whole table. The last column is the "
        "database's own time per request (median, as Django records it, to the millisecond): the rest "
        "is Django and the other work on the cores. A name search that must stay under 100 ms on a "
        "national tree needs a trigram index on unit names (PostgreSQL pg_trgm); not built yet.",
        "",
    ]
    for result in results:
        lines += [
            f"### {result['db']} ({result['units']:,} units; load average {result.get('load', '?')})",
            "",
            "| request | p50 ms | p95 ms | queries | SQL ms (median) |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r['scenario']} | {r['p50_ms']} | {r['p95_ms']} | {r['queries']} | {sql_cell(r)} |"
            for r in result["rows"]
        ]
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one), ensure_ascii=False))
        return
    dbs = ["sqlite", "postgresql"] if args.db == "all" else [args.db]
    results = measure_each_database(__file__, "unit_tree", dbs)
    text = report(results)
    print(text)
    write_section(text)


if __name__ == "__main__":
    main()
