# ruff: noqa: E501
"""Per-rule cost of the engine's compiled SQL: each rule compiled and run alone, on DuckDB and on
PostgreSQL, beside the hand-written limit's query for that rule alone (DuckDB). Shows where an
engine scan spends its time, for tuning the compiler.

    .venv/bin/python bench/quality/breakdown.py [--rows 1000000] [--repeat 3] [--no-pg]
"""

import argparse
import os
import statistics
import time

import data
import rules as R
import run


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    meta = data.ensure(args.rows)
    engine, why = run.engine_api()
    assert engine is not None, why
    rule_list = R.rules(meta["allowed_regions"])
    con = run.duck(meta)
    types = data.COLUMN_TYPES
    pg = None
    if not args.no_pg:
        import psycopg

        pmeta = data.ensure(args.rows)
        url = run.ensure_pg(pmeta)
        pg = psycopg.connect(url, autocommit=True)
    print(f"\nper-rule seconds, {args.rows:,} rows, median of {args.repeat} (load {run.load()})")
    print(f"  {'rule':26} {'hand DuckDB':>12} {'engine DuckDB':>14} {'engine PG':>10}")
    base_d = best(lambda: con.execute("SELECT count(*) FROM population").fetchall(), args.repeat)
    for r in rule_list:
        hand = R.hand_sql("population", meta["allowed_regions"], [r["key"]])
        t_h = best(lambda hand=hand: con.execute(hand).fetchall(), args.repeat)
        t_e = best(lambda r=r: run.engine_scan(engine, con, [r], types), args.repeat)
        t_p = (
            best(lambda r=r: run.engine_scan(engine, pg, [r], types, dialect="postgres"), args.repeat)
            if pg
            else None
        )
        print(f"  {r['key']:26} {run.fmt_s(t_h):>12} {run.fmt_s(t_e):>14} {run.fmt_s(t_p):>10}")
    print(f"  (count(*) alone on DuckDB: {base_d:.3f} s; load now {run.load()})")


if __name__ == "__main__":
    os.environ.setdefault("CDOHUB_DATA_DIR", "/tmp/cdohub-qbench")
    main()
