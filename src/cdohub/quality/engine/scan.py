"""A table's rules compiled into the statements of one scan: every rule kind adds its part to a
`ScanPlan`, which assembles one aggregate statement, the unsampled table statement when needed,
one statement per custom SQL rule, and each aggregate rule alone for when the aggregate fails."""

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import Frame, exact, num, to_sql

from .compiler import Compiler, MissingColumns, table_expression, used_columns
from .kinds import KINDS
from .rule import Rule
from .validation import validate

COUNT_ALIAS = "__dq_n"
FlagOf = Callable[[Frame], exp.Expression]  # a rule's row flag, its per-row values put in the frame


@dataclass
class Output:
    """One column of a statement's single result row."""

    key: str  # rule key, or "" for the row count
    what: str  # "rows" (COUNT(*)), "failed" (failing rows), "flag" (0/1 for a table rule), "keys"


@dataclass
class Statement:
    sql: str
    outputs: list[Output]
    sampled: bool = False
    purpose: str = "scan"  # scan, table, custom


@dataclass
class Scan:
    dialect: str
    table: str
    statements: list[Statement]
    rules: dict[str, Rule]
    errors: dict[str, str]  # rule key → why it could not be compiled
    sample: float | None = None
    # row-level rules of the aggregate, compiled alone, for when the aggregate fails as a whole
    fallback: Mapping[str, Statement] = field(default_factory=dict)

    @property
    def sql(self) -> str:
        """The aggregate statement (the scan's first; see `statements` for any others)."""
        return self.statements[0].sql

    def read(self, row) -> dict[str, int]:
        """{rule key: failures} from the aggregate statement's result row (a sequence, or a
        mapping of its column names ``c0``, ``c1``…); table rules other than freshness and custom
        SQL are not in it (use ``run_scan``)."""
        values = [row[f"c{i}"] for i in range(len(row))] if isinstance(row, Mapping) else list(row)
        return {
            o.key: int(value or 0)
            for o, value in zip(self.statements[0].outputs, values, strict=True)
            if o.key
        }


def _row_count() -> tuple[Output, exp.Expression]:
    return Output("", "rows"), exp.Count(this=exp.Star())


