"""custom_sql: any columns (listed for the record; they must exist); sql: one read-only SELECT
returning the failing rows. Counted in a statement of its own, ``SELECT COUNT(*) FROM (<their
SELECT>) AS q``, so that one person's query cannot break the others' counts. Custom SQL names
tables as discovery does; the compiler's `relation` maps the names (e.g. to Parquet files)."""

from typing import TYPE_CHECKING

from sqlglot import exp

from ...user_sql import parse_custom_sql
from ..compiler import Compiler, resolve_tables
from ..rule import Rule
from .base import Kind

if TYPE_CHECKING:
    from ..scan import ScanPlan

ALIAS = "__dq_custom"


class CustomSql(Kind):
    name = "custom_sql"
    columns = "any"
    required = ("sql",)

    def check(self, rule: Rule, dialect: str) -> None:
        parse_custom_sql(rule.params["sql"], dialect)

    def plan(self, rule: Rule, compiler: Compiler, plan: "ScanPlan") -> None:
        for index in range(len(rule.columns)):
            compiler.column(rule, index)  # listed columns must exist too
        count = exp.select(exp.alias_(exp.Count(this=exp.Star()), "c0", quoted=True)).from_(
            self.query(rule, compiler).subquery(ALIAS)
        )
        plan.count_apart(rule, count)

    def failing_rows(
        self, rule: Rule, compiler: Compiler, shown: list[str], limit: int
    ) -> tuple[exp.Query, list[str]]:
        return exp.select(exp.Star()).from_(self.query(rule, compiler).subquery(ALIAS)).limit(limit), []

    @staticmethod
    def query(rule: Rule, compiler: Compiler) -> exp.Query:
        return resolve_tables(parse_custom_sql(rule.params["sql"], compiler.dialect), compiler.relation)
