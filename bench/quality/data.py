"""The synthetic population table of the quality benchmark, with errors injected at known rates.

Faker zh_CN draws pools of values (names, phones, e-mails, postal codes); unified social credit
codes are made with the project's own GB 32100 code (cdohub.datakit.identifiers.make_uscc). The rows
are then assembled by DuckDB in one vectorised query: every value is a pure function of the row
number (hashes for the random draws, a bijection for the resident ID so that IDs are unique by
construction), so the table is the same on every run and needs no Python loop over rows.

Each row carries at most one injected error (a "band", drawn from one uniform number per row; the
duplicate-ID band is drawn per pair of rows), so the truth of every rule is an exact sum of band
counts, recorded in the meta file beside the Parquet file. The band is not in the table.
"""

import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench" / "quality"
GENERATOR_VERSION = 3
SEED = 5

# Error bands: name -> share of rows. Each row falls in at most one band.
BANDS = {
    "null_name": 0.004,
    "blank_name": 0.004,
    "long_name": 0.002,
    "null_id": 0.003,
    "id_bad_check": 0.010,
    "id_impossible_date": 0.005,
    "id_bad_region": 0.005,
    "id_truncated": 0.003,
    "birth_mismatch": 0.005,
    "gender_flip": 0.005,
    "bad_phone": 0.010,
    "uscc_bad_check": 0.010,
    "uscc_bad_char": 0.002,
    "unknown_region": 0.005,
    "reg_out_of_range": 0.005,
    "bad_postal": 0.003,
    "bad_email": 0.005,
}
DUP_PAIR_RATE = 0.005  # share of row pairs (2p, 2p+1) where row 2p+1 repeats row 2p's resident ID
NULL_RATES = {"phone": 0.01, "email": 0.05, "employer_uscc": 0.03}  # legal nulls, not errors

BIRTH_FROM, BIRTH_DAYS = "1950-01-01", 21550  # 1950-01-01 .. 2008-12-31
REG_FROM, REG_TO = "2000-01-01", "2026-06-30"
ID_CHECK = "10X98765432"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Which bands each rule's failures come from (the exact truth of each rule).
RULE_BANDS = {
    "name_not_blank": ["null_name", "blank_name"],
    "name_length": ["long_name"],
    "resident_id_not_null": ["null_id"],
    "resident_id_unique": ["dup_copy"],  # see truth(): counted as rows, pairs or excess
    "resident_id_length": ["id_truncated"],
    "resident_id_valid": ["id_bad_check", "id_impossible_date", "id_bad_region", "id_truncated"],
    "birth_date_matches_id": ["id_impossible_date", "birth_mismatch"],
    "gender_matches_id": ["gender_flip"],
    "phone_format": ["bad_phone"],
    "employer_uscc_valid": ["uscc_bad_check", "uscc_bad_char"],
    "region_code_allowed": ["unknown_region"],
    "registration_date_range": ["reg_out_of_range"],
    "postal_code_format": ["bad_postal"],
    "email_format": ["bad_email"],
}


def regions() -> list[str]:
    """County-level GB/T 2260 codes of Guangdong (the project's own vendored list)."""
    data = json.loads((ROOT / "src/cdohub/org/data/regions_guangdong.json").read_text())
    return sorted(r["code"] for r in data if r["level"] == "county")


