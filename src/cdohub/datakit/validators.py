"""Validators for government identifiers and contact data, each written twice: as a Python function
(``is_resident_id(value)``…) and as a sqlglot expression builder the engine compiles into the
source's own SQL. Both follow the same definition and are held to REFERENCE.md §4's vectors.

Each SQL builder returns ``(shape, checks)``: `shape` is a pattern test (GLOB on SQLite, an anchored
regular expression elsewhere; see ``sqlbuild``) and `checks` the arithmetic that is only safe once
the shape holds (check digits, dates). ``valid_sql()`` combines them as
``CASE WHEN shape THEN checks ELSE FALSE END`` (NULL stays NULL). The engine does not count NULL or
blank values as failures of a validator: missing values are the ``not_null`` rule's business.

Check digits in SQL. The 18-digit resident ID is read as three integers: the region (digits 1–6),
the birth date (7–14, ``yyyymmdd``) and the sequence (15–17). The weighted digit sum is formed
from those integers with divisions only: for an integer ``a`` with decimal digits ``d_k``
(``k = 0`` the last) and weights ``w_k``, ``Σ w_k·d_k ≡ w_0·a + Σ_{k≥1} (w_k + w_{k-1})·(a DIV 10^k)
(mod 11)``, because ``d_k = q_k − 10·q_{k+1}`` with ``q_k = a DIV 10^k`` and ``−10 ≡ 1 (mod 11)``.
That is 14 integer divisions per ID instead of 17 substrings and casts, and the date integer is
reused for the date check (real calendar dates, leap years computed, not after `today`). Where the
engine inlines values (MariaDB, SQLite) the per-digit form ``CAST(SUBSTR(v, i, 1))`` is cheaper and
is used instead. Credit codes (GB 32100) and organisation codes (GB 11714) contain letters: each
character's value is its position in the code's alphabet (``STRPOS``/``LOCATE``/``INSTR``), in an
alphabet that continues with the lower-case letters at positions congruent to their capitals' (mod
31, mod 11), so that a lower-case code needs no ``UPPER()`` copy; the check is then
``(Σ v_i·w_i + v_check) ≡ 0``. On DuckDB and PostgreSQL the engine judges these two once per
distinct value (employers repeat across people), see ``engine``.

Shapes are GLOB patterns (``sqlbuild``): GLOB on SQLite, the same pattern as an anchored regex
(case-sensitive, also on MariaDB) elsewhere, ``re`` in Python. ``[0-9]`` means ASCII digits
everywhere: full-width digits (``１２３``) are invalid. Values are not trimmed: a value with spaces
around it is invalid (a defect worth reporting); letters are case-insensitive where noted.

Definitions (the same in Python and in SQL):
- ``resident_id``: 17 digits and a check character (``X`` or ``x``), ISO 7064 MOD 11-2, birth date a
  real date from 1800-01-01 to `today`, first two digits a province-level code (11–15, 21–23, 31–37,
  41–46, 50–54, 61–65, 71, 81–83; only the province, since old county codes stay on issued IDs).
- ``resident_id_15``: 15 digits, birth date ``19yymmdd`` real and not after `today`, same province.
- ``uscc``: 18 characters from ``0-9A-HJ-NPQRTUWXY`` (letters case-insensitive), GB 32100 mod-31 check.
- ``org_code``: 8 characters ``0-9A-Z`` then the check character, optionally after a hyphen
  (``D2143569-X``), GB 11714 mod-11 check with 10 → ``X`` and 11 → ``0``; letters case-insensitive.
- ``mobile``: 11 digits ``1[3-9]…``, no separators or ``+86``.
- ``landline``: 7 or 8 digits not starting with 0 or 1, optionally preceded by an area code of 3 or
  4 digits starting with 0 (``010``, ``0755``) and an optional hyphen. No extensions or brackets.
- ``postal_code``: 6 digits.
- ``email``: ASCII ``local@domain``: exactly one ``@``, only ``A-Z a-z 0-9 . _ % + -``, no empty
  part, no ``..``, no dot at the start, before or after ``@``, no hyphen after ``@`` or before a
  dot, a dot after the ``@`` and two letters at the end.
- ``region_code``: one of the GB/T 2260 codes in ``data/gb2260_codes.txt`` (or the list given).
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from sqlglot import exp

from .identifiers import ORG_WEIGHTS, USCC_CHARS, USCC_WEIGHTS, org_code_check, uscc_check
from .sqlbuild import (
    Frame,
    add_all,
    case,
    exact,
    glob_match,
    in_values,
    int_cast,
    int_div,
    mod,
    normalize_dialect,
    num,
    python_matcher,
    substr,
    text,
    times,
)

RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_CHECK = "10X98765432"  # indexed by the weighted sum mod 11
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CHECK = "0X987654321"  # indexed by the weighted sum mod 11 (C = 11 − sum mod 11; 10 → X, 11 → 0)
PROVINCES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46)
PROVINCES += (50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83)
EARLIEST_BIRTH = 18000101

DIGIT = "[0-9]"
RESIDENT_ID_SHAPE = (DIGIT * 17 + "[0-9Xx]",)
RESIDENT_ID_15_SHAPE = (DIGIT * 15,)
USCC_SHAPE = ("[0-9A-HJ-NPQRTUWXY]" * 18,)  # of the upper-cased value
ORG_SHAPE = ("[0-9A-Z]" * 8 + "[0-9X]", "[0-9A-Z]" * 8 + "-[0-9X]")  # of the upper-cased value
USCC_SHAPE_ANY_CASE = ("[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]" * 18,)
ORG_SHAPE_ANY_CASE = ("[0-9A-Za-z]" * 8 + "[0-9Xx]", "[0-9A-Za-z]" * 8 + "-[0-9Xx]")
USCC_ANY_CASE = USCC_CHARS + USCC_CHARS.lower()  # 'a' at 31 + the position of 'A'
# 'a' at position 44 ≡ 11 (the position of 'A') mod 11, and so on; '~' only fills
ORG_ANY_CASE = ORG_CHARS + "~" * 7 + "abcdefghijklmnopqrstuvwxyz"
MOBILE_SHAPE = ("1[3-9]" + DIGIT * 9,)
POSTAL_SHAPE = (DIGIT * 6,)
_LOCAL = ("[2-9]" + DIGIT * 6, "[2-9]" + DIGIT * 7)
_AREA = ("0[1-9]" + DIGIT, "0[1-9]" + DIGIT * 2)
LANDLINE_SHAPE = _LOCAL + tuple(area + sep + local for area in _AREA for sep in ("", "-") for local in _LOCAL)
EMAIL_SHAPE = ("?*@?*.*[A-Za-z][A-Za-z]",)
EMAIL_NOT = ("*@*@*", "*[^A-Za-z0-9._%+@-]*", "*..*", ".*", "*.@*", "*@.*", "*@-*", "*-.*")

REGION_FILE = Path(__file__).with_name("data") / "gb2260_codes.txt"


@cache
def region_codes() -> frozenset[str]:
    """The GB/T 2260 codes the region-code validator accepts by default."""
    lines = REGION_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# Python --------------------------------------------------------------------------------------


def _today(today: datetime.date | None) -> datetime.date:
    if today is not None:
        return today
    from cdohub.core import clock

    return clock.today()


def _real_date(yyyymmdd: str, today: datetime.date | None) -> bool:
    try:
        born = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return int(yyyymmdd) >= EARLIEST_BIRTH and born <= _today(today)


_matchers: dict[tuple, Callable[[str], bool]] = {}


def _text(value):
    """A number is judged by its digits, as the engine casts number columns to text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _shape(value, any_of: tuple[str, ...], none_of: tuple[str, ...] = ()) -> bool:
    if not isinstance(value, str):
        return False
    key = (any_of, none_of)
    if key not in _matchers:
        _matchers[key] = python_matcher(any_of, none_of)
    return _matchers[key](value)


