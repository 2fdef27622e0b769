"""row_count: no column; min and/or max rows. Judged from the scan's unsampled COUNT(*) (one more
statement when the scan is sampled)."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ..compiler import Compiler
from ..rule import Rule, RuleOutcome
from .base import TableKind, refuse, whole_bounds

if TYPE_CHECKING:
    from ..scan import ScanPlan


class RowCount(TableKind):
    name = "row_count"
    columns = "none"
    optional = ("min", "max")

    def check(self, rule: Rule, dialect: str) -> None:
        low, _high = whole_bounds(rule)
        if low is not None and low < 0:
            raise refuse(_("Row counts cannot be negative."), "params")

    def plan(self, rule: Rule, compiler: Compiler, plan: "ScanPlan") -> None:
        plan.count_table_rows()

    def judge_unread(self, rule: Rule, table_rows: int | None) -> RuleOutcome:
        if table_rows is None:
            return RuleOutcome(rule.key, error=_("The table's rows could not be counted."))
        low, high = whole_bounds(rule)
        bad = (low is not None and table_rows < low) or (high is not None and table_rows > high)
        return RuleOutcome(rule.key, checked=1, failed=int(bad))
