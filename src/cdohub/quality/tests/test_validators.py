"""The identifier validators agree with REFERENCE.md §4's vectors (and a few edge cases of our own)
in Python and in SQL on DuckDB, PostgreSQL, MariaDB and SQLite, alone (`valid_sql`) and inside a
compiled scan (derived tables, per-distinct grouping, inline forms)."""

import datetime
import re

import pytest

from cdohub.datakit import validators as v
from cdohub.datakit.identifiers import make_uscc
from cdohub.datakit.sqlbuild import to_sql
from cdohub.quality.engine import Rule, compile_scan, run_scan

from .dialects import DIALECTS, Servers

TODAY = datetime.date(2026, 11, 21)
NOW = datetime.datetime(2026, 11, 21, 12, 0)


def with_check(first17: str) -> str:
    return first17 + v.resident_id_check(first17)


VECTORS = {
    "resident_id": (
        [
            # REFERENCE §4.1: the standard's examples and the other valid vectors
            "11010519491231002X",
            "440524188001010014",
            "11010219840406970X",
            "110101199003077838",
            "11010119900307002X",
            "440304199601010023",
            "310101198511170038",
            "110101199003070011",
            "11010519491231002x",  # lower-case x accepted
            with_check("11010520000229001"),  # leap day of a leap century
            with_check("44030020260101123"),  # born this year, before today
            with_check("83000019900101001"),  # a Taiwan resident's permit (830000)
        ],
        [
            "110105194912310021",  # REFERENCE: bad check
            "11010219840506970X",  # REFERENCE: bad check
            "440524189001010014",  # REFERENCE: bad check
            with_check("11010519000229001"),  # 1900 was no leap year
            with_check("11010519490230002"),  # 30 February
            with_check("11010519491301002"),  # month 13
            with_check("11010519491200002"),  # day 0
            with_check("11010520270101001"),  # born after today
            with_check("11010517991231001"),  # before 1800
            with_check("99010519491231002"),  # no province 99
            with_check("00010519491231002"),  # no province 00
            "11010519491231002",  # 17 characters
            "11010519491231002XX",
            "1101051949123100 X",
            "11010519491231002Y",
            "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits
            "张三",
        ],
    ),
    "resident_id_15": (
        ["110105491231002", "440524800101001", "110105000229001"],  # 1900… no: 1900-02-29 below
        ["110105490231002", "11010549123100", "1101054912310021", "11010549123100X", "110105491331002"],
    ),
    "uscc": (
        [
            "91350100M000100Y43",
            "9144030071526726XG",
            "91440300708461136T",
            "91110108551385082Q",
            "91440300192241158P",
            "91110105771583283D",
            "91110108740084270C",
            "112302070019030687",
            "51610700305332460K",
            "11610923MB2900168E",
            "1134082855783407XL",
            "91350100m000100y43",  # letters are case-insensitive
            make_uscc("11", "440300", "MA5DA0CC"),
        ],
        [
            "91350200M000000510",  # REFERENCE: checksum fails
            "91350128M00000019A",  # REFERENCE: checksum fails
            "91350100M000100Y4",
            "91350100M000100Y433",
            "9I350100M000100Y43",  # I is not in the alphabet
            "91350100O000100Y43",  # nor O
            "91350100M000100Y4Z",
            "91350100M000100Y44",
        ],
    ),
    "org_code": (
        [
            "D2143569-X",
            "MA1FL0LY-9",
            "71526726-X",
            "70846113-6",
            "19220382-1",
            "00000000-0",  # C = 11 → '0'
            "D2143569X",  # without the hyphen
            "d2143569-x",
            "ma1fl0ly-9",
        ],
        [
            "D2143569-1",
            "00000000-X",
            "00000000-1",
            "D2143569--X",
            "D2143569-",
            "D214356-X",
            "D2143569-XX",
            "张三",
        ],
    ),
    "mobile": (
        ["13812345678", "19912345678", "15000000000"],
        [
            "12812345678",
            "1381234567",
            "138123456789",
            "+8613812345678",
            "138-1234-5678",
            "23812345678",
            "13812345678\n",
            "１３８１２３４５６７８",  # full-width digits: \d is 0-9 on every dialect
        ],
    ),
    "landline": (
        [
            "010-12345678"[:4] + "22345678",
            "0755-2345678",
            "02087654321",
            "23456789",
            "2345678",
            "07552345678",
        ],
        ["0755-12345678", "(0755)23456789", "123", "0755-234567", "0755--2345678", "075523456789012"],
    ),
    "postal_code": (
        ["518000", "100000", "010000"],
        ["51800", "5180000", "51800a", "５１８０００", "518000\n"],
    ),
    "email": (
        ["a@b.cn", "zhang.san@gd.gov.cn", "x_y+z@sub-domain.example.com", "A%B@EXAMPLE.ORG"],
        [
            "a@@b.cn",
            "a@b",
            "@b.cn",
            "a@.cn",
            "a..b@c.cn",
            "张三@b.cn",
            "a@b.c",
            "a b@c.cn",
            ".a@b.cn",
            "a.@b.cn",
            "a@-b.cn",
            "a@b-.cn",
            "a@b.cn1",
            "a@b.cn\n",
        ],
    ),
    "region_code": (
        ["440000", "440300", "440309", "441900", "442000", "110105", "810000"],
        ["449999", "4403", "44030A", "4403090", "000000", "４４０３００"],  # full width: not equal on MariaDB
    ),
}
# 1900-02-29 is not a date: the third "valid" 15-digit vector above is a leap day of 2000 only
# for 18-digit IDs; for 15-digit ones (always 19yy) it is invalid.
VECTORS["resident_id_15"][0].remove("110105000229001")
VECTORS["resident_id_15"][1].append("110105000229001")


