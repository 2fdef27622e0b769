"""The data quality engine: a table's rules compiled, through sqlglot, into as few statements as the
rules allow (usually one aggregate query), in the source's own dialect, and run where the data lives.

Public API
----------
``Rule(key, kind, columns=(), params={}, weight=1.0, severity="error")``
    A frozen rule spec. Kinds and their params (``KINDS``):

    ============  ========  ================================================================
    kind          columns   params
    ============  ========  ================================================================
    not_null      1         blank (default true): '' and spaces only fail too, not only NULL
    unique        1 or more –  (failed = surplus rows: non-null keys − distinct non-null keys)
    regex         1         pattern (the whole value must match; portable subset, see below)
    length        1         min and/or max (characters)
    range         1         min and/or max: numbers, or ISO dates ``YYYY-MM-DD[ HH:MM:SS]``
    allowed       1         values: list of allowed codes
    referential   1         table (name or [schema, name]) and column of the same source
    freshness     1         hours and/or days: newest value no older than that before `now`
    row_count     –         min and/or max rows
    expression    any       expression: a condition every row must meet, or fails_when: one that
                            marks a failing row (see ``user_sql``); NULL (unknown) passes
    custom_sql    any       sql: one SELECT returning the failing rows
    validator     1         validator: a name in ``validators.VALIDATORS`` (region_code: codes)
    ============  ========  ================================================================

    A validator's name may stand for the kind: ``Rule("k", "resident_id", ["GMSFHM"])``.
    `weight` (> 0) and `severity` (``SEVERITIES``) are carried for scoring, not used here.

    Value rules (regex, length, allowed, referential, validator) skip NULL and blank values: a
    missing value is the not_null rule's failure, not theirs. range skips NULL.

``validate(rule, dialect)``
    Raises ``django.core.exceptions.ValidationError`` (translated message, ``code``) for a rule
    that cannot be saved: unknown kind, wrong columns or params, invalid or non-portable regex,
    disallowed expression, custom SQL that is not exactly one read-only SELECT.

``compile_scan(table, columns_present, rules, dialect, sample=None, now=None, relation=None,
repeated=()) -> Scan``
    `table`: a name, a (schema, name) pair or a sqlglot expression (e.g. ``read_parquet('…')``).
    `columns_present`: {name: portable type} (``sources.connectors.types``), an iterable of names
    or of ``ColumnInfo``, or None (not checked). A rule naming a column not present becomes a
    rule error in ``Scan.errors``; the other rules still compile. `sample`: a fraction (0, 1) of
    the rows to scan. `now`: the moment freshness and birth dates are judged against.
    `relation(reference)`: turns a table named by a referential or custom SQL rule into an
    expression (None: keep the name). `repeated`: columns whose values repeat (see below).
    ``Scan.statements`` are the SQL texts with the mapping of their result columns back to rule
    keys; ``Scan.sql`` is the aggregate statement and ``Scan.read(row)`` maps its row to
    {key: failures}. Dialects: ``duckdb``, ``postgres``, ``mysql`` (MariaDB too), ``sqlite``.

``compile_samples(table, rule, dialect, limit=20, columns_present=None, now=None, relation=None,
masks=None) -> SampleQuery``
    One query returning up to `limit` failing rows of `rule` (all columns present, or ``*``),
    with the masks (``masking.mask``) to apply to identifier columns.

``run_scan(target, scan, progress=None) -> ScanResult``, ``fetch_samples(target, sample_query) -> list[dict]``
    `target`: a ``sources.connectors.Connector`` (read-only, time-limited session) or an open
    DB-API / DuckDB connection. A source that cannot be reached (or times out) raises
    ``SourceError``. Each rule gets a ``RuleOutcome(key, checked, failed, error)``: `checked` is
    the rows scanned (1 for table rules: freshness, row_count), `failed` the failing rows (for
    unique: the surplus rows), `error` a translated reason when the rule could not be judged.
    ``masks_for(rules)`` gives the identifier columns to mask in samples.

What compiles to what, and how many statements
----------------------------------------------
1. One aggregate statement per table, whatever the number of rules::

       WITH "__dq_g1" AS (SELECT employer, COUNT(*) AS n FROM t GROUP BY employer)  -- if needed
       SELECT COUNT(*),
              SUM(CASE WHEN <value ok> THEN 0 WHEN TRIM(v) <> '' THEN 1 ELSE 0 END),  -- per rule
              COUNT(k) - COUNT(DISTINCT k),                                  -- unique
              CASE WHEN MAX(ts) >= <cutoff> THEN 0 ELSE 1 END,               -- freshness
              (SELECT SUM(n * <fails>) FROM "__dq_g1"),                      -- per distinct value
              …
       FROM <table, or the derived tables of per-row values, below>

   - Value rules are one ``SUM(CASE …)`` each; NULL and blank values count as passing.
   - Referential rules are ``v IN (SELECT col FROM other WHERE col IS NOT NULL)`` in the same
     pass (a hashed subplan in PostgreSQL, a mark join in DuckDB, a materialised subquery in
     MariaDB, an ephemeral index in SQLite). Long IN lists (allowed codes, GB/T 2260) become
     ``IN (SELECT UNNEST([...]))`` on DuckDB, which probes a hash table instead of comparing
     value by value; the other databases hash or sort IN lists themselves.
   - Uniqueness is a COUNT(DISTINCT …) in the same pass; composite keys as a row value in DuckDB
     and PostgreSQL, ``COUNT(DISTINCT a, b)`` in MariaDB, a length-prefixed concatenation in
     SQLite; rows with a NULL key part are not keys. PostgreSQL compares text ``COLLATE "C"``
     (same equality, faster sort) and counts distinct keys in a subquery of its own, as a
     COUNT(DISTINCT) in the main aggregate would keep it from running in parallel.
   - Validators compute their per-row values (ID digits as integers, the shape test) once, in a
     derived table under the aggregate for DuckDB and PostgreSQL (with a volatile column there
     so the planner neither inlines them back nor gives up parallel workers), inline for MariaDB
     and SQLite; see
     ``sqlbuild.Frame`` and ``validators``.
   - Per distinct value: value rules on the `repeated` columns, and the credit/organisation code
     validators on DuckDB and PostgreSQL, are judged once per distinct value over a grouped CTE
     (shared by the rules of one column) and weighted by each value's row count. This reads the
     column a second time but runs the costly check on, say, 128 thousand employers instead of 10
     million people.
   - MariaDB compares text in the column's collation (``*_ci``: 'a' = 'A' = 'a ', '1' = '１'),
     so its grouping, DISTINCT, allowed-value and referential tests compare ``CAST(v AS
     BINARY)``, and its regexes get ``(?-i)`` and end at ``\\z``. Every dialect thus sees the
     same values as equal (cross-field conditions and custom SQL keep the database's own rules).
2. One more statement, unsampled, only when `sample` is given and there are row_count or
   freshness rules (they are about the whole table).
3. One statement per custom_sql rule: ``SELECT COUNT(*) FROM (<their SELECT>) AS q`` — kept apart
   so that one person's query cannot break the others' counts. Custom SQL names tables as
   discovery does; `relation` maps the names (e.g. to a folder source's Parquet files).

So a table costs 1 statement, plus one per custom SQL rule, plus one when sampled with table
rules. row_count is judged from the unsampled COUNT(*). If the aggregate statement fails at run
time (e.g. a range bound of the wrong type for the column), each of its rules is run alone so that
only the rules at fault report an error (``Scan.fallback``).

Sampling: DuckDB ``TABLESAMPLE SYSTEM (p PERCENT)``, PostgreSQL ``TABLESAMPLE SYSTEM (p)`` (both
by block, fast, less random when errors cluster), MariaDB ``WHERE RAND() < p``, SQLite
``WHERE ABS(RANDOM()) % 1000000 < p·1000000``, a DuckDB file source ``WHERE RANDOM() < p``.
Counts are then of the sample (``ScanResult.rows``); uniqueness is judged within the sample and
nothing is grouped per distinct value.

Regex rules: the whole value must match. The pattern is checked with Python's ``re`` and limited
to what PostgreSQL (ARE), DuckDB (RE2), MariaDB (PCRE) and Python read alike (no look-around,
back-references, ``\\b``, ``\\w`` or inline flags). SQLite has no regex engine: its connections get a
``regexp()`` function in Python (the one place a row passes through Python; validators use GLOB
there instead).
"""

