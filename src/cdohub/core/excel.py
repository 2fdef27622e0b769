"""Excel import and export.

An import reads every row, validates all of them, and applies them in one transaction only if no
row has an error. Otherwise nothing is applied and the user gets their own workbook back with a
column that says what is wrong in each row. A workbook is measured before it is parsed: its size,
how large it unpacks and how many rows its sheets hold (settings `CDOHUB["IMPORT_MAX_*"]`).

Every workbook the platform writes goes through `save_workbook`, which makes text that a
spreadsheet would run as a formula inert (`neutralise`).
"""

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
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
EXAMPLE_FONT = Font(italic=True, color="808080")
# A cell beginning with one of these is a formula to Excel, WPS or LibreOffice (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXAMPLE_MARKER = gettext_lazy("← Example row: an import skips it")


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


def example_markers() -> set[str]:
    """The cell that marks a template's example row, in each language a template is written in."""
    markers = set()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            markers.add(str(EXAMPLE_MARKER))
    return markers


def example_row(columns: list[Column]) -> list[str]:
    """A template's example row: each column's example, then a cell that marks the row so that an
    import leaves it out."""
    return [c.example for c in columns] + [str(EXAMPLE_MARKER)]


def field_errors(model: type[models.Model], values: dict[str, Any]) -> list[str]:
    """What `model`'s own fields say of `values` (length, choices, validators such as a date's
    plausibility): the rules its forms and API apply, applied to an imported row. Relations are
    left to the importer, which looks them up in bulk."""
    errors: list[str] = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or field.is_relation or value in field.empty_values:
            continue
        try:
            field.clean(value, None)
        except ValidationError as exc:
            errors.extend(f"{field.verbose_name}：{message}" for message in exc.messages)
    return errors


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
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]  # an export's neutralised cell, brought back
    return text


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
            ws.column_dimensions[get_column_letter(index)].width = 24
        ws.append(example_row(self.columns))
        for cell in ws[2]:
            cell.font = EXAMPLE_FONT
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


def import_limit(name: str) -> int:
    return cast(int, settings.CDOHUB[name])


def check_upload_size(size: int) -> None:
    limit = import_limit("IMPORT_MAX_BYTES")
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s MB; a workbook may be at most %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
CHUNK = 1024 * 1024


def check_workbook_limits(data: bytes) -> None:
    """Refuse a workbook that is too large, unpacks too large (a zip bomb) or has too many rows,
    before any parser sees it. Each part is unpacked as a stream and counted, so a part that lies
    about its size in the zip's directory is caught too."""
    check_upload_size(len(data))
    unpacked_limit, row_limit = import_limit("IMPORT_MAX_UNPACKED_BYTES"), import_limit("IMPORT_MAX_ROWS")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > unpacked_limit:
            raise _too_large(unpacked_limit)
        unpacked = 0
        for info in archive.infolist():
            is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            rows, tail = 0, b""
            with archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > unpacked_limit:
                        raise _too_large(unpacked_limit)
                    if is_sheet:
                        rows += len(ROW_TAG.findall(tail + chunk)) - len(ROW_TAG.findall(tail))
                        tail = chunk[-64:]
                        if rows > row_limit + 1:  # the header row besides the data rows
                            raise ImportFileError(
                                _("A sheet has more than %(n)d rows; split the workbook into smaller ones.")
                                % {"n": row_limit}
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from exc


def _too_large(limit: int) -> ImportFileError:
    return ImportFileError(
        _("The workbook unpacks to more than %(limit)s MB; split it into smaller ones.")
        % {"limit": _megabytes(limit)}
    )


def open_workbook(data: bytes) -> CalamineWorkbook:
    check_workbook_limits(data)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from exc


def read_sheet(
    workbook: CalamineWorkbook, index: int, columns: list[Column], *, optional: bool = False
) -> list[Row]:
    """The non-empty rows of sheet `index`, by column key; the header row names the columns. The
    template's example row is left out while it still holds the examples (written over, it is data)."""
    try:
        table = iter(workbook.get_sheet_by_index(index).iter_rows())
        header = next(table, None)
    except IndexError:
        header = None
    except Exception as exc:
        raise ImportFileError(_("The file is not a readable Excel workbook.")) from exc
    if header is None:
        if optional:
            return []
        raise ImportFileError(_("The workbook is empty."))
    positions = header_positions([_cell_text(v) for v in header], columns)
    markers, rows = example_markers(), []
    examples = {c.key: c.example for c in columns if c.key in positions}
    for offset, raw in enumerate(table, start=2):
        values = {key: _cell_text(raw[i]) if i < len(raw) else "" for key, i in positions.items()}
        if values == examples and not markers.isdisjoint(raw):
            continue
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
            with translation.override("zh-hans"):  # as the template writes it
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


def neutralise(value: Any) -> Any:
    """`value` as a cell that cannot run: text a spreadsheet would take for a formula gets a
    leading quote (OWASP's advice against CSV and formula injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def save_workbook(wb: Workbook) -> bytes:
    """The workbook's bytes, every text cell neutralised first: all exports, templates and
    annotated imports are written here."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = neutralise(cell.value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
