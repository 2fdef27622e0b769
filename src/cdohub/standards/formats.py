"""The representation formats (表示格式) of data elements, in the notation of GB/T 18391 and the
data element standards written after it (GB/T 19488, GA/T 543 …), read into lengths and a pattern.

Supported notation
------------------
Characters: a letter for the character class, then the length.

    ``a``   letters (A–Z, a–z)       ``n``   digits (0–9)
    ``an``  letters and digits       ``c``   any characters, Chinese included

    ``an18``     exactly 18           ``an..50``   1 to 50            ``an6..20``   6 to 20
    ``c``        any length (no length given: the element's own lengths apply)

Decimal numbers: ``n..12,2`` (or ``n12,2``): at most 12 digits in all, at most 2 of them after the
decimal point, an optional leading minus sign.

Dates and times: a mask of ``YYYY`` (year), ``MM`` (month), ``DD`` (day), ``hh`` (hour, 00–23),
``mm`` (minute), ``ss`` (second) and the separators ``-`` ``:`` ``/`` ``.`` space and ``T``, e.g.
``YYYYMMDD``, ``YYYY-MM-DD``, ``YYYYMM``, ``hhmmss``, ``YYYYMMDDhhmmss``, ``YYYY-MM-DD hh:mm:ss``.
Case matters: ``MM`` is the month, ``mm`` the minute. Months run 01–12 and days 01–31 (the
pattern does not know each month's length).

Patterns are written in the portable subset the quality engine accepts (no ``\\d``, no
look-around), unanchored: a regex rule matches the whole value.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = {"a": "[A-Za-z]", "n": "[0-9]", "an": "[A-Za-z0-9]", "c": None}
_CHARS = re.compile(r"^(an|a|n|c)(?:(\d+)|(\d+)?\.\.(\d+))?$")
_DECIMAL = re.compile(r"^n(?:\.\.)?(\d+),(\d+)$")
DATE_TOKENS = {
    "YYYY": "[0-9]{4}",
    "MM": "(0[1-9]|1[0-2])",
    "DD": "(0[1-9]|[12][0-9]|3[01])",
    "hh": "([01][0-9]|2[0-3])",
    "mm": "[0-5][0-9]",
    "ss": "[0-5][0-9]",
}
SEPARATORS = {"-": "-", ":": ":", "/": "/", ".": "\\.", " ": " ", "T": "T"}
MAX_LENGTH = 4000


@dataclass(frozen=True)
class Format:
    kind: str  # "text", "decimal" or "date"
    min_length: int | None = None
    max_length: int | None = None
    pattern: str = ""  # empty: any characters

    @property
    def is_date(self) -> bool:
        return self.kind == "date"


def _refuse(text: str) -> ValidationError:
    return ValidationError(
        _(
            "%(format)s is not a format this platform reads. Write e.g. an18, an..50, n6..20, c..200, "
            "n..12,2, YYYYMMDD or YYYY-MM-DD hh:mm:ss."
        )
        % {"format": text},
        code="format",
    )


def parse(text: str) -> Format | None:
    """The format `text` describes (None for none); ValidationError with the reason if unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    if match := _CHARS.match(text):
        return _chars(text, *match.groups())
    if match := _DECIMAL.match(text):
        digits, decimals = int(match.group(1)), int(match.group(2))
        if digits < 1 or decimals >= digits:
            raise ValidationError(
                _("In %(format)s the decimals must be fewer than the digits.") % {"format": text},
                code="format",
            )
        whole = digits - decimals
        fraction = f"(\\.[0-9]{{1,{decimals}}})?" if decimals else ""
        return Format("decimal", pattern=f"-?[0-9]{{1,{whole}}}{fraction}")
    return _date(text)


def _chars(text, cls, fixed, low, high) -> Format:
    low = int(fixed) if fixed else int(low) if low else None
    high = int(fixed) if fixed else int(high) if high else None
    if high is not None and (high < 1 or high > MAX_LENGTH):
        raise ValidationError(
            _("A length in %(format)s must lie between 1 and %(max)d.") % {"format": text, "max": MAX_LENGTH},
            code="format",
        )
    if low is not None and high is not None and low > high:
        raise ValidationError(
            _("In %(format)s the shortest length is above the longest.") % {"format": text}, code="format"
        )
    if high is not None and low is None:
        low = 1
    chars = CLASSES[cls]
    pattern = ""
    if chars:
        if high is None:
            pattern = f"{chars}+"
        elif low == high:
            pattern = f"{chars}{{{high}}}"
        else:
            pattern = f"{chars}{{{low},{high}}}"
    return Format("text", low, high, pattern)


def _date(text: str) -> Format:
    parts, seen, position = [], set(), 0
    while position < len(text):
        token = next((t for t in DATE_TOKENS if text.startswith(t, position)), None)
        if token is not None:
            if token in seen:
                raise _refuse(text)
            seen.add(token)
            parts.append(DATE_TOKENS[token])
            position += len(token)
        elif text[position] in SEPARATORS:
            parts.append(SEPARATORS[text[position]])
            position += 1
        else:
            raise _refuse(text)
    if not seen:
        raise _refuse(text)
    return Format("date", len(text), len(text), "".join(parts))


def describe(text: str) -> str:
    """A short reading of a format for people, or '' when it cannot be read."""
    try:
        parsed = parse(text)
    except ValidationError:
        return ""
    if parsed is None:
        return ""
    if parsed.kind == "date":
        return _("date or time written as %(mask)s") % {"mask": text}
    if parsed.kind == "decimal":
        return _("decimal number")
    if parsed.min_length is None:
        return _("any length")
    if parsed.min_length == parsed.max_length:
        return _("exactly %(n)d characters") % {"n": parsed.max_length}
    return _("%(low)d to %(high)d characters") % {"low": parsed.min_length, "high": parsed.max_length}