def id_check(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2), in plain Python for the generator's checks."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def uscc_check(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def pools(n_names=20000, n_phones=50000, n_emails=20000, n_postcodes=3000, n_companies=20000):
    from faker import Faker

    sys.path.insert(0, str(ROOT / "src"))
    from cdohub.datakit.identifiers import make_uscc

    fake = Faker("zh_CN")
    Faker.seed(SEED)
    rnd = random.Random(SEED)
    names = [fake.name() for _ in range(n_names)]
    phones = [fake.phone_number() for _ in range(n_phones)]
    emails = [fake.email() for _ in range(n_emails)]
    postcodes = [fake.postcode() for _ in range(n_postcodes)]
    region_list = regions()
    body_chars = "0123456789" * 3 + "ABCDEFGHJKLMNPQRTUWXY"
    companies = set()
    while len(companies) < n_companies:
        kind = rnd.choice(["91", "91", "91", "92", "93", "11", "12", "51", "52"])
        body = "".join(rnd.choice(body_chars) for _ in range(8))
        code = make_uscc(kind, rnd.choice(region_list), body)
        if all(c in USCC_CHARS for c in code):  # org check 'X' is in the set; keep the code clean
            companies.add(code)
    return {
        "names": names,
        "phones": phones,
        "emails": emails,
        "postcodes": postcodes,
        "companies": sorted(companies),
        "regions": region_list,
    }


def _u(i: str, salt: int) -> str:
    """A uniform number in [0, 1) drawn from row number expression `i`."""
    return f"((hash({i}, {salt}) % 1000000007) / 1000000007.0)"


def _h(i: str, salt: int, mod: int) -> str:
    return f"(hash({i}, {salt}) % {mod})"


def _id_parts(i: str, n: int, mult: int, n_regions: int) -> dict[str, str]:
    """SQL expressions for the clean ID of row `i`: a bijection row -> (birth day, region, sequence)."""
    p = f"(({i}) * {mult} % {n})"
    day = f"({p} % {BIRTH_DAYS})"
    rest = f"({p} // {BIRTH_DAYS})"
    reg = f"({rest} % {n_regions})"
    seq = f"(({rest} // {n_regions} + hash({day}, {reg}, 7)) % 1000)"
    birth = f"(DATE '{BIRTH_FROM}' + CAST({day} AS INTEGER))"
    return {"day": day, "reg": reg, "seq": seq, "birth": birth}


def _id_check_sql(first17: str) -> str:
    terms = " + ".join(f"(ascii(substr({first17}, {k + 1}, 1)) - 48) * {w}" for k, w in enumerate(ID_WEIGHTS))
    return f"substr('{ID_CHECK}', CAST(({terms}) % 11 AS INTEGER) + 1, 1)"


