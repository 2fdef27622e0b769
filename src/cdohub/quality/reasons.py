"""Why a failing row failed: the rule, the value and the reason, in the reader's language.

Read from the stored result (the rule as it was checked) and the row as stored, identifiers masked:
masking keeps a value's length, so a wrong length is still told; what a mask hides (a check digit)
is named as what the rule tests."""

import decimal

from django.utils.translation import gettext as _

from cdohub.datakit.validators import VALIDATORS

from .models import RuleResult

# The length each validator's values have (a value of another length fails on that alone).
LENGTHS = {
    "resident_id": 18,
    "resident_id_15": 15,
    "uscc": 18,
    "mobile": 11,
    "postal_code": 6,
    "region_code": 6,
}
LISTED = 5  # allowed values quoted in a reason


def explain(result: RuleResult, row: dict, names: dict[str, str] | None = None) -> str:
    """One sentence: which value of `row` fails `result`'s rule and why. `names`: column → the
    catalog's name of its information item, to name a column as the catalog does."""
    names = names or {}
    column = result.columns[0] if result.columns else ""
    shown = names.get(column.lower(), column)
    value = _value(row, column)
    params = result.params or {}
    kind = result.kind
    if kind == "not_null":
        return _("%(col)s is empty.") % {"col": shown}
    if kind == "unique":
        key = "、".join(f"{names.get(c.lower(), c)}={_value(row, c)}" for c in result.columns)
        return _("%(key)s: the same value is in more than one row.") % {"key": key}
    if value in (None, ""):
        return _("%(col)s is empty.") % {"col": shown}
    text = str(value)
    said = {"col": shown, "value": text}
    if kind == "validator":
        validator = VALIDATORS.get(params.get("validator"))
        label = str(validator.label) if validator else _("identifier")
        expected = LENGTHS.get(params.get("validator"))
        if expected and len(text) != expected:
            return _("%(col)s = %(value)s: %(n)d characters, a %(label)s has %(expected)d.") % {
                **said,
                "n": len(text),
                "label": label,
                "expected": expected,
            }
        return _("%(col)s = %(value)s: not a valid %(label)s (its format, date, region or check digit).") % {
            **said,
            "label": label,
        }
    if kind == "range":
        return _range(said, value, params)
    if kind == "allowed":
        allowed = [str(v) for v in params.get("values", [])]
        listed = "、".join(allowed[:LISTED]) + ("…" if len(allowed) > LISTED else "")
        return _("%(col)s = %(value)s: not one of the allowed codes (%(allowed)s).") % {
            **said,
            "allowed": listed,
        }
    if kind == "length":
        bounds = _bounds_text(params.get("min"), params.get("max"))
        return _("%(col)s = %(value)s: %(n)d characters, allowed %(bounds)s.") % {
            **said,
            "n": len(text),
            "bounds": bounds,
        }
    if kind == "regex":
        return _("%(col)s = %(value)s: not in the required format.") % said
    if kind == "referential":
        table = params.get("table")
        table = ".".join(table) if isinstance(table, list | tuple) else str(table or "")
        return _("%(col)s = %(value)s: not found in %(table)s.") % {**said, "table": table}
    rule = result.rule if result.rule_id else None  # its description says what the condition means
    return _("The row does not meet the rule: %(rule)s.") % {
        "rule": (rule and rule.description) or result.heading
    }


def _value(row: dict, column: str):
    if column in row:
        return row[column]
    folded = {str(k).lower(): v for k, v in row.items()}
    return folded.get(column.lower())


def _range(said: dict, value, params: dict) -> str:
    low, high = params.get("min"), params.get("max")
    measured = _comparable(value)
    if low is not None and measured is not None and _below(measured, low):
        return _("%(col)s = %(value)s: below the minimum %(min)s.") % {**said, "min": low}
    if high is not None and measured is not None and _below(high, measured):
        return _("%(col)s = %(value)s: above the maximum %(max)s.") % {**said, "max": high}
    return _("%(col)s = %(value)s: outside %(bounds)s.") % {**said, "bounds": _bounds_text(low, high)}


def _comparable(value):
    try:
        return decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return str(value)


def _below(a, b) -> bool:
    """a < b, numbers as numbers and dates (ISO text) as text."""
    a, b = _comparable(a), _comparable(b)
    if type(a) is not type(b):
        a, b = str(a), str(b)
    return a < b


def _bounds_text(low, high) -> str:
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"≥ {low}"
    return f"≤ {high}"
