"""regex: one column; pattern: the whole value must match.

The pattern is checked with Python's ``re`` and limited to what PostgreSQL (ARE), DuckDB (RE2),
MariaDB (PCRE) and Python read alike (no look-around, back-references, ``\\b``, ``\\w`` or inline
flags). SQLite has no regex engine: its connections get a ``regexp()`` function in Python
(``run.install_sqlite_regexp``)."""

from sqlglot import exp

from cdohub.datakit.patterns import check_regex
from cdohub.datakit.sqlbuild import Frame, regex_match

from ..compiler import Compiler
from ..rule import Rule
from .base import CostlyValueKind


class Regex(CostlyValueKind):
    name = "regex"
    required = ("pattern",)

    def check(self, rule: Rule, dialect: str) -> None:
        check_regex(rule.params["pattern"])

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        name = compiler.column(rule)
        value = compiler.columns.text_of(name)
        pattern = "^(?:" + rule.params["pattern"] + ")$"
        return compiler.value_flag(name, value, regex_match(value, pattern, compiler.dialect))
