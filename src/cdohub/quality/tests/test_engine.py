"""The engine runs one rule set on the same small table (Chinese names, NULLs, blanks, duplicates,
bad IDs) in DuckDB (Parquet files), PostgreSQL, MariaDB and SQLite, through the datakit connectors,
and every dialect gets the counts computed by hand below. Bad rules are refused with a reason, a
rule whose column has gone reports an error while the others run, custom SQL that writes or holds
several statements is refused, and samples of failing rows come back with identifiers masked."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cdohub.datakit.connectors import SourceConfig, SourceError, connector_for
from cdohub.datakit.validators import resident_id_check
from cdohub.quality import engine
from cdohub.quality.engine import Rule, compile_samples, compile_scan, fetch_samples, run_scan, validate
from cdohub.quality.masking import mask

from .dialects import DIALECTS, LIMITS, Servers

NOW = datetime.datetime(2026, 11, 21, 12, 0)


def rid(first17: str) -> str:
    return first17 + resident_id_check(first17)


FEB30 = rid("11010519490230002")  # right check digit, impossible date
PROV99 = rid("99010519491231002")  # right check digit, no such province
LEAP = rid("11010520000229001")  # 2000-02-29: valid
FUTURE = rid("11010520270101001")  # born after NOW
D = datetime.date
T = datetime.datetime

COLUMNS = {
    "id": "integer",
    "name": "string",
    "rid": "string",
    "phone": "string",
    "uscc": "string",
    "region": "string",
    "状态": "string",  # a Chinese column name, quoted on every dialect
    "unit": "string",
    "score": "integer",
    "born": "date",
    "start_d": "date",
    "end_d": "date",
    "updated": "datetime",
}
# fmt: off
ROWS = [
    (1, "张三", "11010519491231002X", "13812345678", "91350100M000100Y43", "440303", "正常", "U1", 90,
     D(1949, 12, 31), D(2026, 1, 1), D(2026, 2, 1), T(2026, 11, 21, 9, 0)),
    (2, "李四", "440524188001010014", "13912345678", "9144030071526726XG", "440309", "注销", "U2", 100,
     D(1880, 1, 1), D(2026, 1, 1), D(2026, 1, 1), T(2026, 11, 20, 12, 0)),
    (3, "王五", "11010219840406970x", "1381234567", "9144030071526726xg", "999999", "迁出", "U1", 101,
     D(1984, 4, 6), D(2026, 3, 1), D(2026, 2, 1), T(2026, 11, 19, 12, 0)),
    (4, None, "110105194912310021", None, "91350200M000000510", None, "正常", "U9", -5,
     None, None, D(2026, 1, 1), None),
    (5, "", FEB30, "12812345678", "9144030071526726XG", "440300", "死亡", "", 50,
     D(2000, 2, 29), D(2026, 1, 1), None, T(2026, 11, 1)),
    (6, "  ", "11010519491231002X", "13812345678", "9144030071526726XG", "440304", "正常", "U2", 0,
     D(1990, 1, 1), D(2026, 5, 5), D(2026, 5, 5), T(2026, 11, 1)),
    (7, "欧阳娜娜娜娜", PROV99, "+8613812345678", "91440300708461136T", "441900", None, None, None,
     D(2010, 12, 31), None, None, T(2026, 11, 1)),
    (8, "赵六", None, "", None, "", "正常", "U1", 99,
     D(1950, 1, 1), D(2026, 1, 2), D(2026, 1, 1), T(2026, 11, 1)),
    (9, "钱七", "", "19912345678", "", "442000", "注销", "U2", 100,
     D(2011, 1, 1), D(2026, 1, 1), D(2026, 1, 3), T(2026, 11, 1)),
    (10, "孙八", "11010519491231002", "13812345678", "91350100M000100Y4", "4403", "正常", "U1", 10,
     D(1949, 12, 31), D(2026, 1, 1), D(2026, 1, 1), T(2026, 11, 1)),
    (11, "张三", LEAP, "15000000000", "91350100M000100Y43", "440303", "正常", "U1", 20,
     D(1949, 12, 31), D(2026, 1, 1), D(2026, 1, 1), T(2026, 11, 1)),
    (12, "李四", FUTURE, "13812345678", "91350100M000100Y43", "440309", "正常", "U2", 30,
     D(1949, 12, 31), D(2026, 1, 1), D(2026, 1, 1), T(2026, 11, 1)),
]
# fmt: on
UNITS = [("U1", "一处"), ("U2", "二处"), ("U3", "三处")]


def mixed_rows(count: int = 400, seed: int = 7) -> list[tuple]:
    """Values that databases are tempted to consider equal: case, full width, traditional and
    simplified characters, trailing and leading spaces, blanks."""
    import random

    pool = ["", " ", "  ", "a", "A", "a ", " a", "ａ", "张三", "張三", "张三 ", None, "abc", "ABC", "1", "01"]
    rng = random.Random(seed)
    return [(i + 1, rng.choice(pool), rng.choice(pool)) for i in range(count)]


MIXED = mixed_rows()


BIRTH_MISMATCH = {  # each database formats dates its own way; the condition is in its dialect
    "duckdb": "substr(rid, 7, 8) <> strftime(born, '%Y%m%d')",
    "postgres": "substr(rid, 7, 8) <> to_char(born, 'YYYYMMDD')",
    "mysql": "substr(rid, 7, 8) <> date_format(born, '%Y%m%d')",
    "sqlite": "substr(rid, 7, 8) <> strftime('%Y%m%d', born)",
}


def rules(custom_table: str, dialect: str = "postgres") -> list[Rule]:
    return [
        Rule("expr_birth", "expression", ["rid", "born"], {"fails_when": BIRTH_MISMATCH[dialect]}),
        Rule("nn_name", "not_null", ["name"]),
        Rule("nn_name_strict", "not_null", ["name"], {"blank": False}),
        Rule("uq_rid", "unique", ["rid"]),
        Rule("uq_name_region", "unique", ["name", "region"]),
        Rule("rx_phone", "regex", ["phone"], {"pattern": r"1[3-9]\d{9}"}),
        Rule("len_name", "length", ["name"], {"max": 5}),
        Rule("range_score", "range", ["score"], {"min": 0, "max": 100}),
        Rule("range_born", "range", ["born"], {"min": "1950-01-01", "max": "2010-12-31"}),
        Rule("allowed_status", "allowed", ["状态"], {"values": ["正常", "注销", "迁出"]}),
        Rule("allowed_status_grouped", "allowed", ["状态"], {"values": ["正常", "注销", "迁出"]}),
        Rule("ref_unit", "referential", ["unit"], {"table": "units", "column": "code"}),
        Rule("fresh_ok", "freshness", ["updated"], {"days": 2}),
        Rule("fresh_bad", "freshness", ["updated"], {"hours": 1}),
        Rule("rows_ok", "row_count", [], {"min": 1, "max": 100}),
        Rule("rows_bad", "row_count", [], {"min": 1000}),
        Rule("expr_dates", "expression", [], {"expression": "end_d >= start_d"}),
        Rule("expr_fails_when", "expression", [], {"fails_when": "score > 95 AND 状态 = '注销'"}),
        Rule("custom", "custom_sql", [], {"sql": f"SELECT id FROM {custom_table} WHERE score < 0"}),
        Rule("v_rid", "validator", ["rid"], {"validator": "resident_id"}, weight=3, severity="critical"),
        Rule("v_uscc", "validator", ["uscc"], {"validator": "uscc"}),
        Rule("v_mobile", "mobile", ["phone"]),
        Rule("v_region", "validator", ["region"], {"validator": "region_code"}),
        Rule("gone", "not_null", ["nope"]),
        Rule("bad_regex", "regex", ["phone"], {"pattern": "(["}),
    ]


TRUTH = {  # counted by hand from ROWS (see the comments)
    "nn_name": 3,  # rows 4 (NULL), 5 (''), 6 (spaces)
    "nn_name_strict": 1,  # row 4
    "uq_rid": 1,  # row 6 repeats row 1 (NULL is no key, '' once)
    "uq_name_region": 2,  # rows 11 and 12 repeat rows 1 and 2; row 4 has a NULL part
    "rx_phone": 3,  # rows 3, 5, 7 (NULL and '' skipped)
    "len_name": 1,  # row 7: six characters (not bytes)
    "range_score": 2,  # rows 3 (101) and 4 (-5)
    "range_born": 6,  # rows 1, 2, 9, 10, 11, 12
    "allowed_status": 1,  # row 5 (死亡); NULL skipped
    "allowed_status_grouped": 1,
    "ref_unit": 1,  # row 4 (U9); '' and NULL skipped
    "fresh_ok": 0,  # newest 09:00 is within 2 days of 12:00
    "fresh_bad": 1,  # but not within 1 hour
    "rows_ok": 0,
    "rows_bad": 1,
    "expr_dates": 2,  # rows 3 and 8; NULL dates pass
    "expr_fails_when": 2,  # rows 2 and 9
    "expr_birth": 6,  # rows 5, 6, 7, 9 (blank ID), 11, 12; NULL born or ID passes
    "custom": 1,  # row 4
    "v_rid": 5,  # rows 4 (check), 5 (30 Feb), 7 (province), 10 (17 digits), 12 (future); 3 has x
    "v_uscc": 2,  # rows 4 (check) and 10 (17 characters); row 3 in lower case is valid
    "v_mobile": 3,  # rows 3, 5, 7
    "v_region": 2,  # rows 3 (999999) and 10 (4403)
}
ROW_LEVEL = {"fresh_ok", "fresh_bad", "rows_ok", "rows_bad"}


@pytest.fixture(scope="module")
def servers():
    found = Servers()
    found.create("people", COLUMNS, ROWS)
    found.create("units", {"code": "string", "name": "string"}, UNITS)
    found.create("mixed", {"id": "integer", "v": "string", "w": "string"}, MIXED)
    found.create("refs", {"code": "string"}, [("a",), ("张三",), ("1",), (None,)])
    yield found
    found.close()


_discovered = {}


def discovered_columns(target, name):
    """The table's columns as discovery reports them (ColumnInfo, with portable types)."""
    key = (id(target), name)
    if key not in _discovered:
        tables = target.connector.discover()
        wanted = target.tables_files.get(name, name)
        _discovered[key] = next(t.columns for t in tables if t.name == wanted)
    return _discovered[key]


