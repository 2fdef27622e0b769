"""Benchmark: the unit list/search page and API on a national-size tree.

Generates ~3,100 county-level governments, ~100,000 departments and 20,000 users with role
assignments, then measures, for a user scoped to one province and one scoped to one county:
p50/p95 latency of the unit list page, the search page and the same two through the API, and the
number of SQL queries per request at page sizes 10 and 50.

    .venv/bin/python bench/org_tree.py                 # SQLite and PostgreSQL, writes docs/benchmarks.md
    .venv/bin/python bench/org_tree.py --db sqlite     # one database only

Each database runs in its own process (Django's settings are per process).
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from report import (  # bench/report.py (this script's folder is on sys.path)
    measure_each_database,
    write_section,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_URL = os.environ.get("CDOHUB_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cdohub_bench")
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
]
DEPARTMENTS = [
    "公安局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "医疗保障局",
    "市场监督管理局",
    "卫生健康委员会",
    "教育局",
    "财政局",
    "民政局",
    "司法局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化广电旅游体育局",
    "应急管理局",
    "统计局",
    "审计局",
    "税务局",
    "住房和城乡建设局",
    "城市管理和综合执法局",
    "退役军人事务局",
    "林业局",
    "发展和改革局",
    "工业和信息化局",
    "科学技术局",
    "政务服务数据管理局",
    "信访局",
    "档案局",
]
CITIES_PER_PROVINCE, COUNTIES_PER_CITY = 10, 10
DEPTS = {"province": 120, "prefecture": 60, "county": 25}
USERS = {"province": 25, "prefecture": 12, "county": 5}
SCENARIOS = [
    ("unit list page", "/units/?scope=mine"),
    ("unit search page", "/units/?scope=mine&q=公安"),
    ("unit list API", "/api/units/?mine=true"),
    ("unit search API", "/api/units/?mine=true&q=公安"),
]


def step(n: int) -> str:
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


def generate():
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from cdohub.accounts.models import RoleAssignment, User
    from cdohub.org.models import Region, Unit

    if Unit.objects.count() > 100_000:
        return
    roles = ["bureau_admin", "cdo", "cdeo", "data_specialist", "staff", "auditor", "leading_group_office"]
    password = make_password(None)
    regions, units, people = [], [], []
    with transaction.atomic():
        for p, province in enumerate(PROVINCES):
            pcode = f"{11 + p:02d}0000"
            regions.append(Region(code=pcode, name=f"{province}省", level="province"))
        Region.objects.bulk_create(regions, batch_size=2000)
        by_code = {r.code: r for r in Region.objects.all()}
        children = []
        for p, _ in enumerate(PROVINCES):
            for c in range(CITIES_PER_PROVINCE):
                ccode = f"{11 + p:02d}{c + 1:02d}00"
                children.append(
                    Region(
                        code=ccode,
                        name=f"{PROVINCES[p]}第{c + 1}市",
                        level="prefecture",
                        parent=by_code[f"{11 + p:02d}0000"],
                    )
                )
        Region.objects.bulk_create(children, batch_size=2000)
        by_code = {r.code: r for r in Region.objects.all()}
        counties = []
        for code, city in list(by_code.items()):
            if city.level != "prefecture":
                continue
            for k in range(COUNTIES_PER_CITY):
                counties.append(
                    Region(
                        code=f"{code[:4]}{k + 1:02d}",
                        name=f"{city.name}第{k + 1}区",
                        level="county",
                        parent=city,
                    )
                )
        Region.objects.bulk_create(counties, batch_size=2000)
        by_code = {r.code: r for r in Region.objects.all()}

        def add(path, depth, region, kind, name, code, numchild):
            units.append(
                Unit(
                    path=path,
                    depth=depth,
                    numchild=numchild,
                    code=code,
                    name=name,
                    kind=kind,
                    level=region.level,
                    region=region,
                )
            )

        def government(path, depth, region, child_regions):
            gov_name = f"{region.name}人民政府"
            n_depts = DEPTS[region.level]
            add(path, depth, region, "government", gov_name, f"G{region.code}", n_depts + len(child_regions))
            for i in range(n_depts):
                name = DEPARTMENTS[i % len(DEPARTMENTS)]
                add(
                    path + step(i + 1),
                    depth + 1,
                    region,
                    "department",
                    f"{region.name}{name}{'' if i < len(DEPARTMENTS) else i // len(DEPARTMENTS) + 1}",
                    f"D{region.code}-{i + 1}",
                    0,
                )
            for j in range(USERS[region.level]):
                people.append((f"u{region.code}_{j}", path, roles[j % len(roles)]))
            for j, child in enumerate(child_regions):
                government(
                    path + step(n_depts + j + 1),
                    depth + 1,
                    child,
                    sorted(child.children_list, key=lambda r: r.code),
                )

        for r in by_code.values():
            r.children_list = []
        parents = {r.pk: r for r in by_code.values()}
        for r in by_code.values():
            if r.parent_id:
                parents[r.parent_id].children_list.append(r)
        provinces = sorted((r for r in by_code.values() if r.level == "province"), key=lambda r: r.code)
        for i, province in enumerate(provinces):
            government(step(i + 1), 1, province, sorted(province.children_list, key=lambda r: r.code))
        Unit.objects.bulk_create(units, batch_size=5000)
        User.objects.bulk_create([User(username=u, password=password) for u, _, _ in people], batch_size=5000)
        ids = dict(User.objects.values_list("username", "id"))
        unit_ids = dict(Unit.objects.filter(kind="government").values_list("path", "id"))
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=ids[u], unit_id=unit_ids[path], role=role) for u, path, role in people],
            batch_size=5000,
        )


def measure(client, url, runs=60):
    for _ in range(5):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def run_one(db: str, only_generate: bool = False) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cdohub.settings.test"
    if db == "postgresql":
        os.environ["CDOHUB_DATABASE_URL"] = PG_URL
        import psycopg

        with psycopg.connect(PG_URL.replace("/cdohub_bench", "/postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname='cdohub_bench'").fetchone()
            if not exists:
                conn.execute("CREATE DATABASE cdohub_bench")
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        os.environ["CDOHUB_DATABASE_URL"] = f"sqlite:///{OUT / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    generate()
    generated = time.perf_counter() - start
    if only_generate:  # bench/unit_tree.py measures its own requests on the same tree
        return {"db": db, "generated_s": round(generated, 1)}

    from cdohub.accounts.models import RoleAssignment, User
    from cdohub.org.models import Unit

    counts = {
        "units": Unit.objects.count(),
        "governments": Unit.objects.filter(kind="government").count(),
        "county governments": Unit.objects.filter(kind="government", level="county").count(),
        "departments": Unit.objects.filter(kind="department").count(),
        "users": User.objects.count(),
        "role assignments": RoleAssignment.objects.count(),
    }
    province_user = RoleAssignment.objects.filter(unit__level="province", role="bureau_admin").first().user
    county_user = RoleAssignment.objects.filter(unit__level="county", role="bureau_admin").last().user
    rows = []
    for who, user in [("province", province_user), ("county", county_user)]:
        client = Client()
        client.force_login(user)
        for label, url in SCENARIOS:
            p50, p95 = measure(client, url)
            sep = "&"
            size_key = "page_size" if "/api/" in url else "per_page"
            q10 = queries(client, f"{url}{sep}{size_key}=10")
            q50 = queries(client, f"{url}{sep}{size_key}=50")
            rows.append(
                {
                    "scope": who,
                    "scenario": label,
                    "p50_ms": round(p50, 1),
                    "p95_ms": round(p95, 1),
                    "queries_10": q10,
                    "queries_50": q50,
                }
            )
    return {"db": db, "generated_s": round(generated, 1), "counts": counts, "rows": rows}


def report(results: list[dict]) -> str:
    lines = [
        "## Unit list and search on a national tree (issue #2)",
        "",
        "`bench/org_tree.py`, in-process Django test client, 60 timed requests after 5 warm-up ones, "
        "on the 2-core CI machine. Target: p95 under 100 ms; queries per request independent of "
        "page size (10 vs 50 rows) and of tree depth (province vs county scope).",
        "",
    ]
    for result in results:
        counts = ", ".join(f"{v:,} {k}" for k, v in result["counts"].items())
        lines += [
            f"### {result['db']}",
            "",
            f"Data: {counts}.",
            "",
            "| user scope | request | p50 ms | p95 ms | queries (10 rows) | queries (50 rows) |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for row in result["rows"]:
            lines.append(
                f"| {row['scope']} | {row['scenario']} | {row['p50_ms']} | {row['p95_ms']} | "
                f"{row['queries_10']} | {row['queries_50']} |"
            )
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one), ensure_ascii=False))
        return
    dbs = ["sqlite", "postgresql"] if args.db == "all" else [args.db]
    results = measure_each_database(__file__, "org_tree", dbs)
    text = report(results)
    print(text)
    write_section(text)


if __name__ == "__main__":
    main()
