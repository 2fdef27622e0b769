"""Runs against real sources of every kind the demo and pilots use: a folder of files (CSV and an
Excel sheet, through DuckDB), the real PostgreSQL and MariaDB servers (a throwaway database with
Chinese data and bad identifiers), and the `cdohub quality` command."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cdohub.datakit.identifiers import make_uscc
from cdohub.quality import services
from cdohub.quality.models import Issue, Run
from cdohub.sources.tests.conftest import maria_db  # noqa: F401  (fixture)

from . import factories

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("11010519491231002X", "王秀英", "13800138000", "女"),
    ("440524188001010014", "陈建国", "13912345678", "男"),
    ("440902199001011235", "李四", "1381234", "男"),  # wrong check digit; phone too short
    ("44090219900230123X", "赵六", "13712345678", "男"),  # 30 February
    ("440902199001011233", "", None, "男"),  # blank name, no phone
]


def run_of(jobs, user, resource) -> Run:
    run = jobs(lambda: services.start_run(user, resource))
    run.refresh_from_db()
    return run


def test_files_source_csv_and_excel_sheet(source_root, specialist, police, jobs):
    folder = source_root / "exports"
    folder.mkdir()
    with (folder / "人员.csv").open("w", encoding="utf-8") as out:
        out.write("公民身份号码,姓名,手机号码\n")
        for sfz, name, phone, _ in PEOPLE:
            out.write(f"{sfz},{name},{phone or ''}\n")
    book = Workbook()
    sheet = book.active
    sheet.title = "排污单位"
    sheet.append(["统一社会信用代码", "单位名称"])
    for n in range(6):
        sheet.append([make_uscc("91", "440900", f"MA4U{n:04d}"), f"茂名某公司{n}"])
    sheet.append(["91440900MA4UXXXX1A", "茂名某化工有限公司"])
    book.save(folder / "许可台账.xlsx")
    source = factories.register(specialist, police, "导出文件（质量测试）", kind="files", path=str(folder))

    people = factories.resource(specialist, name="人员（文件）")
    services.bind_resource(specialist, people, source=source, table="人员.csv")
    services.save_rule(specialist, people, kind="resident_id", columns=["公民身份号码"])
    services.save_rule(
        specialist, people, kind="validator", columns=["手机号码"], params={"validator": "mobile"}
    )
    services.save_rule(specialist, people, kind="not_null", columns=["姓名"])
    run = run_of(jobs, specialist, people)
    assert run.status == "succeeded", run.error
    counts = {r.columns[0]: r.failed for r in run.results.all()}
    assert counts == {"公民身份号码": 2, "手机号码": 1, "姓名": 1}
    phones = run.results.get(columns=["手机号码"]).samples
    assert [row["手机号码"] for row in phones] == ["*****34"]  # a short number: its last 2 kept
    ids = run.results.get(columns=["公民身份号码"]).samples
    assert {row["公民身份号码"] for row in ids} == {"440902********1235", "440902********123X"}
    assert {row["手机号码"] for row in ids} == {"*****34", "137****5678"}  # middle 4 hidden

    permits = factories.resource(specialist, name="排污许可（表格）")
    services.bind_resource(specialist, permits, source=source, schema="许可台账.xlsx", table="排污单位")
    services.save_rule(specialist, permits, kind="uscc", columns=["统一社会信用代码"])
    services.save_rule(specialist, permits, kind="unique", columns=["单位名称"])
    run = run_of(jobs, specialist, permits)
    assert run.status == "succeeded", run.error
    assert {r.kind: r.failed for r in run.results.all()} == {"validator": 1, "unique": 0}
    assert run.rows == 7


def test_postgresql_source_pushes_the_rules_down(pg_db, specialist, police, jobs):
    pg_db.run(
        "CREATE TABLE rk_jbxx (gmsfhm varchar(18), xm varchar(50), lxdh varchar(20), xb varchar(2), "
        "csrq date)",
        "COMMENT ON TABLE rk_jbxx IS '人口基本信息'",
    )
    for sfz, name, phone, sex in PEOPLE:
        pg_db.conn.execute(
            "INSERT INTO rk_jbxx VALUES (%s, %s, %s, %s, %s)",
            (sfz, name, phone, sex, datetime.date(1990, 1, 1)),
        )
    source = factories.register(specialist, police, "人口库（PostgreSQL）", **pg_db.source_fields())
    res = factories.resource(specialist, name="人口（PostgreSQL）")
    services.bind_resource(specialist, res, source=source, schema="public", table="rk_jbxx")
    services.save_rule(specialist, res, kind="resident_id", columns=["GMSFHM"], weight=3)  # case differs
    services.save_rule(specialist, res, kind="not_null", columns=["xm"])
    services.save_rule(specialist, res, kind="regex", columns=["lxdh"], params={"pattern": "1[3-9][0-9]{9}"})
    services.save_rule(specialist, res, kind="allowed", columns=["xb"], params={"values": ["男", "女"]})
    services.save_rule(specialist, res, kind="not_null", columns=["zjhm"])  # a column the table lacks
    services.save_rule(
        specialist, res, kind="custom_sql", params={"sql": "SELECT * FROM rk_jbxx WHERE xm = '李四'"}
    )
    run = run_of(jobs, specialist, res)
    assert run.status == "succeeded", run.error
    assert run.dialect == "postgres" and run.rows == 5
    found = {(r.kind, tuple(r.columns)): (r.failed, bool(r.error)) for r in run.results.all()}
    assert found == {
        ("validator", ("GMSFHM",)): (2, False),
        ("not_null", ("xm",)): (1, False),
        ("regex", ("lxdh",)): (1, False),
        ("allowed", ("xb",)): (0, False),
        ("not_null", ("zjhm",)): (0, True),
        ("custom_sql", ()): (1, False),
    }
    samples = run.results.get(kind="validator").samples
    assert sorted(row["gmsfhm"] for row in samples) == ["440902********1235", "440902********123X"]
    assert {row["xm"] for row in samples} == {"李四", "赵六"}  # Chinese text comes back intact
    assert Issue.objects.filter(resource=res, status="open").count() == 4

    pg_db.run("DELETE FROM rk_jbxx WHERE gmsfhm IN ('440902199001011235', '44090219900230123X')")
    again = run_of(jobs, specialist, res)
    issue = Issue.objects.get(resource=res, rule__kind="validator")
    assert issue.status == "closed" and issue.closed_run == again


def test_mariadb_source(maria_db, specialist, police, jobs):  # noqa: F811
    maria_db.run("CREATE TABLE rk (gmsfhm VARCHAR(18), xm VARCHAR(50)) CHARACTER SET utf8mb4")
    with maria_db.conn.cursor() as cursor:
        cursor.executemany("INSERT INTO rk VALUES (%s, %s)", [(p[0], p[1]) for p in PEOPLE])
    source = factories.register(specialist, police, "人口库（MariaDB）", **maria_db.source_fields())
    res = factories.resource(specialist, name="人口（MariaDB）")
    services.bind_resource(specialist, res, source=source, schema=maria_db.name, table="rk")
    services.save_rule(specialist, res, kind="resident_id", columns=["gmsfhm"])
    services.save_rule(specialist, res, kind="not_null", columns=["xm"])
    run = run_of(jobs, specialist, res)
    assert run.status == "succeeded", run.error
    assert {r.kind: r.failed for r in run.results.all()} == {"validator": 2, "not_null": 1}


def test_scan_command(bound, capsys):
    call_command("quality", "scan", bound.code)
    out = capsys.readouterr().out
    run = Run.objects.filter(resource=bound).get()
    assert run.trigger == "command" and run.status == "succeeded"
    assert f"{bound.code}\tsucceeded\tscore {run.score}" in out
    with pytest.raises(CommandError):
        call_command("quality", "scan", "NO-SUCH-CODE")
    call_command("quality", "scan", "--due")
    assert "queued" in capsys.readouterr().out
    call_command("quality", "escalate")
    assert "escalated" in capsys.readouterr().out


def test_a_check_gets_the_longer_statement_time_limit_of_quality_scans(population, settings):
    from cdohub.datakit.connectors import connector_for
    from cdohub.quality.targets import Target

    source, _ = population
    settings.CDOHUB = {**settings.CDOHUB, "SOURCE_STATEMENT_TIMEOUT": 30, "QUALITY_STATEMENT_TIMEOUT": 600}
    assert Target(source).connector.limits.statement_timeout == 600
    assert connector_for(source.config()).limits.statement_timeout == 30  # discovery keeps its own