def python_valid(name: str, value) -> bool:
    validator = v.VALIDATORS[name]
    return validator.python(value, TODAY) if validator.uses_today else validator.python(value)


@pytest.mark.parametrize("name", list(VECTORS))
def test_python_validators_agree_with_the_vectors(name):
    good, bad = VECTORS[name]
    assert [x for x in good if not python_valid(name, x)] == []
    assert [x for x in bad if python_valid(name, x)] == []
    assert not python_valid(name, None)
    assert not python_valid(name, "")


def test_python_validators_judge_numbers_by_their_digits():
    assert v.is_mobile(13812345678) and v.is_postal_code(518000) and v.is_region_code(440300)
    assert not v.is_mobile(True) and not v.is_uscc(None)


def test_python_validators_reuse_the_core_check_characters():
    assert v.resident_id_check("11010519491231002") == "X"
    assert v.is_uscc(make_uscc("91", "440300", "71526726"))
    assert v.is_org_code("71526726-X")
    assert "440309" in v.region_codes() and "441900" in v.region_codes()


ROWS = []
for _name, (_good, _bad) in VECTORS.items():
    for _value in _good + _bad:
        ROWS.append((len(ROWS) + 1, _name, _value))
BLANKS = [(len(ROWS) + 1, "", None), (len(ROWS) + 2, "", ""), (len(ROWS) + 3, "", "   ")]


def fuzz(count: int = 1500, seed: int = 5) -> list[str]:
    """Near misses of valid codes: a character changed, dropped, doubled or swapped, the case
    flipped, a space, a full-width or non-ASCII character put in; a fixed seed."""
    import random

    rng = random.Random(seed)
    alphabet = "0123456789XxABCDEFGHIJKLMNOPQRSTUVWXYZabcz-@. \n１Ｘ张é"
    seeds = [value for name in VECTORS for value in VECTORS[name][0]]
    found = []
    while len(found) < count:
        value = list(rng.choice(seeds))
        for _ in range(rng.choice((1, 1, 1, 2))):
            i = rng.randrange(len(value))
            action = rng.randrange(5)
            if action == 0:
                value[i] = rng.choice(alphabet)
            elif action == 1 and len(value) > 1:
                del value[i]
            elif action == 2:
                value.insert(i, value[i])
            elif action == 3 and i + 1 < len(value):
                value[i], value[i + 1] = value[i + 1], value[i]
            else:
                value[i] = value[i].swapcase()
        found.append("".join(value))
    return found


FUZZ = [(i + 1, "", value) for i, value in enumerate(fuzz())]


