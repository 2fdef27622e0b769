"""range: one column; min and/or max: numbers, or ISO dates ``YYYY-MM-DD[ HH:MM:SS]``. NULL passes."""

import datetime

from sqlglot import exp

from cdohub.datakit.sqlbuild import Frame, num, text

from ..compiler import Compiler, zero_one
from ..rule import Rule
from .base import Kind, bounds


class Range(Kind):
    name = "range"
    optional = ("min", "max")

    def check(self, rule: Rule, dialect: str) -> None:
        bounds(rule)

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        col = exp.column(compiler.column(rule), quoted=True)
        low, high = bounds(rule)
        outside = []
        if low:
            outside.append(exp.LT(this=col.copy(), expression=_literal(*low, compiler.dialect)))
        if high:
            outside.append(exp.GT(this=col.copy(), expression=_literal(*high, compiler.dialect)))
        return zero_one(exp.or_(*outside) if len(outside) > 1 else outside[0])


def _literal(sort: str, value, dialect: str) -> exp.Expression:
    if sort == "number":
        return num(str(value))
    if isinstance(value, datetime.datetime):
        rendered = value.replace(tzinfo=None).isoformat(sep=" ")
        target = "TIMESTAMP"
    else:
        rendered = value.isoformat()
        target = "DATE"
    if dialect in ("sqlite", "mysql"):
        return text(rendered)
    return exp.Cast(this=text(rendered), to=exp.DataType.build(target))