def compile_for(target, dialect, **options):
    return compile_scan(
        target.table("people"),
        discovered_columns(target, "people"),
        rules(target.sql_name("people"), dialect),
        dialect,
        now=NOW,
        relation=target.relation,
        repeated=["状态"],
        **options,
    )


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_same_rules_give_the_hand_counted_truth_on_every_dialect(servers, dialect):
    target = servers.targets[dialect]
    scan = compile_for(target, dialect)
    # one aggregate statement for everything but the custom SQL
    assert len(scan.statements) == 2
    assert [s.purpose for s in scan.statements] == ["scan", "custom"]
    assert set(scan.errors) == {"gone", "bad_regex"}
    steps = []
    result = run_scan(target.connector, scan, progress=lambda done, total: steps.append((done, total)))
    assert steps == [(0, 2), (1, 2), (2, 2)]
    assert result.statements == 2
    assert result.rows == 12 and result.table_rows == 12
    got = {key: outcome.failed for key, outcome in result.outcomes.items() if not outcome.error}
    assert got == TRUTH
    for key in TRUTH:
        assert result.outcomes[key].checked == (1 if key in ROW_LEVEL else 12), key
    with translation.override("en"):
        assert "nope" in result.outcomes["gone"].error
    assert result.outcomes["bad_regex"].error
    assert result.outcomes["gone"].failed == 0


