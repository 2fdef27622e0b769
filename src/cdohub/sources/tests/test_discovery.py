"""Discovery against real servers and files: names, types, Chinese comments and row counts, and
what a second run reports after the schema changed."""

import sqlite3

import duckdb
import openpyxl
import pytest

from cdohub.core.jobs import RunStatus
from cdohub.datakit.connectors import Limits, SourceConfig, SourceError, connector_for
from cdohub.sources import services
from cdohub.sources.choices import Health


def by_name(run):
    return {t.name: t for t in run.tables.all()}


def columns(table):
    return {c["name"]: c for c in table.columns}


def assert_diff(run, new_tables, dropped_tables, changes):
    found = services.diff(run)
    assert found is not None and found.previous is not None
    assert [t.name for t in found.new_tables] == new_tables
    assert [t.name for t in found.dropped_tables] == dropped_tables
    summary = {
        c.table.name: (
            [col["name"] for col in c.new_columns],
            [col["name"] for col in c.dropped_columns],
            [(col.name, col.before["data_type"], col.after["data_type"]) for col in c.retyped_columns],
        )
        for c in found.changed_tables
    }
    assert summary == changes


PG_SCHEMA = [
    "CREATE SCHEMA shebao",
    """CREATE TABLE shebao.参保人员 (
        sfzh varchar(18) PRIMARY KEY, xm varchar(50) NOT NULL, cbrq date, jfjs numeric(12, 2))""",
    "COMMENT ON TABLE shebao.参保人员 IS '参保人员信息'",
    "COMMENT ON COLUMN shebao.参保人员.sfzh IS '身份证号'",
    "COMMENT ON COLUMN shebao.参保人员.xm IS '姓名'",
    "COMMENT ON COLUMN shebao.参保人员.cbrq IS '参保日期'",
    "COMMENT ON COLUMN shebao.参保人员.jfjs IS '缴费基数'",
    "INSERT INTO shebao.参保人员 VALUES ('440902199001011234', '张三', '2020-01-05', 5000.50), "
    "('44090219900101123X', '李四', '2021-03-04', 6200), ('440902198506062345', '王五', NULL, NULL)",
    "CREATE TABLE shebao.缴费记录 (id bigint PRIMARY KEY, sfzh varchar(18), je numeric(10, 2), jfyf char(6))",
    "COMMENT ON TABLE shebao.缴费记录 IS '缴费记录'",
    "COMMENT ON COLUMN shebao.缴费记录.jfyf IS '缴费月份'",
    "INSERT INTO shebao.缴费记录 SELECT g, '440902199001011234', 800, '2024' || lpad(g::text, 2, '0') "
    "FROM generate_series(1, 12) g",
    "CREATE TABLE shebao.参保单位 (dwbh integer, dwmc text)",
    "COMMENT ON TABLE shebao.参保单位 IS '参保单位'",
    "INSERT INTO shebao.参保单位 VALUES (1, '茂名市公安局'), (2, '茂名市人社局')",
    "CREATE TABLE public.not_read (x int)",  # outside the schema filter
]


@pytest.mark.django_db
def test_postgresql_discovery_and_rediscovery(pg_db, specialist, police, discover):
    pg_db.run(*PG_SCHEMA)
    source = services.register_source(
        specialist, police, name="社保库", password="", **pg_db.source_fields(schemas="shebao")
    )
    assert source.health == Health.HEALTHY
    run = discover(specialist, source)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.tables_done, run.tables_total) == (3, 3)
    tables = by_name(run)
    assert set(tables) == {"参保人员", "缴费记录", "参保单位"}
    people = tables["参保人员"]
    assert (people.schema, people.comment, people.row_count, people.row_count_exact) == (
        "shebao",
        "参保人员信息",
        3,
        True,
    )
    cols = columns(people)
    assert [c["name"] for c in people.columns] == ["sfzh", "xm", "cbrq", "jfjs"]
    assert cols["sfzh"] == {
        "name": "sfzh",
        "position": 1,
        "scale": None,
        "data_type": "string",
        "length": 18,
        "comment": "身份证号",
        "nullable": False,
        "native_type": "character varying(18)",
    }
    assert (cols["xm"]["comment"], cols["xm"]["nullable"]) == ("姓名", False)
    assert (cols["cbrq"]["data_type"], cols["cbrq"]["comment"]) == ("date", "参保日期")
    assert (cols["jfjs"]["data_type"], cols["jfjs"]["length"], cols["jfjs"]["scale"]) == ("decimal", 12, 2)
    assert tables["缴费记录"].row_count == 12 and columns(tables["缴费记录"])["jfyf"]["comment"] == "缴费月份"
    assert services.diff(run) is None  # the first discovery

    pg_db.run(
        "ALTER TABLE shebao.参保人员 ADD COLUMN lxdh varchar(20)",
        "COMMENT ON COLUMN shebao.参保人员.lxdh IS '联系电话'",
        "ALTER TABLE shebao.缴费记录 ALTER COLUMN jfyf TYPE integer USING jfyf::integer",
        "DROP TABLE shebao.参保单位",
        "CREATE TABLE shebao.待遇发放 (sfzh varchar(18), ffje numeric(10, 2))",
    )
    second = discover(specialist, source)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert_diff(
        second,
        new_tables=["待遇发放"],
        dropped_tables=["参保单位"],
        changes={"参保人员": (["lxdh"], [], []), "缴费记录": ([], [], [("jfyf", "string", "integer")])},
    )
    assert run.tables.count() == 3  # the earlier snapshot is kept as it was


