"""Regular expressions that every database reads alike.

A pattern is checked with Python's ``re`` and limited to what PostgreSQL (ARE), DuckDB (RE2),
MariaDB (PCRE) and Python read alike: no look-around, back-references, ``\\b``, ``\\w`` or inline
flags. The quality engine's regex rules and the data standards' element patterns both use it.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NON_PORTABLE = (
    (re.compile(r"\(\?(?!:)"), "(?…)"),
    (re.compile(r"\\[1-9]"), "\\1"),
    (re.compile(r"\\[bBAZzwWGkpP]"), None),
    (re.compile(r"[*+?}][+]"), "*+"),
)


def check_regex(pattern) -> None:
    """Refuse a pattern that is invalid, too long, or not read alike by every database."""
    if not isinstance(pattern, str) or not pattern:
        raise ValidationError(_("Give the regular expression."), code="regex")
    if len(pattern) > 1000:
        raise ValidationError(_("The regular expression is longer than 1000 characters."), code="regex")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValidationError(
            _("The regular expression is invalid: %(detail)s") % {"detail": exc}, code="regex"
        ) from None
    for found, shown in _NON_PORTABLE:
        hit = found.search(pattern)
        if hit:
            raise ValidationError(
                _(
                    "%(part)s is not supported: the pattern must work alike in every database "
                    "(no look-around, back-references, \\b, \\w or inline flags)."
                )
                % {"part": shown or hit.group(0)},
                code="regex",
            )
