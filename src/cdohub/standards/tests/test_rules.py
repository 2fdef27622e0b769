"""The format notation, the element checks and the quality rules an element implies — each implied
rule accepted by the quality engine and, run by it, failing exactly the values it should."""

import re
import sqlite3

import pytest
from django.core.exceptions import ValidationError

from cdohub.datakit.patterns import check_regex
from cdohub.quality import engine
from cdohub.standards import formats, rules
from cdohub.standards.models import CodeSet, CodeValue, DataElement


@pytest.mark.parametrize(
    ("text", "low", "high", "good", "bad"),
    [
        ("an18", 18, 18, ["44090219900101123X"], ["4409021990010112", "44090219900101123-"]),
        ("an..50", 1, 50, ["abc123"], ["ab c", "x" * 51]),
        ("n6..20", 6, 20, ["123456", "1" * 20], ["12345", "12345a"]),
        ("a3", 3, 3, ["CHN"], ["CH1", "CHNA"]),
        ("n6", 6, 6, ["525000"], ["52500", "5250000"]),
        ("YYYYMMDD", 8, 8, ["19900101", "20001231"], ["19901301", "19900132", "1990-01-01"]),
        ("YYYY-MM-DD hh:mm:ss", 19, 19, ["2021-06-01 23:59:59"], ["2021-06-01 24:00:00", "2021-06-01"]),
        ("hhmmss", 6, 6, ["235959"], ["236000"]),
    ],
)
def test_formats_read_into_lengths_and_a_pattern(text, low, high, good, bad):
    parsed = formats.parse(text)
    assert (parsed.min_length, parsed.max_length) == (low, high)
    check_regex(parsed.pattern)
    for value in good:
        assert re.fullmatch(parsed.pattern, value), value
    for value in bad:
        assert not re.fullmatch(parsed.pattern, value), value


def test_decimal_and_free_text_formats():
    decimal = formats.parse("n..12,2")
    assert decimal.kind == "decimal" and decimal.max_length is None
    assert re.fullmatch(decimal.pattern, "-1234567890.12") and not re.fullmatch(decimal.pattern, "1.234")
    free = formats.parse("c..200")
    assert (free.min_length, free.max_length, free.pattern) == (1, 200, "")
    assert formats.parse("") is None


@pytest.mark.parametrize(
    "text", ["x18", "an..0", "an20..10", "YYYYMMDDYYYY", "YYYY年MM月", "n..2,2", "an5001"]
)
def test_unreadable_formats_are_refused_with_a_reason(text, english):
    with pytest.raises(ValidationError) as refused:
        formats.parse(text)
    assert (
        text in refused.value.messages[0]
        or "length" in refused.value.messages[0].lower()
        or "decimals" in (refused.value.messages[0])
    )


def values(**overrides) -> dict:
    base = {"identifier": "DE-T1", "name": "测试", "data_type": "C", "max_length": 18, "format": "an18"}
    base.update(overrides)
    return base


def test_element_problems(english):
    assert rules.element_problems(values()) == {}
    assert "identifier" in rules.element_problems(values(identifier="有 空格"))
    assert "data_type" in rules.element_problems(values(data_type="Z"))
    assert "max_length" in rules.element_problems(values(max_length=20))  # an18 says 18
    assert "min_length" in rules.element_problems(values(format="", max_length=5, min_length=6))
    assert "format" in rules.element_problems(values(format="x18"))
    assert "validator" in rules.element_problems(values(validator="nope"))
    problem = rules.element_problems(values(pattern="(?<=a)b"))["pattern"][0]
    assert "not supported" in problem
    problem = rules.element_problems(values(pattern="[0-9"))["pattern"][0]
    assert "invalid" in problem


def test_code_value_problems(english):
    rows = [
        {"code": "1", "name": "男性"},
        {"code": "1", "name": "重复"},
        {"code": "", "name": "无码"},
        {"code": "3", "name": ""},
        {"code": "21", "name": "初婚", "parent": "20"},
        {"code": "A", "name": "甲", "parent": "B"},
        {"code": "B", "name": "乙", "parent": "A"},
        {"code": "C", "name": "丙", "parent": "C"},
    ]
    problems = rules.code_value_problems(rows)
    assert set(problems) == {1, 2, 3, 4, 5, 6, 7}
    assert "appears twice" in problems[1][0]
    assert "not in the set" in problems[4][0]
    assert "circle" in problems[5][0] and "circle" in problems[6][0]
    assert "own parent" in problems[7][0]


# Implied rules -----------------------------------------------------------------------------


def element(**fields) -> DataElement:
    base = {"identifier": "DE-T", "name": "测试", "data_type": "C"}
    base.update(fields)
    return DataElement(**base)


