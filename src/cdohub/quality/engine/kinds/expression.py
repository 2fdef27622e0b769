"""expression: any columns (listed for the record; they must exist); expression: a condition every
row must meet, or fails_when: one that marks a failing row (see ``user_sql``). NULL (unknown)
passes. The condition keeps the database's own comparison rules."""

from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import Frame

from ...user_sql import expression_columns, parse_expression
from ..compiler import Compiler, MissingColumns, zero_one
from ..rule import Rule
from .base import Kind, refuse

if TYPE_CHECKING:
    from ..scan import ScanPlan


class Expression(Kind):
    name = "expression"
    columns = "any"
    optional = ("expression", "fails_when")

    def check(self, rule: Rule, dialect: str) -> None:
        given = [name for name in ("expression", "fails_when") if rule.params.get(name) not in (None, "")]
        if len(given) != 1:
            raise refuse(
                _(
                    "Give either the condition every row must meet (expression) or the one that marks "
                    "a row as failing (fails_when)."
                ),
                "params",
            )
        parsed(rule.params[given[0]], dialect)

    def plan(self, rule: Rule, compiler: Compiler, plan: "ScanPlan") -> None:
        for index in range(len(rule.columns)):
            compiler.column(rule, index)  # listed columns must exist too
        super().plan(rule, compiler, plan)

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        fails_when = rule.params.get("fails_when")
        tree = parsed(fails_when or rule.params["expression"], compiler.dialect).copy()
        missing = [c for c in expression_columns(tree) if compiler.columns.resolve(c) is None]
        if missing:
            raise MissingColumns(missing)
        for column in tree.find_all(exp.Column):
            column.set("this", exp.to_identifier(compiler.columns.resolve(column.name), quoted=True))
        if fails_when:
            return zero_one(exp.Paren(this=tree))
        return zero_one(exp.Not(this=exp.Paren(this=tree)))


@lru_cache(maxsize=256)
def parsed(text: str, dialect: str) -> exp.Expression:
    """The checked condition (``user_sql.parse_expression``), parsed once per text: a scan checks
    and compiles it, and runs repeat; callers copy it before changing it."""
    return parse_expression(text, dialect)
