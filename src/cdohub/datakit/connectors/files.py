"""A folder of files: CSV and Parquet read by an in-process DuckDB confined to the folder, Excel
and ODS workbooks by python-calamine (each sheet a table, its first row the column names, types
inferred from the rows sampled). Each file must be read within the statement timeout.

DuckDB (some 90 MB resident) is imported where a folder is read, not when the platform starts."""

import datetime
import threading
from pathlib import Path

import python_calamine
from django.utils.translation import gettext as _

from . import types
from .base import (
    ColumnInfo,
    Connector,
    Session,
    SourceError,
    TableInfo,
    allowed_roots,
    resolve_path,
    statement_timed_out,
    within_roots,
)

DUCKDB_FORMATS = {".csv": "csv", ".parquet": "parquet"}
WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
SUPPORTED = (*DUCKDB_FORMATS, *WORKBOOKS)
MAX_FILES = 5000
SAMPLE_ROWS = 1000


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def infer_type(values) -> str:
    """The portable type of a column from the cell values sampled (blank cells ignored)."""
    seen = set()
    for value in values:
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            seen.add(types.BOOLEAN)
        elif isinstance(value, int):
            seen.add(types.INTEGER)
        elif isinstance(value, float):
            seen.add(types.INTEGER if value.is_integer() else types.FLOAT)
        elif isinstance(value, datetime.datetime):
            seen.add(types.DATETIME)
        elif isinstance(value, datetime.date):
            seen.add(types.DATE)
        elif isinstance(value, datetime.time):
            seen.add(types.TIME)
        elif isinstance(value, datetime.timedelta):
            seen.add(types.OTHER)
        else:
            seen.add(types.STRING)
    if not seen:
        return types.STRING
    if len(seen) == 1:
        return seen.pop()
    if seen == {types.INTEGER, types.FLOAT}:
        return types.FLOAT
    if seen == {types.DATE, types.DATETIME}:
        return types.DATETIME
    return types.STRING


def header_names(cells) -> list[str]:
    """Column names from a header row: blanks named by position, repeats numbered."""
    names, used = [], set()
    for index, cell in enumerate(cells, 1):
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        name = str(cell).strip() if cell not in (None, "") else f"column_{index}"
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{name}_{n}", n + 1
        used.add(candidate)
        names.append(candidate)
    return names


