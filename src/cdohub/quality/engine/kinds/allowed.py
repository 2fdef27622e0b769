"""allowed: one column; values: the list of allowed codes.

Long lists become ``IN (SELECT UNNEST([...]))`` on DuckDB (``sqlbuild.in_values``); MariaDB
compares ``CAST(v AS BINARY)`` so that its collation does not widen what is allowed."""

from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import Frame, exact, in_values, num, text

from ..compiler import Compiler, zero_one
from ..rule import Rule
from .base import ValueKind, refuse


class Allowed(ValueKind):
    name = "allowed"
    required = ("values",)

    def check(self, rule: Rule, dialect: str) -> None:
        values = rule.params["values"]
        if not isinstance(values, list | tuple) or not values:
            raise refuse(_("Give the allowed values as a list."), "params")
        if any(not isinstance(x, str | int) or isinstance(x, bool) for x in values):
            raise refuse(_("Allowed values must be texts or whole numbers."), "params")
        if len(values) > 10_000:
            raise refuse(_("At most 10000 allowed values."), "params")

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        name, dialect = compiler.column(rule), compiler.dialect
        values = rule.params["values"]
        numeric = all(isinstance(x, int) for x in values) and compiler.columns.types.get(name) in (
            "integer",
            "decimal",
            "float",
        )
        if numeric:
            col = exp.column(name, quoted=True)
            return zero_one(exp.Not(this=in_values(col, [num(x) for x in dict.fromkeys(values)], dialect)))
        value = compiler.columns.text_of(name)
        ok = in_values(exact(value, dialect), [text(str(x)) for x in dict.fromkeys(values)], dialect)
        return compiler.value_flag(name, value, ok)