def resident_id_check(first17: str) -> str:
    """The check character of an 18-digit resident ID (GB 11643, ISO 7064 MOD 11-2)."""
    total = sum(int(ch) * w for ch, w in zip(first17, RESIDENT_WEIGHTS, strict=True))
    return RESIDENT_CHECK[total % 11]


def is_resident_id(value, today: datetime.date | None = None) -> bool:
    value = _text(value)
    if not _shape(value, RESIDENT_ID_SHAPE):
        return False
    return (
        resident_id_check(value[:17]) == value[17].upper()
        and _real_date(value[6:14], today)
        and int(value[:2]) in PROVINCES
    )


def is_resident_id_15(value, today: datetime.date | None = None) -> bool:
    value = _text(value)
    if not _shape(value, RESIDENT_ID_15_SHAPE):
        return False
    return _real_date("19" + value[6:12], today) and int(value[:2]) in PROVINCES


def is_uscc(value) -> bool:
    if not isinstance(value, str):
        return False
    code = value.upper()
    return _shape(code, USCC_SHAPE) and uscc_check(code[:17]) == code[17]


def is_org_code(value) -> bool:
    if not isinstance(value, str):
        return False
    code = value.upper()
    return _shape(code, ORG_SHAPE) and org_code_check(code[:8]) == code[-1]