import contextlib
import datetime
import decimal
import re
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from sqlglot import exp

from . import validators as v
from .sqlbuild import (
    Frame,
    case,
    exact,
    in_values,
    is_blank,
    normalize_dialect,
    num,
    regex_match,
    text,
    to_sql,
)
from .user_sql import expression_columns, parse_custom_sql, parse_expression

SEVERITIES = ("critical", "error", "warning", "info")

KINDS = {
    # kind: (columns: "one" | "some" | "none" | "any", params required, params optional); "any":
    # the columns a condition or query uses may be listed, for the record (they must exist)
    "not_null": ("one", (), ("blank",)),
    "unique": ("some", (), ()),
    "regex": ("one", ("pattern",), ()),
    "length": ("one", (), ("min", "max")),
    "range": ("one", (), ("min", "max")),
    "allowed": ("one", ("values",), ()),
    "referential": ("one", ("table", "column"), ()),
    "freshness": ("one", (), ("hours", "days")),
    "row_count": ("none", (), ("min", "max")),
    "expression": ("any", (), ("expression", "fails_when")),
    "custom_sql": ("any", ("sql",), ()),
    "validator": ("one", ("validator",), ("codes",)),
}
VALUE_RULES = ("regex", "length", "allowed", "referential", "validator")
TABLE_RULES = ("row_count", "freshness")
STRING_TYPES = ("string",)


@dataclass(frozen=True)
class Rule:
    key: str
    kind: str
    columns: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    weight: float = 1.0
    severity: str = "error"

    def __post_init__(self):
        if self.kind in v.VALIDATORS:  # Rule(key, "resident_id", …) for Rule(key, "validator", …)
            object.__setattr__(self, "params", {**dict(self.params or {}), "validator": self.kind})
            object.__setattr__(self, "kind", "validator")
        if isinstance(self.columns, str):
            object.__setattr__(self, "columns", (self.columns,))
        else:
            object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params or {})))

    @property
    def column(self) -> str:
        return self.columns[0] if self.columns else ""


# Saving a rule ------------------------------------------------------------------------------

_NON_PORTABLE = (
    (re.compile(r"\(\?(?!:)"), "(?…)"),
    (re.compile(r"\\[1-9]"), "\\1"),
    (re.compile(r"\\[bBAZzwWGkpP]"), None),
    (re.compile(r"[*+?}][+]"), "*+"),
)


def _refuse(message, code="invalid") -> ValidationError:
    return ValidationError(str(message), code=code)


def _number(value) -> decimal.Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | decimal.Decimal):
        return decimal.Decimal(str(value))
    if isinstance(value, str):
        try:
            return decimal.Decimal(value.strip())
        except decimal.InvalidOperation:
            return None
    return None


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")


def _bound(value) -> tuple[str, Any] | None:
    """('number', Decimal) or ('date', datetime/date) for a range bound, None if neither."""
    if isinstance(value, datetime.datetime | datetime.date):
        return "date", value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            parsed = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return "date", parsed if len(value.strip()) > 10 else parsed.date()
    number = _number(value)
    return ("number", number) if number is not None and number.is_finite() else None


