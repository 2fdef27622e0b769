# ruff: noqa: E501
"""Benchmark: the quality engine against Great Expectations, Soda Core and a hand-written query (issue #5).

A synthetic population table (bench/quality/data.py: Faker zh_CN pools, 10 million rows, errors
injected at known rates, exact truth per rule) is checked against 14 rules (bench/quality/rules.py)
by: one hand-written DuckDB query (the limit, see rules.hand_sql), our engine's compiled query on
DuckDB, Great Expectations 1.x with pandas and Soda Core 4 on DuckDB, each peer in its own virtual
environment and process. Then the same table at 1 million rows in PostgreSQL: the engine's push-down
against Great Expectations on PostgreSQL (its SQL execution engine) and against reading the rows
into Python and checking them there. Every failure count is compared with the truth first; a
mismatch fails the run (exit 1) after the figures are printed. The DuckDB queries are timed
round-robin (--repeat rounds, median), so that the load others put on the machine falls on all of
them alike; every peer runs as many timed rounds inside its process (median), with the engine on
the same rules timed as often just before and after it; the load average is printed with every
figure. Per-rule costs of the engine's SQL: bench/quality/breakdown.py.

    .venv/bin/python bench/quality/run.py                   # 10M rows, all tools, writes var/bench/quality.md
    .venv/bin/python bench/quality/run.py --rows 200000     # a quick run
    .venv/bin/python bench/quality/run.py --tools engine,pg,ge-pg --repeat 5

Data and peers' venvs live under var/bench/ (git-ignored), generated once and reused:
var/bench/quality/population_<rows>.{parquet,duckdb,json} and var/bench/venvs/{ge,soda}, each venv
made by this script from the pinned bench/quality/peers/requirements-{ge,soda}.txt. The
PostgreSQL database is CDOHUB_BENCH_QUALITY_POSTGRES_URL (default cdohub_bench_quality; its name
must contain "bench"); its table is reloaded only when the data changed.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import data  # noqa: E402
import rules as R  # noqa: E402

VENVS = ROOT / "var" / "bench" / "venvs"
REPORT = ROOT / "var" / "bench" / "quality.md"
FULL_ROWS = 10_000_000
SECTION = "## Data quality engine against Great Expectations and Soda Core (issue #5)"
DOCS_INTRO = """\
`bench/quality/run.py` (`make bench`): a 10-million-row synthetic population table (Faker zh_CN \
pools, errors injected at known rates, exact truth per rule) checked by one hand-written DuckDB \
query (the limit), our engine's compiled query on DuckDB, Great Expectations (pandas) and Soda Core \
(DuckDB); then 1 million rows in PostgreSQL: the engine's push-down, Great Expectations on \
PostgreSQL (its SQL execution engine, through SQLAlchemy) and reading the rows into Python. Peers \
run in their own virtual environments, which the runner makes from the pinned \
`bench/quality/peers/requirements-ge.txt` and `requirements-soda.txt` (Python 3.11, PyPI). Every \
count is compared with the truth first. The DuckDB queries are timed round-robin, and every peer \
runs as many timed rounds inside its process as the DuckDB rows (median of the rounds). Targets: \
engine ≤ 1.3× the hand-written query, ≥ 10× faster than Great Expectations, faster than Soda.