@pytest.mark.django_db
def test_postgresql_session_is_read_only_and_counts_are_estimated_when_large(pg_db):
    pg_db.run(
        "CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 2000) g",
        "ANALYZE big",
        "CREATE TABLE never_analyzed (id int)",
    )
    config = SourceConfig(**pg_db.source_fields())
    connector = connector_for(config, Limits(exact_count_below=1000))
    with connector.connect() as conn, pytest.raises(Exception, match="read-only"):
        conn.execute("CREATE TABLE sneaky (x int)")
    progress = []
    found = connector.discover(progress=lambda done, total: progress.append((done, total)))
    tables = {t.name: t for t in found}
    assert (tables["big"].row_count, tables["big"].row_count_exact) == (2000, False)  # pg_class estimate
    assert (tables["never_analyzed"].row_count, tables["never_analyzed"].row_count_exact) == (0, True)
    assert progress[0] == (0, 2) and progress[-1] == (2, 2)


MARIADB_SCHEMA = [
    """CREATE TABLE 参保人员 (
        sfzh VARCHAR(18) NOT NULL PRIMARY KEY COMMENT '身份证号',
        xm VARCHAR(50) NOT NULL COMMENT '姓名',
        cbrq DATE COMMENT '参保日期',
        jfjs DECIMAL(12, 2) COMMENT '缴费基数'
    ) COMMENT = '参保人员信息'""",
    "INSERT INTO 参保人员 VALUES ('440902199001011234', '张三', '2020-01-05', 5000.50), "
    "('44090219900101123X', '李四', '2021-03-04', 6200)",
    """CREATE TABLE 缴费记录 (id BIGINT PRIMARY KEY, sfzh VARCHAR(18), jfyf CHAR(6) COMMENT '缴费月份')
       COMMENT = '缴费记录'""",
    "INSERT INTO 缴费记录 VALUES (1, '440902199001011234', '202401'), (2, '440902199001011234', '202402'), "
    "(3, '440902199001011234', '202403')",
    "CREATE TABLE 参保单位 (dwbh INT COMMENT '单位编号', dwmc TEXT COMMENT '单位名称') COMMENT = '参保单位'",
    "CREATE VIEW 人员视图 AS SELECT xm FROM 参保人员",
]


@pytest.mark.django_db
def test_mariadb_discovery_and_rediscovery(maria_db, specialist, police, discover):
    maria_db.run(*MARIADB_SCHEMA)
    fields = maria_db.source_fields()
    source = services.register_source(specialist, police, name="社保库（MariaDB）", **fields)
    run = discover(specialist, source)
    assert run.status == RunStatus.SUCCEEDED, run.error
    tables = by_name(run)
    assert set(tables) == {"参保人员", "缴费记录", "参保单位", "人员视图"}
    people = tables["参保人员"]
    assert (people.schema, people.comment, people.row_count, people.row_count_exact) == (
        maria_db.name,
        "参保人员信息",
        2,
        True,
    )
    cols = columns(people)
    sfzh = cols["sfzh"]
    assert (sfzh["data_type"], sfzh["length"], sfzh["comment"]) == ("string", 18, "身份证号")
    assert (cols["sfzh"]["nullable"], cols["sfzh"]["native_type"]) == (False, "varchar(18)")
    assert (cols["jfjs"]["data_type"], cols["jfjs"]["length"], cols["jfjs"]["scale"]) == ("decimal", 12, 2)
    assert (cols["cbrq"]["data_type"], cols["cbrq"]["comment"]) == ("date", "参保日期")
    assert tables["缴费记录"].row_count == 3 and tables["参保单位"].row_count == 0
    view = tables["人员视图"]
    assert (view.kind, view.row_count, view.comment) == ("view", None, "")

    maria_db.run(
        "ALTER TABLE 参保人员 ADD COLUMN lxdh VARCHAR(20) COMMENT '联系电话'",
        "ALTER TABLE 缴费记录 MODIFY jfyf INT COMMENT '缴费月份'",
        "DROP TABLE 参保单位",
    )
    second = discover(specialist, source)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert_diff(
        second,
        new_tables=[],
        dropped_tables=["参保单位"],
        changes={"参保人员": (["lxdh"], [], []), "缴费记录": ([], [], [("jfyf", "string", "integer")])},
    )


