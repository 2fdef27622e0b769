"""Benchmark: discovery of a 500-table PostgreSQL schema (issue #4: under 30 s), and the same on MariaDB.

Creates a schema of 500 tables × 12 columns with Chinese table and column comments in a real
PostgreSQL database (and a MariaDB one), 50 of the tables holding 2,000 rows, then times the whole
discovery as a user meets it: `start_discovery` + the job (`run_discovery`), which reads the schema,
counts rows and stores every table and column in CDO Hub's own database (SQLite here).

    .venv/bin/python bench/discovery.py [--tables 500]
"""

import argparse
import os
import time
from pathlib import Path

from report import write_section  # bench/report.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN = os.environ.get("CDOHUB_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB = "cdohub_bench_discovery"
COLUMNS = [
    ("gmsfhm", "varchar(18)", "公民身份号码"),
    ("xm", "varchar(50)", "姓名"),
    ("xb", "char(1)", "性别"),
    ("csrq", "date", "出生日期"),
    ("lxdh", "varchar(20)", "联系电话"),
    ("dz", "varchar(200)", "地址"),
    ("je", "numeric(12,2)", "金额"),
    ("sl", "integer", "数量"),
    ("zt", "varchar(2)", "状态"),
    ("bz", "text", "备注"),
    ("cjsj", "timestamp", "创建时间"),
    ("gxsj", "timestamp", "更新时间"),
]
THEMES = [
    "参保人员",
    "医保结算",
    "不动产登记",
    "企业法人",
    "排污许可",
    "学籍",
    "出生医学证明",
    "居住证",
    "驾驶人",
    "社会救助",
]


def ddl(n: int, mysql: bool) -> list[str]:
    name, theme = f"t{n:04d}", f"{THEMES[n % len(THEMES)]}信息表{n}"
    if mysql:
        cols = ", ".join(f"{c} {t} COMMENT '{cm}'" for c, t, cm in COLUMNS)
        return [f"CREATE TABLE {name} (id bigint PRIMARY KEY, {cols}) COMMENT='{theme}'"]
    cols = ", ".join(f"{c} {t}" for c, t, _ in COLUMNS)
    statements = [
        f"CREATE TABLE bench.{name} (id bigint PRIMARY KEY, {cols})",
        f"COMMENT ON TABLE bench.{name} IS '{theme}'",
    ]
    statements += [f"COMMENT ON COLUMN bench.{name}.{c} IS '{cm}'" for c, _, cm in COLUMNS]
    return statements


def fill(n: int) -> str:
    return f"INSERT INTO bench.t{n:04d} (id, xm, je) SELECT g, '张三', g FROM generate_series(1, 2000) g"


def make_postgres(tables: int) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{DB}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA bench")
        for n in range(tables):
            for sql in ddl(n, mysql=False):
                conn.execute(sql)
            if n % 10 == 0:
                conn.execute(fill(n))
    return url


def make_mariadb(tables: int) -> None:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", user="root", password="", charset="utf8mb4", autocommit=True)
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB}")
        cur.execute(f"CREATE DATABASE {DB} CHARACTER SET utf8mb4")
        cur.execute(f"USE {DB}")
        for n in range(tables):
            for sql in ddl(n, mysql=True):
                cur.execute(sql)
            if n % 10 == 0:
                cur.execute(f"INSERT INTO t{n:04d} (id, xm, je) SELECT seq, '张三', seq FROM seq_1_to_2000")
    conn.close()


def django_setup():
    os.environ["DJANGO_SETTINGS_MODULE"] = "cdohub.settings.test"
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "discovery.sqlite3"
    path.unlink(missing_ok=True)
    os.environ["CDOHUB_DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def discover(kind: str, **where) -> tuple[float, int, int]:
    from cdohub.accounts.models import User
    from cdohub.org.models import Region, Unit
    from cdohub.sources import services

    admin = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        "bench", password="x"
    )
    unit = Unit.objects.first()
    if unit is None:
        region = Region.objects.create(code="440000", name="广东省", level="province")
        unit = Unit.objects.add_root(
            {
                "code": "440000",
                "name": "广东省人民政府",
                "kind": "government",
                "level": "province",
                "region": region,
            }
        )
    source = services.register_source(admin, unit, name=f"bench-{kind}", kind=kind, **where)
    start = time.perf_counter()
    run = services.start_discovery(admin, source)
    services.run_discovery(run.pk)
    elapsed = time.perf_counter() - start
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    columns = sum(len(t.columns) for t in run.tables.all())
    return elapsed, run.tables.count(), columns


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=500)
    args = parser.parse_args()
    t = time.perf_counter()
    make_postgres(args.tables)
    make_mariadb(args.tables)
    print(f"schemas created in {time.perf_counter() - t:.1f} s")
    django_setup()
    rows = []
    pg = discover(
        "postgresql", host="127.0.0.1", port=5432, database=DB, username="postgres", schemas="bench"
    )
    rows.append(("PostgreSQL", *pg))
    my = discover("mysql", host="127.0.0.1", port=3306, database=DB, username="root")
    rows.append(("MariaDB", *my))
    lines = [
        "## Discovery of a large schema (issue #4)",
        "",
        f"`bench/discovery.py`: a schema of {args.tables} tables (with Chinese "
        "comments) created in PostgreSQL and in MariaDB, then discovered by `sources.services` as the "
        "discovery job does it (tables, columns, types, comments, row counts). Target: under 30 s.",
        "",
        "| source | discovery s | tables | columns |",
        "| --- | ---: | ---: | ---: |",
        *(
            f"| {name} | {seconds:.2f} | {tables:,} | {columns:,} |"
            for name, seconds, tables, columns in rows
        ),
    ]
    text = "\n".join(lines)
    print(text)
    write_section(text)


if __name__ == "__main__":
    main()