def run_with_timeout(func, seconds: float, on_timeout=None):
    """`func()` in a helper thread, given up on after `seconds` (the thread is left to finish)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = func()
        except BaseException as exc:  # noqa: BLE001  (re-raised in the caller's thread)
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True, name="cdohub-file-read")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        if on_timeout is not None:
            on_timeout()
        raise TimeoutError
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


class FilesSession(Session):
    """An in-process DuckDB confined to the source's folder; each query interrupted at the
    statement timeout. Tables are named with `FilesConnector.relation()` (read_csv/read_parquet)."""

    def __init__(self, connector: "FilesConnector"):
        self.connector = connector
        self.con = connector._duckdb(connector.base())

    def query(self, sql: str, params=None, max_rows: int | None = None):
        import duckdb

        timer = threading.Timer(self.connector.limits.statement_timeout, self.con.interrupt)
        timer.start()
        try:
            result = self.con.execute(sql, params) if params is not None else self.con.execute(sql)
            rows = result.fetchmany(max_rows) if max_rows else result.fetchall()
            return [d[0] for d in result.description or ()], [tuple(r) for r in rows]
        except duckdb.InterruptException:
            raise statement_timed_out(self.connector.limits.statement_timeout) from None
        except duckdb.Error as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SourceError(_("DuckDB error: %(detail)s") % {"detail": text}, "error") from None
        finally:
            timer.cancel()

    def close(self) -> None:
        self.con.close()


class FilesConnector(Connector):
    kind = "files"
    dialect = "duckdb"

    def folder(self) -> Path:
        path = resolve_path(self.config.path)
        if not path.exists():
            raise SourceError(
                _("There is no folder at %(path)s.") % {"path": self.config.path}, "folder_missing"
            )
        if path.is_file() and path.suffix.lower() not in SUPPORTED:
            raise SourceError(
                _("%(path)s is not a CSV, Parquet or Excel file.") % {"path": self.config.path},
                "folder_empty",
            )
        return path

    def files(self) -> tuple[Path, list[Path]]:
        """The folder and the files to read in it (and its subfolders), in name order."""
        base = self.folder()
        if base.is_file():
            return base.parent, [base]
        roots = allowed_roots()
        found = []
        try:
            for candidate in sorted(base.rglob("*")):
                if candidate.name.startswith((".", "~$")) or candidate.suffix.lower() not in SUPPORTED:
                    continue
                if not candidate.is_file():
                    continue
                if not within_roots(candidate.resolve(), roots):
                    raise SourceError(
                        _("%(file)s links to a file outside the folders data sources may be read from.")
                        % {"file": candidate.relative_to(base)},
                        "path_refused",
                    )
                found.append(candidate)
                if len(found) > MAX_FILES:
                    raise SourceError(
                        _("The folder holds more than %(n)s files; register its subfolders separately.")
                        % {"n": MAX_FILES},
                        "config",
                    )
        except OSError as exc:
            raise SourceError(
                _("Cannot read the folder: %(detail)s") % {"detail": exc.strerror}, "file"
            ) from None
        if not found:
            raise SourceError(
                _("The folder %(path)s holds no CSV, Parquet or Excel files.") % {"path": self.config.path},
                "folder_empty",
            )
        return base, found

    def check(self) -> None:
        self.files()

    def base(self) -> Path:
        """The folder queries may read (a single-file source: its folder)."""
        path = self.folder()
        return path.parent if path.is_file() else path

    def open_session(self) -> FilesSession:
        return FilesSession(self)

    def relation(self, schema: str, name: str):
        """A discovered CSV or Parquet file (`TableInfo.schema` its subfolder, `.name` its file
        name) as ``read_csv_auto('…')`` or ``read_parquet('…')``; workbooks cannot be queried."""
        from sqlglot import exp

        base = self.base()
        path = (base / schema / name) if schema else (base / name)
        resolved = path.resolve()
        if not within_roots(resolved, [base.resolve()]) or not within_roots(resolved, allowed_roots()):
            raise SourceError(
                _("%(path)s is outside the folders data sources may be read from: %(roots)s.")
                % {"path": path, "roots": base},
                "path_refused",
            )
        fmt = DUCKDB_FORMATS.get(resolved.suffix.lower())
        if fmt is None:
            raise SourceError(
                _("%(file)s cannot be queried: only CSV and Parquet files can.") % {"file": name}, "file"
            )
        reader = "read_csv_auto" if fmt == "csv" else "read_parquet"
        return exp.Anonymous(this=reader, expressions=[exp.Literal.string(str(resolved))])

    def discover(self, progress=None) -> list[TableInfo]:
        base, files = self.files()
        total = len(files)
        self.report(progress, 0, total)
        tables: list[TableInfo] = []
        con = self._duckdb(base) if any(f.suffix.lower() in DUCKDB_FORMATS for f in files) else None
        try:
            for done, path in enumerate(files, 1):
                relative = path.relative_to(base)
                try:
                    if path.suffix.lower() in DUCKDB_FORMATS:
                        tables.append(self._duckdb_table(con, path, relative))
                    else:
                        tables.extend(self._workbook(path, relative))
                except TimeoutError:
                    raise SourceError(
                        _("Reading %(file)s took longer than %(seconds)s seconds.")
                        % {"file": relative, "seconds": f"{self.limits.statement_timeout:g}"},
                        "timeout",
                    ) from None
                self.report(progress, done, total)
        finally:
            if con is not None:
                con.close()
        return tables

    # CSV and Parquet ------------------------------------------------------------------------

    def _duckdb(self, base: Path):
        """An in-memory DuckDB that may read only the source's folder, with nothing to load."""
        import duckdb

        con = duckdb.connect(":memory:")
        folder = str(base).rstrip("/") + "/"
        for statement in (
            "SET threads = 2",
            "SET memory_limit = '1GB'",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
            f"SET allowed_directories = [{_literal(folder)}]",
            "SET enable_external_access = false",
            "SET lock_configuration = true",
        ):
            con.execute(statement)
        return con

    def _duckdb_query(self, con, query: str, params):
        import duckdb

        timer = threading.Timer(self.limits.statement_timeout, con.interrupt)
        timer.start()
        try:
            return con.execute(query, params).fetchall()
        except duckdb.InterruptException:
            raise TimeoutError from None
        finally:
            timer.cancel()

    def _duckdb_table(self, con, path: Path, relative: Path) -> TableInfo:
        import duckdb

        fmt = DUCKDB_FORMATS[path.suffix.lower()]
        reader = "read_csv_auto(?)" if fmt == "csv" else "read_parquet(?)"
        try:
            described = self._duckdb_query(con, f"DESCRIBE SELECT * FROM {reader}", [str(path)])
            if fmt == "parquet":
                rows = self._duckdb_query(
                    con, "SELECT sum(num_rows) FROM parquet_file_metadata(?)", [str(path)]
                )
            else:
                rows = self._duckdb_query(con, f"SELECT count(*) FROM {reader}", [str(path)])
        except duckdb.Error as exc:
            raise self.file_error(relative, exc) from None
        columns = []
        for position, (name, native, null, *_rest) in enumerate(described, 1):
            length, scale = types.declared_size(native)
            columns.append(
                ColumnInfo(
                    name=name,
                    data_type=types.portable_type(native),
                    length=length,
                    scale=scale,
                    nullable=null != "NO",
                    position=position,
                    native_type=native,
                )
            )
        parent = relative.parent.as_posix()
        return TableInfo(
            schema="" if parent == "." else parent,
            name=relative.name,
            kind="file",
            row_count=int(rows[0][0] or 0),
            row_count_exact=True,
            columns=columns,
        )

    def file_error(self, relative: Path, exc: Exception) -> SourceError:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "unicode" in text.lower() or "utf-8" in text.lower() or "encoding" in text.lower():
            return SourceError(
                _("%(file)s is not UTF-8 text; save it as UTF-8 (e.g. CSV UTF-8 in Excel or WPS).")
                % {"file": relative},
                "file",
            )
        return SourceError(_("Cannot read %(file)s: %(detail)s") % {"file": relative, "detail": text}, "file")

    # Workbooks -------------------------------------------------------------------------------

    def _workbook(self, path: Path, relative: Path) -> list[TableInfo]:
        try:
            sheets = run_with_timeout(lambda: self._read_sheets(path), self.limits.statement_timeout)
        except TimeoutError:
            raise
        except (python_calamine.CalamineError, python_calamine.PasswordError, OSError, ValueError) as exc:
            raise self.file_error(relative, exc) from None
        except Exception as exc:  # calamine raises its own errors for damaged files
            raise self.file_error(relative, exc) from None
        tables = []
        for sheet_name, header, sample, height in sheets:
            names = header_names(header)
            columns = [
                ColumnInfo(
                    name=name,
                    data_type=(
                        portable := infer_type(row[index] if index < len(row) else None for row in sample)
                    ),
                    position=index + 1,
                    native_type=portable,
                )
                for index, name in enumerate(names)
            ]
            tables.append(
                TableInfo(
                    schema=relative.as_posix(),
                    name=sheet_name,
                    kind="sheet",
                    row_count=max(height - 1, 0),
                    row_count_exact=True,
                    columns=columns,
                )
            )
        return tables

    @staticmethod
    def _read_sheets(path: Path) -> list[tuple[str, list, list, int]]:
        """(sheet name, header row, sampled rows, height) of each non-empty sheet."""
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        found = []
        try:
            for name in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(name)
                if not sheet.height:
                    continue
                rows = sheet.to_python(nrows=SAMPLE_ROWS + 1)
                if not rows or not any(cell not in (None, "") for cell in rows[0]):
                    continue
                found.append((name, rows[0], rows[1:], sheet.height))
        finally:
            workbook.close()
        return found
