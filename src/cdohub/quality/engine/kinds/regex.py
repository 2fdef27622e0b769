"""regex: one column; pattern: the whole value must match.

The pattern is checked with Python's ``re`` and limited to what PostgreSQL (ARE), DuckDB (RE2),
MariaDB (PCRE) and Python read alike (no look-around, back-references, ``\\b``, ``\\w`` or inline
flags). SQLite has no regex engine: its connections get a ``regexp()`` function in Python
(``run.install_sqlite_regexp``)."""

import re

from django.utils.translation import gettext as _
from sqlglot import exp

from ...sqlbuild import Frame, regex_match
from ..compiler import Compiler
from ..rule import Rule
from .base import ValueKind, refuse

_NON_PORTABLE = (
    (re.compile(r"\(\?(?!:)"), "(?…)"),
    (re.compile(r"\\[1-9]"), "\\1"),
    (re.compile(r"\\[bBAZzwWGkpP]"), None),
    (re.compile(r"[*+?}][+]"), "*+"),
)


def check_regex(pattern) -> None:
    """Refuse a pattern that is invalid, too long, or not read alike by every database."""
    if not isinstance(pattern, str) or not pattern:
        raise refuse(_("Give the regular expression."), "regex")
    if len(pattern) > 1000:
        raise refuse(_("The regular expression is longer than 1000 characters."), "regex")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise refuse(_("The regular expression is invalid: %(detail)s") % {"detail": exc}, "regex") from None
    for found, shown in _NON_PORTABLE:
        hit = found.search(pattern)
        if hit:
            raise refuse(
                _(
                    "%(part)s is not supported: the pattern must work alike in every database "
                    "(no look-around, back-references, \\b, \\w or inline flags)."
                )
                % {"part": shown or hit.group(0)},
                "regex",
            )


class Regex(ValueKind):
    name = "regex"
    required = ("pattern",)

    def check(self, rule: Rule, dialect: str) -> None:
        check_regex(rule.params["pattern"])

    def row_flag(self, rule: Rule, compiler: Compiler, frame: Frame) -> exp.Expression:
        name = compiler.column(rule)
        value = compiler.columns.text_of(name)
        pattern = "^(?:" + rule.params["pattern"] + ")$"
        return compiler.value_flag(name, value, regex_match(value, pattern, compiler.dialect))