@pytest.mark.parametrize("dialect", DIALECTS)
def test_samples_of_failing_rows_are_masked(servers, dialect):
    target = servers.targets[dialect]
    columns = discovered_columns(target, "people")
    rule = Rule("v_rid", "resident_id", ["rid"])
    query = compile_samples(target.table("people"), rule, dialect, limit=10, columns_present=columns, now=NOW)
    rows = fetch_samples(target.connector, query)
    assert sorted(r["id"] for r in rows) == [4, 5, 7, 10, 12]
    assert {r["rid"] for r in rows} == {
        "110105********0021",
        mask(FEB30, "resident_id"),
        mask(PROV99, "resident_id"),
        "110105*******1002",
        mask(FUTURE, "resident_id"),
    }
    assert all(r["name"] is None or "*" not in r["name"] for r in rows)
    # a phone column named by a mobile rule is masked too, in another rule's samples
    phone_rule = Rule("rx_phone", "regex", ["phone"], {"pattern": r"1[3-9]\d{9}"})
    query = compile_samples(
        target.table("people"),
        phone_rule,
        dialect,
        limit=2,
        columns_present=columns,
        now=NOW,
        masks=engine.masks_for([Rule("m", "mobile", ["phone"])]),
    )
    rows = fetch_samples(target.connector, query)
    assert len(rows) == 2 and all("****" in r["phone"] for r in rows)
    # duplicates: both rows of the repeated key, in key order
    query = compile_samples(target.table("people"), Rule("uq", "unique", ["rid"]), dialect, 10, columns, NOW)
    assert sorted(r["id"] for r in fetch_samples(target.connector, query)) == [1, 6]
    custom = Rule(
        "c", "custom_sql", [], {"sql": f"SELECT id FROM {target.sql_name('people')} WHERE score < 0"}
    )
    query = compile_samples(
        target.table("people"), custom, dialect, 10, columns, NOW, relation=target.relation
    )
    assert [r["id"] for r in fetch_samples(target.connector, query)] == [4]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_sampled_scan_counts_the_table_apart(servers, dialect):
    target = servers.targets[dialect]
    scan = compile_for(target, dialect, sample=0.5)
    assert scan.sample == 0.5
    purposes = [s.purpose for s in scan.statements]
    assert purposes == ["scan", "table", "custom"]  # freshness and row counts on the whole table
    result = run_scan(target.connector, scan)
    assert result.sampled and result.table_rows == 12 and 0 <= result.rows <= 12
    assert result.outcomes["rows_bad"].failed == 1 and result.outcomes["fresh_bad"].failed == 1
    assert all(not o.error for k, o in result.outcomes.items() if k not in ("gone", "bad_regex"))


