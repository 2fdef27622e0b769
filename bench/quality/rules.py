# ruff: noqa: E501
"""The benchmark's rules, once: as data for our engine and the peers, and as the hand-written query.

Semantics shared by every tool: a NULL passes every rule except the not-null/not-blank ones; the
uniqueness rule's count is reported with its tool's own meaning (rows in duplicate groups,
duplicated values, or surplus rows), compared with the matching truth.
"""

import datetime

PROVINCES = (  # noqa: SIM905
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82"
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


def _quote_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def hand_sql(table: str, allowed_regions: list[str], tuned: bool = True) -> str:
    """One DuckDB query computing every rule's failure count: the limit to beat. `tuned=False` is
    the plain single-pass aggregate (one FILTER per rule), the shape a rule compiler produces."""
    id_w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    uscc_w = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    # The 17 digits as one BIGINT n. A digit is q_j - 10·q_(j+1) with q_j = n // 10^j, so the
    # weighted digit sum is ≡ Σ c_j·q_j (mod 11) with c_j = (w_j - 10·w_(j-1)) mod 11, w_j the weight
    # of the digit at power j: 17 divisions and no "% 10". The shape is checked by the regex first,
    # so the cast cannot see a sign or blank.
    w_at = [id_w[16 - j] for j in range(17)]
    coef = [(w_at[j] - 10 * (w_at[j - 1] if j else 0)) % 11 for j in range(17)]
    id_sum = " + ".join(f"(n17 // {10**j}) * {c}" for j, c in enumerate(coef) if c)
    uscc_sum = " + ".join(f"instr('{chars}', employer_uscc[{k + 1}]) * {w}" for k, w in enumerate(uscc_w))
    today = int(datetime.date.today().strftime("%Y%m%d"))
    y, m, d = "(n17 // 10000000 % 10000)", "(n17 // 100000 % 100)", "(n17 // 1000 % 100)"
    id_ok = (
        "(regexp_full_match(resident_id, '[0-9]{17}[0-9Xx]')"
        f" AND n17 // 1000000000000000 IN ({', '.join(PROVINCES)})"
        f" AND n17 // 1000 % 100000000 BETWEEN 18800101 AND {today}"
        f" AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND"
        f" CASE WHEN {m} = 2 THEN 28 + ({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))::INT"
        f" ELSE 30 + ({m} + {m} // 8) % 2 END"
        f" AND ({id_sum}) % 11 = strpos('10X98765432', upper(resident_id[18])) - 1)"
    )
    # instr() is index + 1, so the sum is too large by sum(w) = 305 ≡ 26 (mod 31)
    uscc_ok = (
        "(regexp_full_match(employer_uscc, '[0-9A-HJ-NPQRTUWXY]{18}')"
        f" AND (31 - ({uscc_sum} - 26) % 31) % 31 = instr('{chars}', employer_uscc[18]) - 1)"
    )
    if not tuned:
        uscc_count = f"count(*) FILTER (WHERE employer_uscc IS NOT NULL AND NOT coalesce({uscc_ok}, false))"
        region_count = f"count(*) FILTER (WHERE region_code NOT IN ({_quote_list(allowed_regions)}))"
        source = f"(SELECT *, TRY_CAST(resident_id[1:17] AS BIGINT) AS n17 FROM {table}) t"
        tail = ""
    else:
        # Tuned by hand: the allowed codes as a hashed subquery (an IN list of 120 strings costs
        # ~20× more), and the credit-code check once per distinct code (employers repeat), in a
        # second aggregate over that column only.
        uscc_count = "(SELECT coalesce(sum(c) FILTER (WHERE NOT coalesce(ok, false)), 0) FROM uscc)"
        region_count = (
            f"count(*) FILTER (WHERE region_code NOT IN (SELECT unnest([{_quote_list(allowed_regions)}])))"
        )
        source = f"(SELECT *, TRY_CAST(resident_id[1:17] AS BIGINT) AS n17 FROM {table}) t"
        tail = ""
        uscc_cte = (
            f"WITH uscc AS (SELECT {uscc_ok.replace('employer_uscc', 'k')} AS ok, c FROM"
            f" (SELECT employer_uscc AS k, count(*) AS c FROM {table} WHERE employer_uscc IS NOT NULL GROUP BY 1))\n"
        )
    return (
        (uscc_cte if tuned else "")
        + f"""SELECT
  count(*) AS rows,
  count(*) FILTER (WHERE name IS NULL OR name = '' OR (name[1] = ' ' AND trim(name) = '')) AS name_not_blank,
  count(*) FILTER (WHERE length(name) > {NAME_MAX}) AS name_length,
  count(*) FILTER (WHERE resident_id IS NULL) AS resident_id_not_null,
  count(resident_id) - count(DISTINCT resident_id) AS resident_id_unique,
  count(*) FILTER (WHERE length(resident_id) <> 18) AS resident_id_length,
  count(*) FILTER (WHERE resident_id IS NOT NULL AND NOT coalesce({id_ok}, false)) AS resident_id_valid,
  count(*) FILTER (WHERE {BIRTH_MISMATCH_SQL}) AS birth_date_matches_id,
  count(*) FILTER (WHERE {GENDER_MISMATCH_SQL}) AS gender_matches_id,
  count(*) FILTER (WHERE NOT regexp_matches(phone, '{PHONE_RE}')) AS phone_format,
  {uscc_count} AS employer_uscc_valid,
  {region_count} AS region_code_allowed,
  count(*) FILTER (WHERE registration_date NOT BETWEEN DATE '{REG_MIN}' AND DATE '{REG_MAX}')
    AS registration_date_range,
  count(*) FILTER (WHERE NOT regexp_matches(postal_code, '{POSTAL_RE}')) AS postal_code_format,
  count(*) FILTER (WHERE NOT regexp_matches(email, '{EMAIL_RE}')) AS email_format
FROM {source}{tail}
"""
    )