def build(con, n: int) -> dict:
    """Create table `population` (and `truth`) in DuckDB connection `con`; returns band counts."""
    t0 = time.perf_counter()
    p = pools()
    t_pools = time.perf_counter() - t0
    n_regions = len(p["regions"])
    assert n <= BIRTH_DAYS * n_regions * 1000, "too many rows for unique resident IDs"
    mult = 2_654_435_761 % n or 1
    while math.gcd(mult, n) != 1:
        mult += 1
    for name in ("names", "phones", "emails", "postcodes", "companies", "regions"):
        con.execute(f"CREATE OR REPLACE TEMP TABLE pool_{name} (k INTEGER, v VARCHAR)")
        con.execute(
            f"INSERT INTO pool_{name} SELECT (generate_subscripts($1, 1) - 1)::INTEGER, unnest($1)",
            [p[name]],
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE arr_{name} AS SELECT list(v ORDER BY k) a FROM pool_{name}"
        )

    # Band of each row: cumulative thresholds over one uniform draw; duplicate pairs override.
    cases, acc = [], 0.0
    for band, rate in BANDS.items():
        acc += rate
        cases.append(f"WHEN u < {acc!r} THEN '{band}'")
    band_sql = f"CASE {' '.join(cases)} ELSE 'clean' END"
    dup_pair = f"(({_u('i // 2', 99)} < {DUP_PAIR_RATE}) AND (i // 2) * 2 + 1 < {n})"

    me = _id_parts("i", n, mult, n_regions)
    prev = _id_parts("i - 1", n, mult, n_regions)
    regions_arr = "(SELECT a FROM arr_regions)"

    def first17(parts):
        return (
            f"({regions_arr}[CAST({parts['reg']} AS INTEGER) + 1] || strftime({parts['birth']}, '%Y%m%d')"
            f" || lpad(CAST({parts['seq']} AS VARCHAR), 3, '0'))"
        )

    def full_id(parts, i):
        f17 = first17(parts)
        check = _id_check_sql(f17)
        # about half of the clean IDs ending in X are written with a lower-case x (still valid)
        return f"({f17} || CASE WHEN {check} = 'X' AND {_h(i, 31, 2)} = 0 THEN 'x' ELSE {check} END)"

    def gender(parts):
        return f"CASE WHEN {parts['seq']} % 2 = 1 THEN '1' ELSE '2' END"

    pick = lambda arr, i, salt: f"(SELECT a FROM arr_{arr})[CAST({_h(i, salt, len(p[arr]))} AS INTEGER) + 1]"  # noqa: E731
    reg_days = f"(DATE '{REG_TO}' - DATE '{REG_FROM}' + 1)"
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE base AS
        SELECT i,
               CASE WHEN {dup_pair} THEN CASE WHEN i % 2 = 0 THEN 'dup_src' ELSE 'dup_copy' END
                    ELSE {band_sql.replace("u <", _u("i", 1) + " <")} END AS band,
               {first17(me)} AS f17,
               {full_id(me, "i")} AS clean_id,
               {me["birth"]} AS birth,
               {gender(me)} AS gender,
               CAST({me["day"]} AS INTEGER) AS day, CAST({me["reg"]} AS INTEGER) AS reg,
               {full_id(prev, "i - 1")} AS prev_id, {prev["birth"]} AS prev_birth,
               {gender(prev)} AS prev_gender,
               {pick("names", "i", 2)} AS name,
               {pick("phones", "i", 3)} AS phone,
               {pick("emails", "i", 4)} AS email,
               {pick("postcodes", "i", 5)} AS postal_code,
               {pick("companies", "i", 6)} AS uscc,
               {pick("regions", "i", 8)} AS region_code,
               DATE '{REG_FROM}' + CAST({_h("i", 9, reg_days)} AS INTEGER) AS registration_date,
               {_u("i", 10)} AS u2, CAST({_h("i", 11, 1000003)} AS INTEGER) AS h
        FROM range({n}) t(i)
    """)
    t_base = time.perf_counter() - t0 - t_pools

    bad_id_check = (
        f"f17 || substr('{ID_CHECK}', CAST((instr('{ID_CHECK}', upper(right(clean_id, 1))) + h % 10) % 11"
        " AS INTEGER) + 1, 1)"
    )
    # month 13..24 and day 01..31 from the day of year: impossible, and still unique
    imp_f17 = (
        "(substr(f17, 1, 6) || strftime(birth, '%Y')"
        " || lpad(CAST(13 + (dayofyear(birth) - 1) // 31 AS VARCHAR), 2, '0')"
        " || lpad(CAST((dayofyear(birth) - 1) % 31 + 1 AS VARCHAR), 2, '0') || substr(f17, 15, 3))"
    )
    badreg_f17 = "('99' || lpad(CAST(reg AS VARCHAR), 4, '0') || substr(f17, 7, 11))"
    uscc_bad_check = (
        f"left(uscc, 17) || substr('{USCC_CHARS}', CAST((instr('{USCC_CHARS}', right(uscc, 1)) + h % 30) % 31"
        " AS INTEGER) + 1, 1)"
    )
    phone_bad = (
        "CASE h % 4 WHEN 0 THEN left(phone, 10) WHEN 1 THEN '2' || substr(phone, 2)"
        " WHEN 2 THEN left(phone, 3) || '-' || substr(phone, 4, 4) || '-' || substr(phone, 8)"
        " ELSE left(phone, 5) || 'O' || substr(phone, 7) END"
    )
    con.execute(f"""
        CREATE OR REPLACE TABLE population_banded AS
        SELECT i + 1 AS id,
          band,
          CASE band WHEN 'null_name' THEN NULL
                    WHEN 'blank_name' THEN CASE WHEN h % 2 = 0 THEN '' ELSE '  ' END
                    WHEN 'long_name' THEN repeat(name, 11)
                    ELSE name END AS name,
          CASE band WHEN 'gender_flip' THEN CASE gender WHEN '1' THEN '2' ELSE '1' END
                    WHEN 'dup_copy' THEN prev_gender ELSE gender END AS gender,
          CASE band WHEN 'null_id' THEN NULL
                    WHEN 'id_bad_check' THEN {bad_id_check}
                    WHEN 'id_impossible_date' THEN {imp_f17} || {_id_check_sql(imp_f17)}
                    WHEN 'id_bad_region' THEN {badreg_f17} || {_id_check_sql(badreg_f17)}
                    WHEN 'id_truncated' THEN f17
                    WHEN 'dup_copy' THEN prev_id
                    ELSE clean_id END AS resident_id,
          CASE band WHEN 'birth_mismatch' THEN birth + CAST(1 + h % 300 AS INTEGER)
                    WHEN 'dup_copy' THEN prev_birth ELSE birth END AS birth_date,
          CASE WHEN band = 'bad_phone' THEN {phone_bad}
               WHEN u2 < {NULL_RATES["phone"]} THEN NULL ELSE phone END AS phone,
          CASE WHEN band = 'bad_email' THEN CASE WHEN h % 2 = 0 THEN replace(email, '@', '#')
                                                 ELSE split_part(email, '@', 1) || '@' END
               WHEN u2 < {NULL_RATES["email"]} THEN NULL ELSE email END AS email,
          CASE band WHEN 'bad_postal' THEN CASE WHEN h % 2 = 0 THEN left(postal_code, 5)
                                                ELSE left(postal_code, 3) || 'A' || right(postal_code, 2) END
                    ELSE postal_code END AS postal_code,
          CASE band WHEN 'unknown_region' THEN '4499' || lpad(CAST(h % 100 AS VARCHAR), 2, '0')
                    ELSE region_code END AS region_code,
          CASE WHEN band = 'uscc_bad_check' THEN {uscc_bad_check}
               WHEN band = 'uscc_bad_char' THEN left(uscc, 9) || CASE WHEN h % 2 = 0 THEN 'O' ELSE 'I' END
                                                || substr(uscc, 11)
               WHEN u2 < {NULL_RATES["employer_uscc"]} THEN NULL ELSE uscc END AS employer_uscc,
          CASE band WHEN 'reg_out_of_range' THEN
                      CASE WHEN h % 2 = 0 THEN DATE '1990-01-01' + CAST(h % 3650 AS INTEGER)
                           ELSE DATE '2026-07-01' + CAST(h % 1000 AS INTEGER) END
                    ELSE registration_date END AS registration_date
        FROM base ORDER BY i
    """)
    con.execute("DROP TABLE base")
    counts = dict(con.execute("SELECT band, count(*) FROM population_banded GROUP BY band").fetchall())
    t_rows = time.perf_counter() - t0 - t_pools - t_base
    return {"bands": counts, "seconds": {"pools": t_pools, "base": t_base, "rows": t_rows}}


COLUMNS = (
    "id, name, gender, resident_id, birth_date, phone, email, postal_code, region_code, "
    "employer_uscc, registration_date"
)
# The columns' portable types (as source discovery reports them to the engine), the same in the
# DuckDB file and the PostgreSQL table.
COLUMN_TYPES = {
    "id": "integer",
    **dict.fromkeys(
        ("name", "gender", "resident_id", "phone", "email", "postal_code", "region_code", "employer_uscc"),
        "string",
    ),
    "birth_date": "date",
    "registration_date": "date",
}


def truth(bands: dict) -> dict:
    """Failure count of every rule from the band counts. Uniqueness is given three ways: rows whose
    ID occurs more than once, distinct duplicated IDs, and surplus rows (count - count distinct)."""
    out = {rule: sum(bands.get(b, 0) for b in bs) for rule, bs in RULE_BANDS.items()}
    pairs = bands.get("dup_copy", 0)
    out["resident_id_unique"] = {"rows": 2 * pairs, "values": pairs, "excess": pairs}
    return out


def check_sample(con, table: str, n: int = 20000) -> None:
    """Checks before timing: re-derive a sample of rows' validity in plain Python and compare."""
    import datetime as dt

    allowed = set(regions())
    rows = con.execute(
        f"SELECT band, resident_id, birth_date, gender, employer_uscc, region_code FROM {table} "
        f"USING SAMPLE {n} ROWS (reservoir, 7)"
    ).fetchall()
    for band, rid, birth, gender, uscc, region in rows:
        if rid is not None:
            ok_shape = len(rid) == 18 and rid[:17].isdigit() and rid[17] in "0123456789Xx"
            ok = ok_shape and id_check(rid[:17]) == rid[17].upper()
            try:
                real = dt.date(int(rid[6:10]), int(rid[10:12]), int(rid[12:14])) if ok_shape else None
            except ValueError:
                real = None
            bad = band in ("id_bad_check", "id_truncated", "id_impossible_date", "id_bad_region")
            assert (ok and real is not None and rid[:2] != "99") != bad, (band, rid)
            if band not in ("id_impossible_date", "birth_mismatch"):
                assert rid[6:14] == birth.strftime("%Y%m%d"), (band, rid, birth)
            if band != "gender_flip":
                assert gender == ("1" if int(rid[16]) % 2 else "2"), (band, rid, gender)
        if uscc is not None:
            ok = all(c in USCC_CHARS for c in uscc) and uscc_check(uscc[:17]) == uscc[17]
            assert ok != (band in ("uscc_bad_check", "uscc_bad_char")), (band, uscc)
        assert (region in allowed) != (band == "unknown_region"), (band, region)
    assert id_check("11010519491231002"[:17]) == "X" and id_check("44052418800101001") == "4"
    assert uscc_check("91350100M000100Y4") == "3"