def test_a_rule_failing_at_run_time_reports_an_error_while_the_others_run(servers):
    target = servers.targets["postgres"]
    scan = compile_scan(
        "people",
        COLUMNS,
        [
            Rule("nn", "not_null", ["name"]),
            Rule("bad_range", "range", ["name"], {"min": 1}),
            Rule("rows", "row_count", [], {"max": 10}),
        ],
        "postgres",
        now=NOW,
    )
    result = run_scan(target.connector, scan)
    assert result.outcomes["nn"].failed == 3 and not result.outcomes["nn"].error
    assert result.outcomes["bad_range"].error  # text compared with a number: PostgreSQL refuses
    assert result.outcomes["rows"].failed == 1 and result.table_rows == 12


def test_costly_value_rules_are_judged_per_distinct_value_on_duckdb_unless_the_column_is_unique():
    import duckdb

    rules = [
        Rule("phone_format", "regex", ["phone"], {"pattern": r"1[3-9]\d{9}"}),
        Rule("phone_short", "length", ["phone"], {"max": 11}),
        Rule("rid_shape", "regex", ["rid"], {"pattern": r"\d{17}[0-9X]"}),
        Rule("rid_unique", "unique", ["rid"]),
        Rule("bad_range", "range", ["name"], {"min": 1}),
    ]
    scan = compile_scan("people", COLUMNS, rules, "duckdb", now=NOW)
    grouped = re.findall(r'SELECT "(\w+)", COUNT\(\*\) AS "__dq_n" FROM "people" GROUP BY', scan.sql)
    assert grouped == ["phone"]  # not the cheap length rule's, not the unique column's
    assert "GROUP BY" not in compile_scan("people", COLUMNS, rules, "postgres", now=NOW).sql

    con = duckdb.connect()
    con.execute("CREATE TABLE people (id INT, name VARCHAR, rid VARCHAR, phone VARCHAR)")
    con.execute(
        "INSERT INTO people VALUES (1, 'a', '1', '13800000000'), (2, 'b', '2', '13800000000'),"
        " (3, 'c', '3', '12'), (4, 'd', '3', NULL), (5, 'e', NULL, ' ')"
    )
    result = run_scan(con, scan)  # the range cannot compare text with a number: each rule alone
    assert result.outcomes["bad_range"].error
    counts = {key: o.failed for key, o in result.outcomes.items() if key != "bad_range"}
    assert counts == {"phone_format": 1, "phone_short": 0, "rid_shape": 4, "rid_unique": 1}


