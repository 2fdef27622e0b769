"""validator: one column; validator: a name in ``validators.VALIDATORS`` (region_code: codes).

Validators compute their per-row values (ID digits as integers, the shape test) once, in a derived
table under the aggregate for DuckDB and PostgreSQL, inline for MariaDB and SQLite (see
``sqlbuild.Frame``). On DuckDB a validator is judged once per distinct value by default, except
the resident IDs (one per person: they do not repeat); so are the credit and organisation code
checks on PostgreSQL, costly enough there too, and employers repeat."""

from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit import validators as v
from cdohub.datakit.sqlbuild import Frame, case, num

from ..compiler import Compiler, flag, not_blank
from ..rule import Rule
from .base import CostlyValueKind, refuse

PER_VALUE_ON_POSTGRES = ("uscc", "org_code")
ONE_PER_PERSON = ("resident_id", "resident_id_15")


class Validator(CostlyValueKind):
    name = "validator"
    required = ("validator",)
    optional = ("codes",)

    def check(self, rule: Rule, dialect: str) -> None:
        name = rule.params["validator"]
        if name not in v.VALIDATORS:
            raise refuse(
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
            raise refuse(
                _("codes is a non-empty list of texts, for the region_code validator only."), "params"
            )

    def per_value_by_default(self, rule: Rule, dialect: str) -> bool:
        name = rule.params["validator"]
        if dialect == "postgres":
            return name in PER_VALUE_ON_POSTGRES
        return super().per_value_by_default(rule, dialect) and name not in ONE_PER_PERSON

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        name = compiler.column(rule)
        value = compiler.columns.text_of(name)
        options = {}
        if rule.params.get("codes"):
            options["codes"] = rule.params["codes"]
        shape, checks = v.validator_parts(rule.params["validator"], value, frame, compiler.today, **options)
        if isinstance(checks, exp.Boolean) and checks.this:
            return compiler.value_flag(name, value, shape)
        return flag(
            [
                (shape, case((checks, num(0)), default=num(1))),
                (not_blank(value), num(1)),
            ]
        )

    def masks(self, rule: Rule) -> dict[str, str]:
        validator = v.VALIDATORS.get(rule.params.get("validator"))
        if rule.columns and validator is not None and validator.mask:
            return {rule.columns[0]: validator.mask}
        return {}