@pytest.mark.django_db
def test_mariadb_session_is_read_only(maria_db):
    maria_db.run("CREATE TABLE t (x INT)")
    config = SourceConfig(**maria_db.source_fields())
    conn = connector_for(config).connect()
    try:
        with conn.cursor() as cursor, pytest.raises(Exception, match="READ ONLY"):
            cursor.execute("INSERT INTO t VALUES (1)")
    finally:
        conn.close()


SQLITE_SCHEMA = """
CREATE TABLE 参保人员 ( -- 参保人员信息
    sfzh TEXT PRIMARY KEY, -- 身份证号
    "xm" VARCHAR(50) NOT NULL, -- 姓名
    jfjs DECIMAL(12,2), -- 缴费基数
    cbrq DATE
);
CREATE TABLE log (id INTEGER PRIMARY KEY, at DATETIME, payload BLOB);
CREATE VIEW 人员 AS SELECT xm FROM 参保人员;
INSERT INTO 参保人员 VALUES ('440902199001011234', '张三', 5000.5, '2020-01-05');
INSERT INTO 参保人员 VALUES ('44090219900101123X', '李四', 6200, NULL);
"""


@pytest.mark.django_db
def test_sqlite_discovery_reads_inline_comments(source_root, specialist, police, discover):
    path = source_root / "社保.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(SQLITE_SCHEMA)
    conn.close()
    source = services.register_source(
        specialist, police, name="社保 SQLite", kind="sqlite", path="社保.sqlite3"
    )
    assert source.path == str(path)  # relative to the allowed folder, stored resolved
    run = discover(specialist, source)
    assert run.status == RunStatus.SUCCEEDED, run.error
    tables = by_name(run)
    people = tables["参保人员"]
    assert (people.comment, people.row_count, people.row_count_exact) == ("参保人员信息", 2, True)
    cols = columns(people)
    assert {name: c["comment"] for name, c in cols.items()} == {
        "sfzh": "身份证号",
        "xm": "姓名",
        "jfjs": "缴费基数",
        "cbrq": "",
    }
    assert (cols["xm"]["data_type"], cols["xm"]["length"], cols["xm"]["nullable"]) == ("string", 50, False)
    assert (cols["jfjs"]["data_type"], cols["jfjs"]["length"], cols["jfjs"]["scale"]) == ("decimal", 12, 2)
    assert [columns(tables["log"])[n]["data_type"] for n in ("id", "at", "payload")] == [
        "integer",
        "datetime",
        "binary",
    ]
    assert tables["人员"].kind == "view"
    with pytest.raises(sqlite3.OperationalError):  # opened read-only
        connector_for(source.config()).connect().execute("DELETE FROM 参保人员")


def write_folder(folder):
    (folder / "人员.csv").write_text(
        "身份证号,姓名,年龄,参保日期\n440902199001011234,张三,34,2020-01-05\n44090219900101123X,李四,,2021-03-04\n"
        "440902198506062345,王五,39,2019-07-01\n",
        encoding="utf-8",
    )
    con = duckdb.connect()
    target = str(folder / "缴费" / "缴费记录.parquet").replace("'", "''")
    (folder / "缴费").mkdir()
    con.execute(
        "COPY (SELECT i::INTEGER AS id, '440902199001011234' AS 身份证号, 800.00::DECIMAL(10, 2) AS 金额, "
        f"DATE '2024-01-01' + i::INTEGER AS 缴费日期 FROM range(5) t(i)) TO '{target}' (FORMAT parquet)"
    )
    con.close()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "参保单位"
    sheet.append(["单位编号", "单位名称", "在册人数", "成立日期"])
    sheet.append([1, "茂名市公安局", 1200, "2001-01-01"])
    sheet.append([2, "茂名市人社局", 300.5, "2002-02-02"])
    book.create_sheet("空表")
    book.save(folder / "单位.xlsx")
    (folder / "readme.txt").write_text("not a table")