def test_an_unreachable_source_fails_the_scan_with_a_clear_error(closed_port):
    connector = connector_for(
        SourceConfig(kind="postgresql", host="127.0.0.1", port=closed_port, database="x", username="u"),
        LIMITS,
    )
    scan = compile_scan("people", COLUMNS, [Rule("nn", "not_null", ["name"])], "postgres", now=NOW)
    with translation.override("en"), pytest.raises(SourceError) as caught:
        run_scan(connector, scan)
    assert caught.value.code == "refused"
    assert "refused the connection" in str(caught.value)


@pytest.fixture
def closed_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_parameters_are_literals_not_sql():
    nasty = "x'); DROP TABLE people; --"
    scan = compile_scan(
        "people",
        COLUMNS,
        [
            Rule("a", "allowed", ["状态"], {"values": [nasty, "正常"]}),
            Rule("r", "regex", ["phone"], {"pattern": "a'b"}),
        ],
        "postgres",
        now=NOW,
    )
    assert "'x''); DROP TABLE people; --'" in scan.sql
    assert "'^(?:a''b)$'" in scan.sql


REFUSED = [
    (Rule("r", "regex", ["phone"], {"pattern": "(["}), "regex"),
    (Rule("r", "regex", ["phone"], {"pattern": r"(?<=a)b"}), "regex"),
    (Rule("r", "regex", ["phone"], {"pattern": r"(a)\1"}), "regex"),
    (Rule("r", "regex", ["phone"], {"pattern": r"\bword"}), "regex"),
    (Rule("r", "length", ["name"], {"min": 5, "max": 2}), "params"),
    (Rule("r", "length", ["name"], {}), "params"),
    (Rule("r", "range", ["score"], {"min": "abc"}), "params"),
    (Rule("r", "range", ["score"], {"min": 1, "max": "2020-01-01"}), "params"),
    (Rule("r", "allowed", ["状态"], {"values": []}), "params"),
    (Rule("r", "allowed", ["状态"], {"values": "正常"}), "params"),
    (Rule("r", "freshness", ["updated"], {"hours": -1}), "params"),
    (Rule("r", "not_null", ["a", "b"]), "columns"),
    (Rule("r", "unique", []), "columns"),
    (Rule("r", "row_count", ["a"], {"min": 1}), "columns"),
    (Rule("r", "validator", ["rid"], {"validator": "passport"}), "params"),
    (Rule("r", "not_null", ["name"], {"colour": "red"}), "params"),
    (Rule("r", "teleport", ["name"]), "kind"),
    (Rule("r", "not_null", ["name"], weight=0), "weight"),
    (Rule("r", "not_null", ["name"], severity="apocalyptic"), "severity"),
    (Rule("r", "expression", [], {"expression": "score >"}), "syntax"),
    (Rule("r", "expression", [], {"expression": "score + 1"}), "not_condition"),
    (Rule("r", "expression", [], {"expression": "pg_sleep(10) IS NULL"}), "function"),
    (Rule("r", "expression", [], {"expression": "score IN (SELECT 1)"}), "disallowed"),
    (Rule("r", "expression", [], {"expression": "people.score > 1"}), "qualified"),
    (Rule("r", "expression", [], {"expression": "score > 1; DROP TABLE people"}), "several"),
    (Rule("r", "expression", [], {"expression": "1 = 1"}), "no_column"),
    (Rule("r", "expression", [], {"expression": "a > 1", "fails_when": "a < 1"}), "params"),
    (Rule("r", "custom_sql", [], {"sql": "DELETE FROM people"}), "write"),
    (Rule("r", "custom_sql", [], {"sql": "UPDATE people SET name = 'x'"}), "write"),
    (Rule("r", "custom_sql", [], {"sql": "INSERT INTO people (id) VALUES (1)"}), "write"),
    (Rule("r", "custom_sql", [], {"sql": "DROP TABLE people"}), "write"),
    (Rule("r", "custom_sql", [], {"sql": "CREATE TABLE x AS SELECT * FROM people"}), "write"),
    (Rule("r", "custom_sql", [], {"sql": "SELECT * INTO copy FROM people"}), "write"),
    (Rule("r", "custom_sql", [], {"sql": "SELECT * FROM people FOR UPDATE"}), "write"),
    (Rule("r", "custom_sql", [], {"sql": "SELECT 1; SELECT 2"}), "several"),
    (Rule("r", "custom_sql", [], {"sql": "SELECT 1; DELETE FROM people"}), "several"),
    (Rule("r", "custom_sql", [], {"sql": "SELECT pg_terminate_backend(1)"}), "function"),
    (Rule("r", "custom_sql", [], {"sql": "SELECT nextval('s')"}), "function"),
    (
        Rule("r", "custom_sql", [], {"sql": "SELECT query_to_xml('DELETE FROM people', true, true, '')"}),
        "function",
    ),
    (Rule("r", "custom_sql", [], {"sql": "SELECT * FROM read_csv('/etc/passwd')"}), "function"),
    (Rule("r", "custom_sql", [], {"sql": "SELEC id FROM people"}), None),
]


