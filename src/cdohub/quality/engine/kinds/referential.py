"""referential: one column; table (name or [schema, name]) and column of the same source.

``v IN (SELECT col FROM other WHERE col IS NOT NULL)`` in the scan's pass: a hashed subplan in
PostgreSQL, a mark join in DuckDB, a materialised subquery in MariaDB, an ephemeral index in SQLite."""

from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import Frame, exact, num

from ..compiler import Compiler, flag, is_present, not_blank
from ..rule import Rule
from .base import ValueKind, refuse


class Referential(ValueKind):
    name = "referential"
    required = ("table", "column")

    def check(self, rule: Rule, dialect: str) -> None:
        table, column = rule.params["table"], rule.params["column"]
        parts = [table] if isinstance(table, str) else list(table) if isinstance(table, list | tuple) else []
        if not 1 <= len(parts) <= 2 or any(not isinstance(p, str) or not p.strip() for p in parts):
            raise refuse(_("Name the referenced table as a name or [schema, name]."), "params")
        if not isinstance(column, str) or not column.strip():
            raise refuse(_("Name the referenced column."), "params")

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        name, dialect = compiler.column(rule), compiler.dialect
        col = exp.column(name, quoted=True)
        other = rule.params["table"]
        target = compiler.referenced(tuple(other) if isinstance(other, list | tuple) else other)
        ref_col = exp.column(rule.params["column"], quoted=True)
        subquery = exp.select(exact(ref_col, dialect)).from_(target).where(is_present(ref_col))
        ok = exp.In(this=exact(col, dialect), query=exp.Subquery(this=subquery))
        if compiler.columns.maybe_blank(name):
            return flag([(ok, num(0)), (not_blank(compiler.columns.text_of(name)), num(1))])
        return flag([(ok, num(0)), (is_present(col), num(1))])
