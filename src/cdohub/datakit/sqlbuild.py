"""Small sqlglot helpers the validators and the engine build their SQL with, one dialect at a time.

Dialects: ``duckdb`` (file sources), ``postgres``, ``mysql`` (MariaDB 10.x/11 and MySQL 8) and
``sqlite``. Everything is built as sqlglot expressions; values from rules become sqlglot literals,
so they are quoted by construction and never pasted into SQL text.

Pattern checks are written once, as GLOB patterns (``[0-9]``, ``?``, ``*``, ``[^…]``). SQLite runs
them as GLOB (it has no regular expressions); the other dialects run the same pattern translated to
an anchored regular expression (DuckDB's RE2 through ``regexp_matches``, PostgreSQL's ``~``,
MariaDB's ``REGEXP`` with ``(?-i)`` so a case-insensitive collation does not widen ``[A-Z]``).
DuckDB has GLOB too, but its GLOB negates a class with ``[!…]`` where SQLite uses ``[^…]``, so one
regex path for the three regex dialects keeps the semantics identical.
"""

import re

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.mysql import MySQL

DIALECTS = ("duckdb", "postgres", "mysql", "sqlite")


class CdohubMySQL(MySQL):
    """MySQL as sqlglot writes it, but with the ``REGEXP`` operator instead of ``REGEXP_LIKE()``,
    which MariaDB 10.x does not have."""

    class Generator(MySQL.Generator):
        TRANSFORMS = {
            **MySQL.Generator.TRANSFORMS,
            exp.RegexpLike: lambda self, e: self.binary(e, "REGEXP"),
        }


def normalize_dialect(dialect: str) -> str:
    name = (dialect or "").lower()
    aliases = {
        "postgresql": "postgres",
        "mariadb": "mysql",
        "files": "duckdb",
        "duck": "duckdb",
        "cdohubmysql": "mysql",
    }
    name = aliases.get(name, name)
    if name not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r}; one of {', '.join(DIALECTS)}")
    return name


def writer(dialect: str) -> Dialect:
    """The sqlglot dialect that writes SQL for `dialect`."""
    name = normalize_dialect(dialect)
    return CdohubMySQL() if name == "mysql" else Dialect.get_or_raise(name)


def to_sql(expression: exp.Expression, dialect: str, copy: bool = True) -> str:
    """`expression` as `dialect`'s SQL; `copy=False` for a tree built for this statement alone
    (the writer may rewrite it in place; copying a large tree costs more than writing it)."""
    return expression.sql(dialect=writer(dialect), copy=copy)


# Literals and small expressions ---------------------------------------------------------------


def num(value) -> exp.Literal:
    return exp.Literal.number(value)