@pytest.mark.parametrize("rule,code", REFUSED, ids=[f"{r.kind}-{i}" for i, (r, _) in enumerate(REFUSED)])
def test_bad_rules_are_refused_with_a_reason(rule, code):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validate(rule, "postgres")
    message = " ".join(caught.value.messages)
    assert len(message) > 10
    if code is not None:
        assert caught.value.code == code, message


def test_good_rules_are_accepted_on_every_dialect():
    for dialect in DIALECTS:
        for rule in rules("people", dialect):
            if rule.key != "bad_regex":
                validate(rule, dialect)
    validate(Rule("r", "expression", [], {"expression": "COALESCE(end_d, start_d) >= start_d"}), "mysql")
    validate(Rule("r", "custom_sql", [], {"sql": "WITH x AS (SELECT 1 AS a) SELECT a FROM x"}), "sqlite")
    validate(Rule("r", "expression", ["start_d", "end_d"], {"expression": "end_d >= start_d"}), "duckdb")
    for dialect in DIALECTS:
        validate(
            Rule("r", "expression", [], {"fails_when": "(ascii(substr(rid, 17, 1)) - 48) % 2 = 1"}), dialect
        )


def test_columns_listed_on_a_condition_must_exist():
    scan = compile_scan(
        "people",
        COLUMNS,
        [
            Rule("listed", "expression", ["start_d", "gone_d"], {"expression": "end_d >= start_d"}),
            Rule("used", "expression", [], {"expression": "gone_d >= start_d"}),
            Rule("fine", "expression", ["start_d", "end_d"], {"fails_when": "end_d < start_d"}),
        ],
        "postgres",
        now=NOW,
    )
    assert set(scan.errors) == {"listed", "used"}
    assert "end_d" in scan.sql


def test_the_reason_is_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate(Rule("r", "custom_sql", [], {"sql": "SELECT 1; SELECT 2"}), "postgres")
    assert caught.value.messages  # a gettext msgid; Chinese once the locale owner adds it


