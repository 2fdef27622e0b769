"""freshness: one column; hours and/or days: the newest value is no older than that before `now`.
A table rule: 1 when the table is stale, 0 when fresh (checked = 1); when sampled it is judged in
the unsampled table statement."""

import datetime
import decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import case, num, text

from ..compiler import Compiler, naive
from ..rule import Rule, RuleOutcome
from .base import TableKind, as_int, number, refuse

if TYPE_CHECKING:
    from ..scan import ScanPlan


class Freshness(TableKind):
    name = "freshness"
    optional = ("hours", "days")

    def check(self, rule: Rule, dialect: str) -> None:
        hours, days = rule.params.get("hours"), rule.params.get("days")
        if hours is None and days is None:
            raise refuse(_("Give the largest age allowed, in hours or days."), "params")
        for value in (hours, days):
            found = number(value) if value is not None else decimal.Decimal(0)
            if found is None or not found.is_finite() or found < 0:
                raise refuse(_("Ages must be positive numbers."), "params")
        if _max_age(rule) <= datetime.timedelta(0):
            raise refuse(_("Ages must be positive numbers."), "params")

    def plan(self, rule: Rule, compiler: Compiler, plan: "ScanPlan") -> None:
        plan.table_flag(rule, self.stale(rule, compiler))

    def stale(self, rule: Rule, compiler: Compiler) -> exp.Expression:
        cutoff = naive(compiler.now) - _max_age(rule)
        newest = exp.Max(this=exp.column(compiler.column(rule), quoted=True))
        if compiler.dialect == "sqlite":
            newest = exp.Anonymous(this="DATETIME", expressions=[newest])
            bound = text(cutoff.isoformat(sep=" "))
        elif compiler.dialect == "mysql":
            bound = exp.Cast(this=text(cutoff.isoformat(sep=" ")), to=exp.DataType.build("DATETIME"))
        else:
            bound = exp.Cast(this=text(cutoff.isoformat(sep=" ")), to=exp.DataType.build("TIMESTAMP"))
        return case((exp.GTE(this=newest, expression=bound), num(0)), default=num(1))

    def read(self, rule: Rule, value, rows: int | None) -> RuleOutcome:
        return RuleOutcome(rule.key, checked=1, failed=as_int(value))


def _max_age(rule: Rule) -> datetime.timedelta:
    hours = float(number(rule.params.get("hours") or 0) or 0)
    days = float(number(rule.params.get("days") or 0) or 0)
    return datetime.timedelta(days=days, hours=hours)