def is_mobile(value) -> bool:
    value = _text(value)
    return _shape(value, MOBILE_SHAPE)


def is_landline(value) -> bool:
    value = _text(value)
    return _shape(value, LANDLINE_SHAPE)


PHONE_PREFIX = re.compile(r"^(?:\+?86)[\s-]*")
PHONE_EXTENSION = re.compile(r"(?:转|#|ext\.?)\s*\d{1,6}$", re.IGNORECASE)


def validate_phone(value: str) -> None:
    """A field validator: a mainland mobile number or a landline with its area code, as people
    write them (spaces, hyphens, +86, an extension after 转 or #)."""
    number = PHONE_EXTENSION.sub("", PHONE_PREFIX.sub("", value.strip())).replace(" ", "")
    if value and not (is_mobile(number.replace("-", "")) or is_landline(number)):
        message = _(
            "%(phone)s is not a phone number: write a mobile number or a landline with its area code."
        )
        raise ValidationError(message % {"phone": value}, code="invalid_phone")


def is_postal_code(value) -> bool:
    value = _text(value)
    return _shape(value, POSTAL_SHAPE)


def is_email(value) -> bool:
    return _shape(value, EMAIL_SHAPE, EMAIL_NOT)


def is_region_code(value, codes: Iterable[str] | None = None) -> bool:
    value = _text(value)
    known = region_codes() if codes is None else frozenset(codes)
    return isinstance(value, str) and value in known


# SQL -----------------------------------------------------------------------------------------


def _digit_sum(
    value: exp.Expression, start: int, weights: tuple[int, ...], frame: Frame, chunk: exp.Expression | None
) -> exp.Expression:
    """Σ digit·weight over the digits of `value` from `start` on (1-based), reduced mod 11 only
    by the caller. `chunk`: those digits as one integer, when the frame computes it once."""
    if chunk is None:  # inline: one cast per digit
        return add_all(
            [
                times(int_cast(substr(value, start + i, 1), frame.dialect), w)
                for i, w in enumerate(weights)
                if w % 11
            ]
        )
    low_first = list(reversed(weights))
    terms = [times(chunk, low_first[0])]
    for k in range(1, len(low_first)):
        factor = (low_first[k] + low_first[k - 1]) % 11
        if factor:
            terms.append(times(int_div(chunk, 10**k, frame.dialect), factor))
    return add_all(terms)


