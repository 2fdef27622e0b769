"""Whether a rule can be saved: its kind, key, severity, weight, columns and params (forms, API and
the compiler all ask here)."""

from django.utils.translation import gettext as _

from cdohub.datakit.sqlbuild import normalize_dialect

from .kinds import KINDS
from .kinds.base import number, refuse
from .rule import SEVERITIES, Rule


def validate(rule: Rule, dialect: str) -> None:
    """Refuse a rule that cannot be saved, with a translated reason (ValidationError)."""
    dialect = normalize_dialect(dialect)
    if rule.kind not in KINDS:
        raise refuse(
            _("Unknown rule kind %(kind)s; one of %(kinds)s.")
            % {"kind": rule.kind, "kinds": ", ".join(KINDS)},
            "kind",
        )
    if not rule.key:
        raise refuse(_("The rule needs a key."), "key")
    if rule.severity not in SEVERITIES:
        raise refuse(
            _("Unknown severity %(severity)s; one of %(all)s.")
            % {"severity": rule.severity, "all": ", ".join(SEVERITIES)},
            "severity",
        )
    weight = number(rule.weight)
    if weight is None or not weight.is_finite() or weight <= 0:
        raise refuse(_("The weight must be a positive number."), "weight")
    kind = KINDS[rule.kind]
    if kind.columns == "one" and len(rule.columns) != 1:
        raise refuse(_("This rule applies to exactly one column."), "columns")
    if kind.columns == "some" and not rule.columns:
        raise refuse(_("Choose the key's column or columns."), "columns")
    if kind.columns == "none" and rule.columns:
        raise refuse(_("This rule takes no column."), "columns")
    if len(set(rule.columns)) != len(rule.columns) or any(not str(c).strip() for c in rule.columns):
        raise refuse(_("Name each column once."), "columns")
    unknown = set(rule.params) - set(kind.required) - set(kind.optional)
    if unknown:
        raise refuse(
            _("Unknown parameters for this rule: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            "params",
        )
    missing = [name for name in kind.required if rule.params.get(name) in (None, "", [], ())]
    if missing:
        raise refuse(_("Missing parameters: %(names)s.") % {"names": ", ".join(missing)}, "params")
    kind.check(rule, dialect)