def check_regex(pattern) -> None:
    if not isinstance(pattern, str) or not pattern:
        raise _refuse(_("Give the regular expression."), "regex")
    if len(pattern) > 1000:
        raise _refuse(_("The regular expression is longer than 1000 characters."), "regex")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise _refuse(_("The regular expression is invalid: %(detail)s") % {"detail": exc}, "regex") from None
    for found, shown in _NON_PORTABLE:
        hit = found.search(pattern)
        if hit:
            raise _refuse(
                _(
                    "%(part)s is not supported: the pattern must work alike in every database "
                    "(no look-around, back-references, \\b, \\w or inline flags)."
                )
                % {"part": shown or hit.group(0)},
                "regex",
            )


def validate(rule: Rule, dialect: str) -> None:
    """Refuse a rule that cannot be saved, with a translated reason (ValidationError)."""
    dialect = normalize_dialect(dialect)
    if rule.kind not in KINDS:
        raise _refuse(
            _("Unknown rule kind %(kind)s; one of %(kinds)s.")
            % {"kind": rule.kind, "kinds": ", ".join(KINDS)},
            "kind",
        )
    if not rule.key:
        raise _refuse(_("The rule needs a key."), "key")
    if rule.severity not in SEVERITIES:
        raise _refuse(
            _("Unknown severity %(severity)s; one of %(all)s.")
            % {"severity": rule.severity, "all": ", ".join(SEVERITIES)},
            "severity",
        )
    weight = _number(rule.weight)
    if weight is None or not weight.is_finite() or weight <= 0:
        raise _refuse(_("The weight must be a positive number."), "weight")
    arity, required, optional = KINDS[rule.kind]
    if arity == "one" and len(rule.columns) != 1:
        raise _refuse(_("This rule applies to exactly one column."), "columns")
    if arity == "some" and not rule.columns:
        raise _refuse(_("Choose the key's column or columns."), "columns")
    if arity == "none" and rule.columns:
        raise _refuse(_("This rule takes no column."), "columns")
    if len(set(rule.columns)) != len(rule.columns) or any(not str(c).strip() for c in rule.columns):
        raise _refuse(_("Name each column once."), "columns")
    unknown = set(rule.params) - set(required) - set(optional)
    if unknown:
        raise _refuse(
            _("Unknown parameters for this rule: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            "params",
        )
    missing = [name for name in required if rule.params.get(name) in (None, "", [], ())]
    if missing:
        raise _refuse(_("Missing parameters: %(names)s.") % {"names": ", ".join(missing)}, "params")
    getattr(_Checks, rule.kind)(rule, dialect)


class _Checks:
    @staticmethod
    def not_null(rule, dialect):
        if not isinstance(rule.params.get("blank", True), bool):
            raise _refuse(_("blank is true (blank texts fail too, the default) or false."), "params")

    @staticmethod
    def unique(rule, dialect):
        pass

    @staticmethod
    def regex(rule, dialect):
        check_regex(rule.params["pattern"])

    @staticmethod
    def length(rule, dialect):
        low, high = _bounds(rule, integer=True)
        if low is not None and low < 0:
            raise _refuse(_("Lengths cannot be negative."), "params")

    @staticmethod
    def range(rule, dialect):
        _bounds(rule)

    @staticmethod
    def row_count(rule, dialect):
        low, high = _bounds(rule, integer=True)
        if low is not None and low < 0:
            raise _refuse(_("Row counts cannot be negative."), "params")

    @staticmethod
    def allowed(rule, dialect):
        values = rule.params["values"]
        if not isinstance(values, list | tuple) or not values:
            raise _refuse(_("Give the allowed values as a list."), "params")
        if any(not isinstance(x, str | int) or isinstance(x, bool) for x in values):
            raise _refuse(_("Allowed values must be texts or whole numbers."), "params")
        if len(values) > 10_000:
            raise _refuse(_("At most 10000 allowed values."), "params")

    @staticmethod
    def referential(rule, dialect):
        table, column = rule.params["table"], rule.params["column"]
        parts = [table] if isinstance(table, str) else list(table) if isinstance(table, list | tuple) else []
        if not 1 <= len(parts) <= 2 or any(not isinstance(p, str) or not p.strip() for p in parts):
            raise _refuse(_("Name the referenced table as a name or [schema, name]."), "params")
        if not isinstance(column, str) or not column.strip():
            raise _refuse(_("Name the referenced column."), "params")

    @staticmethod
    def freshness(rule, dialect):
        hours, days = rule.params.get("hours"), rule.params.get("days")
        if hours is None and days is None:
            raise _refuse(_("Give the largest age allowed, in hours or days."), "params")
        for value in (hours, days):
            number = _number(value) if value is not None else decimal.Decimal(0)
            if number is None or not number.is_finite() or number < 0:
                raise _refuse(_("Ages must be positive numbers."), "params")
        if _max_age(rule) <= datetime.timedelta(0):
            raise _refuse(_("Ages must be positive numbers."), "params")

    @staticmethod
    def expression(rule, dialect):
        given = [name for name in ("expression", "fails_when") if rule.params.get(name) not in (None, "")]
        if len(given) != 1:
            raise _refuse(
                _(
                    "Give either the condition every row must meet (expression) or the one that marks "
                    "a row as failing (fails_when)."
                ),
                "params",
            )
        parse_expression(rule.params[given[0]], dialect)

    @staticmethod
    def custom_sql(rule, dialect):
        parse_custom_sql(rule.params["sql"], dialect)

    @staticmethod
    def validator(rule, dialect):
        name = rule.params["validator"]
        if name not in v.VALIDATORS:
            raise _refuse(
                _("Unknown validator %(name)s; one of %(all)s.")
                % {"name": name, "all": ", ".join(v.VALIDATORS)},
                "params",
            )
        codes = rule.params.get("codes")
        if codes is not None and (
            name != "region_code"
            or not isinstance(codes, list | tuple)
            or not codes
            or any(not isinstance(c, str) for c in codes)
        ):
            raise _refuse(
                _("codes is a non-empty list of texts, for the region_code validator only."), "params"
            )


def _bounds(rule: Rule, integer: bool = False):
    low, high = rule.params.get("min"), rule.params.get("max")
    if low is None and high is None:
        raise _refuse(_("Give a minimum, a maximum or both."), "params")
    if integer:
        parsed = []
        for value in (low, high):
            number = _number(value) if value is not None else None
            if value is not None and (number is None or number != number.to_integral_value()):
                raise _refuse(_("Give whole numbers."), "params")
            parsed.append(int(number) if number is not None else None)
        low, high = parsed
        if low is not None and high is not None and low > high:
            raise _refuse(_("The minimum is larger than the maximum."), "params")
        return low, high
    parsed = [_bound(value) if value is not None else None for value in (low, high)]
    if any(value is not None and p is None for value, p in zip((low, high), parsed, strict=True)):
        raise _refuse(_("Bounds must be numbers or dates (YYYY-MM-DD)."), "params")
    kinds = {p[0] for p in parsed if p}
    if len(kinds) > 1:
        raise _refuse(_("Both bounds must be numbers, or both dates."), "params")
    if all(parsed):
        a, b = parsed[0][1], parsed[1][1]
        if type(a) is not type(b):
            a, b = _as_datetime(a), _as_datetime(b)
        if a > b:
            raise _refuse(_("The minimum is larger than the maximum."), "params")
    return parsed


def _as_datetime(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    return value


def _max_age(rule: Rule) -> datetime.timedelta:
    hours = float(_number(rule.params.get("hours") or 0) or 0)
    days = float(_number(rule.params.get("days") or 0) or 0)
    return datetime.timedelta(days=days, hours=hours)


# Compiling ------------------------------------------------------------------------------------


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
    fallback: dict[str, Statement] = field(default_factory=dict)

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


class _Columns:
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


class _Missing(Exception):
    def __init__(self, names):
        self.names = names


def _table_expression(table, dialect: str) -> exp.Expression:
    if isinstance(table, exp.Expression):
        return table.copy()
    if isinstance(table, tuple | list):
        schema, name = table if len(table) == 2 else ("", table[0])
        return exp.Table(
            this=exp.to_identifier(name, quoted=True),
            db=exp.to_identifier(schema, quoted=True) if schema else None,
        )
    return exp.Table(this=exp.to_identifier(str(table), quoted=True))


def _sampled(
    base: exp.Expression, sample: float | None, dialect: str
) -> tuple[exp.Expression, exp.Expression | None]:
    """(relation, WHERE condition) scanning about `sample` of the rows."""
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


def _flag(condition_whens: list[tuple[exp.Expression, exp.Expression]]) -> exp.Expression:
    """CASE WHEN … THEN 0/1 … ELSE 0 END: 1 where the row fails."""
    return case(*condition_whens, default=num(0))


def _zero_one(condition: exp.Expression) -> exp.Expression:
    return case((condition, num(1)), default=num(0))


def _not_blank(value: exp.Expression) -> exp.Expression:
    return exp.NEQ(this=exp.Trim(this=value.copy()), expression=text(""))


def _literal_for_bound(kind: str, value, dialect: str) -> exp.Expression:
    if kind == "number":
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


def _naive(now: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(now):
        now = timezone.localtime(now)
    return now.replace(tzinfo=None, microsecond=0)


class _Compiler:
    def __init__(self, table, columns_present, dialect, now, relation):
        self.dialect = normalize_dialect(dialect)
        self.columns = _Columns(columns_present, self.dialect)
        self.now = now or _now()
        self.today = _naive(self.now).date()
        self.relation = relation
        self.table = table

    def column(self, rule: Rule, index: int = 0) -> str:
        name = self.columns.resolve(rule.columns[index])
        if name is None:
            raise _Missing([rule.columns[index]])
        return name

    def row_flag(self, rule: Rule, frame: Frame) -> exp.Expression:
        """1 where the row fails `rule`, else 0 (row-level kinds)."""
        kind, d = rule.kind, self.dialect
        if kind == "not_null":
            name = self.column(rule)
            col = exp.column(name, quoted=True)
            if self.columns.maybe_blank(name) and rule.params.get("blank", True):
                return _flag(
                    [
                        (exp.Is(this=col, expression=exp.Null()), num(1)),
                        (is_blank(self.columns.text_of(name)), num(1)),
                    ]
                )
            return _flag([(exp.Is(this=col, expression=exp.Null()), num(1))])
        if kind == "regex":
            name = self.column(rule)
            value = self.columns.text_of(name)
            pattern = "^(?:" + rule.params["pattern"] + ")$"
            return self._value_flag(name, value, regex_match(value, pattern, d))
        if kind == "length":
            name = self.column(rule)
            value = self.columns.text_of(name)
            length = exp.Length(this=value.copy())
            ok = self._within(length, rule.params.get("min"), rule.params.get("max"), lambda x: num(int(x)))
            return self._value_flag(name, value, ok)
        if kind == "range":
            name = self.column(rule)
            col = exp.column(name, quoted=True)
            low, high = _bounds(rule)
            outside = []
            if low:
                outside.append(exp.LT(this=col.copy(), expression=_literal_for_bound(*low, d)))
            if high:
                outside.append(exp.GT(this=col.copy(), expression=_literal_for_bound(*high, d)))
            return _zero_one(exp.or_(*outside) if len(outside) > 1 else outside[0])
        if kind == "allowed":
            name = self.column(rule)
            values = rule.params["values"]
            numeric = all(isinstance(x, int) for x in values) and self.columns.types.get(name) in (
                "integer",
                "decimal",
                "float",
            )
            if numeric:
                col = exp.column(name, quoted=True)
                return _zero_one(exp.Not(this=in_values(col, [num(x) for x in dict.fromkeys(values)], d)))
            value = self.columns.text_of(name)
            ok = in_values(exact(value, d), [text(str(x)) for x in dict.fromkeys(values)], d)
            return self._value_flag(name, value, ok)
        if kind == "referential":
            name = self.column(rule)
            col = exp.column(name, quoted=True)
            other = rule.params["table"]
            reference = tuple(other) if isinstance(other, list | tuple) else other
            target = (self.relation(reference) if self.relation else None) or _table_expression(reference, d)
            ref_col = exp.column(rule.params["column"], quoted=True)
            subquery = (
                exp.select(exact(ref_col, d))
                .from_(target)
                .where(exp.Not(this=exp.Is(this=ref_col.copy(), expression=exp.Null())))
            )
            ok = exp.In(this=exact(col, d), query=exp.Subquery(this=subquery))
            if self.columns.maybe_blank(name):
                return _flag([(ok, num(0)), (_not_blank(self.columns.text_of(name)), num(1))])
            return _flag(
                [(ok, num(0)), (exp.Not(this=exp.Is(this=col.copy(), expression=exp.Null())), num(1))]
            )
        if kind == "expression":
            fails_when = rule.params.get("fails_when")
            tree = parse_expression(fails_when or rule.params["expression"], d)
            missing = [c for c in expression_columns(tree) if self.columns.resolve(c) is None]
            if missing:
                raise _Missing(missing)
            for column in tree.find_all(exp.Column):
                column.set("this", exp.to_identifier(self.columns.resolve(column.name), quoted=True))
            if fails_when:
                return _zero_one(exp.Paren(this=tree))
            return _zero_one(exp.Not(this=exp.Paren(this=tree)))
        if kind == "validator":
            name = self.column(rule)
            value = self.columns.text_of(name)
            options = {}
            if rule.params.get("codes"):
                options["codes"] = rule.params["codes"]
            shape, checks = v.validator_parts(rule.params["validator"], value, frame, self.today, **options)
            if isinstance(checks, exp.Boolean) and checks.this:
                return self._value_flag(name, value, shape)
            return _flag(
                [
                    (shape, case((checks, num(0)), default=num(1))),
                    (_not_blank(value), num(1)),
                ]
            )
        raise ValueError(rule.kind)

    def _value_flag(self, name: str, value: exp.Expression, ok: exp.Expression) -> exp.Expression:
        """1 where a present, non-blank value is not ok."""
        if self.columns.maybe_blank(name):
            return _flag([(ok, num(0)), (_not_blank(value), num(1))])
        return _flag([(ok, num(0)), (exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())), num(1))])

    @staticmethod
    def _within(value, low, high, literal):
        if low is not None and high is not None:
            return exp.Between(this=value.copy(), low=literal(low), high=literal(high))
        parts = []
        if low is not None:
            parts.append(exp.GTE(this=value.copy(), expression=literal(low)))
        if high is not None:
            parts.append(exp.LTE(this=value.copy(), expression=literal(high)))
        return exp.and_(*parts) if len(parts) > 1 else parts[0]

    def unique_aggregates(self, rule: Rule) -> exp.Expression:
        names = [self.column(rule, i) for i in range(len(rule.columns))]
        cols = [exp.column(n, quoted=True) for n in names]
        if len(cols) == 1:
            key = exact(cols[0], self.dialect)
            if self.dialect == "postgres" and self.columns.is_string(names[0]):
                # byte order sorts faster than the database's collation; equality is the same
                key = exp.Collate(this=key, expression=exp.Identifier(this="C", quoted=True))
            return exp.Sub(
                this=exp.Count(this=cols[0]),
                expression=exp.Count(this=exp.Distinct(expressions=[key])),
            )
        present = exp.and_(*[exp.Not(this=exp.Is(this=c.copy(), expression=exp.Null())) for c in cols])
        keys = exp.Sum(this=_zero_one(present))
        if self.dialect == "mysql":
            distinct = exp.Count(this=exp.Distinct(expressions=[exact(c, "mysql") for c in cols]))
        elif self.dialect == "sqlite":
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

    def freshness_flag(self, rule: Rule) -> exp.Expression:
        name = self.column(rule)
        cutoff = _naive(self.now) - _max_age(rule)
        newest = exp.Max(this=exp.column(name, quoted=True))
        if self.dialect == "sqlite":
            newest = exp.Anonymous(this="DATETIME", expressions=[newest])
            bound = text(cutoff.isoformat(sep=" "))
        elif self.dialect == "mysql":
            bound = exp.Cast(this=text(cutoff.isoformat(sep=" ")), to=exp.DataType.build("DATETIME"))
        else:
            bound = exp.Cast(this=text(cutoff.isoformat(sep=" ")), to=exp.DataType.build("TIMESTAMP"))
        return case((exp.GTE(this=newest, expression=bound), num(0)), default=num(1))


def _resolve_tables(query: exp.Query, relation) -> exp.Query:
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


def _now() -> datetime.datetime:
    from cdohub.core import clock

    return clock.now()


def _aggregate_select(
    compiler: _Compiler,
    items: list[tuple[Output, exp.Expression]],
    frame: Frame,
    sample: float | None,
    ctes: Mapping[str, exp.Expression] | None = None,
) -> str:
    base, where = _sampled(_table_expression(compiler.table, compiler.dialect), sample, compiler.dialect)
    used = _base_columns(frame, [e for _, e in items] + _frame_values(frame))
    if frame.values:
        inner_base = base
        if where is not None:
            inner_base = (
                exp.select(*[exp.column(c, quoted=True) for c in used] or [num(1)]).from_(base).where(where)
            )
            inner_base = inner_base.subquery("__dq_sample")
            where = None
        source = frame.relation(inner_base, used)
    else:
        source = base
    select = exp.select(*[exp.alias_(e, f"c{i}", quoted=True) for i, (_, e) in enumerate(items)]).from_(
        source
    )
    if where is not None:
        select = select.where(where)
    sql_text = to_sql(select, compiler.dialect)
    for name, query in (ctes or {}).items():
        if name in sql_text:
            select = select.with_(exp.to_identifier(name, quoted=True), as_=query.copy())
    return to_sql(select, compiler.dialect)


def _frame_values(frame: Frame) -> list[exp.Expression]:
    return [expression for _, expression, _ in frame.values.values()]


def _base_columns(frame: Frame, expressions: list[exp.Expression]) -> list[str]:
    """The table's columns `expressions` use (not those inside subqueries, nor derived values)."""
    names: list[str] = []
    for expression in expressions:
        for column in expression.find_all(exp.Column):
            if column.table or column.find_ancestor(exp.Subquery) is not None:
                continue
            name = column.name
            if frame.is_derived(name) or name in names:
                continue
            names.append(name)
    return names


GROUPED_BY_DEFAULT = ("uscc", "org_code")  # costly checks on columns whose values usually repeat
COUNT_ALIAS = "__dq_n"


def _grouped(compiler: _Compiler, rule: Rule, flag_of, groups: dict[str, tuple[str, exp.Expression]]):
    """The failures of a one-column rule counted once per distinct value: a scalar subquery
    summing each failing value's row count over ``SELECT col, COUNT(*) FROM t GROUP BY col`` (a
    CTE shared by the rules of that column)."""
    d = compiler.dialect
    name = compiler.column(rule)
    if name not in groups:
        cte = f"__dq_g{len(groups) + 1}"
        col = exp.column(name, quoted=True)
        shown = exp.alias_(exp.Min(this=col.copy()), name, quoted=True) if d == "mysql" else col
        query = (
            exp.select(shown, exp.alias_(exp.Count(this=exp.Star()), COUNT_ALIAS, quoted=True))
            .from_(_table_expression(compiler.table, d))
            .group_by(exact(col, d))
        )
        groups[name] = (cte, query)
    cte, _ = groups[name]
    frame = Frame(d)
    flag = flag_of(frame)
    total = exp.Sum(this=exp.Mul(this=exp.column(COUNT_ALIAS, quoted=True), expression=exp.Paren(this=flag)))
    source = frame.relation(exp.Table(this=exp.to_identifier(cte, quoted=True)), [name, COUNT_ALIAS])
    return exp.Subquery(this=exp.select(total).from_(source))


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
    """The statements that count every rule's failures on `table` (see the module docstring).

    `repeated`: columns whose values repeat a lot (codes, employers): their value rules are
    judged once per distinct value (see ``_grouped``); credit and organisation code validators
    are so judged by default on DuckDB and PostgreSQL. Not with `sample`."""
    compiler = _Compiler(table, columns_present, dialect, now, relation)
    d = compiler.dialect
    if sample is not None:
        sample = float(sample)
        if sample >= 1:
            sample = None
        elif sample <= 0:
            raise ValueError("sample must be a fraction between 0 and 1")
    repeated = {compiler.columns.resolve(c) or c for c in repeated}
    rules = list(rules)
    errors: dict[str, str] = {}
    frame = Frame(d)
    items: list[tuple[Output, exp.Expression]] = [(Output("", "rows"), exp.Count(this=exp.Star()))]
    table_items: list[tuple[Output, exp.Expression]] = []
    custom: list[Statement] = []
    by_key: dict[str, Rule] = {}
    groups: dict[str, tuple[str, exp.Expression]] = {}
    alone: dict[str, exp.Expression] = {}  # key → the rule's item compiled without the shared frame
    for rule in rules:
        if rule.key in by_key:
            raise ValueError(f"two rules share the key {rule.key!r}")
        by_key[rule.key] = rule
        try:
            validate(rule, d)
        except ValidationError as exc:
            errors[rule.key] = " ".join(exc.messages)
            continue
        try:
            if rule.kind in ("expression", "custom_sql"):
                for index in range(len(rule.columns)):
                    compiler.column(rule, index)  # listed columns must exist too
            if rule.kind == "row_count":
                continue  # judged from COUNT(*)
            if rule.kind == "custom_sql":
                query = _resolve_tables(parse_custom_sql(rule.params["sql"], d), relation)
                count = exp.select(exp.alias_(exp.Count(this=exp.Star()), "c0", quoted=True)).from_(
                    query.subquery("__dq_custom")
                )
                custom.append(Statement(to_sql(count, d), [Output(rule.key, "failed")], purpose="custom"))
                continue
            if rule.kind == "freshness":
                entry = (Output(rule.key, "flag"), compiler.freshness_flag(rule))
                (table_items if sample is not None else items).append(entry)
                alone[rule.key] = entry[1]
                continue
            if rule.kind == "unique":
                unique = compiler.unique_aggregates(rule)
                if d == "postgres" and sample is None:
                    # COUNT(DISTINCT) keeps PostgreSQL from aggregating in parallel: apart, in a
                    # subquery of the same statement, the other rules' aggregate still can be
                    unique = exp.Subquery(this=exp.select(unique).from_(_table_expression(compiler.table, d)))
                entry = (Output(rule.key, "failed"), unique)
                items.append(entry)
                alone[rule.key] = entry[1]
                continue
            grouped = (
                sample is None
                and rule.kind in VALUE_RULES
                and (
                    compiler.column(rule) in repeated
                    or (
                        rule.kind == "validator"
                        and rule.params["validator"] in GROUPED_BY_DEFAULT
                        and d in ("duckdb", "postgres")
                    )
                )
            )
            if grouped:
                entry = (
                    Output(rule.key, "failed"),
                    _grouped(compiler, rule, lambda f, r=rule: compiler.row_flag(r, f), groups),
                )
                items.append(entry)
                alone[rule.key] = entry[1]
                continue
            flag = compiler.row_flag(rule, frame)
            items.append((Output(rule.key, "failed"), exp.Sum(this=flag)))
            alone[rule.key] = None  # recompiled in a frame of its own below
        except _Missing as missing:
            errors[rule.key] = _("The column %(columns)s no longer exists in the table.") % {
                "columns": ", ".join(missing.names)
            }
        except ValidationError as exc:
            errors[rule.key] = " ".join(exc.messages)
    ctes = {name: query for name, query in groups.values()}
    statements = [
        Statement(
            _aggregate_select(compiler, items, frame, sample, ctes), [o for o, _ in items], sample is not None
        )
    ]
    if table_items or (sample is not None and any(r.kind == "row_count" for r in rules)):
        table_items.insert(0, (Output("", "rows"), exp.Count(this=exp.Star())))
        statements.append(
            Statement(
                _aggregate_select(compiler, table_items, Frame(d), None),
                [o for o, _ in table_items],
                purpose="table",
            )
        )
    statements.extend(custom)
    # each rule of the shared statement alone, run only if that statement fails as a whole
    fallback: dict[str, Statement] = {}
    for output, _expression in items[1:]:
        rule = by_key[output.key]
        own = Frame(d)
        expression = alone[rule.key]
        if expression is None:
            expression = exp.Sum(this=compiler.row_flag(rule, own))
        single = [(Output("", "rows"), exp.Count(this=exp.Star())), (output, expression.copy())]
        fallback[rule.key] = Statement(
            _aggregate_select(compiler, single, own, sample, ctes), [o for o, _ in single], sample is not None
        )
    table_sql = to_sql(_table_expression(table, d), d)
    return Scan(d, table_sql, statements, by_key, errors, sample, fallback)


# Samples -----------------------------------------------------------------------------------


@dataclass
class SampleQuery:
    sql: str
    columns: list[str]  # the table's columns shown, [] when selecting * (names come from the cursor)
    masks: dict[str, str]  # column → mask kind


def masks_for(rules: Iterable[Rule]) -> dict[str, str]:
    """Columns that hold personal identifiers, by the validators ruling them: column → mask kind."""
    found = {}
    for rule in rules:
        if rule.kind == "validator" and rule.columns:
            validator = v.VALIDATORS.get(rule.params.get("validator"))
            if validator is not None and validator.mask:
                found[rule.columns[0]] = validator.mask
    return found


def compile_samples(
    table,
    rule: Rule,
    dialect: str,
    limit: int = 20,
    columns_present=None,
    now: datetime.datetime | None = None,
    relation: Callable[[Any], exp.Expression] | None = None,
    masks: Mapping[str, str] | None = None,
) -> SampleQuery:
    """A query for up to `limit` rows failing `rule` (all the table's columns)."""
    compiler = _Compiler(table, columns_present, dialect, now, relation)
    d = compiler.dialect
    validate(rule, d)
    limit = max(1, min(int(limit), 1000))
    shown = compiler.columns.names if compiler.columns.known else []
    chosen = dict(masks_for([rule]))
    chosen.update(masks or {})
    base = _table_expression(table, d)
    star = [exp.column(c, quoted=True) for c in shown] or [exp.Star()]
    if rule.kind in ("row_count", "freshness"):
        select = exp.select(*star).from_(base).limit(0)
    elif rule.kind == "custom_sql":
        query = _resolve_tables(parse_custom_sql(rule.params["sql"], d), relation)
        select = exp.select(exp.Star()).from_(query.subquery("__dq_custom")).limit(limit)
        shown = []
    elif rule.kind == "unique":
        names = [compiler.column(rule, i) for i in range(len(rule.columns))]
        keys = [exp.column(n, quoted=True) for n in names]
        duplicated = (
            exp.select(*keys)
            .from_(_table_expression(table, d))
            .where(exp.and_(*[exp.Not(this=exp.Is(this=k.copy(), expression=exp.Null())) for k in keys]))
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
        base = exp.select(exp.Star()).from_(base).subquery("__dq_t", copy=False)
        select = (
            exp.select(*cols)
            .from_(base)
            .join(duplicated.subquery("__dq_d"), on=on)
            .order_by(*[exp.column(n, table="__dq_t", quoted=True) for n in names])
            .limit(limit)
        )
    else:
        try:
            frame = Frame(d)
            flag = compiler.row_flag(rule, frame)
        except _Missing as missing:
            raise ValidationError(
                _("The column %(columns)s no longer exists in the table.")
                % {"columns": ", ".join(missing.names)},
                code="missing_column",
            ) from None
        used = _base_columns(frame, [flag] + _frame_values(frame))
        for name in shown:
            if name not in used:
                used.append(name)
        source = frame.relation(base, used) if frame.values else base
        select = exp.select(*star).from_(source).where(exp.EQ(this=flag, expression=num(1))).limit(limit)
    return SampleQuery(to_sql(select, d), list(shown), chosen)


# Running -----------------------------------------------------------------------------------


@dataclass
class RuleOutcome:
    key: str
    checked: int = 0
    failed: int = 0
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.failed == 0


@dataclass
class ScanResult:
    rows: int | None  # rows scanned (of the sample if sampled)
    table_rows: int | None  # rows in the table (unsampled count), when known
    outcomes: dict[str, RuleOutcome]
    statements: int
    seconds: float
    sampled: bool = False


class _RawSession:
    """An open DB-API or DuckDB connection used as a session (no limits added)."""

    def __init__(self, connection):
        self.connection = connection
        module = type(connection).__module__
        if module.startswith("sqlite3"):
            install_sqlite_regexp(connection)

    def query(self, sql: str, params=None, max_rows: int | None = None):
        conn = self.connection
        if hasattr(conn, "cursor") and not type(conn).__module__.startswith("duckdb"):
            cursor = conn.cursor()
            try:
                cursor.execute(sql) if params is None else cursor.execute(sql, params)
                rows = cursor.fetchmany(max_rows) if max_rows else cursor.fetchall()
                columns = [d[0] for d in cursor.description or ()]
            except Exception:
                # a failed statement aborts an open transaction: end it so the next one runs
                with contextlib.suppress(Exception):
                    conn.rollback()
                raise
            finally:
                cursor.close()
        else:
            result = conn.execute(sql) if params is None else conn.execute(sql, params)
            rows = result.fetchmany(max_rows) if max_rows else result.fetchall()
            columns = [d[0] for d in result.description or ()]
        return columns, [tuple(r) for r in rows]


def install_sqlite_regexp(connection) -> None:
    """``x REGEXP p`` on a sqlite3 connection: Python's ``re`` (compiled once per pattern)."""
    compiled: dict[str, re.Pattern] = {}

    def regexp(pattern, value):  # SQLite calls regexp(Y, X) for X REGEXP Y
        if value is None or pattern is None:
            return None
        found = compiled.get(pattern)
        if found is None:
            found = compiled[pattern] = re.compile(pattern, re.ASCII)  # \d is 0-9, as elsewhere
        return 1 if found.search(str(value)) else 0

    connection.create_function("regexp", 2, regexp, deterministic=True)


@contextmanager
def _session(target):
    if hasattr(target, "session") and callable(target.session):
        with target.session() as session:
            yield session
    else:
        yield _RawSession(target)


class _StatementFailed(Exception):
    pass


def _error_text(exc: Exception) -> str:
    text_ = str(getattr(exc, "message", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


def run_scan(target, scan: Scan, progress: Callable[[int, int], None] | None = None) -> ScanResult:
    """Run `scan` on `target` (a connector, read-only and time-limited, or an open connection).

    `progress(done, total)` is called before each statement and after the last; it may raise
    (e.g. ``sources.connectors.Cancelled``) to stop the scan between statements."""
    from cdohub.sources.connectors import SourceError

    started = time.monotonic()
    outcomes = {key: RuleOutcome(key, error=message) for key, message in scan.errors.items()}
    rows = table_rows = None
    count = 0
    total = len(scan.statements)
    with _session(target) as session:
        values: dict[int, list] = {}
        failures: dict[int, str] = {}
        for index, statement in enumerate(scan.statements):
            if progress is not None:
                progress(index, total)
            count += 1
            try:
                _columns, result = session.query(statement.sql)
                values[index] = list(result[0]) if result else [None] * len(statement.outputs)
            except SourceError as exc:
                if exc.code in ("unreachable", "refused", "auth", "timeout", "no_database"):
                    raise
                failures[index] = _error_text(exc)
            except Exception as exc:  # noqa: BLE001  (a driver error of one statement)
                if _is_connection_error(exc):
                    raise
                failures[index] = _error_text(exc)
        for index, statement in enumerate(scan.statements):
            if index in failures:
                if statement.purpose == "scan":
                    for output in statement.outputs[1:]:
                        count += 1
                        alone = scan.fallback[output.key]
                        try:
                            _columns, result = session.query(alone.sql)
                            row = list(result[0])
                            rows = rows if rows is not None else _int(row[0])
                            if not alone.sampled and table_rows is None:
                                table_rows = _int(row[0])
                            _record(outcomes, scan, output, row[1], _int(row[0]))
                        except SourceError as exc:
                            if exc.code in ("unreachable", "refused", "auth", "timeout"):
                                raise
                            outcomes[output.key] = RuleOutcome(output.key, error=_error_text(exc))
                        except Exception as exc:  # noqa: BLE001
                            if _is_connection_error(exc):
                                raise
                            outcomes[output.key] = RuleOutcome(output.key, error=_error_text(exc))
                else:
                    for output in statement.outputs:
                        if output.key:
                            outcomes[output.key] = RuleOutcome(output.key, error=failures[index])
                continue
            row = values[index]
            for output, value in zip(statement.outputs, row, strict=True):
                if output.key == "" and output.what == "rows":
                    if statement.purpose == "scan":
                        rows = _int(value)
                        if not statement.sampled:
                            table_rows = rows
                    elif statement.purpose == "table":
                        table_rows = _int(value)
        for index, statement in enumerate(scan.statements):
            if index in failures:
                continue
            for output, value in zip(statement.outputs, values[index], strict=True):
                if output.key:
                    _record(outcomes, scan, output, value, rows)
    if progress is not None:
        progress(total, total)
    for key, rule in scan.rules.items():
        if rule.kind == "row_count" and key not in outcomes:
            if table_rows is None:
                outcomes[key] = RuleOutcome(key, error=_("The table's rows could not be counted."))
                continue
            low, high = _bounds(rule, integer=True)
            bad = (low is not None and table_rows < low) or (high is not None and table_rows > high)
            outcomes[key] = RuleOutcome(key, checked=1, failed=int(bad))
    return ScanResult(
        rows=rows,
        table_rows=table_rows,
        outcomes={key: outcomes[key] for key in scan.rules if key in outcomes},
        statements=count,
        seconds=time.monotonic() - started,
        sampled=scan.sample is not None,
    )


def _int(value) -> int:
    return int(value or 0)


def _record(outcomes, scan: Scan, output: Output, value, rows) -> None:
    rule = scan.rules[output.key]
    if output.what == "flag":
        outcomes[output.key] = RuleOutcome(output.key, checked=1, failed=_int(value))
    elif rule.kind == "custom_sql":
        outcomes[output.key] = RuleOutcome(output.key, checked=_int(rows), failed=_int(value))
    else:
        outcomes[output.key] = RuleOutcome(output.key, checked=_int(rows), failed=_int(value))


def _is_connection_error(exc: Exception) -> bool:
    name = type(exc).__name__
    return name in ("OperationalError", "InterfaceError", "ConnectionException") and any(
        word in str(exc).lower() for word in ("connect", "server", "closed", "lost", "gone")
    )


def fetch_samples(target, query: SampleQuery) -> list[dict]:
    """The failing rows of `query`, identifier columns masked."""
    from .masking import mask

    with _session(target) as session:
        columns, rows = session.query(query.sql)
    found = []
    for row in rows:
        record = dict(zip(columns, row, strict=False))
        for column, kind in query.masks.items():
            if column in record:
                record[column] = mask(record[column], kind)
        found.append(record)
    return found
