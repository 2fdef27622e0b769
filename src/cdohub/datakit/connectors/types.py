"""Native column types mapped to a few portable ones, so items from PostgreSQL, MariaDB, SQLite
and files compare and catalogue alike."""

import re

from django.utils.translation import gettext_lazy as _

STRING, INTEGER, DECIMAL, FLOAT, BOOLEAN = "string", "integer", "decimal", "float", "boolean"
DATE, DATETIME, TIME, BINARY, JSON, OTHER = "date", "datetime", "time", "binary", "json", "other"
PORTABLE_TYPES = (STRING, INTEGER, DECIMAL, FLOAT, BOOLEAN, DATE, DATETIME, TIME, BINARY, JSON, OTHER)

# The portable types as a reader sees them.
LABELS = {
    STRING: _("Character"),
    INTEGER: _("Integer"),
    DECIMAL: _("Numeric"),
    FLOAT: _("Floating point"),
    BOOLEAN: _("Logical"),
    DATE: _("Date"),
    DATETIME: _("Date and time"),
    TIME: _("Time"),
    BINARY: _("Binary"),
    JSON: "JSON",
    OTHER: _("Other"),
}


def type_label(kind: str) -> str:
    """`date` → 日期型: a portable type's name in the reader's language."""
    return str(LABELS.get(kind, kind))


_BY_FIRST_WORD = {
    INTEGER: (
        "int int1 int2 int4 int8 integer smallint bigint tinyint mediumint serial serial4 serial8 "
        "bigserial smallserial hugeint uhugeint ubigint uinteger usmallint utinyint year"
    ),
    DECIMAL: "numeric decimal dec number money smallmoney fixed",
    FLOAT: "real float float4 float8 double",
    BOOLEAN: "bool boolean",
    STRING: (
        "char character varchar nchar nvarchar varchar2 nvarchar2 text tinytext mediumtext longtext "
        "string clob nclob enum set uuid citext bpchar name"
    ),
    DATE: "date",
    DATETIME: "timestamp timestamptz datetime datetime2 smalldatetime timestamp_s timestamp_ms timestamp_ns",
    TIME: "time timetz",
    BINARY: "bytea blob tinyblob mediumblob longblob binary varbinary",
    JSON: "json jsonb",
}
_PORTABLE = {word: kind for kind, words in _BY_FIRST_WORD.items() for word in words.split()}


def portable_type(native: str) -> str:
    """`character varying(18)` → string, `DECIMAL(10,2)` → decimal, `integer[]` → other."""
    text = (native or "").strip().lower()
    if not text or text.endswith("]") or text.startswith(("struct", "map(", "union(", "list")):
        return OTHER
    first = re.split(r"[\s(]", text, maxsplit=1)[0]
    return _PORTABLE.get(first, OTHER)


def sqlite_type(declared: str) -> str:
    """SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1), told apart a little further."""
    text = (declared or "").upper()
    if not text:
        return OTHER
    if "INT" in text:
        return INTEGER
    if any(word in text for word in ("CHAR", "CLOB", "TEXT")):
        return STRING
    if "BLOB" in text:
        return BINARY
    if any(word in text for word in ("REAL", "FLOA", "DOUB")):
        return FLOAT
    if "BOOL" in text:
        return BOOLEAN
    if "DATETIME" in text or "TIMESTAMP" in text:
        return DATETIME
    if "DATE" in text:
        return DATE
    if "TIME" in text:
        return TIME
    if "JSON" in text:
        return JSON
    if "DEC" in text or "NUM" in text:
        return DECIMAL
    return OTHER


def declared_size(native: str) -> tuple[int | None, int | None]:
    """(length or precision, scale) written in a type, e.g. `varchar(18)` → (18, None)."""
    found = re.search(r"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)", native or "")
    if not found:
        return None, None
    return int(found.group(1)), int(found.group(2)) if found.group(2) else None
