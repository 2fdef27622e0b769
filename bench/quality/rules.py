# ruff: noqa: E501
"""The benchmark's rules, once: as data for our engine and the peers, and as the hand-written query.

Semantics shared by every tool: a NULL passes every rule except the not-null/not-blank ones; the
uniqueness rule's count is reported with its tool's own meaning (rows in duplicate groups,
duplicated values, or surplus rows), compared with the matching truth.
"""

import datetime

PROVINCES = (  # noqa: SIM905
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83"
).split()
PHONE_RE = r"^1[3-9][0-9]{9}$"
POSTAL_RE = r"^[0-9]{6}$"
EMAIL_RE = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
REG_MIN, REG_MAX = "2000-01-01", "2026-06-30"
NAME_MAX = 20


def rules(allowed_regions: list[str]) -> list[dict]:
    """The 14 rules: key, kind, columns, params (as the engine's Rule takes them), and which peer
    expresses each one natively ("ge", "soda")."""
    return [
        dict(key="name_not_blank", kind="not_null", columns=["name"], params={"blank": True}, peers="ge soda"),
        dict(key="name_length", kind="length", columns=["name"], params={"max": NAME_MAX}, peers="ge soda"),
        dict(key="resident_id_not_null", kind="not_null", columns=["resident_id"], params={}, peers="ge soda"),
        dict(key="resident_id_unique", kind="unique", columns=["resident_id"], params={}, peers="ge soda"),
        dict(key="resident_id_length", kind="length", columns=["resident_id"], params={"min": 18, "max": 18},
             peers="ge soda"),
        dict(key="resident_id_valid", kind="resident_id", columns=["resident_id"], params={}, peers=""),
        dict(key="birth_date_matches_id", kind="expression", columns=["resident_id", "birth_date"],
             params={"id_birth_date": True}, peers="soda"),
        dict(key="gender_matches_id", kind="expression", columns=["resident_id", "gender"],
             params={"id_gender": True}, peers="soda"),
        dict(key="phone_format", kind="regex", columns=["phone"], params={"pattern": PHONE_RE}, peers="ge soda"),
        dict(key="employer_uscc_valid", kind="uscc", columns=["employer_uscc"], params={}, peers=""),
        dict(key="region_code_allowed", kind="allowed", columns=["region_code"],
             params={"values": allowed_regions}, peers="ge soda"),
        dict(key="registration_date_range", kind="range", columns=["registration_date"],
             params={"min": REG_MIN, "max": REG_MAX}, peers="ge soda"),
        dict(key="postal_code_format", kind="regex", columns=["postal_code"], params={"pattern": POSTAL_RE},
             peers="ge soda"),
        dict(key="email_format", kind="regex", columns=["email"], params={"pattern": EMAIL_RE}, peers="ge soda"),
    ]  # fmt: skip


# Cross-field conditions (a row fails when the expression is true), in DuckDB/PostgreSQL SQL.
BIRTH_MISMATCH_SQL = "substr(resident_id, 7, 8) <> strftime(birth_date, '%Y%m%d')"
GENDER_MISMATCH_SQL = (
    "length(resident_id) >= 17 AND gender <> "
    "CASE WHEN (ascii(substr(resident_id, 17, 1)) - 48) % 2 = 1 THEN '1' ELSE '2' END"
)

# The resident ID as the engine's validator defines it (datakit/validators.py): GB 11643 check
# character (ISO 7064 MOD 11-2), birth date a real date from 1800-01-01 to today, province prefix.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
EARLIEST_BIRTH = 18000101
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _quote_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _bool_list(true_at, size: int) -> str:
    """A constant DuckDB list of booleans, true at the given 0-based positions: an O(1) lookup by
    index, far cheaper per row than an IN list of constants."""
    return "[" + ", ".join("true" if i in true_at else "false" for i in range(size)) + "]"


def _weighted_digits(chunk: str, weights: tuple[int, ...]) -> str:
    """Σ digit·weight (mod 11) of the integer `chunk` with one division per digit: with
    q_k = chunk // 10^k, digit_k = q_k − 10·q_(k+1) and 10 ≡ −1 (mod 11), so the sum is
    w_0·chunk + Σ (w_k + w_(k−1))·q_k, w_k the weight of the digit at power k."""
    low_first = weights[::-1]
    terms = [f"{chunk} * {low_first[0]}"]
    for k in range(1, len(low_first)):
        terms.append(f"({chunk} // {10**k}) * {(low_first[k] + low_first[k - 1]) % 11}")
    return " + ".join(terms)


def _resident_id_ok() -> str:
    """Validity of a resident ID over the `ids` frame (shaped, n17, check_value, area, born, seq)."""
    today = int(datetime.date.today().strftime("%Y%m%d"))
    checksum = " + ".join(
        _weighted_digits(chunk, ws)
        for chunk, ws in (("area", ID_WEIGHTS[:6]), ("born", ID_WEIGHTS[6:14]), ("seq", ID_WEIGHTS[14:]))
    )
    y, m, d = "(born // 10000)", "(born // 100 % 100)", "(born % 100)"
    month_days = "[31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]"
    return (
        f"shaped AND {_bool_list({int(p) for p in PROVINCES}, 100)}[area // 10000 + 1]"
        f" AND born BETWEEN {EARLIEST_BIRTH} AND {today} AND {d} BETWEEN 1 AND {month_days}[{m}]"
        f" AND (born % 10000 <> 229 OR {y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))"
        # ISO 7064 MOD 11-2: the weighted digits plus the check value (X = 10) are 1 (mod 11)
        f" AND ({checksum} + check_value) % 11 = 1"
    )


