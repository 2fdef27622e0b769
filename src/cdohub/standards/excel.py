"""The data standards in Excel: a two-sheet workbook — data elements, then code sets with one row
per code value — that the bureau fills in, imports (every row checked, all or nothing) and exports
again (all, or what a list shows) in the same layout.

The import applies each row through the services inside one transaction, each row in its own
savepoint: a row the services refuse gets their reason, and if any row has an error the whole
transaction is rolled back and the user gets their workbook with an error column.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cdohub.catalog.choices import DataType
from cdohub.core import audit
from cdohub.core.excel import (
    EXAMPLE_FONT,
    HEADER_FILL,
    Column,
    ImportFileError,
    Row,
    SheetsImportResult,
    annotate,
    check_required,
    example_row,
    field_errors,
    open_workbook,
    read_sheet,
    save_workbook,
)
from cdohub.core.permissions import restrict
from cdohub.datakit.validators import VALIDATORS
from cdohub.org.models import Unit
from cdohub.standards import events

from . import rules, services
from .models import CodeSet, DataElement

ELEMENT_COLUMNS = [
    Column("identifier", gettext_lazy("Internal identifier"), example="DE00001"),
    Column("name", gettext_lazy("Name"), example="公民身份号码"),
    Column(
        "definition",
        gettext_lazy("Definition"),
        required=False,
        example="赋码机关为每个公民给出的唯一的、终身不变的法定号码",
    ),
    Column("data_type", gettext_lazy("Data type"), example="字符型"),
    Column("max_length", gettext_lazy("Maximum length"), required=False, example="18"),
    Column("min_length", gettext_lazy("Minimum length"), required=False),
    Column("format", gettext_lazy("Representation format"), required=False, example="an18"),
    Column("pattern", gettext_lazy("Regular expression"), required=False),
    Column("code_set", gettext_lazy("Code set identifier"), required=False),
    Column("validator", gettext_lazy("Validator"), required=False, example="resident_id"),
    Column("standard", gettext_lazy("Source standard"), required=False, example="GB 11643-1999"),
    Column("owner", gettext_lazy("Maintaining bureau code"), example="440000-SJJ"),
    Column("status", gettext_lazy("Status"), required=False),
]
CODE_COLUMNS = [
    Column("code_set", gettext_lazy("Code set identifier"), example="XBDM"),
    Column("set_name", gettext_lazy("Code set name"), required=False, example="人的性别代码"),
    Column("standard", gettext_lazy("Source standard"), required=False, example="GB/T 2261.1-2003"),
    Column("owner", gettext_lazy("Maintaining bureau code"), required=False, example="440000-SJJ"),
    Column("code", gettext_lazy("Code"), example="1"),
    Column("name", gettext_lazy("Meaning"), example="男性"),
    Column("parent", gettext_lazy("Parent code"), required=False),
]


def _labels(choices) -> dict[str, str]:
    """Each value, and its label in every language, to the value (lower-cased keys)."""
    names = {}
    for value, label in choices:
        names[value.lower()] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names[str(label).lower()] = value
    return names


# Writing -------------------------------------------------------------------------------------


def _sheet(ws, columns, rows) -> None:
    ws.append([f"{c.header}*" if c.required else str(c.header) for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for row in rows:
        ws.append(row)
    for index in range(1, len(columns) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 20
    ws.freeze_panes = "A2"


def _workbook(element_rows, code_rows) -> Workbook:
    wb = Workbook()
    elements = wb.active
    elements.title = str(_("Data elements"))
    codes = wb.create_sheet(str(_("Code sets")))
    _sheet(elements, ELEMENT_COLUMNS, element_rows)
    _sheet(codes, CODE_COLUMNS, code_rows)
    return wb


def template() -> bytes:
    wb = _workbook([example_row(ELEMENT_COLUMNS)], [example_row(CODE_COLUMNS)])
    for sheet in wb.worksheets:
        for cell in sheet[2]:
            cell.font = EXAMPLE_FONT
    ws = wb.worksheets[0]
    for key, labels in (
        ("data_type", [str(label) for _v, label in DataType.choices]),
        ("validator", list(VALIDATORS)),
    ):
        index = next(i for i, c in enumerate(ELEMENT_COLUMNS, start=1) if c.key == key)
        check = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
        letter = get_column_letter(index)
        check.add(f"{letter}2:{letter}100000")
        ws.add_data_validation(check)
    return save_workbook(wb)


def export(elements=None, code_sets=None) -> bytes:
    """`elements` and the code sets they use, and `code_sets`, in the template's layout."""
    elements = (
        list(elements.select_related("owner", "code_set").order_by("identifier"))
        if elements is not None
        else []
    )
    wanted = {e.code_set_id for e in elements if e.code_set_id}
    if code_sets is not None:
        wanted |= set(code_sets.values_list("pk", flat=True))
    sets = CodeSet.objects.filter(pk__in=wanted).select_related("owner").order_by("identifier")
    element_rows = [
        [
            e.identifier,
            e.name,
            e.definition,
            e.get_data_type_display(),
            e.max_length,
            e.min_length,
            e.format,
            e.pattern,
            e.code_set.identifier if e.code_set_id else "",
            e.validator,
            e.standard,
            e.owner.code,
            e.get_status_display(),
        ]
        for e in elements
    ]
    code_rows = []
    for code_set in sets:
        for n, value in enumerate(services.code_values(code_set)):
            head = [code_set.name, code_set.standard, code_set.owner.code] if n == 0 else ["", "", ""]
            code_rows.append([code_set.identifier, *head, value["code"], value["name"], value["parent"]])
    return save_workbook(_workbook(element_rows, code_rows))