def test_masking():
    assert mask("11010519491231002X", "resident_id") == "110105********002X"
    assert mask("13812345678", "phone") == "138****5678"
    assert mask("0755-23456789", "phone") == "0755****56789"
    assert mask("zhang@example.cn", "email") == "z****@example.cn"
    assert mask(None, "phone") is None
    assert mask("", "resident_id") == ""


def test_values_that_only_look_alike_count_alike_on_every_dialect(servers):
    """Uniqueness, allowed codes, lengths, regexes and blanks judged on exact values everywhere
    (MariaDB's *_ci collations would otherwise merge 'a', 'A', 'ａ' and 'a ')."""
    present = [row for row in MIXED if row[1] is not None]
    blank = {None, "", " ", "  "}
    truth = {
        "nn": sum(1 for _, value, _ in MIXED if value in blank),
        "uq": len(present) - len({value for _, value, _ in present}),
        "uq2": (
            len([r for r in MIXED if r[1] is not None and r[2] is not None])
            - len({(r[1], r[2]) for r in MIXED if r[1] is not None and r[2] is not None})
        ),
        "allowed": sum(1 for _, value, _ in MIXED if value not in blank and value not in ("a", "张三", "1")),
        "allowed_grouped": sum(
            1 for _, value, _ in MIXED if value not in blank and value not in ("a", "张三", "1")
        ),
        "ref": sum(1 for _, value, _ in MIXED if value not in blank and value not in ("a", "张三", "1")),
        "length": sum(1 for _, value, _ in MIXED if value not in blank and not 1 <= len(value) <= 2),
        "regex": sum(1 for _, value, _ in MIXED if value not in blank and not re.fullmatch("[a-z]+", value)),
    }
    rules = [
        Rule("nn", "not_null", ["v"]),
        Rule("uq", "unique", ["v"]),
        Rule("uq2", "unique", ["v", "w"]),
        Rule("allowed", "allowed", ["v"], {"values": ["a", "张三", "1"]}),
        Rule("ref", "referential", ["v"], {"table": "refs", "column": "code"}),
        Rule("allowed_grouped", "allowed", ["v"], {"values": ["a", "张三", "1"]}),
        Rule("length", "length", ["v"], {"min": 1, "max": 2}),
        Rule("regex", "regex", ["v"], {"pattern": "[a-z]+"}),
    ]
    for dialect in DIALECTS:
        target = servers.targets[dialect]
        scan = compile_scan(
            target.table("mixed"),
            {"id": "integer", "v": "string", "w": "string"},
            rules[:5],
            dialect,
            now=NOW,
            relation=target.relation,
        )
        grouped = compile_scan(
            target.table("mixed"),
            {"id": "integer", "v": "string", "w": "string"},
            rules[5:],
            dialect,
            now=NOW,
            repeated=["v"],
        )
        got = {k: o.failed for k, o in run_scan(target.connector, scan).outcomes.items()}
        got.update({k: o.failed for k, o in run_scan(target.connector, grouped).outcomes.items()})
        assert (dialect, got) == (dialect, truth)


def test_every_kind_module_is_registered_with_its_own_name():
    import importlib
    import pkgutil

    from cdohub.quality.engine import kinds

    modules = {m.name for m in pkgutil.iter_modules(kinds.__path__)} - {"base"}
    assert modules == set(engine.KINDS)
    for name, kind in engine.KINDS.items():
        assert kind.name == name
        assert type(kind).__module__ == importlib.import_module(f"{kinds.__name__}.{name}").__name__


def test_a_source_that_cannot_be_reached_is_retried_and_a_bad_query_is_not():
    for code in ("unreachable", "refused", "timeout", "auth", "no_database", "folder_missing"):
        assert SourceError("…", code).retryable, code
    for code in ("error", "file", "config", "secret", "permission", "path_refused"):
        assert not SourceError("…", code).retryable, code


def test_samples_of_a_rule_whose_column_is_gone_are_refused():
    for rule in (Rule("u", "unique", ["id", "nope"]), Rule("n", "not_null", ["nope"])):
        with pytest.raises(ValidationError) as caught:
            compile_samples("people", rule, "postgres", columns_present=COLUMNS, now=NOW)
        assert caught.value.code == "missing_column"
