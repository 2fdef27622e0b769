"""not_null: one column; blank (default true): '' and spaces only fail too, not only NULL."""

from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import Frame, is_blank, num

from ..compiler import Compiler, flag
from ..rule import Rule
from .base import Kind, refuse


class NotNull(Kind):
    name = "not_null"
    optional = ("blank",)

    def check(self, rule: Rule, dialect: str) -> None:
        if not isinstance(rule.params.get("blank", True), bool):
            raise refuse(_("blank is true (blank texts fail too, the default) or false."), "params")

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        name = compiler.column(rule)
        col = exp.column(name, quoted=True)
        if compiler.columns.maybe_blank(name) and rule.params.get("blank", True):
            return flag(
                [
                    (exp.Is(this=col, expression=exp.Null()), num(1)),
                    (is_blank(compiler.columns.text_of(name)), num(1)),
                ]
            )
        return flag([(exp.Is(this=col, expression=exp.Null()), num(1))])