# Reading -------------------------------------------------------------------------------------


class ImportResult(SheetsImportResult):
    def __init__(self, elements: list[Row], codes: list[Row]):
        super().__init__(elements, codes)
        self.elements, self.codes = elements, codes


class _RolledBack(Exception):
    pass


def _messages(exc: Exception, model) -> list[str]:
    if isinstance(exc, PermissionDenied | Http404):
        return [_("You may not change this standard.")]
    if hasattr(exc, "error_dict"):
        out = []
        for field, errors in exc.message_dict.items():
            try:
                label = str(model._meta.get_field(field).verbose_name)
            except Exception:
                label = ""
            out.extend(f"{label}：{m}" if label else m for m in errors)
        return out
    return list(exc.messages)


class StandardsImport:
    def __init__(self):
        self.user = None
        self.types = _labels(DataType.choices)
        self.validators = _labels([(name, v.label) for name, v in VALIDATORS.items()])
        self.units: dict[str, Unit | None] = {}

    def run(self, data: bytes, user) -> ImportResult:
        self.user = user
        workbook = open_workbook(data)
        result = ImportResult(
            read_sheet(workbook, 0, ELEMENT_COLUMNS, optional=True),
            read_sheet(workbook, 1, CODE_COLUMNS, optional=True),
        )
        if not result.elements and not result.codes:
            raise ImportFileError(_("The workbook has no data rows."))
        check_required(result.elements, ELEMENT_COLUMNS)
        check_required(result.codes, CODE_COLUMNS)
        sets = self._parse_code_sets(result.codes)
        elements = self._parse_elements(result.elements)
        try:
            with transaction.atomic(), audit.acting_as(user, audit.current_actor().source):
                self._apply_code_sets(sets, result)
                self._apply_elements(elements, result)
                if not result.ok:
                    raise _RolledBack
                audit.record_event(
                    events.IMPORTED,
                    None,
                    elements=[p["identifier"] for _row, p in elements],
                    code_sets=list(sets),
                )
        except _RolledBack:
            result.created = result.updated = 0
        for row in result.codes:  # the on-screen list shows both sheets' rows together
            row.errors = [_("Code sets sheet: %(e)s") % {"e": e} for e in row.errors]
        if not result.ok:
            result.annotated = annotate(data, result.elements, result.codes)
        return result

    def _unit(self, code: str, row: Row) -> Unit | None:
        if code not in self.units:
            self.units[code] = Unit.objects.filter(code=code).first()
        unit = self.units[code]
        if unit is None:
            row.errors.append(_("No unit has the code %(c)s.") % {"c": code})
        return unit

    # -- code sets -----------------------------------------------------------------------------

    def _parse_code_sets(self, rows: list[Row]) -> dict[str, dict]:
        sets: dict[str, dict] = {}
        for row in rows:
            identifier = row["code_set"]
            entry = sets.setdefault(identifier, {"rows": [], "values": [], "fields": {}, "owner": None})
            entry["rows"].append(row)
            entry["values"].append({"code": row["code"], "name": row["name"], "parent": row["parent"]})
            for key, field in (("set_name", "name"), ("standard", "standard"), ("owner", "owner")):
                if not row[key]:
                    continue
                known = entry["fields"].get(field)
                if known is not None and known != row[key]:
                    row.errors.append(
                        _("%(col)s differs from an earlier row of the code set %(set)s.")
                        % {"col": _header(CODE_COLUMNS, key), "set": identifier}
                    )
                entry["fields"].setdefault(field, row[key])
        for identifier, entry in sets.items():
            first = entry["rows"][0]
            first.errors.extend(field_errors(CodeSet, {"identifier": identifier, **entry["fields"]}))
            owner_code = entry["fields"].pop("owner", "")
            if owner_code:
                entry["owner"] = self._unit(owner_code, first)
            for index, problems in rules.code_value_problems(entry["values"]).items():
                entry["rows"][index].errors.extend(problems)
        return sets

    def _apply_code_sets(self, sets: dict[str, dict], result: ImportResult) -> None:
        code_sets = CodeSet.objects.filter(identifier__in=list(sets))
        existing = {c.identifier: c for c in restrict(self.user, "view", code_sets)}
        for identifier, entry in sets.items():
            rows = entry["rows"]
            if any(r.errors for r in rows):
                continue
            first = rows[0]
            code_set = existing.get(identifier)
            try:
                with transaction.atomic():
                    if code_set is None:
                        if not entry["fields"].get("name") or entry["owner"] is None:
                            first.errors.append(
                                _("A new code set needs its name and maintaining bureau code.")
                            )
                            continue
                        services.create_code_set(
                            self.user,
                            owner=entry["owner"],
                            identifier=identifier,
                            values=entry["values"],
                            **entry["fields"],
                        )
                        result.created += 1
                    else:
                        services.update_code_set(
                            self.user,
                            code_set,
                            owner=entry["owner"],
                            values=entry["values"],
                            **entry["fields"],
                        )
                        result.updated += 1
            except (ValidationError, PermissionDenied, Http404) as exc:
                first.errors.extend(_messages(exc, CodeSet))

    # -- elements ------------------------------------------------------------------------------

    def _parse_elements(self, rows: list[Row]) -> list[tuple[Row, dict]]:
        parsed, seen = [], {}
        for row in rows:
            values = {
                key: row[key] for key in ("identifier", "name", "definition", "format", "pattern", "standard")
            }
            data_type = row["data_type"]
            values["data_type"] = self.types.get(data_type.lower(), data_type)
            validator = row["validator"]
            values["validator"] = self.validators.get(validator.lower(), validator) if validator else ""
            for key in ("max_length", "min_length"):
                text = row[key]
                if text and not text.isdigit():
                    row.errors.append(
                        _("%(col)s: a whole number above zero.") % {"col": _header(ELEMENT_COLUMNS, key)}
                    )
                values[key] = int(text) if text.isdigit() else None
            row.errors.extend(e for e in field_errors(DataElement, values) if e not in row.errors)
            values["code_set"] = row["code_set"]
            values["owner"] = self._unit(row["owner"], row) if row["owner"] else None
            if values["identifier"] in seen:
                row.errors.append(
                    _("The identifier %(id)s is already in row %(r)d.")
                    % {"id": values["identifier"], "r": seen[values["identifier"]]}
                )
            seen[values["identifier"]] = row.number
            parsed.append((row, values))
        return parsed

    def _apply_elements(self, parsed: list[tuple[Row, dict]], result: ImportResult) -> None:
        existing = {
            e.identifier: e
            for e in restrict(self.user, "view", DataElement.objects.all()).filter(
                identifier__in=[p["identifier"] for _r, p in parsed]
            )
        }
        code_sets = {
            c.identifier: c
            for c in restrict(self.user, "view", CodeSet.objects.all()).filter(
                identifier__in={p["code_set"] for _r, p in parsed}
            )
        }
        for row, values in parsed:
            if row.errors:
                continue
            values = dict(values)
            owner = values.pop("owner")
            reference = values.pop("code_set")
            values["code_set"] = code_sets.get(reference) if reference else None
            if reference and values["code_set"] is None:
                row.errors.append(_("No code set has the identifier %(id)s.") % {"id": reference})
                continue
            element = existing.get(values["identifier"])
            try:
                with transaction.atomic():
                    if element is None:
                        services.create_element(self.user, owner=owner, **values)
                        result.created += 1
                    else:
                        services.update_element(self.user, element, owner=owner, **values)
                        result.updated += 1
            except (ValidationError, PermissionDenied, Http404) as exc:
                row.errors.extend(_messages(exc, DataElement))


def _header(columns, key: str) -> str:
    return str(next(c.header for c in columns if c.key == key))