class ScanPlan:
    """What the rule kinds ask of one scan, gathered in rule order, then `statements()`."""

    def __init__(self, compiler: Compiler, sample: float | None, repeated: set[str], unique: set[str]):
        self.compiler = compiler
        self.sample = sample
        self.repeated = repeated
        self.unique = unique  # columns a rule says are unique: their values do not repeat
        self.frame = Frame(compiler.dialect)  # per-row values shared by the aggregate's rules
        self.items: list[tuple[Output, exp.Expression]] = [_row_count()]
        self.table_items: list[tuple[Output, exp.Expression]] = []
        self.custom: list[Statement] = []
        self.groups: dict[str, tuple[str, exp.Expression]] = {}  # column → (CTE name, its query)
        self.grouped: dict[str, str] = {}  # rule key → the CTE its count reads
        self.alone: dict[str, exp.Expression | FlagOf] = {}  # key → the rule's item, or its row flag
        self.wants_table_rows = False

    def count_rows(self, rule: Rule, flag_of: FlagOf) -> None:
        """The rule fails the rows its flag marks: SUM(flag) in the aggregate."""
        self.items.append((Output(rule.key, "failed"), exp.Sum(this=flag_of(self.frame))))
        self.alone[rule.key] = flag_of  # recompiled in a frame of its own for the fallback

    def count(self, rule: Rule, failures: exp.Expression) -> None:
        """The rule's failures are an aggregate expression of their own."""
        self.items.append((Output(rule.key, "failed"), failures))
        self.alone[rule.key] = failures.copy()  # the aggregate's statement takes the item itself

    def count_per_value(self, rule: Rule, column: str, flag_of: FlagOf) -> None:
        """The failures of a one-column rule counted once per distinct value: a scalar subquery
        summing each failing value's row count over ``SELECT col, COUNT(*) FROM t GROUP BY col``
        (a CTE shared by the rules of that column)."""
        d = self.compiler.dialect
        if column not in self.groups:
            col = exp.column(column, quoted=True)
            shown = exp.alias_(exp.Min(this=col.copy()), column, quoted=True) if d == "mysql" else col
            query = (
                exp.select(shown, exp.alias_(exp.Count(this=exp.Star()), COUNT_ALIAS, quoted=True))
                .from_(table_expression(self.compiler.table, d))
                .group_by(exact(col, d))
            )
            self.groups[column] = (f"__dq_g{len(self.groups) + 1}", query)
        cte, _query = self.groups[column]
        self.grouped[rule.key] = cte
        frame = Frame(d)
        failing = flag_of(frame)
        total = exp.Sum(
            this=exp.Mul(this=exp.column(COUNT_ALIAS, quoted=True), expression=exp.Paren(this=failing))
        )
        source = frame.relation(exp.Table(this=exp.to_identifier(cte, quoted=True)), [column, COUNT_ALIAS])
        self.count(rule, exp.Subquery(this=exp.select(total).from_(source, copy=False)))

    def table_flag(self, rule: Rule, flag: exp.Expression) -> None:
        """A 0/1 about the whole table: in the unsampled table statement when the scan is sampled."""
        entry = (Output(rule.key, "flag"), flag)
        (self.table_items if self.sample is not None else self.items).append(entry)
        self.alone[rule.key] = flag

    def count_table_rows(self) -> None:
        """The rule is judged from the table's unsampled COUNT(*)."""
        self.wants_table_rows = True

    def count_apart(self, rule: Rule, query: exp.Query) -> None:
        """The rule's failures are counted by a statement of its own (one column, ``c0``)."""
        self.custom.append(
            Statement(to_sql(query, self.compiler.dialect), [Output(rule.key, "failed")], purpose="custom")
        )

    def statements(self) -> tuple[list[Statement], "Fallback"]:
        """The scan's statements, and each aggregate rule alone (by key, compiled when asked)."""
        sampled = self.sample is not None
        statements = [
            Statement(
                self._select(self.items, self.frame, self.sample, self.ctes()),
                [o for o, _ in self.items],
                sampled,
            )
        ]
        if self.table_items or (sampled and self.wants_table_rows):
            table_items = [_row_count(), *self.table_items]
            statements.append(
                Statement(
                    self._select(table_items, Frame(self.compiler.dialect), None),
                    [o for o, _ in table_items],
                    purpose="table",
                )
            )
        statements.extend(self.custom)
        return statements, Fallback(self, [o for o, _ in self.items[1:]])

    def ctes(self) -> dict[str, exp.Expression]:
        return dict(self.groups.values())

    def compile_alone(self, output: Output) -> Statement:
        """The statement counting one aggregate rule by itself (and the rows)."""
        own = Frame(self.compiler.dialect)
        alone = self.alone[output.key]
        expression = exp.Sum(this=alone(own)) if callable(alone) else alone.copy()
        single = [_row_count(), (output, expression)]
        return Statement(
            self._select(single, own, self.sample, self.ctes()),
            [o for o, _ in single],
            self.sample is not None,
        )

    def _select(
        self,
        items: list[tuple[Output, exp.Expression]],
        frame: Frame,
        sample: float | None,
        ctes: Mapping[str, exp.Expression] | None = None,
    ) -> str:
        d = self.compiler.dialect
        base, where = _sampled(table_expression(self.compiler.table, d), sample, d)
        used = used_columns(frame, [e for _, e in items])
        if frame.values:
            inner_base = base
            if where is not None:
                inner_base = (
                    exp.select(*[exp.column(c, quoted=True) for c in used] or [num(1)])
                    .from_(base)
                    .where(where)
                )
                inner_base = inner_base.subquery("__dq_sample")
                where = None
            source = frame.relation(inner_base, used)
        else:
            source = base
        # the statement is written once and not kept: its items go in without a copy
        select = exp.select(
            *[exp.alias_(e, f"c{i}", quoted=True, copy=False) for i, (_, e) in enumerate(items)]
        )
        select.from_(source, copy=False)
        if where is not None:
            select.where(where, copy=False)
        read = {self.grouped[o.key] for o, _ in items if o.key in self.grouped}
        for name, query in (ctes or {}).items():
            if name in read:
                select.with_(exp.to_identifier(name, quoted=True), as_=query.copy(), copy=False)
        return to_sql(select, d, copy=False)


