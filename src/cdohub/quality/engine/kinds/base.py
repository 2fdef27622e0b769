"""What every rule kind is: the columns and params it takes, how they are checked, what it compiles
to, what its failing rows are and how its result is read. A kind overrides only what differs."""

import datetime
import decimal
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import Frame, num

from ..compiler import Compiler, table_expression, used_columns
from ..rule import Rule, RuleOutcome

if TYPE_CHECKING:
    from ..scan import ScanPlan


class Kind:
    name = ""
    columns = "one"  # "one" | "some" | "none" | "any" (the columns a condition or query uses, for the record)
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    def check(self, rule: Rule, dialect: str) -> None:
        """Refuse params this kind cannot run with (their presence is checked before)."""

    def plan(self, rule: Rule, compiler: Compiler, plan: "ScanPlan") -> None:
        """Add what counts the rule's failures to the scan's `plan`."""
        plan.count_rows(rule, lambda frame: self.row_flag(rule, compiler, frame))

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        """1 where the row fails `rule`, else 0; per-row values go to `frame`."""
        raise NotImplementedError(rule.kind)

    def failing_rows(
        self, rule: Rule, compiler: Compiler, shown: list[str], limit: int
    ) -> tuple[exp.Query, list[str]]:
        """Up to `limit` rows failing `rule`, with the `shown` columns (``*`` if none); and the
        columns named, [] if the cursor names them."""
        frame = Frame(compiler.dialect)
        failing = self.row_flag(rule, compiler, frame)
        used = used_columns(frame, [failing])
        for name in shown:
            if name not in used:
                used.append(name)
        base = table_of(compiler)
        source = frame.relation(base, used) if frame.values else base
        select = (
            exp.select(*star(shown)).from_(source).where(exp.EQ(this=failing, expression=num(1))).limit(limit)
        )
        return select, shown

    def read(self, rule: Rule, value, rows: int | None) -> RuleOutcome:
        """The outcome from the rule's result value, `rows` being the rows scanned."""
        return RuleOutcome(rule.key, checked=as_int(rows), failed=as_int(value))

    def judge_unread(self, rule: Rule, table_rows: int | None) -> RuleOutcome | None:
        """The outcome of a rule no statement counted (judged from the table's rows), else None."""
        return None

    def masks(self, rule: Rule) -> dict[str, str]:
        """Columns of personal identifiers the rule knows of: column → mask kind (``masking``)."""
        return {}


def as_int(value) -> int:
    return int(value or 0)


def star(shown: list[str]) -> list[exp.Expression]:
    return [exp.column(c, quoted=True) for c in shown] or [exp.Star()]


def table_of(compiler: Compiler) -> exp.Expression:
    return table_expression(compiler.table, compiler.dialect)


# Reading params -------------------------------------------------------------------------------


def refuse(message, code="invalid") -> ValidationError:
    return ValidationError(str(message), code=code)


def number(value) -> decimal.Decimal | None:
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
    found = number(value)
    return ("number", found) if found is not None and found.is_finite() else None


def whole_bounds(rule: Rule) -> tuple[int | None, int | None]:
    """The rule's min and max, whole numbers, at least one given, min ≤ max."""
    low, high = _given_bounds(rule)
    parsed = []
    for value in (low, high):
        found = number(value) if value is not None else None
        if value is not None and (found is None or found != found.to_integral_value()):
            raise refuse(_("Give whole numbers."), "params")
        parsed.append(int(found) if found is not None else None)
    low, high = parsed
    if low is not None and high is not None and low > high:
        raise refuse(_("The minimum is larger than the maximum."), "params")
    return low, high


def bounds(rule: Rule) -> list[tuple[str, Any] | None]:
    """The rule's min and max as ('number' | 'date', value) or None, both of one sort, min ≤ max."""
    low, high = _given_bounds(rule)
    parsed = [_bound(value) if value is not None else None for value in (low, high)]
    if any(value is not None and p is None for value, p in zip((low, high), parsed, strict=True)):
        raise refuse(_("Bounds must be numbers or dates (YYYY-MM-DD)."), "params")
    sorts = {p[0] for p in parsed if p}
    if len(sorts) > 1:
        raise refuse(_("Both bounds must be numbers, or both dates."), "params")
    if all(parsed):
        a, b = parsed[0][1], parsed[1][1]
        if type(a) is not type(b):
            a, b = _as_datetime(a), _as_datetime(b)
        if a > b:
            raise refuse(_("The minimum is larger than the maximum."), "params")
    return parsed


def _given_bounds(rule: Rule) -> tuple[Any, Any]:
    low, high = rule.params.get("min"), rule.params.get("max")
    if low is None and high is None:
        raise refuse(_("Give a minimum, a maximum or both."), "params")
    return low, high


def _as_datetime(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    return value


class ValueKind(Kind):
    """A rule on each value of one column, skipping NULL and blank values (a missing value is the
    not_null rule's failure). It is judged once per distinct value, weighted by the value's rows,
    on a column whose values repeat (`repeated`), or by default where the kind says it pays
    (`per_value_by_default`) and no unique rule names the column (its values would not repeat)."""

    def plan(self, rule: Rule, compiler: Compiler, plan: "ScanPlan") -> None:
        column = compiler.column(rule)
        per_value = plan.sample is None and (
            column in plan.repeated
            or column not in plan.unique
            and self.per_value_by_default(rule, compiler.dialect)
        )
        if per_value:
            plan.count_per_value(rule, column, lambda frame: self.row_flag(rule, compiler, frame))
        else:
            super().plan(rule, compiler, plan)

    def per_value_by_default(self, rule: Rule, dialect: str) -> bool:
        return False


class CostlyValueKind(ValueKind):
    """A value rule whose test costs more per row (a regex, a list, check digits) than DuckDB takes
    to group a column (a hash of its dictionary-compressed values): there it is judged once per
    distinct value by default. Row stores (PostgreSQL, MariaDB, SQLite) would sort or hash the
    whole column for it, so they test each row."""

    def per_value_by_default(self, rule: Rule, dialect: str) -> bool:
        return dialect == "duckdb"


class TableKind(Kind):
    """A rule on the whole table, not on rows: it has no failing rows to show."""

    def failing_rows(
        self, rule: Rule, compiler: Compiler, shown: list[str], limit: int
    ) -> tuple[exp.Query, list[str]]:
        return exp.select(*star(shown)).from_(table_of(compiler)).limit(0), shown
