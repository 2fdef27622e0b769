"""Failing rows of one rule: a second, limited query, identifier columns masked."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from sqlglot import exp

from cdohub.datakit.sqlbuild import to_sql

from ..masking import mask
from .compiler import Compiler, MissingColumns
from .kinds import KINDS
from .rule import Rule
from .run import session_of
from .validation import validate


@dataclass
class SampleQuery:
    sql: str
    columns: list[str]  # the table's columns shown, [] when selecting * (names come from the cursor)
    masks: dict[str, str]  # column → mask kind


def masks_for(rules: Iterable[Rule]) -> dict[str, str]:
    """Columns that hold personal identifiers, by the validators ruling them: column → mask kind."""
    found = {}
    for rule in rules:
        if rule.kind in KINDS:
            found.update(KINDS[rule.kind].masks(rule))
    return found


def compile_samples(
    table,
    rule: Rule,
    dialect: str,
    limit: int = 20,
    columns_present=None,
    now: datetime.datetime | None = None,
    relation: Callable[[Any], exp.Expression] | None = None,
    masks: Mapping[str, str] | None = None,
) -> SampleQuery:
    """A query for up to `limit` rows failing `rule` (all the table's columns)."""
    compiler = Compiler(table, columns_present, dialect, now, relation)
    validate(rule, compiler.dialect)
    limit = max(1, min(int(limit), 1000))
    shown = compiler.columns.names if compiler.columns.known else []
    chosen = dict(masks_for([rule]))
    chosen.update(masks or {})
    try:
        select, shown = KINDS[rule.kind].failing_rows(rule, compiler, shown, limit)
    except MissingColumns as missing:
        raise ValidationError(
            _("The column %(columns)s no longer exists in the table.")
            % {"columns": ", ".join(missing.names)},
            code="missing_column",
        ) from None
    return SampleQuery(to_sql(select, compiler.dialect), list(shown), chosen)


def fetch_samples(target, query: SampleQuery) -> list[dict]:
    """The failing rows of `query`, identifier columns masked."""
    with session_of(target) as session:
        columns, rows = session.query(query.sql)
    found = []
    for row in rows:
        record = dict(zip(columns, row, strict=False))
        for column, kind in query.masks.items():
            if column in record:
                record[column] = mask(record[column], kind)
        found.append(record)
    return found
