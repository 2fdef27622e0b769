"""What a rule kind compiles against: the table, its columns as they are now, the dialect and the
moment rules are judged at, with the small SQL pieces several kinds share."""

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import timezone
from sqlglot import exp

from cdohub.core import clock
from cdohub.datakit.sqlbuild import Frame, case, normalize_dialect, num, text

from .rule import Rule

STRING_TYPES = ("string",)


class MissingColumns(Exception):
    """A rule names columns the table no longer has."""

    def __init__(self, names):
        self.names = names


class Columns:
    """The columns a table has now: exact names, their types if known."""

    def __init__(self, present, dialect: str):
        self.dialect = dialect
        self.known = present is not None
        self.types: dict[str, str | None] = {}
        if present is None:
            return
        if isinstance(present, Mapping):
            items = list(present.items())
        else:
            items = []
            for item in present:
                if isinstance(item, str):
                    items.append((item, None))
                else:  # ColumnInfo or alike
                    items.append((item.name, getattr(item, "data_type", None)))
        self.types = dict(items)
        self._folded = {name.lower(): name for name in self.types}

    def resolve(self, name: str) -> str | None:
        if not self.known:
            return name
        if name in self.types:
            return name
        return self._folded.get(name.lower())

    @property
    def names(self) -> list[str]:
        return list(self.types)

    def is_string(self, name: str) -> bool:
        return self.types.get(name) in STRING_TYPES

    def text_of(self, name: str) -> exp.Expression:
        """The column as text for string functions: cast unless known to be text (MariaDB and
        SQLite convert implicitly)."""
        column = exp.column(name, quoted=True)
        if self.dialect in ("mysql", "sqlite") or self.is_string(name):
            return column
        kind = "VARCHAR" if self.dialect == "duckdb" else "TEXT"
        return exp.Cast(this=column, to=exp.DataType.build(kind))

    def maybe_blank(self, name: str) -> bool:
        return self.dialect == "sqlite" or not self.known or self.types.get(name) in (*STRING_TYPES, None)


class Compiler:
    """One table in one dialect, as the rules of a scan or a sample query see it."""

    def __init__(
        self,
        table,
        columns_present,
        dialect: str,
        now: datetime.datetime | None,
        relation: Callable[[Any], exp.Expression] | None,
    ):
        self.dialect = normalize_dialect(dialect)
        self.columns = Columns(columns_present, self.dialect)
        self.now = now or clock.now()
        self.today = naive(self.now).date()
        self.relation = relation
        self.table = table

    def column(self, rule: Rule, index: int = 0) -> str:
        """The table's name for the rule's `index`th column (case may differ); MissingColumns if gone."""
        name = self.columns.resolve(rule.columns[index])
        if name is None:
            raise MissingColumns([rule.columns[index]])
        return name

    def value_flag(self, name: str, value: exp.Expression, ok: exp.Expression) -> exp.Expression:
        """1 where a present, non-blank value is not ok."""
        if self.columns.maybe_blank(name):
            return flag([(ok, num(0)), (not_blank(value), num(1))])
        return flag([(ok, num(0)), (is_present(value), num(1))])

    def referenced(self, reference) -> exp.Expression:
        """A table a rule names (referential), as the source reads it."""
        return (self.relation(reference) if self.relation else None) or table_expression(
            reference, self.dialect
        )


def table_expression(table, dialect: str) -> exp.Expression:
    if isinstance(table, exp.Expression):
        return table.copy()
    if isinstance(table, tuple | list):
        schema, name = table if len(table) == 2 else ("", table[0])
        return exp.Table(
            this=exp.to_identifier(name, quoted=True),
            db=exp.to_identifier(schema, quoted=True) if schema else None,
        )
    return exp.Table(this=exp.to_identifier(str(table), quoted=True))


def resolve_tables(query: exp.Query, relation) -> exp.Query:
    """Custom SQL names tables as discovery does; `relation` turns each name into what the source
    reads (e.g. a Parquet file for a folder source). Names of the query's own CTEs stay."""
    if relation is None:
        return query
    own = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    for table in list(query.find_all(exp.Table)):
        if not table.name or table.name in own and not table.db:
            continue
        reference = (table.db, table.name) if table.db else table.name
        replacement = relation(reference)
        if replacement is None:
            continue
        alias = table.alias or table.name
        replaced = exp.alias_(replacement.copy(), alias, table=True, quoted=True)
        table.replace(replaced)
    return query


def used_columns(frame: Frame, expressions: list[exp.Expression]) -> list[str]:
    """The table's columns `expressions` and the frame's per-row values use (not those inside
    subqueries, nor derived values)."""
    names: list[str] = []
    for expression in expressions + [value for _, value, _ in frame.values.values()]:
        for column in expression.walk(prune=lambda node: isinstance(node, exp.Subquery)):
            if not isinstance(column, exp.Column) or column.table:
                continue
            name = column.name
            if frame.is_derived(name) or name in names:
                continue
            names.append(name)
    return names


def flag(condition_whens: list[tuple[exp.Expression, exp.Expression]]) -> exp.Expression:
    """CASE WHEN … THEN 0/1 … ELSE 0 END: 1 where the row fails."""
    return case(*condition_whens, default=num(0))


def zero_one(condition: exp.Expression) -> exp.Expression:
    return case((condition, num(1)), default=num(0))


def not_blank(value: exp.Expression) -> exp.Expression:
    return exp.NEQ(this=exp.Trim(this=value.copy()), expression=text(""))


def is_present(value: exp.Expression) -> exp.Expression:
    return exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))


def naive(now: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(now):
        now = timezone.localtime(now)
    return now.replace(tzinfo=None, microsecond=0)