def _date_ok(yyyymmdd: exp.Expression, frame: Frame, today: datetime.date) -> exp.Expression:
    """`yyyymmdd` (an integer) is a real date between 1800-01-01 and `today`."""
    d = frame.dialect
    y = int_div(yyyymmdd, 10000, d)
    m = mod(int_div(yyyymmdd, 100, d), 100)
    day = mod(yyyymmdd, 100)
    leap = exp.Paren(
        this=exp.and_(
            exp.EQ(this=mod(y, 4), expression=num(0)),
            exp.Paren(
                this=exp.or_(
                    exp.NEQ(this=mod(y.copy(), 100), expression=num(0)),
                    exp.EQ(this=mod(y.copy(), 400), expression=num(0)),
                )
            ),
        )
    )
    in_range = exp.Between(
        this=yyyymmdd.copy(), low=num(EARLIEST_BIRTH), high=num(int(today.strftime("%Y%m%d")))
    )
    month_ok = exp.Between(this=m.copy(), low=num(1), high=num(12))
    if d == "duckdb":
        # the month's length looked up by index, the leap year computed for 29 February only
        longest = lookup([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], m)
        not_feb_29 = exp.NEQ(this=mod(yyyymmdd, 10000), expression=num(229))
        return exp.and_(
            in_range,
            month_ok,
            exp.Between(this=day, low=num(1), high=longest),
            exp.Paren(this=exp.or_(not_feb_29, leap)),
        )
    month_days = case(
        (exp.EQ(this=m.copy(), expression=num(2)), case((leap, num(29)), default=num(28))),
        (exp.In(this=m.copy(), expressions=[num(4), num(6), num(9), num(11)]), num(30)),
        default=num(31),
    )
    return exp.and_(in_range, month_ok, exp.Between(this=day, low=num(1), high=month_days))


def lookup(values: list, index: exp.Expression) -> exp.Expression:
    """The `index`th (1-based) of the constant `values`: a DuckDB list read by position, which
    costs far less per row than a CASE or a long IN list (NULL out of range)."""
    items = [exp.true() if v is True else exp.false() if v is False else num(v) for v in values]
    return exp.Bracket(this=exp.Array(expressions=items), expressions=[index], offset=1)


def _guarded_int(value: exp.Expression, shape: exp.Expression, frame: Frame) -> exp.Expression:
    """`value` (digits, once the shape holds) as an integer column of the frame; PostgreSQL's
    CAST raises on other text, so there the cast only runs where the shape held."""
    if frame.dialect == "postgres":
        return frame.derive(case((shape, int_cast(value, "postgres"))))
    return frame.derive(int_cast(value, frame.dialect, safe=True))


def _province_ok(region: exp.Expression, frame: Frame) -> exp.Expression:
    province = int_div(region, 10000, frame.dialect)
    if frame.dialect == "duckdb":
        known = set(PROVINCES)
        return lookup([p in known for p in range(100)], exp.Add(this=province, expression=num(1)))
    return exp.In(this=province, expressions=[num(p) for p in PROVINCES])


def _id_numbers(value: exp.Expression, shape: exp.Expression, frame: Frame):
    """(region, birth date, sequence, check) of an 18-character ID for a frame that computes its
    values once: the first 17 digits are read as one integer and split by division. On DuckDB
    the whole ID is cast once (only those ending in X cast again, on 17 characters) and `check`
    is the check character's value (X = 10); on PostgreSQL it is None (the character is compared)."""
    d = frame.dialect
    bigint = exp.DataType.build("BIGINT")
    check = None
    if d == "duckdb":
        whole = frame.derive(exp.TryCast(this=value.copy(), to=bigint))
        first17 = frame.derive(
            exp.Coalesce(
                this=int_div(whole, 10, d), expressions=[exp.TryCast(this=substr(value, 1, 17), to=bigint)]
            )
        )
        check = exp.Coalesce(this=mod(whole, 10), expressions=[num(10)])
    else:
        first17 = frame.derive(case((shape, exp.Cast(this=substr(value, 1, 17), to=bigint))))
    # every part is below 10^8, an INT (also for values of other shapes, which the checks ignore)
    region = frame.derive(int_cast(int_div(first17, 10**11, d), d))
    born = frame.derive(int_cast(mod(int_div(first17, 1000, d), 10**8), d))
    sequence = frame.derive(int_cast(mod(first17, 1000), d))
    return region, born, sequence, check


