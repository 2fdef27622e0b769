"""The catalog's metadata rules, as pure functions the services and the Excel import share.

Errors come back as {field: [messages]} so a form, the API and an import row can each show them.
"""

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from cdohub.core.forms import field_label

from .choices import (
    CAMPAIGN_FIELDS,
    FORMAT_METHODS,
    METADATA_FIELDS,
    REQUIRED_FIELDS,
    DataType,
    OpenType,
    ShareType,
)
from .models import Resource

# Every metadata field a registrar may set, besides the items.
RESOURCE_FIELDS = (
    "classification",
    "name",
    "summary",
    "format",
    "share_type",
    "share_conditions",
    "share_basis",
    "share_method",
    "open_type",
    "open_conditions",
    "update_cycle",
    "released_on",
    "source_system",
    "related_codes",
    "is_classified",
)
ITEM_FIELDS = ("name", "column_name", "data_type", "length", "description")
TITLE_ONLY = ("classification", "name", "is_classified")  # what a classified (涉密) resource keeps


def label(name: str) -> str:
    if name == "items":
        return _("information items")
    return field_label(Resource, name)


def is_filled(values: dict, items: list, name: str) -> bool:
    return bool(items) if name == "items" else values.get(name) not in (None, "", [], ())


def check(values: dict, items: list[dict], *, submitting: bool = False, required=()) -> dict[str, list[str]]:
    """Every rule the metadata breaks; `submitting` adds the required fields (the guide's core plus
    the campaign's `required`)."""
    errors: dict[str, list[str]] = defaultdict(list)
    if not (values.get("name") or "").strip():
        errors["name"].append(_("Give the resource a name."))
    classification = values.get("classification")
    if classification is None:
        errors["classification"].append(_("Choose a classification."))
    elif not classification.is_assignable:
        errors["classification"].append(_("Classify the resource down to 目 (a six-digit code) at least."))
    if values.get("is_classified"):
        extra = [f for f in RESOURCE_FIELDS if f not in TITLE_ONLY and is_filled(values, items, f)]
        if extra or items:
            names = "、".join(label(f) for f in extra + (["items"] if items else []))
            errors["is_classified"].append(
                _("A classified resource is registered by its title only; remove: %(fields)s")
                % {"fields": names}
            )
        return dict(errors)
    _check_sharing(values, errors)
    _check_items(items, errors)
    if submitting:
        for name in (*REQUIRED_FIELDS, *required):
            if not is_filled(values, items, name) and name not in errors:
                errors[name].append(_("%(field)s is required before submitting.") % {"field": label(name)})
        if values.get("share_type") in (ShareType.UNCONDITIONAL, ShareType.CONDITIONAL) and not values.get(
            "share_method"
        ):
            errors["share_method"].append(_("A shared resource needs a sharing method."))
    return dict(errors)


def _check_sharing(values: dict, errors) -> None:
    share, method, fmt = values.get("share_type"), values.get("share_method"), values.get("format")
    if share in (ShareType.CONDITIONAL, ShareType.NONE):
        for name in ("share_conditions", "share_basis"):
            if not (values.get(name) or "").strip():
                errors[name].append(
                    _("Sharing on conditions, or not sharing, needs conditions and a legal or policy basis.")
                )
    if share == ShareType.NONE and method:
        errors["share_method"].append(_("A resource that is not shared has no sharing method."))
    elif method and fmt and method not in FORMAT_METHODS.get(fmt, ()):
        errors["share_method"].append(
            _("A %(format)s resource cannot be shared by %(method)s.")
            % {"format": _display("format", fmt), "method": _display("share_method", method)}
        )
    open_type = values.get("open_type")
    if (
        open_type in (OpenType.CONDITIONAL, OpenType.NONE)
        and not (values.get("open_conditions") or "").strip()
    ):
        errors["open_conditions"].append(_("Say on what conditions the resource is open, or why it is not."))
    if share == ShareType.NONE and open_type in (OpenType.UNCONDITIONAL, OpenType.CONDITIONAL):
        errors["open_type"].append(_("A resource that is not shared cannot be opened to the public."))


def _display(field: str, value: str) -> str:
    return str(dict(Resource._meta.get_field(field).choices).get(value, value))


COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")


def _check_items(items: list[dict], errors) -> None:
    seen_names, seen_columns = set(), set()
    for number, item in enumerate(items, start=1):
        problems = item_problems(item)
        name, column = (item.get("name") or "").strip(), (item.get("column_name") or "").strip().lower()
        if name and name in seen_names:
            problems.append(_("the item name %(name)s appears twice") % {"name": name})
        if column and column in seen_columns:
            problems.append(_("the column %(name)s appears twice") % {"name": column})
        seen_names.add(name)
        seen_columns.add(column)
        if problems:
            errors["items"].append(
                _("Item %(n)d: %(problems)s") % {"n": number, "problems": "；".join(problems)}
            )


def item_problems(item: dict) -> list[str]:
    problems = []
    if not (item.get("name") or "").strip():
        problems.append(_("the name is missing"))
    if item.get("data_type") not in DataType.values:
        problems.append(_("choose a data type from the list"))
    column = (item.get("column_name") or "").strip()
    if column and not COLUMN_NAME.match(column):
        problems.append(_("a column name has letters, digits and underscores only"))
    length = item.get("length")
    if length not in (None, "") and (not str(length).isdigit() or int(length) <= 0):
        problems.append(_("the length is a whole number above zero"))
    return problems


def completeness(values: dict, items: list) -> float:
    """Share of the core metadata filled in, 0–1 (a classified resource counts as complete)."""
    if values.get("is_classified"):
        return 1.0
    return sum(is_filled(values, items, f) for f in METADATA_FIELDS) / len(METADATA_FIELDS)


def campaign_fields_valid(fields) -> bool:
    return set(fields) <= set(CAMPAIGN_FIELDS)


# Native column types to the guide's data types, first match wins.
TYPE_PATTERNS = [
    (re.compile(r"bool|bit\b|tinyint\(1\)"), DataType.LOGICAL),
    (re.compile(r"money"), DataType.CURRENCY),
    (re.compile(r"timestamp|datetime"), DataType.DATETIME),
    (re.compile(r"^date$|^date\b"), DataType.DATE),
    (re.compile(r"time"), DataType.DATETIME),
    (re.compile(r"double|float8|real|float"), DataType.FLOAT),
    (re.compile(r"int|serial"), DataType.INTEGER),
    (re.compile(r"numeric|decimal|number"), DataType.NUMERIC),
    (re.compile(r"blob|bytea|binary|image|geometry|geography"), DataType.BINARY),
    (re.compile(r"^text|clob|longtext|mediumtext|json"), DataType.MEMO),
]


def data_type_for(native: str) -> str:
    native = (native or "").lower().strip()
    for pattern, data_type in TYPE_PATTERNS:
        if pattern.search(native):
            return data_type
    return DataType.CHAR
