"""Connectors: read a source's tables, columns, types, comments and row counts, read-only and
within time limits. A library layer: no models, only `SourceConfig` in and `TableInfo`s out."""

from .base import (
    Cancelled,
    ColumnInfo,
    Connector,
    Limits,
    Session,
    SourceConfig,
    SourceError,
    TableInfo,
    allowed_roots,
    check_host,
    resolve_path,
)
from .files import FilesConnector
from .mysql import MySQLConnector
from .postgresql import PostgreSQLConnector
from .sqlite import SQLiteConnector

CONNECTORS = {c.kind: c for c in (PostgreSQLConnector, MySQLConnector, SQLiteConnector, FilesConnector)}


def connector_for(config: SourceConfig, limits: Limits | None = None) -> Connector:
    return CONNECTORS[config.kind](config, limits)


__all__ = [
    "CONNECTORS",
    "Cancelled",
    "ColumnInfo",
    "Connector",
    "Limits",
    "Session",
    "SourceConfig",
    "SourceError",
    "TableInfo",
    "allowed_roots",
    "check_host",
    "connector_for",
    "resolve_path",
]