class Fallback(Mapping):
    """The aggregate's rules, each compiled alone on first use: only a failing aggregate needs
    them, so a scan that runs does not pay for compiling them."""

    def __init__(self, plan: ScanPlan, outputs: list[Output]):
        self._plan = plan
        self._outputs = {o.key: o for o in outputs}
        self._compiled: dict[str, Statement] = {}

    def __getitem__(self, key: str) -> Statement:
        if key not in self._compiled:
            self._compiled[key] = self._plan.compile_alone(self._outputs[key])
        return self._compiled[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._outputs)

    def __len__(self) -> int:
        return len(self._outputs)


def _sampled(
    base: exp.Expression, sample: float | None, dialect: str
) -> tuple[exp.Expression, exp.Expression | None]:
    """(relation, WHERE condition) scanning about `sample` of the rows: DuckDB and PostgreSQL
    ``TABLESAMPLE SYSTEM`` (by block: fast, less random when errors cluster), a DuckDB file source
    ``WHERE RANDOM() < p``, MariaDB ``WHERE RAND() < p``, SQLite ``WHERE ABS(RANDOM()) % 1000000 <
    p·1000000``."""
    if sample is None:
        return base, None
    percent = round(sample * 100, 4)
    if dialect in ("duckdb", "postgres") and isinstance(base, exp.Table):
        method = exp.Var(this="SYSTEM")
        base.set("sample", exp.TableSample(method=method, percent=num(str(percent))))
        return base, None
    if dialect in ("duckdb", "postgres"):
        # a table function (files): a random filter
        return base, exp.LT(this=exp.Anonymous(this="RANDOM", expressions=[]), expression=num(str(sample)))
    if dialect == "mysql":
        return base, exp.LT(this=exp.Anonymous(this="RAND", expressions=[]), expression=num(str(sample)))
    threshold = int(sample * 1_000_000)
    random = exp.Mod(
        this=exp.Anonymous(this="ABS", expressions=[exp.Anonymous(this="RANDOM", expressions=[])]),
        expression=num(1_000_000),
    )
    return base, exp.LT(this=random, expression=num(threshold))


def compile_scan(
    table,
    columns_present,
    rules: Iterable[Rule],
    dialect: str,
    sample: float | None = None,
    now: datetime.datetime | None = None,
    relation: Callable[[Any], exp.Expression] | None = None,
    repeated: Iterable[str] = (),
) -> Scan:
    """The statements that count every rule's failures on `table` (see the package docstring).

    `repeated`: columns whose values repeat a lot (codes, employers): their value rules are
    judged once per distinct value (``ScanPlan.count_per_value``). By default so are the costly
    value rules on DuckDB (see ``ValueKind.per_value_by_default``) and the credit and organisation
    code validators on PostgreSQL, except on a column a unique rule names. Not with `sample`."""
    compiler = Compiler(table, columns_present, dialect, now, relation)
    if sample is not None:
        sample = float(sample)
        if sample >= 1:
            sample = None
        elif sample <= 0:
            raise ValueError("sample must be a fraction between 0 and 1")
    rules = list(rules)
    resolved = {compiler.columns.resolve(c) or c for c in repeated}
    plan = ScanPlan(compiler, sample, resolved, _unique_columns(rules, compiler))
    errors: dict[str, str] = {}
    by_key: dict[str, Rule] = {}
    for rule in rules:
        if rule.key in by_key:
            raise ValueError(f"two rules share the key {rule.key!r}")
        by_key[rule.key] = rule
        try:
            validate(rule, compiler.dialect)
            KINDS[rule.kind].plan(rule, compiler, plan)
        except MissingColumns as missing:
            errors[rule.key] = _("The column %(columns)s no longer exists in the table.") % {
                "columns": ", ".join(missing.names)
            }
        except ValidationError as exc:
            errors[rule.key] = " ".join(exc.messages)
    statements, fallback = plan.statements()
    table_sql = to_sql(table_expression(table, compiler.dialect), compiler.dialect)
    return Scan(compiler.dialect, table_sql, statements, by_key, errors, sample, fallback)


def _unique_columns(rules: list[Rule], compiler: Compiler) -> set[str]:
    """The columns single-column unique rules name (as the table spells them)."""
    names = (
        compiler.columns.resolve(r.columns[0]) for r in rules if r.kind == "unique" and len(r.columns) == 1
    )
    return {name for name in names if name is not None}