def ensure(n: int, verbose=True) -> dict:
    """Parquet file, DuckDB database and meta (truth) for `n` rows, generated once and cached."""
    import duckdb

    OUT.mkdir(parents=True, exist_ok=True)
    stem = f"population_{n}"
    meta_path = OUT / f"{stem}.json"
    parquet = OUT / f"{stem}.parquet"
    dbfile = OUT / f"{stem}.duckdb"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("version") == GENERATOR_VERSION and parquet.exists() and dbfile.exists():
            if verbose:
                print(f"data: cached {parquet.relative_to(ROOT)} ({n:,} rows)")
            return meta
    for f in (parquet, dbfile, meta_path):
        f.unlink(missing_ok=True)
    t0 = time.perf_counter()
    tmp = OUT / f"{stem}.tmp.duckdb"
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    con.execute(f"SET temp_directory = '{OUT / 'tmp'}'")
    built = build(con, n)
    check_sample(con, "population_banded")
    con.execute(
        f"COPY (SELECT {COLUMNS} FROM population_banded ORDER BY id) TO '{parquet}'"
        " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
    )
    con.close()
    tmp.unlink()
    con = duckdb.connect(str(dbfile))
    con.execute(f"CREATE TABLE population AS SELECT * FROM read_parquet('{parquet}')")
    con.execute("CHECKPOINT")
    con.close()
    meta = {
        "version": GENERATOR_VERSION,
        "rows": n,
        "bands": built["bands"],
        "truth": truth(built["bands"]),
        "allowed_regions": regions(),
        "generation_seconds": round(time.perf_counter() - t0, 1),
        "parquet": str(parquet),
        "duckdb": str(dbfile),
    }
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1))
    if verbose:
        print(
            f"data: generated {n:,} rows in {meta['generation_seconds']} s "
            f"(pools {built['seconds']['pools']:.1f} s) -> {parquet.relative_to(ROOT)}, "
            f"{os.path.getsize(parquet) / 1e6:.0f} MB"
        )
    return meta


if __name__ == "__main__":
    print(json.dumps(ensure(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)["truth"], indent=1))