def resident_id_sql(value, frame, today):
    shape = frame.derive(glob_match(value, RESIDENT_ID_SHAPE, frame.dialect))
    check = None
    if frame.inline:
        region = int_cast(substr(value, 1, 6), frame.dialect)
        born = int_cast(substr(value, 7, 8), frame.dialect)
        total = _digit_sum(value, 1, RESIDENT_WEIGHTS, frame, None)
    else:
        region, born, sequence, check = _id_numbers(value, shape, frame)
        total = add_all(
            [
                _digit_sum(value, 1, RESIDENT_WEIGHTS[:6], frame, region),
                _digit_sum(value, 7, RESIDENT_WEIGHTS[6:14], frame, born),
                _digit_sum(value, 15, RESIDENT_WEIGHTS[14:], frame, sequence),
            ]
        )
    if check is None:
        expected = exp.Substring(
            this=text(RESIDENT_CHECK), start=exp.Add(this=mod(total, 11), expression=num(1)), length=num(1)
        )
        check_ok = exp.EQ(this=expected, expression=exp.Upper(this=substr(value, 18, 1)))
    else:
        # ISO 7064 MOD 11-2: the weighted sum plus the check value is 1 (mod 11)
        check_ok = exp.EQ(this=mod(exp.Add(this=total, expression=check), 11), expression=num(1))
    return shape, exp.and_(check_ok, _date_ok(born, frame, today), _province_ok(region, frame))


def resident_id_15_sql(value, frame, today):
    shape = frame.derive(glob_match(value, RESIDENT_ID_15_SHAPE, frame.dialect))
    if frame.inline:
        region = int_cast(substr(value, 1, 6), frame.dialect)
        born = exp.Add(this=num(19000000), expression=int_cast(substr(value, 7, 6), frame.dialect))
    else:
        region = _guarded_int(substr(value, 1, 6), shape, frame)
        born = exp.Paren(
            this=exp.Add(this=num(19000000), expression=_guarded_int(substr(value, 7, 6), shape, frame))
        )
    return shape, exp.and_(_date_ok(born, frame, today), _province_ok(region, frame))


def _position_sum(value: exp.Expression, alphabet: str, weights: tuple[int, ...]) -> list[exp.Expression]:
    """STRPOS(alphabet, character)·weight for the first characters of `value`."""
    return [
        times(exp.StrPosition(this=text(alphabet), substr=substr(value, i + 1, 1)), w)
        for i, w in enumerate(weights)
    ]


def uscc_sql(value, frame, today):
    """(Σ v_i·w_i + v_18) ≡ 0 (mod 31) with v = STRPOS − 1 in the alphabet followed by its lower
    case: a lower-case letter's position is 31 more than its capital's, the same mod 31, so the
    value needs no UPPER() copy. The −1 of every position is folded into one constant."""
    shape = frame.derive(glob_match(value, USCC_SHAPE_ANY_CASE, frame.dialect))
    terms = _position_sum(value, USCC_ANY_CASE, (*USCC_WEIGHTS, 1))
    constant = -(sum(USCC_WEIGHTS) + 1) % 31
    total = add_all([*terms, num(constant)])
    return shape, exp.EQ(this=mod(total, 31), expression=num(0))