The yardstick, `bench/quality/rules.py` `hand_sql()`: the fastest correct DuckDB query we know how \
to write by hand for these 14 rules, and faster than the engine's SQL at every size we measured, so \
that "× hand query" says how far the engine is from what a skilled engineer writes for this one \
table. It follows the engine's definitions (the resident ID's check character, real birth date from \
1800-01-01, province prefix; the credit code's mod-31 check) and differs only in technique, partly \
knowledge of this table that a general compiler does not have (which text columns repeat): each \
repeating text column (names, phones, e-mail addresses, postal and region codes, employers' credit \
codes) is grouped once and its rules are judged per distinct value; the resident ID is read as an integer once (one cast of the whole text, the 17 \
digits again only for IDs ending in X), split by division into area, birth date and sequence, and \
its weighted digit sum is taken by division (one per digit, no string cut per digit); the province \
and the month's length are looked up in constant lists by index instead of IN lists; birth date \
and gender are compared with the ID as integers. An ID that is not 17 digits and a check character \
falls back to the plain text comparisons, so the counts stay exact for any data."""
PY311 = "/usr/bin/python3.11"
PG_URL = os.environ.get(
    "CDOHUB_BENCH_QUALITY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cdohub_bench_quality"
)
TOOLS = ("engine", "ge", "soda", "pg", "ge-pg")  # the hand-written limit always runs
PEERS = {  # tool: (label, its venv, requirements and script: peers/requirements-<venv>.txt, <venv>_run.py)
    "ge": ("Great Expectations (pandas)", "ge"),
    "soda": ("Soda Core (DuckDB)", "soda"),
    "ge-pg": ("Great Expectations (PostgreSQL)", "ge"),
}


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict:
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(int(mem.split()[1]) / 2**20, 1),
        "cpu": cpu,
        "python": platform.python_version(),
    }


# --- peers' virtual environments -----------------------------------------------------------------
def ensure_venv(name: str) -> Path:
    """var/bench/venvs/<name> with peers/requirements-<name>.txt, made with Python 3.11 from PyPI."""
    req = HERE / "peers" / f"requirements-{name}.txt"
    venv = VENVS / name
    stamp = venv / ".requirements.sha1"
    digest = hashlib.sha1(req.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return venv / "bin" / "python"
    print(f"venv: creating {venv.relative_to(ROOT)} from {req.name} …", flush=True)
    subprocess.run([PY311, "-m", "venv", "--clear", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", "--disable-pip-version-check", "-r", str(req)], check=True
    )
    stamp.write_text(digest)
    return venv / "bin" / "python"


def run_peer(peer: str, data_spec: dict, rule_list: list[dict], repeat: int) -> dict:
    """Run a peer in its own venv and process on `data_spec` (where its data is), `repeat` rounds."""
    venv = PEERS[peer][1]
    python = ensure_venv(venv)
    spec = {**data_spec, "rules": rule_list, "repeat": repeat}
    spec_path = data.OUT / f"spec-{peer}.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False))
    env = dict(os.environ, TQDM_DISABLE="1", GX_ANALYTICS_ENABLED="False", SODA_TELEMETRY_DISABLED="1")
    before = load()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(python), str(HERE / "peers" / f"{venv}_run.py"), str(spec_path)],
        capture_output=True,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"{peer}: the peer's process failed (exit {proc.returncode})")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["seconds"]["wall"] = wall
    if out.get("contract"):  # Soda's generated contract, kept for reading
        (data.OUT / "soda-contract.yml").write_text(out.pop("contract"))
    out["load"] = f"{before} → {load()}"
    return out


# --- DuckDB: the hand-written query and our engine -------------------------------------------------
def duck(meta: dict):
    import duckdb

    return duckdb.connect(meta["duckdb"], read_only=True)


def hand_counts(con, allowed, table="population") -> dict:
    cur = con.execute(R.hand_sql(table, allowed))
    row = cur.fetchall()[0]
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def engine_version() -> str:
    """The last commit of the engine's sources, and whether they have uncommitted changes."""
    where = ["--", "src/cdohub/quality"]
    sha = subprocess.run(
        ["git", "log", "-1", "--format=%h", *where], capture_output=True, text=True, cwd=ROOT
    )
    dirty = subprocess.run(["git", "diff", "--quiet", *where], cwd=ROOT).returncode
    return f"cdohub.quality @ {sha.stdout.strip()}" + (" + uncommitted changes" if dirty else "")


def engine_api():
    """The engine's module, or (None, why) while it has not landed or does not import."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdohub.settings.test")
    os.environ.setdefault("CDOHUB_DATA_DIR", "/tmp/cdohub-qbench")
    try:
        import django

        django.setup()
        from cdohub.quality import engine
    except Exception as exc:  # noqa: BLE001 - any import failure means: not there yet
        return None, f"{type(exc).__name__}: {exc}"
    return engine, None


# Cross-field rules as the engine takes them: a condition in the source's dialect that holds for a
# good row (the same SQL the hand-written query and Soda's failed_rows checks use, negated).
ENGINE_EXPRESSIONS = {
    "duckdb": {
        "id_birth_date": "substr(resident_id, 7, 8) = strftime(birth_date, '%Y%m%d')",
        "id_gender": "length(resident_id) < 17 OR gender = "
        "CASE WHEN (ascii(substr(resident_id, 17, 1)) - 48) % 2 = 1 THEN '1' ELSE '2' END",
    },
    "postgres": {
        "id_birth_date": "substr(resident_id, 7, 8) = to_char(birth_date, 'YYYYMMDD')",
        "id_gender": "length(resident_id) < 17 OR gender = "
        "CASE WHEN (ascii(substr(resident_id, 17, 1)) - 48) % 2 = 1 THEN '1' ELSE '2' END",
    },
}


def engine_rules(engine, rule_list: list[dict], dialect: str = "duckdb"):
    """The benchmark's rules as the engine's Rule specs (its own kinds: validators by name)."""
    out = []
    for r in rule_list:
        kind, params, columns = r["kind"], dict(r["params"]), r["columns"]
        if kind == "not_null":
            params = {}  # the engine's not_null fails on NULL and blank alike
        elif kind in ("resident_id", "uscc"):
            kind, params = "validator", {"validator": kind}
        elif kind == "expression":
            params, columns = {"expression": ENGINE_EXPRESSIONS[dialect][next(iter(params))]}, ()
        out.append(
            engine.Rule(key=r["key"], kind=kind, columns=columns, params=params, weight=1, severity="error")
        )
    return out


def engine_scan(engine, con, rule_list, types, dialect="duckdb", table="population"):
    """Compile and run one scan with the engine: ({key: failures}, scan, compile s)."""
    t0 = time.perf_counter()
    scan = engine.compile_scan(table, types, engine_rules(engine, rule_list, dialect), dialect)
    t_compile = time.perf_counter() - t0
    result = engine.run_scan(con, scan)
    errors = {k: o.error for k, o in result.outcomes.items() if o.error}
    if errors or scan.errors:
        print(f"  engine rule errors: {errors or scan.errors}")
    return {k: (None if o.error else o.failed) for k, o in result.outcomes.items()}, scan, t_compile


# --- correctness ------------------------------------------------------------------------------------
UNIQUE_MEANING = {"hand": "excess", "ge": "rows", "ge-pg": "rows", "soda": "excess", "python": "excess"}


def compare(tool: str, counts: dict, truth: dict, keys: list[str]) -> list[tuple]:
    """Rows (rule, truth, got, ok) for the rules a tool ran."""
    rows = []
    for key in keys:
        want = truth[key]
        got = counts.get(key)
        if isinstance(want, dict):
            meaning = UNIQUE_MEANING.get(tool)
            if meaning is None:  # our engine: accept whichever meaning it reports, and say which
                meaning = next((m for m, v in want.items() if v == got), "rows")
                UNIQUE_MEANING[tool] = meaning
            want = want[meaning]
        rows.append((key, want, got, got == want))
    return rows


def print_check(title: str, rows: list[tuple]) -> bool:
    bad = [r for r in rows if not r[3]]
    print(f"\n{title}: {len(rows) - len(bad)}/{len(rows)} rules equal the injected truth")
    print(f"  {'rule':26} {'truth':>10} {'counted':>10}")
    for key, want, got, ok in rows:
        print(f"  {key:26} {want:>10,} {got if got is not None else '—':>10} {'' if ok else '  ✗ MISMATCH'}")
    return not bad


# --- PostgreSQL ------------------------------------------------------------------------------------
def pg_admin_url() -> str:
    return PG_URL.rsplit("/", 1)[0] + "/postgres"


def ensure_pg(meta: dict) -> str:
    """Load the table into PostgreSQL with COPY, unless the same data is there already."""
    import duckdb
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    assert "bench" in name, f"refusing to use database {name!r}: its name must contain 'bench'"
    tag = f"v{meta['version']}-{meta['rows']}"
    with psycopg.connect(pg_admin_url(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        has = (
            conn.execute("SELECT obj_description('population'::regclass)").fetchone()
            if conn.execute("SELECT to_regclass('population')").fetchone()[0]
            else None
        )
        if has and has[0] == tag:
            print(f"postgres: cached table population ({meta['rows']:,} rows) in {name}")
            return PG_URL
        t0 = time.perf_counter()
        conn.execute("DROP TABLE IF EXISTS population")
        conn.execute(
            "CREATE TABLE population (id bigint PRIMARY KEY, name varchar(200), gender char(1),"
            " resident_id varchar(18), birth_date date, phone varchar(20), email varchar(100),"
            " postal_code varchar(6), region_code varchar(6), employer_uscc varchar(18), registration_date date)"
        )
        src = duckdb.connect(meta["duckdb"], read_only=True)
        cur = src.execute(f"SELECT {data.COLUMNS} FROM population ORDER BY id")
        with conn.cursor().copy(f"COPY population ({data.COLUMNS}) FROM STDIN") as copy:
            while batch := cur.fetchmany(50_000):
                for row in batch:
                    copy.write_row(row)
        conn.execute("ANALYZE population")
        conn.execute(f"COMMENT ON TABLE population IS '{tag}'")
        print(f"postgres: loaded {meta['rows']:,} rows by COPY in {time.perf_counter() - t0:.1f} s")
    return PG_URL


def pg_python(url: str, meta: dict, validators) -> tuple[dict, float, float]:
    """Read every row into Python (server-side cursor) and check there; (counts, fetch s, total s)."""
    import psycopg
    import pycheck

    cols = [c.strip() for c in data.COLUMNS.split(",")]
    t0 = time.perf_counter()
    fetch = 0.0
    with psycopg.connect(url) as conn, conn.cursor(name="rows") as cur:
        cur.itersize = 20_000
        cur.execute(f"SELECT {data.COLUMNS} FROM population")

        def rows():
            nonlocal fetch
            while True:
                t = time.perf_counter()
                batch = cur.fetchmany(20_000)
                fetch += time.perf_counter() - t
                if not batch:
                    return
                yield from batch

        counts = pycheck.count(rows(), cols, meta["allowed_regions"], validators)
    return counts, fetch, time.perf_counter() - t0


# --- report ------------------------------------------------------------------------------------------
def fmt_s(x) -> str:
    return "—" if x is None else (f"{x:.2f}" if x < 100 else f"{x:.0f}")


RULES_NOTE = (
    "Rules: name not blank, name ≤ 20 characters, resident ID not null, unique (surplus rows), 18 long, "
    "valid (GB 11643 check digit, real birth date, province prefix), birth date = the ID's, gender = the ID's "
    "17th digit parity, mobile phone regex, employer's credit code valid (GB 32100 mod 31), region code in the "
    "120 Guangdong county codes, registration date in 2000-01-01…2026-06-30, postal code and e-mail regexes. "
    "Great Expectations runs 10 (built-in expectations; no check digits, no cross-field), Soda Core 12 "
    "(missing/invalid/duplicate checks; the date range and the two cross-field rules as failed_rows SQL "
    "expressions; no check digits). 'check s' is the checking itself, the median of the timed rounds "
    "(peers: validation without import and data load); 'process wall s' is a peer's whole process (import, "
    "data load, setup and one round: its further timed rounds taken out)."
)


@dataclass
class Figure:
    tool: str
    rules: int
    seconds: float  # median of the timed rounds
    rounds: int
    good: bool
    load: str
    wall: float | None = None  # a peer's whole process
    loaded: float | None = None  # a peer's data load


ENGINE_DUCKDB = "our engine, DuckDB (compile + run_scan)"
ENGINE_PG = "our engine, push-down"


def short(peer: str) -> str:
    return PEERS[peer][0].split(" (")[0]


def around(peer: str, where: str) -> str:
    return f"our engine, {where}, {short(peer)}'s rules, around its run"


def targets(figures: list[Figure], pg_fig: list[Figure], t_hand: float, paired: dict) -> list[str]:
    """The issue's speed targets, judged from the figures (engine rows vs each peer's row)."""
    by = {f.tool: f for f in figures + pg_fig}
    out = ["", "Targets (issues #5 and #12):", ""]
    eng = by.get(ENGINE_DUCKDB)
    if eng:
        r, pr = eng.seconds / t_hand, paired.get(eng.tool, eng.seconds / t_hand)
        out.append(
            f"- engine / hand-written limit: {r:.2f}× of the medians, {pr:.2f}× median of the per-round ratios"
            f" (target ≤ 1.3×) {'✓' if max(r, pr) <= 1.3 else '✗'}"
        )
    for peer, where, want in (("ge", "DuckDB", 10.0), ("soda", "DuckDB", 1.0), ("ge-pg", "push-down", None)):
        mine, theirs = by.get(around(peer, where)), by.get(PEERS[peer][0])
        if not (mine and theirs):
            continue
        r, rw = theirs.seconds / mine.seconds, theirs.wall / mine.seconds
        line = (
            f"- {theirs.tool} / engine on the same {mine.rules} rules: {r:.1f}× on checking alone,"
            f" {rw:.1f}× on its whole process"
        )
        if want is None:
            out.append(f"{line} (no target)")
        else:
            ok = r >= want if want > 1 else r > want
            goal = "≥ 10×" if want > 1 else "> 1×"
            out.append(f"{line} (target {goal}) {'✓' if ok else '✗'}")
    python = next((f for f in pg_fig if f.tool.startswith("read rows into Python")), None)
    if python and ENGINE_PG in by:
        out.append(
            f"- PostgreSQL: reading into Python / push-down: {python.seconds / by[ENGINE_PG].seconds:.1f}×"
        )
    return out


def report(args, started, facts, figures, pg_fig, t_hand, paired, versions) -> str:
    """The results as markdown: a stable shape, the section docs/benchmarks.md carries."""
    busy = float(figures[0].load.split("/")[0]) > facts["cores"]
    lines = [
        f"Quality scan of a {args.rows:,}-row population table, {figures[0].rules} rules "
        f"({started}; {facts['cores']} cores, {facts['ram_gib']} GiB RAM, {facts['cpu']}; load avg at start "
        f"{figures[0].load}"
        + (
            f"; above {facts['cores']}: other work was waiting for the processors and stretched the timings"
            if busy
            else ""
        )
        + ").",
        "",
        "| tool | rules | check s | × hand query | rounds | process wall s | data load s | counts = truth | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.tool} | {f.rules} | {fmt_s(f.seconds)} | {f.seconds / t_hand:.2f}× | {f.rounds} |"
            f" {fmt_s(f.wall)} | {fmt_s(f.loaded)} | {'✓' if f.good else '✗'} | {f.load} |"
        )
    if pg_fig:
        lines += [
            "",
            f"PostgreSQL {versions.get('postgresql', '')}, {args.pg_rows:,} rows:",
            "",
            "| method | rules | check s | rounds | process wall s | counts = truth | load avg |",
            "|---|---:|---:|---:|---:|:---:|---|",
        ]
        for f in pg_fig:
            lines.append(
                f"| {f.tool} | {f.rules} | {fmt_s(f.seconds)} | {f.rounds} | {fmt_s(f.wall)} |"
                f" {'✓' if f.good else '✗'} | {f.load} |"
            )
    lines += targets(figures, pg_fig, t_hand, paired)
    lines += ["", "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + "."]
    lines += ["", RULES_NOTE]
    return "\n".join(lines) + "\n"


def round_robin(jobs: list[tuple], repeat: int) -> dict[str, list[float]]:
    """Time each job `repeat` times, one run of each per round, alternating the order."""
    times = {label: [] for label, *_ in jobs}
    for round_ in range(repeat):
        for label, *_, fn in jobs if round_ % 2 == 0 else jobs[::-1]:
            t0 = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - t0)
        done = ", ".join(f"{label.split(' (')[0]} {times[label][-1]:.2f} s" for label, *_ in jobs)
        print(f"timing round {round_ + 1}/{repeat}: {done} (load {load()})", flush=True)
    return times


def peer_figures(peer, data_spec, sub, truth, repeat, engine, where, versions) -> list[Figure]:
    """Run a peer (`repeat` timed rounds in its process) with the engine on the same rules timed
    `repeat` times just before and just after it: a paired figure under the same load. `engine`:
    (a function timing one engine scan of `sub`, whether its counts equal the truth) or None."""
    engine_once, engine_good = engine or (None, False)
    print(f"\n{PEERS[peer][0]}: running {len(sub)} rules in its own process (load {load()}) …", flush=True)
    bracket = [engine_once() for _ in range(repeat)] if engine_once else []
    out = run_peer(peer, data_spec, sub, repeat)
    bracket += [engine_once() for _ in range(repeat)] if engine_once else []
    with_ = {k: out[k] for k in ("pandas", "sqlalchemy", "duckdb") if k in out}
    versions[out["tool"]] = out["version"] + (
        f" ({', '.join(f'{k} {v}' for k, v in with_.items())})" if with_ else ""
    )
    if out.get("errors"):
        print(f"  errors reported by {out['tool']}: {json.dumps(out['errors'], ensure_ascii=False)[:2000]}")
    good = print_check(PEERS[peer][0], compare(peer, out["counts"], truth, [r["key"] for r in sub]))
    s = out["seconds"]
    print(
        f"  seconds: import {s['import']:.1f}, load {s.get('load', 0):.1f}, validate {s['validate']:.2f}"
        f" (rounds {[round(x, 2) for x in s['rounds']]}), process wall {s['wall']:.1f} (load avg {out['load']})"
    )
    figures = []
    if bracket:
        print(f"  engine on the same rules just before and after: {[round(b, 2) for b in bracket]} s")
        figures.append(Figure(around(peer, where), len(sub), statistics.median(bracket), len(bracket), engine_good,
                              out["load"]))  # fmt: skip
    # the process's wall time as for one round: its extra timed rounds taken out
    one_round_wall = s["wall"] - sum(s["rounds"]) + s["validate"]
    figures.append(
        Figure(
            PEERS[peer][0],
            len(sub),
            s["validate"],
            len(s["rounds"]),
            good,
            out["load"],
            one_round_wall,
            s["load"],
        )
    )
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=FULL_ROWS)
    ap.add_argument("--pg-rows", type=int, default=1_000_000)
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"comma list of {','.join(TOOLS)}")
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds of every query and peer (median)")
    ap.add_argument("--no-write", action="store_true", help=f"do not write {REPORT.relative_to(ROOT)}")
    ap.add_argument(
        "--docs", action="store_true", help="also write docs/benchmarks.md (the full size always does)"
    )
    args = ap.parse_args()
    tools = set(args.tools.split(","))
    facts = machine()
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"quality benchmark, {started}: {facts['cores']} cores, {facts['ram_gib']} GiB, load {load()}")

    meta = data.ensure(args.rows)
    truth, allowed = meta["truth"], meta["allowed_regions"]
    rule_list = R.rules(allowed)
    all_keys = [r["key"] for r in rule_list]
    peer_rules = {peer: [r for r in rule_list if PEERS[peer][1] in r["peers"]] for peer in PEERS}
    import duckdb

    versions = {"duckdb": duckdb.__version__}
    engine = None
    if tools & {"engine", "pg", "ge-pg"}:
        engine, why = engine_api()
        if engine is None:  # a report without the engine would say nothing about it
            raise SystemExit(f"engine: cannot be imported ({why})")
        else:
            versions["engine"] = engine_version()

    # 1. the limit (the hand-written query) and 2. our engine: every count checked first; then the
    # queries are timed round-robin (one run of each per round), so that the load other people put
    # on the machine falls on all of them alike, and the median of each is taken.
    con = duck(meta)
    label = "hand-written DuckDB query (the limit)"
    good = print_check(label, compare("hand", hand_counts(con, allowed), truth, all_keys))
    jobs = [(label, len(all_keys), good, lambda: hand_counts(con, allowed))]
    types = data.COLUMN_TYPES
    if engine is not None and "engine" in tools:
        counts, scan, _ = engine_scan(engine, con, rule_list, types)
        (data.OUT / "engine-duckdb.sql").write_text(";\n\n".join(s.sql for s in scan.statements) + ";\n")
        good = print_check(
            f"our engine on DuckDB ({len(scan.statements)} statement(s))",
            compare("engine", counts, truth, all_keys),
        )
        jobs.append((ENGINE_DUCKDB, len(all_keys), good, lambda: engine_scan(engine, con, rule_list, types)))
        for peer in ("ge", "soda"):
            sub = peer_rules[peer]
            counts, _, _ = engine_scan(engine, con, sub, types)
            good = all(ok for *_, ok in compare("engine", counts, truth, [r["key"] for r in sub]))
            jobs.append((f"our engine, DuckDB, only {short(peer)}'s rules", len(sub), good,
                         lambda sub=sub: engine_scan(engine, con, sub, types)))  # fmt: skip
    load_before = load()
    times = round_robin(jobs, args.repeat)
    la = f"{load_before} → {load()}"
    figures = [
        Figure(label, n, statistics.median(times[label]), args.repeat, good, la) for label, n, good, _ in jobs
    ]
    t_hand = figures[0].seconds
    # paired ratios: each round's time over the same round's hand-written time
    paired = {label: statistics.median(t / h for t, h in zip(times[label], times[jobs[0][0]], strict=True))
              for label, *_ in jobs}  # fmt: skip
    con.close()

    # 3. peers on DuckDB's file, each in its own venv and process
    def engine_duckdb_once(sub):
        c = duck(meta)
        t0 = time.perf_counter()
        engine_scan(engine, c, sub, types)
        c.close()
        return time.perf_counter() - t0

    for peer in ("soda", "ge"):
        if peer in tools:
            sub = peer_rules[peer]
            only = next(
                (f for f in figures if f.tool == f"our engine, DuckDB, only {short(peer)}'s rules"), None
            )
            once = ((lambda sub=sub: engine_duckdb_once(sub)), only.good) if only else None
            spec = {"parquet": meta["parquet"], "duckdb": meta["duckdb"]}
            figures += peer_figures(peer, spec, sub, truth, args.repeat, once, "DuckDB", versions)

    # 4. PostgreSQL: the engine's push-down, Great Expectations on PostgreSQL, rows read into Python
    pg_fig = []
    if tools & {"pg", "ge-pg"}:
        pg_fig = postgres_figures(args, tools, engine, rule_list, peer_rules["ge-pg"], versions)

    # 5. the report
    text = report(args, started, facts, figures, pg_fig, t_hand, paired, versions)
    ok_all = all(f.good for f in figures + pg_fig)
    print("\n" + text)
    if not args.no_write:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(text)
        print(f"written to {REPORT.relative_to(ROOT)}")
    if (args.rows == FULL_ROWS or args.docs) and ok_all:
        sys.path.insert(0, str(ROOT / "bench"))
        from report import write_section

        write_section(f"{SECTION}\n\n{DOCS_INTRO}\n\n{text}")
        print("written to docs/benchmarks.md")
    if not ok_all:
        raise SystemExit(
            "MISMATCH: some failure counts differ from the injected truth (see the tables above)"
        )


def postgres_figures(args, tools, engine, rule_list, ge_rules, versions) -> list[Figure]:
    """The PostgreSQL table: the engine's push-down ("pg"), Great Expectations on PostgreSQL beside
    the push-down of its rules ("ge-pg"), and the rows read into Python ("pg")."""
    import psycopg

    pmeta = data.ensure(args.pg_rows)
    truth = pmeta["truth"]
    url = ensure_pg(pmeta)
    with psycopg.connect(url, autocommit=True) as conn:
        versions["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    figures = []
    types = data.COLUMN_TYPES
    conn = psycopg.connect(url, autocommit=True)

    def engine_once(sub):
        t0 = time.perf_counter()
        engine_scan(engine, conn, sub, types, dialect="postgres")
        return time.perf_counter() - t0

    if engine is not None and "pg" in tools:
        counts, scan, _ = engine_scan(engine, conn, rule_list, types, dialect="postgres")
        (data.OUT / "engine-postgres.sql").write_text(";\n\n".join(s.sql for s in scan.statements) + ";\n")
        good = print_check(
            "our engine on PostgreSQL", compare("engine", counts, truth, [r["key"] for r in rule_list])
        )
        before = load()
        times = round_robin([(ENGINE_PG, lambda: engine_once(rule_list))], args.repeat)
        figures.append(Figure(ENGINE_PG, len(rule_list), statistics.median(times[ENGINE_PG]), args.repeat, good,
                              f"{before} → {load()}"))  # fmt: skip
    if "ge-pg" in tools:
        once = None
        if engine is not None:
            counts, _, _ = engine_scan(engine, conn, ge_rules, types, dialect="postgres")
            good = all(ok for *_, ok in compare("engine", counts, truth, [r["key"] for r in ge_rules]))
            once = (lambda: engine_once(ge_rules)), good
        sqlalchemy_url = url.replace("postgres://", "postgresql+psycopg2://", 1)
        figures += peer_figures("ge-pg", {"postgres": sqlalchemy_url}, ge_rules, truth, args.repeat, once,
                                "push-down", versions)  # fmt: skip
    conn.close()
    if "pg" in tools:
        try:
            from cdohub.datakit import validators
        except Exception:  # noqa: BLE001 - the bench's own Python checks stand in
            validators = None
        before = load()
        counts, fetch, total = pg_python(url, pmeta, validators)
        good = print_check(
            "rows read into Python", compare("python", counts, truth, [r["key"] for r in rule_list])
        )
        src = (
            "engine's Python twins"
            if validators and hasattr(validators, "is_resident_id")
            else "bench's Python"
        )
        figures.append(Figure(f"read rows into Python, check there ({src}); fetch {fetch:.1f} s", len(rule_list),
                              total, 1, good, f"{before} → {load()}"))  # fmt: skip
        print(f"python: {total:.1f} s (fetch {fetch:.1f} s)")
    return figures


if __name__ == "__main__":
    main()
