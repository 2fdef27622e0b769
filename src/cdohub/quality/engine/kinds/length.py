"""length: one column; min and/or max, in characters."""

from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import Frame, num

from ..compiler import Compiler
from ..rule import Rule
from .base import ValueKind, refuse, whole_bounds


class Length(ValueKind):
    name = "length"
    optional = ("min", "max")

    def check(self, rule: Rule, dialect: str) -> None:
        low, _high = whole_bounds(rule)
        if low is not None and low < 0:
            raise refuse(_("Lengths cannot be negative."), "params")

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        name = compiler.column(rule)
        value = compiler.columns.text_of(name)
        length = exp.Length(this=value.copy())
        low, high = rule.params.get("min"), rule.params.get("max")
        if low is not None and high is not None:
            ok = exp.Between(this=length.copy(), low=num(int(low)), high=num(int(high)))
        else:
            parts = []
            if low is not None:
                parts.append(exp.GTE(this=length.copy(), expression=num(int(low))))
            if high is not None:
                parts.append(exp.LTE(this=length.copy(), expression=num(int(high))))
            ok = exp.and_(*parts) if len(parts) > 1 else parts[0]
        return compiler.value_flag(name, value, ok)