@pytest.fixture(scope="module")
def servers():
    found = Servers()
    found.create("vectors", {"id": "integer", "validator": "string", "v": "string"}, ROWS + BLANKS)
    found.create("fuzz", {"id": "integer", "validator": "string", "v": "string"}, FUZZ)
    yield found
    found.close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_sql_validators_agree_with_the_vectors(servers, dialect):
    target = servers.targets[dialect]
    table = to_sql(_table(target), dialect)
    mismatches = []
    with target.connector.session() as session:
        for name in VECTORS:
            valid = to_sql(v.valid_sql(name, "v", dialect, TODAY), dialect)
            _, rows = session.query(
                f"SELECT id, v, {valid} FROM {table} WHERE validator = '{name}' ORDER BY id"
            )
            assert len(rows) == len(VECTORS[name][0]) + len(VECTORS[name][1])
            for _id, value, got in rows:
                if bool(got) != python_valid(name, value):
                    mismatches.append((name, value, got))
            _, blank = session.query(f"SELECT {valid} FROM {table} WHERE id = {BLANKS[0][0]}")
            assert blank == [(None,)]  # NULL stays NULL
    assert mismatches == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_validators_inside_a_scan_count_what_python_counts(servers, dialect):
    """All values of every validator in one column, each validator a rule of one scan: the
    engine's failure count is the number of non-blank values Python finds invalid."""
    target = servers.targets[dialect]
    rules = [Rule(f"v_{name}", "validator", ["v"], {"validator": name}) for name in VECTORS]
    rules.append(Rule("v_grouped_mobile", "mobile", ["v"]))
    rules.append(Rule("rx_mobile", "regex", ["v"], {"pattern": r"1[3-9]\d{9}"}))
    scan = compile_scan(
        target.table("vectors"),
        {"id": "integer", "validator": "string", "v": "string"},
        rules,
        dialect,
        now=NOW,
        repeated=["v"] if dialect in ("mysql", "sqlite") else (),
    )
    assert len(scan.statements) == 1
    result = run_scan(target.connector, scan)
    values = [row[2] for row in ROWS]
    for name in VECTORS:
        expected = sum(1 for value in values if not python_valid(name, value))
        assert (name, result.outcomes[f"v_{name}"].failed) == (name, expected)
        assert result.outcomes[f"v_{name}"].checked == len(ROWS) + len(BLANKS)
    assert result.outcomes["v_grouped_mobile"].failed == result.outcomes["v_mobile"].failed
    # a regex rule: the whole value must match, a final new line included, on every dialect
    expected = sum(1 for value in values if not re.fullmatch(r"1[3-9][0-9]{9}", value))
    assert result.outcomes["rx_mobile"].failed == expected


def _table(target, name="vectors"):
    ref = target.table(name)
    if isinstance(ref, str):
        from sqlglot import exp

        return exp.Table(this=exp.to_identifier(ref, quoted=True))
    return ref


@pytest.mark.parametrize("dialect", DIALECTS)
def test_near_misses_are_judged_alike_in_python_and_sql(servers, dialect):
    """Fifteen hundred mutated codes, each judged by every validator in SQL and in Python."""
    target = servers.targets[dialect]
    table = to_sql(_table(target, "fuzz"), dialect)
    values = {i: value for i, _, value in FUZZ}
    columns = ", ".join(to_sql(v.valid_sql(name, "v", dialect, TODAY), dialect) for name in VECTORS)
    _, rows = target.connector.query(f"SELECT id, {columns} FROM {table}")
    assert len(rows) == len(FUZZ)
    mismatches = [
        (name, values[row[0]], got)
        for row in rows
        for name, got in zip(VECTORS, row[1:], strict=True)
        if bool(got) != python_valid(name, values[row[0]])
    ]
    assert mismatches == []
    valid = sum(python_valid(name, value) for value in values.values() for name in VECTORS)
    assert 200 < valid < len(FUZZ)  # near misses both ways, not all rejected by their shape
    # and inside a scan (derived tables, grouping per distinct value, inline forms)
    rules = [Rule(name, name, ["v"]) for name in VECTORS]
    scan = compile_scan(target.table("fuzz"), {"id": "integer", "v": "string"}, rules, dialect, now=NOW)
    result = run_scan(target.connector, scan)
    blank = {value for value in values.values() if not value.strip(" ")}
    for name in VECTORS:
        expected = sum(1 for value in values.values() if value not in blank and not python_valid(name, value))
        assert (name, result.outcomes[name].failed) == (name, expected)