def run(rules_, data: list, stored="TEXT") -> list[int]:
    """Failure counts of `rules_` on a one-column SQLite table holding `data`, by the engine."""
    connection = sqlite3.connect(":memory:")
    engine.install_sqlite_regexp(connection)
    connection.execute(f"CREATE TABLE t (v {stored})")
    connection.executemany("INSERT INTO t VALUES (?)", [(v,) for v in data])
    specs = [
        engine.Rule(f"r{n}", s["kind"], ("v",), s["params"], s["weight"], s["severity"])
        for n, s in enumerate(rules_)
    ]
    for spec in specs:
        engine.validate(spec, "sqlite")
    result = engine.run_scan(connection, engine.compile_scan("t", ["v"], specs, "sqlite"))
    assert all(not result.outcomes[s.key].error for s in specs), result.outcomes
    return [result.outcomes[s.key].failed for s in specs]


def kinds(rules_) -> list[str]:
    return [r["kind"] for r in rules_]


def test_a_validator_element_implies_only_the_validator():
    implied = rules.implied_rules(element(max_length=18, format="an18", validator="resident_id"))
    assert implied == [
        {"kind": "validator", "params": {"validator": "resident_id"}, "severity": "error", "weight": 2.0}
    ]
    assert run(implied, ["11010519491231002X", "110105194912310021", "", None]) == [1]


@pytest.mark.django_db
def test_a_code_set_element_implies_its_codes(users, units):
    code_set = CodeSet.objects.create(identifier="T-XB", name="性别", owner=units["440000-SJJ"])
    for n, (code, name) in enumerate([("0", "未知"), ("1", "男"), ("2", "女"), ("9", "未说明")]):
        CodeValue.objects.create(code_set=code_set, code=code, name=name, position=n)
    gender = element(max_length=1, format="n1", code_set=code_set)
    implied = rules.implied_rules(gender)
    assert implied == [
        {"kind": "allowed", "params": {"values": ["0", "1", "2", "9"]}, "severity": "error", "weight": 1.0}
    ]
    assert run(implied, ["1", "2", "3", "男", ""]) == [2]
    as_numbers = rules.implied_rules(gender, data_type="I")
    assert as_numbers[0]["params"]["values"] == [0, 1, 2, 9]
    assert run(as_numbers, [1, 2, 3], stored="INTEGER") == [1]


def test_a_date_format_implies_its_pattern_for_text_and_nothing_for_dates():
    birth = element(data_type="D", max_length=8, format="YYYYMMDD")
    implied = rules.implied_rules(birth, data_type="C")
    assert kinds(implied) == ["regex"]  # the pattern fixes the length: no length rule beside it
    assert run(implied, ["19900101", "19901301", "1990-01-01", "19900230"]) == [2]
    assert rules.implied_rules(birth) == [] and rules.implied_rules(birth, data_type="T") == []


def test_free_text_implies_a_length_and_typed_text_a_pattern():
    name = element(max_length=50, format="c..50")
    assert rules.implied_rules(name) == [
        {"kind": "length", "params": {"max": 50}, "severity": "warning", "weight": 1.0}
    ]
    assert run(rules.implied_rules(name), ["张三", "张" * 51]) == [1]
    card = element(format="n6..20")
    assert kinds(rules.implied_rules(card)) == ["regex"]
    bounded = element(min_length=6, max_length=20, pattern="[0-9A-Z]+")
    implied = rules.implied_rules(bounded)
    assert implied[0] == {
        "kind": "length",
        "params": {"min": 6, "max": 20},
        "severity": "warning",
        "weight": 1.0,
    }
    assert run(implied, ["ABC123", "ABC", "abc123"]) == [1, 1]
    amount = element(data_type="N")
    assert rules.implied_rules(amount) == []  # a number stored as a number: nothing to check
    implied = rules.implied_rules(amount, data_type="C")
    assert kinds(implied) == ["regex"] and run(implied, ["12.5", "-3", "12,5", "1e3"]) == [2]
    assert rules.implied_rules(element()) == []  # text with no length, format or codes


@pytest.mark.django_db
def test_every_demo_element_implies_rules_the_engine_accepts():
    checked = 0
    for each in DataElement.objects.select_related("code_set"):
        for data_type in (None, "C", "I", "D"):
            for spec in rules.implied_rules(each, data_type=data_type):
                assert set(spec) == {"kind", "params", "severity", "weight"}
                engine.validate(
                    engine.Rule(
                        "k", spec["kind"], ("col",), spec["params"], spec["weight"], spec["severity"]
                    ),
                    "sqlite",
                )
                checked += 1
    assert checked > 15