@pytest.mark.django_db
def test_folder_of_csv_parquet_and_xlsx(source_root, specialist, police, discover):
    folder = source_root / "社保文件"
    folder.mkdir()
    write_folder(folder)
    source = services.register_source(specialist, police, name="社保文件", kind="files", path=str(folder))
    run = discover(specialist, source)
    assert run.status == RunStatus.SUCCEEDED, run.error
    tables = {(t.schema, t.name): t for t in run.tables.all()}
    assert set(tables) == {("", "人员.csv"), ("缴费", "缴费记录.parquet"), ("单位.xlsx", "参保单位")}
    people = tables["", "人员.csv"]
    assert (people.kind, people.row_count, people.row_count_exact) == ("file", 3, True)
    assert [(c["name"], c["data_type"]) for c in people.columns] == [
        ("身份证号", "string"),  # 44090219900101123X is not a number
        ("姓名", "string"),
        ("年龄", "integer"),
        ("参保日期", "date"),
    ]
    payments = tables["缴费", "缴费记录.parquet"]
    assert payments.row_count == 5
    assert [(c["name"], c["data_type"]) for c in payments.columns] == [
        ("id", "integer"),
        ("身份证号", "string"),
        ("金额", "decimal"),
        ("缴费日期", "date"),
    ]
    assert (columns(payments)["金额"]["length"], columns(payments)["金额"]["scale"]) == (10, 2)
    units = tables["单位.xlsx", "参保单位"]
    assert (units.kind, units.row_count) == ("sheet", 2)
    assert [(c["name"], c["data_type"]) for c in units.columns] == [
        ("单位编号", "integer"),
        ("单位名称", "string"),
        ("在册人数", "float"),
        ("成立日期", "string"),
    ]

    (folder / "缴费" / "缴费记录.parquet").unlink()
    (folder / "人员.csv").write_text(
        "身份证号,姓名,年龄,参保日期,电话\n44090219900101123X,张三,三十四,2020-01-05,1\n"
    )
    second = discover(specialist, source)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert_diff(
        second,
        new_tables=[],
        dropped_tables=["缴费记录.parquet"],
        changes={"人员.csv": (["电话"], [], [("年龄", "integer", "string")])},
    )


@pytest.mark.django_db
def test_folder_refuses_files_linking_outside_and_text_not_in_utf8(source_root, tmp_path, english):
    folder = source_root / "links"
    folder.mkdir()
    outside = tmp_path / "secret.csv"
    outside.write_text("a\n1\n")
    (folder / "secret.csv").symlink_to(outside)
    with pytest.raises(SourceError, match="outside") as refused:
        connector_for(SourceConfig(kind="files", path=str(folder))).discover()
    assert refused.value.code == "path_refused"
    (folder / "secret.csv").unlink()
    (folder / "gbk.csv").write_bytes("姓名,年龄\n张三,34\n".encode("gb18030"))
    with pytest.raises(SourceError) as not_utf8:
        connector_for(SourceConfig(kind="files", path=str(folder))).discover()
    assert not_utf8.value.code == "file"


@pytest.mark.django_db
def test_postgresql_count_blocked_by_a_lock_keeps_the_estimate(pg_db, limits):
    import time

    import psycopg

    pg_db.run("CREATE TABLE busy (id int)", "INSERT INTO busy VALUES (1), (2)", "CREATE TABLE free (id int)")
    limits(statement=1)
    holder = psycopg.connect(**{k: v for k, v in pg_db.conn.info.get_parameters().items() if k != "options"})
    try:
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        tables = {t.name: t for t in connector_for(SourceConfig(**pg_db.source_fields())).discover()}
        assert time.monotonic() - started < 3
    finally:
        holder.close()
    assert tables["busy"].row_count_exact is False and tables["free"].row_count_exact is True


@pytest.mark.django_db
def test_mariadb_count_blocked_by_a_lock_keeps_the_estimate(maria_db, limits):
    import time

    import pymysql

    maria_db.run(
        "CREATE TABLE busy (id INT)", "INSERT INTO busy VALUES (1), (2)", "CREATE TABLE free (id INT)"
    )
    limits(statement=1)
    params = maria_db.params
    holder = pymysql.connect(
        host=params["host"], port=params["port"], user=params["user"], password=params["password"],
        database=maria_db.name, autocommit=True,
    )  # fmt: skip
    try:
        with holder.cursor() as cursor:
            cursor.execute("LOCK TABLES busy WRITE")
        started = time.monotonic()
        tables = {t.name: t for t in connector_for(SourceConfig(**maria_db.source_fields())).discover()}
        assert time.monotonic() - started < 4
    finally:
        holder.close()
    assert tables["busy"].row_count_exact is False and tables["free"].row_count_exact is True
