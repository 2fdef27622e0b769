"""The data quality engine: a table's rules compiled, through sqlglot, into as few statements as the
rules allow (usually one aggregate query), in the source's own dialect, and run where the data lives.

Modules: ``rule`` (Rule, RuleOutcome), ``validation`` (validate), ``compiler`` (what a kind compiles
against), ``scan`` (ScanPlan, compile_scan), ``samples`` (failing rows), ``run`` (run_scan), and
``kinds``: one module per rule kind with everything of that kind (params and their checks, the SQL
it compiles to, its failing rows, how its result is read), registered in ``kinds.KINDS``. A new kind
is one module there and its line in the registry.

Public API
----------
``Rule(key, kind, columns=(), params={}, weight=1.0, severity="error")``
    A frozen rule spec. Kinds and their params (``kinds.KINDS``):

    ============  ========  ================================================================
    kind          columns   params
    ============  ========  ================================================================
    not_null      1         blank (default true): '' and spaces only fail too, not only NULL
    unique        1 or more –  (failed = surplus rows: non-null keys − distinct non-null keys)
    regex         1         pattern (the whole value must match; portable subset, see below)
    length        1         min and/or max (characters)
    range         1         min and/or max: numbers, or ISO dates ``YYYY-MM-DD[ HH:MM:SS]``
    allowed       1         values: list of allowed codes
    referential   1         table (name or [schema, name]) and column of the same source
    freshness     1         hours and/or days: newest value no older than that before `now`
    row_count     –         min and/or max rows
    expression    any       expression: a condition every row must meet, or fails_when: one that
                            marks a failing row (see ``user_sql``); NULL (unknown) passes
    custom_sql    any       sql: one SELECT returning the failing rows
    validator     1         validator: a name in ``validators.VALIDATORS`` (region_code: codes)
    ============  ========  ================================================================

    A validator's name may stand for the kind: ``Rule("k", "resident_id", ["GMSFHM"])``.
    `weight` (> 0) and `severity` (``SEVERITIES``) are carried for scoring, not used here.

    Value rules (regex, length, allowed, referential, validator) skip NULL and blank values: a
    missing value is the not_null rule's failure, not theirs. range skips NULL.

``validate(rule, dialect)``
    Raises ``django.core.exceptions.ValidationError`` (translated message, ``code``) for a rule
    that cannot be saved: unknown kind, wrong columns or params, invalid or non-portable regex,
    disallowed expression, custom SQL that is not exactly one read-only SELECT.

``compile_scan(table, columns_present, rules, dialect, sample=None, now=None, relation=None,
repeated=()) -> Scan``
    `table`: a name, a (schema, name) pair or a sqlglot expression (e.g. ``read_parquet('…')``).
    `columns_present`: {name: portable type} (``datakit.connectors.types``), an iterable of names
    or of ``ColumnInfo``, or None (not checked). A rule naming a column not present becomes a
    rule error in ``Scan.errors``; the other rules still compile. `sample`: a fraction (0, 1) of
    the rows to scan. `now`: the moment freshness and birth dates are judged against.
    `relation(reference)`: turns a table named by a referential or custom SQL rule into an
    expression (None: keep the name). `repeated`: columns whose values repeat (see below).
    ``Scan.statements`` are the SQL texts with the mapping of their result columns back to rule
    keys; ``Scan.sql`` is the aggregate statement and ``Scan.read(row)`` maps its row to
    {key: failures}. Dialects: ``duckdb``, ``postgres``, ``mysql`` (MariaDB too), ``sqlite``.

``compile_samples(table, rule, dialect, limit=20, columns_present=None, now=None, relation=None,
masks=None) -> SampleQuery``
    One query returning up to `limit` failing rows of `rule` (all columns present, or ``*``),
    with the masks (``masking.mask``) to apply to identifier columns.

``run_scan(target, scan, progress=None) -> ScanResult``, ``fetch_samples(target, sample_query) -> list[dict]``
    `target`: a ``datakit.connectors.Connector`` (read-only, time-limited session) or an open
    DB-API / DuckDB connection. A source that cannot be reached (or times out) raises
    ``SourceError``. Each rule gets a ``RuleOutcome(key, checked, failed, error)``: `checked` is
    the rows scanned (1 for table rules: freshness, row_count), `failed` the failing rows (for
    unique: the surplus rows), `error` a translated reason when the rule could not be judged.
    ``masks_for(rules)`` gives the identifier columns to mask in samples.

What compiles to what, and how many statements
----------------------------------------------
1. One aggregate statement per table, whatever the number of rules::

       WITH "__dq_g1" AS (SELECT employer, COUNT(*) AS n FROM t GROUP BY employer)  -- if needed
       SELECT COUNT(*),
              SUM(CASE WHEN <value ok> THEN 0 WHEN TRIM(v) <> '' THEN 1 ELSE 0 END),  -- per rule
              COUNT(k) - COUNT(DISTINCT k),                                  -- unique
              CASE WHEN MAX(ts) >= <cutoff> THEN 0 ELSE 1 END,               -- freshness
              (SELECT SUM(n * <fails>) FROM "__dq_g1"),                      -- per distinct value
              …
       FROM <table, or the derived tables of per-row values, below>

   - Value rules are one ``SUM(CASE …)`` each; NULL and blank values count as passing.
   - Referential rules are ``v IN (SELECT col FROM other WHERE col IS NOT NULL)`` in the same
     pass (a hashed subplan in PostgreSQL, a mark join in DuckDB, a materialised subquery in
     MariaDB, an ephemeral index in SQLite). Long IN lists (allowed codes, GB/T 2260) become
     ``IN (SELECT UNNEST([...]))`` on DuckDB, which probes a hash table instead of comparing
     value by value; the other databases hash or sort IN lists themselves.
   - Uniqueness is a COUNT(DISTINCT …) in the same pass; composite keys as a row value in DuckDB
     and PostgreSQL, ``COUNT(DISTINCT a, b)`` in MariaDB, a length-prefixed concatenation in
     SQLite; rows with a NULL key part are not keys. PostgreSQL compares text ``COLLATE "C"``
     (same equality, faster sort) and counts distinct keys in a subquery of its own, as a
     COUNT(DISTINCT) in the main aggregate would keep it from running in parallel.
   - Validators compute their per-row values (ID digits as integers, the shape test) once, in a
     derived table under the aggregate for DuckDB and PostgreSQL (with a volatile column there
     so the planner neither inlines them back nor gives up parallel workers), inline for MariaDB
     and SQLite; see ``sqlbuild.Frame`` and ``validators``.
   - Per distinct value: value rules on the `repeated` columns, regex rules and validators
     (resident IDs excepted) on DuckDB, and the credit/organisation code validators on PostgreSQL,
     are judged once per distinct value over a grouped CTE (shared by the rules of one column) and
     weighted by each value's row count; not on a column a unique rule names, whose values do not
     repeat. This reads the column a second time but runs the costly check on, say, 128 thousand
     employers instead of 10 million people; DuckDB groups a column for less than a regex costs on
     every row.
   - MariaDB compares text in the column's collation (``*_ci``: 'a' = 'A' = 'a ', '1' = '１'),
     so its grouping, DISTINCT, allowed-value and referential tests compare ``CAST(v AS
     BINARY)``, and its regexes get ``(?-i)`` and end at ``\\z``. Every dialect thus sees the
     same values as equal (cross-field conditions and custom SQL keep the database's own rules).
2. One more statement, unsampled, only when `sample` is given and there are row_count or
   freshness rules (they are about the whole table).
3. One statement per custom_sql rule: ``SELECT COUNT(*) FROM (<their SELECT>) AS q`` — kept apart
   so that one person's query cannot break the others' counts. Custom SQL names tables as
   discovery does; `relation` maps the names (e.g. to a folder source's Parquet files).

So a table costs 1 statement, plus one per custom SQL rule, plus one when sampled with table
rules. row_count is judged from the unsampled COUNT(*). If the aggregate statement fails at run
time (e.g. a range bound of the wrong type for the column), each of its rules is run alone so that
only the rules at fault report an error (``Scan.fallback``).

Sampling: DuckDB ``TABLESAMPLE SYSTEM (p PERCENT)``, PostgreSQL ``TABLESAMPLE SYSTEM (p)`` (both
by block, fast, less random when errors cluster), MariaDB ``WHERE RAND() < p``, SQLite
``WHERE ABS(RANDOM()) % 1000000 < p·1000000``, a DuckDB file source ``WHERE RANDOM() < p``.
Counts are then of the sample (``ScanResult.rows``); uniqueness is judged within the sample and
nothing is grouped per distinct value.

Regex rules: the whole value must match. The pattern is checked with Python's ``re`` and limited
to what PostgreSQL (ARE), DuckDB (RE2), MariaDB (PCRE) and Python read alike (no look-around,
back-references, ``\\b``, ``\\w`` or inline flags). SQLite has no regex engine: its connections get a
``regexp()`` function in Python (the one place a row passes through Python; validators use GLOB
there instead).
"""

from .compiler import table_expression
from .kinds import KINDS
from .rule import SEVERITIES, Rule, RuleOutcome
from .run import ScanResult, install_sqlite_regexp, run_scan
from .samples import SampleQuery, compile_samples, fetch_samples, masks_for
from .scan import Scan, Statement, compile_scan
from .validation import validate

__all__ = [
    "KINDS",
    "SEVERITIES",
    "Rule",
    "RuleOutcome",
    "SampleQuery",
    "Scan",
    "ScanResult",
    "Statement",
    "compile_samples",
    "compile_scan",
    "fetch_samples",
    "install_sqlite_regexp",
    "masks_for",
    "run_scan",
    "table_expression",
    "validate",
]