def org_code_sql(value, frame, today):
    """(Σ v_i·w_i + check value) ≡ 0 (mod 11), check value X = 10, 0 standing for 11; lower-case
    letters sit in the alphabet at positions congruent (mod 11) to their capitals'."""
    shape = frame.derive(glob_match(value, ORG_SHAPE_ANY_CASE, frame.dialect))
    terms = _position_sum(value, ORG_ANY_CASE, ORG_WEIGHTS)
    last = case(
        (exp.EQ(this=exp.Length(this=value.copy()), expression=num(10)), substr(value, 10, 1)),
        default=substr(value, 9, 1),
    )
    terms.append(exp.StrPosition(this=text("0123456789X"), substr=exp.Upper(this=last)))
    constant = -(sum(ORG_WEIGHTS) + 1) % 11
    total = add_all([*terms, num(constant)])
    return shape, exp.EQ(this=mod(total, 11), expression=num(0))


def _pattern_sql(any_of, none_of=()):
    def build(value, frame, today):
        return glob_match(value, any_of, frame.dialect, none_of), exp.true()

    return build


def region_code_sql(value, frame, today, codes: Iterable[str] | None = None):
    known = sorted(region_codes() if codes is None else set(codes))
    return in_values(exact(value, frame.dialect), [text(c) for c in known], frame.dialect), exp.true()


@dataclass(frozen=True)
class Validator:
    name: str
    label: str
    python: Callable[..., bool]
    sql: Callable[..., tuple[exp.Expression, exp.Expression]]
    mask: str = ""  # how samples of such a column are masked (see masking.py)
    uses_today: bool = False


VALIDATORS: dict[str, Validator] = {
    v.name: v
    for v in (
        Validator(
            "resident_id",
            gettext_lazy("18-digit resident ID number"),
            is_resident_id,
            resident_id_sql,
            "resident_id",
            True,
        ),
        Validator(
            "resident_id_15",
            gettext_lazy("15-digit resident ID number"),
            is_resident_id_15,
            resident_id_15_sql,
            "resident_id",
            True,
        ),
        Validator("uscc", gettext_lazy("Unified social credit code"), is_uscc, uscc_sql),
        Validator("org_code", gettext_lazy("Organisation code (GB 11714)"), is_org_code, org_code_sql),
        Validator(
            "mobile", gettext_lazy("Mobile phone number"), is_mobile, _pattern_sql(MOBILE_SHAPE), "phone"
        ),
        Validator(
            "landline",
            gettext_lazy("Landline phone number"),
            is_landline,
            _pattern_sql(LANDLINE_SHAPE),
            "phone",
        ),
        Validator("postal_code", gettext_lazy("Postal code"), is_postal_code, _pattern_sql(POSTAL_SHAPE)),
        Validator(
            "email", gettext_lazy("E-mail address"), is_email, _pattern_sql(EMAIL_SHAPE, EMAIL_NOT), "email"
        ),
        Validator(
            "region_code",
            gettext_lazy("Administrative division code (GB/T 2260)"),
            is_region_code,
            region_code_sql,
        ),
    )
}


def validator_parts(
    name: str,
    value: exp.Expression,
    frame: Frame,
    today: datetime.date | None = None,
    **options,
) -> tuple[exp.Expression, exp.Expression]:
    """(shape, checks) of validator `name` over `value` (an expression of text), values the
    validator computes once per row registered in `frame`."""
    validator = VALIDATORS[name]
    return validator.sql(value, frame, _today(today), **options)


def valid_sql(
    name: str, column: str | exp.Expression, dialect: str, today: datetime.date | None = None, **options
) -> exp.Expression:
    """A boolean expression, TRUE where `column` holds a valid value for validator `name`, FALSE
    where not, NULL where it is NULL; self-contained (no derived table needed), for any clause."""
    value = exp.column(column, quoted=True) if isinstance(column, str) else column
    frame = Frame(normalize_dialect(dialect), inline=True)
    shape, checks = validator_parts(name, value, frame, today, **options)
    return case(
        (exp.Is(this=value.copy(), expression=exp.Null()), exp.null()), (shape, checks), default=exp.false()
    )
