"""The standards' rules as pure functions the services, the Excel import and the pages share: what a
data element or code set may hold, and the quality rules an element implies for a linked item.

Errors come back as {field: [messages]} so a form, the API and an import row can each show them.
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cdohub.catalog.choices import DataType
from cdohub.datakit.patterns import check_regex
from cdohub.datakit.validators import VALIDATORS

from . import formats
from .choices import DATE_TYPES, NUMBER_TYPES, TEXT_TYPES

ELEMENT_FIELDS = (
    "identifier",
    "name",
    "definition",
    "data_type",
    "max_length",
    "min_length",
    "format",
    "pattern",
    "code_set",
    "validator",
    "standard",
)
# What the implied quality rules follow from: fixed once the element is published.
RULE_FIELDS = (
    "identifier",
    "data_type",
    "max_length",
    "min_length",
    "format",
    "pattern",
    "code_set",
    "validator",
)
CODE_SET_FIELDS = ("identifier", "name", "standard", "description")
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
MAX_ALLOWED = 10_000  # the engine's limit on an allowed-values rule


def _length(value, field: str, errors) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) < 1:
        errors[field].append(_("A length is a whole number above zero."))
        return None
    if int(value) > formats.MAX_LENGTH:
        errors[field].append(_("A length is at most %(max)d.") % {"max": formats.MAX_LENGTH})
        return None
    return int(value)


def identifier_problem(identifier: str) -> str:
    if not (identifier or "").strip():
        return _("Give an identifier.")
    if not IDENTIFIER.match(identifier.strip()):
        return _(
            "An identifier has at most 64 letters, digits and . _ / - (starting with a letter or digit)."
        )
    return ""


def element_problems(values: dict) -> dict[str, list[str]]:
    """Every rule the values of a data element break (the code set's own checks apart)."""
    errors: dict[str, list[str]] = defaultdict(list)
    if problem := identifier_problem(values.get("identifier") or ""):
        errors["identifier"].append(problem)
    if not (values.get("name") or "").strip():
        errors["name"].append(_("Give the data element a name."))
    if values.get("data_type") not in DataType.values:
        errors["data_type"].append(_("Choose a data type from the list."))
    high = _length(values.get("max_length"), "max_length", errors)
    low = _length(values.get("min_length"), "min_length", errors)
    if low is not None and high is not None and low > high:
        errors["min_length"].append(_("The minimum length is above the maximum."))
    try:
        parsed = formats.parse(values.get("format") or "")
    except ValidationError as exc:
        errors["format"].extend(exc.messages)
        parsed = None
    if parsed is not None and parsed.max_length is not None:
        if high is not None and high != parsed.max_length:
            errors["max_length"].append(
                _("The format %(format)s allows at most %(n)d characters, not %(given)d.")
                % {"format": values["format"], "n": parsed.max_length, "given": high}
            )
        if low is not None and parsed.min_length not in (None, 1) and low != parsed.min_length:
            errors["min_length"].append(
                _("The format %(format)s needs at least %(n)d characters, not %(given)d.")
                % {"format": values["format"], "n": parsed.min_length, "given": low}
            )
    pattern = (values.get("pattern") or "").strip()
    if pattern:
        try:
            check_regex(pattern)
        except ValidationError as exc:
            errors["pattern"].extend(exc.messages)
    validator = values.get("validator") or ""
    if validator and validator not in VALIDATORS:
        errors["validator"].append(
            _("Unknown validator %(name)s; one of %(all)s.")
            % {"name": validator, "all": ", ".join(VALIDATORS)}
        )
    return dict(errors)


def code_set_problems(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    if problem := identifier_problem(values.get("identifier") or ""):
        errors["identifier"].append(problem)
    if not (values.get("name") or "").strip():
        errors["name"].append(_("Give the code set a name."))
    return dict(errors)


def code_value_problems(rows: list[dict]) -> dict[int, list[str]]:
    """Problems of a code set's values, by their index in `rows` ({code, name, parent})."""
    problems: dict[int, list[str]] = defaultdict(list)
    first: dict[str, int] = {}
    for index, row in enumerate(rows):
        code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        if not code:
            problems[index].append(_("the code is missing"))
        elif len(code) > 32 or any(ch.isspace() for ch in code):
            problems[index].append(_("a code has at most 32 characters and no spaces"))
        elif code in first:
            problems[index].append(
                _("the code %(code)s appears twice (also value %(n)d)") % {"code": code, "n": first[code] + 1}
            )
        else:
            first[code] = index
        if not name:
            problems[index].append(_("the meaning is missing"))
        elif len(name) > 200:
            problems[index].append(_("a meaning has at most 200 characters"))
    parents = {(r.get("code") or "").strip(): (r.get("parent") or "").strip() for r in rows}
    for index, row in enumerate(rows):
        code, parent = (row.get("code") or "").strip(), (row.get("parent") or "").strip()
        if not parent:
            continue
        if parent == code:
            problems[index].append(_("a code cannot be its own parent"))
        elif parent not in parents:
            problems[index].append(_("the parent code %(code)s is not in the set") % {"code": parent})
        else:
            seen, at = {code}, parent
            while at and at not in seen:
                seen.add(at)
                at = parents.get(at, "")
            if at:
                problems[index].append(
                    _("the parent codes of %(code)s go round in a circle") % {"code": code}
                )
    return dict(problems)


# The rules a data element implies -------------------------------------------------------------

ISO_DATE = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
TYPE_PATTERNS = {
    "I": "-?[0-9]+",
    "N": "-?[0-9]+(\\.[0-9]+)?",
    "Y": "-?[0-9]+(\\.[0-9]+)?",
    "B": "-?[0-9]+(\\.[0-9]+)?",
    "F": "-?[0-9]+(\\.[0-9]+)?",
    "D": ISO_DATE,
    "T": ISO_DATE + "[ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?",
}


def parsed_format(element) -> formats.Format | None:
    try:
        return formats.parse(element.format)
    except ValidationError:
        return None


def effective_lengths(element) -> tuple[int | None, int | None]:
    """(shortest, longest): the element's own, else its format's."""
    parsed = parsed_format(element)
    low = element.min_length or (parsed.min_length if parsed else None)
    high = element.max_length or (parsed.max_length if parsed else None)
    return low, high


def effective_pattern(element) -> tuple[str, str]:
    """(pattern, where it comes from: "given", "format", "type" or "")."""
    if (element.pattern or "").strip():
        return element.pattern.strip(), "given"
    parsed = parsed_format(element)
    if parsed is not None and parsed.pattern:
        return parsed.pattern, "format"
    if element.data_type in TYPE_PATTERNS:
        return TYPE_PATTERNS[element.data_type], "type"
    return "", ""


def _spec(kind: str, params: dict, severity: str = "error", weight: float = 1.0) -> dict:
    return {"kind": kind, "params": params, "severity": severity, "weight": weight}


def code_list(element) -> list[str]:
    if element.code_set_id is None:
        return []
    return [value.code for value in element.code_set.values.all()]  # in position order (Meta)


def implied_rules(element, *, data_type: str | None = None) -> list[dict]:
    """The quality rule specs linking an item to `element` generates, for the item's column:
    ``{"kind", "params", "severity", "weight"}`` (kinds and params of ``quality.engine``).

    `data_type` is how the item stores its values (its own data type; the element's by default).

    - a validator (resident ID, credit code …) checks the whole shape and the check digits;
    - a code set gives the allowed values (numbers when the column stores numbers);
    - otherwise, when the values are stored as text: the length (unless the format's pattern
      already fixes it) and a pattern — the one given, else the format's, else one for the data
      type (a number, an ISO date) when the element is not text but is stored as text.
    One failing value breaks one rule: no length or pattern is added beside a validator or a code
    list, which check the shape themselves. A date stored as a date needs no pattern.
    """
    stored = data_type or element.data_type
    rules = []
    if element.validator:
        rules.append(_spec("validator", {"validator": element.validator}, "error", 2.0))
    codes = code_list(element)
    if codes and len(codes) <= MAX_ALLOWED:
        if stored in NUMBER_TYPES and all(c.isdigit() for c in codes):
            rules.append(_spec("allowed", {"values": [int(c) for c in codes]}))
        else:
            rules.append(_spec("allowed", {"values": codes}))
    if rules or stored not in TEXT_TYPES:
        return rules
    pattern, source = effective_pattern(element)
    parsed = parsed_format(element)
    pattern_fixes_length = source == "format" and parsed is not None and parsed.max_length is not None
    low, high = effective_lengths(element)
    if (high or (low and low > 1)) and not pattern_fixes_length:
        params = {}
        if low and low > 1:
            params["min"] = low
        if high:
            params["max"] = high
        rules.append(_spec("length", params, "warning"))
    if pattern:
        rules.append(_spec("regex", {"pattern": pattern}))
    return rules


def link_problems(element, item) -> list[str]:
    """Why `item` cannot hold `element`: a date column for a non-date element, numbers for a date,
    or a column too short for the element's values."""
    problems = []
    stored, kind = item.data_type, element.data_type
    if stored in DATE_TYPES and kind not in DATE_TYPES:
        problems.append(
            _("The item stores dates, but %(element)s is not a date.") % {"element": element.name}
        )
    if kind in DATE_TYPES and stored in NUMBER_TYPES:
        problems.append(_("The item stores numbers, but %(element)s is a date.") % {"element": element.name})
    low, _high = effective_lengths(element)
    if stored in TEXT_TYPES and item.length and low and low > item.length:
        problems.append(
            _("The item holds at most %(n)d characters, but %(element)s needs %(m)d.")
            % {"n": item.length, "element": element.name, "m": low}
        )
    return problems


def describe_rule(spec: dict) -> str:
    """A rule spec in a few words, for the pages."""
    kind, params = spec["kind"], spec["params"]
    if kind == "validator":
        found = VALIDATORS.get(params["validator"])
        return _("valid %(what)s") % {"what": found.label if found else params["validator"]}
    if kind == "allowed":
        shown = "、".join(str(v) for v in params["values"][:12])
        more = len(params["values"]) - 12
        return _("one of the code set's %(n)d codes: %(codes)s") % {
            "n": len(params["values"]),
            "codes": shown + ("…" if more > 0 else ""),
        }
    if kind == "length":
        if "min" in params and "max" in params:
            return _("%(low)d to %(high)d characters") % {"low": params["min"], "high": params["max"]}
        if "max" in params:
            return _("at most %(n)d characters") % {"n": params["max"]}
        return _("at least %(n)d characters") % {"n": params["min"]}
    if kind == "regex":
        return _("matches %(pattern)s") % {"pattern": params["pattern"]}
    return kind