def _uscc_ok(v: str) -> str:
    """GB 32100 over one value: (Σ v_i·w_i + v_18) ≡ 0 (mod 31), v = position − 1 in the alphabet
    followed by its lower case (a lower-case letter's position is 31 more: the same mod 31)."""
    alphabet = USCC_CHARS + USCC_CHARS.lower()
    terms = " + ".join(f"strpos('{alphabet}', {v}[{k + 1}]) * {w}" for k, w in enumerate((*USCC_WEIGHTS, 1)))
    return (
        f"(regexp_full_match({v}, '[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{{18}}')"
        f" AND ({terms} + {-(sum(USCC_WEIGHTS) + 1) % 31}) % 31 = 0)"
    )


# Rules judged once per distinct value (column, failing condition on `v`): these columns repeat
# (names, phones, e-mail addresses, employers, postal and region codes come from pools), so a GROUP
# BY and the test on each distinct value beat testing every row; NULL is a group of its own.
VALUE_RULES = {
    "name_not_blank": ("name", "v IS NULL OR v = '' OR (v[1] = ' ' AND trim(v) = '')"),
    "name_length": ("name", f"length(v) > {NAME_MAX}"),
    "phone_format": ("phone", f"NOT regexp_full_match(v, '{PHONE_RE[1:-1]}')"),
    "employer_uscc_valid": ("employer_uscc", f"NOT {_uscc_ok('v')}"),
    "region_code_allowed": ("region_code", None),  # the allowed list is the data's, see hand_sql
    "postal_code_format": ("postal_code", f"NOT regexp_full_match(v, '{POSTAL_RE[1:-1]}')"),
    "email_format": ("email", f"NOT regexp_full_match(v, '{EMAIL_RE[1:-1]}')"),
}
# Rules judged per row, over the `ids` frame: a well-shaped ID (17 digits and a check character) is
# read once as integers, so the cross-field rules compare integers; other IDs take the plain texts.
ROW_RULES = {
    "resident_id_not_null": "count(*) - count(rid)",
    "resident_id_unique": "count(rid) - count(DISTINCT rid)",
    "resident_id_length": "count(*) FILTER (WHERE length(rid) <> 18)",
    "resident_id_valid": f"count(*) FILTER (WHERE rid IS NOT NULL AND NOT coalesce({_resident_id_ok()}, false))",
    "birth_date_matches_id": "count(*) FILTER (WHERE CASE WHEN shaped"
    " THEN born <> year(birth_date) * 10000 + month(birth_date) * 100 + day(birth_date)"
    f" ELSE {BIRTH_MISMATCH_SQL.replace('resident_id', 'rid')} END)",
    "gender_matches_id": "count(*) FILTER (WHERE CASE WHEN shaped"
    " THEN gender <> CASE WHEN seq % 2 = 1 THEN '1' ELSE '2' END"
    f" ELSE {GENDER_MISMATCH_SQL.replace('resident_id', 'rid')} END)",
    "registration_date_range": f"count(*) FILTER (WHERE registration_date NOT BETWEEN DATE '{REG_MIN}'"
    f" AND DATE '{REG_MAX}')",
}


def hand_sql(table: str, allowed_regions: list[str], keys: list[str] | None = None) -> str:
    """One DuckDB query computing the failure count of every rule (or of `keys`): the limit, the
    fastest correct query we know how to write by hand for these rules on DuckDB.

    Each repeating text column is grouped once and its rules judged per distinct value; the rest is
    one pass over the rows. The resident ID is cast to an integer once (TRY_CAST of the whole text;
    the 17 digits again only for the IDs ending in X), split into area (6 digits), birth date (8)
    and sequence (3) by division, its check sum taken by division (see _weighted_digits); province
    and month lengths are looked up in constant lists by index; no string is cut per digit."""
    keys = keys or [r["key"] for r in rules(allowed_regions)]
    conditions = {k: cond for k, (_, cond) in VALUE_RULES.items()}
    conditions["region_code_allowed"] = f"v NOT IN ({_quote_list(allowed_regions)})"
    columns = dict.fromkeys(VALUE_RULES[k][0] for k in keys if k in VALUE_RULES)
    ctes = [f"{c}_values AS (SELECT {c} AS v, count(*) AS n FROM {table} GROUP BY ALL)" for c in columns]
    shape = "[0-9]" * 17 + "[0-9Xx]"
    ctes.append(
        f"whole AS (SELECT resident_id AS rid, birth_date, gender, registration_date,"
        f" resident_id GLOB '{shape}' AS shaped, TRY_CAST(resident_id AS BIGINT) AS n18 FROM {table})"
    )
    ctes.append(
        "digits AS (SELECT *, coalesce(n18 // 10, TRY_CAST(left(rid, 17) AS BIGINT)) AS n17,"
        " coalesce(n18 % 10, 10) AS check_value FROM whole)"
    )
    ctes.append(
        "ids AS (SELECT *, (n17 // 100000000000)::INT AS area, (n17 // 1000 % 100000000)::INT AS born,"
        " (n17 % 1000)::INT AS seq FROM digits)"
    )
    select = ["count(*) AS rows"]
    for k in keys:
        if k in VALUE_RULES:
            c = VALUE_RULES[k][0]
            select.append(
                f"(SELECT coalesce(sum(n) FILTER (WHERE {conditions[k]}), 0) FROM {c}_values) AS {k}"
            )
        else:
            select.append(f"{ROW_RULES[k]} AS {k}")
    return "WITH " + ",\n".join(ctes) + "\nSELECT\n  " + ",\n  ".join(select) + "\nFROM ids\n"
