"""Excel import and export.

An import reads every row, validates all of them, and applies them in one transaction only if no
row has an error. Otherwise nothing is applied and the user gets their own workbook back with a
column that says what is wrong in each row.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not a workbook, wrong headers, empty)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # lazily translated
    required: bool = True
    example: str = ""

    def accepted_headers(self) -> set[str]:
        names = {self.key}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names.add(str(self.header))
        return {n.strip().rstrip("*").strip() for n in names}


@dataclass
class Row:
    number: int  # the row number the user sees in Excel
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class ImportResult:
    rows: list[Row]
    applied: int = 0
    annotated: bytes | None = None

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]


class SheetsImportResult:
    """What an import of a workbook of several sheets (records and their parts) found and did: each
    sheet's rows, how many records it created and updated, and the user's workbook annotated with
    the errors. Shown like an `ImportResult`, the sheets' rows together."""

    def __init__(self, *sheets: list[Row]):
        self.sheets = sheets
        self.created = self.updated = 0
        self.annotated: bytes | None = None

    @property
    def rows(self) -> list[Row]:
        return [row for sheet in self.sheets for row in sheet]

    @property
    def ok(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def applied(self) -> int:
        return self.created + self.updated

    @property
    def error_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]


def check_required(rows: list[Row], columns: list[Column]) -> None:
    """An error on each row for each required column it leaves empty."""
    for row in rows:
        for column in columns:
            if column.required and not row[column.key]:
                row.errors.append(_("%(col)s is required.") % {"col": column.header})


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class ExcelImport:
    """Subclass with `columns`, `validate(rows, user)` and `apply(rows, user)`."""

    columns: list[Column] = []
    sheet_title = gettext_lazy("Data")

    def template(self) -> bytes:
        wb = Workbook()
        ws = wb.active
        ws.title = str(self.sheet_title)
        for index, column in enumerate(self.columns, start=1):
            cell = ws.cell(row=1, column=index, value=self._header(column))
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            ws.cell(row=2, column=index, value=column.example)
            ws.column_dimensions[get_column_letter(index)].width = 24
        ws.freeze_panes = "A2"
        return save_workbook(wb)

    def _header(self, column: Column) -> str:
        return f"{column.header}*" if column.required else str(column.header)

    def read(self, data: bytes) -> list[Row]:
        return read_sheet(open_workbook(data), 0, self.columns)

    def run(self, data: bytes, user: Any) -> ImportResult:
        result = ImportResult(self.read(data))
        check_required(result.rows, self.columns)
        self.validate(result.rows, user)
        if result.ok:
            with transaction.atomic():
                result.applied = self.apply(result.rows, user)
        else:
            result.annotated = annotate(data, result.rows)
        return result

    def validate(self, rows: list[Row], user: Any) -> None:
        raise NotImplementedError

    def apply(self, rows: list[Row], user: Any) -> int:
        raise NotImplementedError


def open_workbook(data: bytes) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from exc


def read_sheet(
    workbook: CalamineWorkbook, index: int, columns: list[Column], *, optional: bool = False
) -> list[Row]:
    """The non-empty rows of sheet `index`, by column key; the header row names the columns."""
    try:
        table = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
    except IndexError:
        table = []
    except Exception as exc:
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from exc
    if not table:
        if optional:
            return []
        raise ImportFileError(_("The workbook is empty."))
    positions = header_positions([_cell_text(v) for v in table[0]], columns)
    rows = []
    for offset, raw in enumerate(table[1:], start=2):
        values = {key: _cell_text(raw[i]) if i < len(raw) else "" for key, i in positions.items()}
        if any(values.values()):
            rows.append(Row(offset, values))
    if not rows and not optional:
        raise ImportFileError(_("The workbook has no data rows."))
    return rows


def header_positions(headers: list[str], columns: list[Column]) -> dict[str, int]:
    cleaned = [h.rstrip("*").strip() for h in headers]
    positions, missing = {}, []
    for column in columns:
        names = column.accepted_headers()
        index = next((i for i, h in enumerate(cleaned) if h in names), None)
        if index is not None:
            positions[column.key] = index
        elif column.required:
            missing.append(str(column.header))
    if missing:
        raise ImportFileError(
            _("The first row must hold the template's headers; missing: %(cols)s")
            % {"cols": "、".join(missing)}
        )
    return positions


def annotate(data: bytes, rows: list[Row], *more_sheets: list[Row]) -> bytes:
    """The user's own workbook with an error column added to its first sheet (and, given rows for
    them, to the sheets after it)."""
    wb = load_workbook(io.BytesIO(data))
    for ws, sheet_rows in zip(wb.worksheets, (rows, *more_sheets), strict=False):
        column = ws.max_column + 1
        header = ws.cell(row=1, column=column, value=_("Errors"))
        header.font, header.fill = Font(bold=True, color="9C0006"), ERROR_FILL
        ws.column_dimensions[get_column_letter(column)].width = 60
        for row in sheet_rows:
            if row.errors:
                cell = ws.cell(row=row.number, column=column, value="；".join(row.errors))
                cell.fill = ERROR_FILL
    return save_workbook(wb)


def export_rows(title: str, headers: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for row in rows:
        ws.append([str(v) if isinstance(v, Promise) else v for v in row])  # lazy translations
    for index in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 22
    ws.freeze_panes = "A2"
    return save_workbook(wb)


def save_workbook(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
