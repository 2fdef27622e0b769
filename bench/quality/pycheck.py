"""The rules as plain Python over rows: what checking "in Python" costs once the rows are fetched.

Used for the PostgreSQL comparison (push-down vs reading the rows into Python). When the engine's
validators module offers Python twins of its SQL validators, those are used for the identifier
rules (see run.py); these functions are the fallback and agree with the hand-written SQL.
"""

import datetime as dt
import re

from rules import EARLIEST_BIRTH, EMAIL_RE, NAME_MAX, PHONE_RE, POSTAL_RE, PROVINCES, REG_MAX, REG_MIN

ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")
_PROV = frozenset(PROVINCES)


def is_resident_id(v: str) -> bool:
    if not _ID_SHAPE.fullmatch(v) or v[:2] not in _PROV:
        return False
    try:
        born = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    if int(v[6:14]) < EARLIEST_BIRTH or born > dt.date.today():
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(v, ID_W, strict=False)) % 11] == v[17].upper()


_USCC_VAL = {c: i for i, c in enumerate(USCC_CHARS)}


def is_uscc(v: str) -> bool:
    if len(v) != 18 or any(c not in _USCC_VAL for c in v):
        return False
    total = sum(_USCC_VAL[c] * w for c, w in zip(v, USCC_W, strict=False))
    return USCC_CHARS[(31 - total % 31) % 31] == v[17]


def checkers(allowed_regions, validators=None):
    """(key, column names, predicate that is True when the row FAILS) for the non-aggregate rules."""
    id_ok, uscc_ok = is_resident_id, is_uscc
    if validators is not None:  # the engine's Python twins; "today" fixed once, as a scan does
        today = dt.date.today()
        id_ok = lambda v: validators.is_resident_id(v, today)  # noqa: E731
        uscc_ok = validators.is_uscc
    phone, postal, email = re.compile(PHONE_RE), re.compile(POSTAL_RE), re.compile(EMAIL_RE)
    allowed = frozenset(allowed_regions)
    lo, hi = dt.date.fromisoformat(REG_MIN), dt.date.fromisoformat(REG_MAX)
    return [
        ("name_not_blank", lambda r: r["name"] is None or not r["name"].strip()),
        ("name_length", lambda r: r["name"] is not None and len(r["name"]) > NAME_MAX),
        ("resident_id_not_null", lambda r: r["resident_id"] is None),
        ("resident_id_length", lambda r: r["resident_id"] is not None and len(r["resident_id"]) != 18),
        ("resident_id_valid", lambda r: r["resident_id"] is not None and not id_ok(r["resident_id"])),
        (
            "birth_date_matches_id",
            lambda r: (
                r["resident_id"] is not None
                and r["birth_date"] is not None
                and r["resident_id"][6:14] != r["birth_date"].strftime("%Y%m%d")
            ),
        ),
        (
            "gender_matches_id",
            lambda r: (
                r["resident_id"] is not None
                and len(r["resident_id"]) >= 17
                and r["gender"] != ("1" if (ord(r["resident_id"][16]) - 48) % 2 == 1 else "2")
            ),
        ),
        ("phone_format", lambda r: r["phone"] is not None and not phone.search(r["phone"])),
        ("employer_uscc_valid", lambda r: r["employer_uscc"] is not None and not uscc_ok(r["employer_uscc"])),
        ("region_code_allowed", lambda r: r["region_code"] is not None and r["region_code"] not in allowed),
        (
            "registration_date_range",
            lambda r: r["registration_date"] is not None and not lo <= r["registration_date"] <= hi,
        ),
        (
            "postal_code_format",
            lambda r: r["postal_code"] is not None and not postal.search(r["postal_code"]),
        ),
        ("email_format", lambda r: r["email"] is not None and not email.search(r["email"])),
    ]


def count(rows, columns, allowed_regions, validators=None) -> dict:
    """Failure counts over an iterable of row tuples with the given column names."""
    checks = checkers(allowed_regions, validators)
    counts = {key: 0 for key, _ in checks}
    seen, dup_excess = set(), 0
    for t in rows:
        r = dict(zip(columns, t, strict=True))
        for key, fails in checks:
            if fails(r):
                counts[key] += 1
        rid = r["resident_id"]
        if rid is not None:
            if rid in seen:
                dup_excess += 1
            else:
                seen.add(rid)
    counts["resident_id_unique"] = dup_excess
    return counts