def text(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def substr(value: exp.Expression, start: int, length: int) -> exp.Expression:
    return exp.Substring(this=value.copy(), start=num(start), length=num(length))


def int_div(a: exp.Expression, b: int | exp.Expression, dialect: str) -> exp.Expression:
    """Integer division of integers: ``//`` in DuckDB, ``DIV`` in MariaDB, ``/`` of two integers in
    PostgreSQL and SQLite (sqlglot's IntDiv would go through DOUBLE or NUMERIC there)."""
    b = num(b) if isinstance(b, int) else b
    if dialect in ("duckdb", "mysql"):
        return exp.IntDiv(this=_wrap(a), expression=b)
    return exp.Div(this=_wrap(a), expression=b, typed=True)


def mod(a: exp.Expression, b: int) -> exp.Expression:
    return exp.Mod(this=_wrap(a), expression=num(b))


def _wrap(e: exp.Expression) -> exp.Expression:
    if isinstance(e, exp.Binary | exp.Case | exp.Not):
        return exp.Paren(this=e)
    return e


def add_all(terms: list[exp.Expression]) -> exp.Expression:
    total = terms[0]
    for term in terms[1:]:
        total = exp.Add(this=total, expression=term)
    return exp.Paren(this=total)


def times(e: exp.Expression, factor: int) -> exp.Expression:
    return e if factor == 1 else exp.Mul(this=_wrap(e), expression=num(factor))


def int_cast(value: exp.Expression, dialect: str, safe: bool = False) -> exp.Expression:
    """Text of digits to an integer. DuckDB gets TRY_CAST, as it may evaluate a CASE branch on rows
    the condition excludes; MariaDB and SQLite casts never raise in a SELECT; PostgreSQL's do, so
    its callers guard them with the shape (`safe` is only a reminder)."""
    if dialect == "duckdb":
        return exp.TryCast(this=value, to=exp.DataType.build("INT"))
    if dialect == "mysql":
        return exp.Cast(this=value, to=exp.DataType.build("SIGNED", dialect="mysql"))
    return exp.Cast(this=value, to=exp.DataType.build("INT"))


def as_text(value: exp.Expression, dialect: str) -> exp.Expression:
    kind = {"mysql": "CHAR", "sqlite": "TEXT", "postgres": "TEXT", "duckdb": "VARCHAR"}[dialect]
    return exp.Cast(this=value, to=exp.DataType.build(kind, dialect=dialect if dialect != "mysql" else None))


def case(*whens: tuple[exp.Expression, exp.Expression], default: exp.Expression | None = None) -> exp.Case:
    node = exp.Case()
    for condition, result in whens:
        node.when(condition, result, copy=False)
    if default is not None:
        node.else_(default, copy=False)
    return node


def in_values(value: exp.Expression, values: list[exp.Expression], dialect: str) -> exp.Expression:
    """`value` IN the literal `values`. DuckDB tests a long IN list value by value, ~40 times
    slower than probing a hash table, which it builds for ``IN (SELECT UNNEST([...]))``."""
    if dialect == "duckdb" and len(values) > 4:
        array = exp.Array(expressions=[v.copy() for v in values])
        return exp.In(this=value.copy(), query=exp.select(exp.Unnest(expressions=[array])).subquery())
    return exp.In(this=value.copy(), expressions=[v.copy() for v in values])


def exact(value: exp.Expression, dialect: str) -> exp.Expression:
    """`value` compared byte for byte. MariaDB compares text in the column's collation, which for
    the usual ``*_ci`` ones makes 'a' = 'A' and '1' = '１' (full width): grouping, DISTINCT and IN
    would merge values the other databases keep apart. Elsewhere equality is exact already."""
    if dialect == "mysql":
        return exp.Cast(this=value.copy(), to=exp.DataType.build("BINARY", dialect="mysql"))
    return value


def is_blank(value: exp.Expression) -> exp.Expression:
    """TRUE for '' and spaces only, NULL for NULL: ``v = '' OR (v LIKE ' %' AND TRIM(v) = '')``,
    which trims only the values that start with a space (DuckDB: 3–4 times faster than TRIM on
    every row, as TRIM copies the string)."""
    spaces = exp.and_(
        exp.Like(this=value.copy(), expression=text(" %")),
        exp.EQ(this=exp.Trim(this=value.copy()), expression=text("")),
    )
    return exp.Paren(this=exp.or_(exp.EQ(this=value.copy(), expression=text("")), spaces))


def missing(value: exp.Expression) -> exp.Expression:
    """NULL, '' or spaces only."""
    return exp.Or(this=exp.Is(this=value.copy(), expression=exp.Null()), expression=is_blank(value))


# Patterns -------------------------------------------------------------------------------------

_GLOB_TOKEN = re.compile(r"\[[^\]]+\]|\*|\?|.", re.S)


def glob_to_regex(pattern: str) -> str:
    """A GLOB pattern as a regular-expression body (no anchors) that PostgreSQL, RE2, PCRE and
    Python read alike; runs of the same atom are written with a count, e.g. ``[0-9]{17}``."""
    atoms = []
    for token in _GLOB_TOKEN.findall(pattern):
        if token == "*":
            atoms.append(".*")
        elif token == "?":
            atoms.append(".")
        elif token.startswith("[") and len(token) > 1:
            atoms.append(token)
        else:
            atoms.append(re.escape(token))
    out, i = [], 0
    while i < len(atoms):
        j = i
        while j + 1 < len(atoms) and atoms[j + 1] == atoms[i] and atoms[i] != ".*":
            j += 1
        count = j - i + 1
        out.append(atoms[i] + (f"{{{count}}}" if count > 1 else ""))
        i = j + 1
    return "".join(out)


def regex_of(patterns: tuple[str, ...]) -> str:
    bodies = [glob_to_regex(p) for p in patterns]
    body = bodies[0] if len(bodies) == 1 else "(?:" + "|".join(bodies) + ")"
    return f"^{body}$"


# Where a regex's final ``$`` must end the text: PCRE (MariaDB) and Python also let ``$`` match
# before a final new line, so '13812345678\n' would pass there and fail elsewhere.
END_ANCHOR = {"duckdb": "$", "postgres": "$", "mysql": "\\z", "sqlite": "\\Z"}


def anchored_end(regex: str, dialect: str) -> str:
    if regex.endswith("$") and not regex.endswith("\\$"):
        return regex[:-1] + END_ANCHOR[dialect]
    return regex


def regex_match(value: exp.Expression, regex: str, dialect: str) -> exp.Expression:
    """`value` matches the anchored `regex` (``^…$``), the whole text, case-sensitively (SQLite:
    through the ``regexp()`` function, Python's ``re``, its connection must provide)."""
    regex = anchored_end(regex, dialect)
    if dialect == "mysql":
        regex = "(?-i)" + regex
    return exp.RegexpLike(this=value.copy(), expression=text(regex))


def _digit_run(pattern: str) -> tuple[int, tuple[str, ...]] | None:
    """(length, the other characters the last may be) for a pattern of ``[0-9]`` only, the last
    one possibly a wider class of single characters (``[0-9]``×17 ``[0-9Xx]``); else None."""
    tokens = _GLOB_TOKEN.findall(pattern)
    if not tokens or any(t != "[0-9]" for t in tokens[:-1]):
        return None
    last = tokens[-1]
    if last == "[0-9]":
        return len(tokens), ()
    inner = last[1:-1] if last.startswith("[") and last.endswith("]") else ""
    if not inner.startswith("0-9") or not re.fullmatch(r"[A-Za-z]*", inner[3:]):
        return None
    return len(tokens), tuple(inner[3:])


def glob_match(
    value: exp.Expression, any_of: tuple[str, ...], dialect: str, none_of: tuple[str, ...] = ()
) -> exp.Expression:
    """`value` matches one of the GLOB patterns `any_of` and none of `none_of`."""
    run = _digit_run(any_of[0]) if dialect == "postgres" and len(any_of) == 1 and not none_of else None
    if run is not None:
        # PostgreSQL's regexes cost about 1 µs a row; a run of digits is checked a third faster
        # as: so many bytes, and nothing but (one of the final characters) left once the digits
        # are trimmed from the left
        length, others = run
        rest = exp.Anonymous(this="LTRIM", expressions=[value.copy(), text("0123456789")])
        return exp.Paren(
            this=exp.and_(
                exp.EQ(
                    this=exp.Anonymous(this="OCTET_LENGTH", expressions=[value.copy()]),
                    expression=num(length),
                ),
                exp.In(this=rest, expressions=[text(""), *[text(c) for c in others]]),
            )
        )
    if dialect == "sqlite":
        found = [exp.Glob(this=value.copy(), expression=text(p)) for p in any_of]
        condition = exp.or_(*found) if len(found) > 1 else found[0]
        for p in none_of:
            condition = exp.and_(condition, exp.Not(this=exp.Glob(this=value.copy(), expression=text(p))))
        return exp.Paren(this=condition) if none_of or len(found) > 1 else condition
    condition = regex_match(value, regex_of(any_of), dialect)
    if none_of:
        avoid = regex_match(value, "^(?:" + "|".join(glob_to_regex(p) for p in none_of) + ")$", dialect)
        condition = exp.Paren(this=exp.and_(condition, exp.Not(this=avoid)))
    return condition


def python_matcher(any_of: tuple[str, ...], none_of: tuple[str, ...] = ()):
    """The same GLOB test in Python (GLOB's ``*`` and ``?`` match any character, new lines too)."""
    good = re.compile(anchored_end(regex_of(any_of), "sqlite"), re.S)
    avoid = "^(?:" + "|".join(glob_to_regex(p) for p in none_of) + ")$"
    bad = re.compile(anchored_end(avoid, "sqlite"), re.S) if none_of else None

    def matches(value: str) -> bool:
        return bool(good.match(value)) and not (bad is not None and bad.match(value))

    return matches


# Values computed once per row --------------------------------------------------------------


class Frame:
    """Where validators put the per-row values they need several times (the digits of an ID, its
    birth date as an integer, the upper-cased text).

    DuckDB and PostgreSQL get them as columns of a derived table under the aggregate (PostgreSQL's
    with a volatile ``CLOCK_TIMESTAMP()`` column, so the planner does not pull the subquery up and
    repeat each expression at every use, yet may still run it in parallel, which ``OFFSET 0``
    would prevent); a value that uses another derived value goes one level deeper. MariaDB and SQLite
    would materialise such a derived table (or merge it and repeat the expressions anyway), so
    there the value is written inline where it is used (`inline`).
    """

    PREFIX = "__dq"

    def __init__(self, dialect: str, inline: bool | None = None):
        self.dialect = normalize_dialect(dialect)
        self.inline = self.dialect in ("mysql", "sqlite") if inline is None else inline
        self.values: dict[str, tuple[str, exp.Expression, int]] = {}  # sql → (alias, expression, level)

    def derive(self, expression: exp.Expression) -> exp.Expression:
        if self.inline:
            return expression
        key = to_sql(expression, self.dialect)
        if key not in self.values:
            aliases = {alias: level for alias, _, level in self.values.values()}
            used = [aliases[c.name] for c in expression.find_all(exp.Column) if c.name in aliases]
            level = max(used, default=0) + 1
            alias = f"{self.PREFIX}{len(self.values) + 1}"
            self.values[key] = (alias, expression, level)
        return exp.column(self.values[key][0], quoted=True)

    @property
    def depth(self) -> int:
        return max((level for _, _, level in self.values.values()), default=0)

    def is_derived(self, name: str) -> bool:
        return any(alias == name for alias, _, _ in self.values.values())

    def relation(self, base: exp.Expression, columns: list[str]) -> exp.Expression:
        """`base` (a table, possibly sampled) wrapped in one derived table per level, each adding
        that level's values to the base `columns` and the values of the levels below."""
        if not self.values:
            return base
        source = base
        carried: list[str] = []
        for level in range(1, self.depth + 1):
            select = exp.Select()
            select.select(*[exp.column(c, quoted=True) for c in columns + carried], copy=False)
            for alias, expression, at in self.values.values():
                if at == level:
                    select.select(exp.alias_(expression, alias, quoted=True), copy=False)
                    carried.append(alias)
            if not columns and not carried:
                select.select(num(1), copy=False)
            if self.dialect == "postgres":
                # A volatile column keeps PostgreSQL from pulling the subquery up (which would
                # repeat each value's expression at every use); unlike OFFSET 0 it is parallel
                # safe, so the aggregate still runs in parallel workers (twice as fast here).
                fence = exp.Anonymous(this="CLOCK_TIMESTAMP", expressions=[])
                select.select(exp.alias_(fence, f"{self.PREFIX}_fence{level}", quoted=True), copy=False)
            select.from_(source, copy=False)
            source = select.subquery(f"{self.PREFIX}_l{level}", copy=False)
        return source
