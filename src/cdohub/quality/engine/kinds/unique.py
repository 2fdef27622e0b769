"""unique: one column or more; failed = surplus rows (non-null keys − distinct non-null keys).

Counted with COUNT(DISTINCT …) in the scan's pass: composite keys as a row value in DuckDB and
PostgreSQL, ``COUNT(DISTINCT a, b)`` in MariaDB, a length-prefixed concatenation in SQLite; rows
with a NULL key part are not keys. PostgreSQL compares text ``COLLATE "C"`` (same equality,
faster sort) and counts distinct keys in a subquery of its own, as a COUNT(DISTINCT) in the main
aggregate would keep it from running in parallel."""

from typing import TYPE_CHECKING

from sqlglot import exp

from cdohub.datakit.sqlbuild import case, exact, num, text

from ..compiler import Compiler, is_present, zero_one
from ..rule import Rule
from .base import Kind, table_of

if TYPE_CHECKING:
    from ..scan import ScanPlan


class Unique(Kind):
    name = "unique"
    columns = "some"

    def plan(self, rule: Rule, compiler: Compiler, plan: "ScanPlan") -> None:
        surplus = self.surplus(rule, compiler)
        if compiler.dialect == "postgres" and plan.sample is None:
            # COUNT(DISTINCT) keeps PostgreSQL from aggregating in parallel: apart, in a
            # subquery of the same statement, the other rules' aggregate still can be
            surplus = exp.Subquery(this=exp.select(surplus).from_(table_of(compiler)))
        plan.count(rule, surplus)

    def surplus(self, rule: Rule, compiler: Compiler) -> exp.Expression:
        dialect = compiler.dialect
        names = self.key_columns(rule, compiler)
        cols = [exp.column(n, quoted=True) for n in names]
        if len(cols) == 1:
            key = exact(cols[0], dialect)
            if dialect == "postgres" and compiler.columns.is_string(names[0]):
                # byte order sorts faster than the database's collation; equality is the same
                key = exp.Collate(this=key, expression=exp.Identifier(this="C", quoted=True))
            return exp.Sub(
                this=exp.Count(this=cols[0]),
                expression=exp.Count(this=exp.Distinct(expressions=[key])),
            )
        present = exp.and_(*[is_present(c) for c in cols])
        keys = exp.Sum(this=zero_one(present))
        if dialect == "mysql":
            distinct = exp.Count(this=exp.Distinct(expressions=[exact(c, "mysql") for c in cols]))
        elif dialect == "sqlite":
            parts = []
            for c in cols:
                as_text = exp.Cast(this=c.copy(), to=exp.DataType.build("TEXT"))
                parts += [exp.Length(this=as_text.copy()), text(":"), as_text]
            joined = parts[0]
            for part in parts[1:]:
                joined = exp.DPipe(this=joined, expression=part, safe=True)
            distinct = exp.Count(this=exp.Distinct(expressions=[case((present.copy(), joined))]))
        else:
            row = exp.Tuple(expressions=[c.copy() for c in cols])
            distinct = exp.Count(this=exp.Distinct(expressions=[case((present.copy(), row))]))
        return exp.Sub(this=exp.Coalesce(this=keys, expressions=[num(0)]), expression=distinct)

    def failing_rows(
        self, rule: Rule, compiler: Compiler, shown: list[str], limit: int
    ) -> tuple[exp.Query, list[str]]:
        """The rows whose key is repeated, in key order."""
        names = self.key_columns(rule, compiler)
        keys = [exp.column(n, quoted=True) for n in names]
        duplicated = (
            exp.select(*keys)
            .from_(table_of(compiler))
            .where(exp.and_(*[is_present(k) for k in keys]))
            .group_by(*[k.copy() for k in keys])
            .having(exp.GT(this=exp.Count(this=exp.Star()), expression=num(1)))
        )
        on = exp.and_(
            *[
                exp.EQ(
                    this=exp.column(n, table="__dq_t", quoted=True),
                    expression=exp.column(n, table="__dq_d", quoted=True),
                )
                for n in names
            ]
        )
        cols = [exp.column(c, table="__dq_t", quoted=True) for c in shown] or [exp.Star()]
        rows = exp.select(exp.Star()).from_(table_of(compiler)).subquery("__dq_t", copy=False)
        select = (
            exp.select(*cols)
            .from_(rows)
            .join(duplicated.subquery("__dq_d"), on=on)
            .order_by(*[exp.column(n, table="__dq_t", quoted=True) for n in names])
            .limit(limit)
        )
        return select, shown

    @staticmethod
    def key_columns(rule: Rule, compiler: Compiler) -> list[str]:
        return [compiler.column(rule, i) for i in range(len(rule.columns))]
