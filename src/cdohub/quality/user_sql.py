"""SQL written by people: cross-field expressions and custom queries, parsed by sqlglot and refused
with a reason unless they are what the rule allows. What runs is sqlglot's rewrite of the parsed
tree, never the text as typed.

- A cross-field expression is one condition over the table's own columns: column names, literals,
  comparison, logic and arithmetic operators, CASE, CAST and a short list of functions
  (``ALLOWED_FUNCTIONS``; CAST and TRY_CAST too). No subqueries, no qualified columns, no other
  functions. It is written in the source's own dialect (date functions differ between databases).
- A custom query is exactly one SELECT (UNION/INTERSECT/EXCEPT and WITH of SELECTs allowed) with no
  INTO, no locking clause and no function known to act on the server; it runs on the source's
  read-only connection, which is the real barrier — these checks give the reason early.
"""

import re

import sqlglot
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from cdohub.datakit.sqlbuild import normalize_dialect

MAX_LENGTH = 10_000

ALLOWED_NODES = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Paren,
    exp.And,
    exp.Or,
    exp.Not,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Like,
    exp.ILike,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Mod,
    exp.Neg,
    exp.Case,
    exp.If,
    exp.Cast,
    exp.DataType,
    exp.DataTypeParam,
    exp.DPipe,
    exp.Tuple,
)

# sqlglot function nodes allowed in cross-field expressions (name as written → class)
ALLOWED_FUNCTIONS = {
    "ABS": exp.Abs,
    "ASCII": exp.Ascii,
    "COALESCE": exp.Coalesce,
    "CONCAT": exp.Concat,
    "CONCAT_WS": exp.ConcatWs,
    "EXTRACT": exp.Extract,
    "GREATEST": exp.Greatest,
    "LEAST": exp.Least,
    "LEFT": exp.Left,
    "LENGTH": exp.Length,
    "LOWER": exp.Lower,
    "NULLIF": exp.Nullif,
    "POSITION": exp.StrPosition,
    "REPLACE": exp.Replace,
    "RIGHT": exp.Right,
    "ROUND": exp.Round,
    "SUBSTRING": exp.Substring,
    "TRIM": exp.Trim,
    "UPPER": exp.Upper,
    "UNICODE": exp.Unicode,
    # formatting a date as text, as each database spells it
    "STRFTIME": exp.TimeToStr,  # DuckDB, SQLite
    "TO_CHAR": exp.ToChar,  # PostgreSQL (read as TimeToStr)
    "DATE_FORMAT": exp.TimeToStr,  # MariaDB
}
_ALLOWED_FUNCTION_CLASSES = (*ALLOWED_FUNCTIONS.values(), exp.TsOrDsToTimestamp)

WRITES = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.Command,
    exp.Into,
    exp.Lock,
    exp.Set,
    exp.Use,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
)
# Functions that act on the server or reach outside it; refused by name in custom SQL.
ACTING_FUNCTIONS = re.compile(
    r"^(pg_|lo_|dblink|nextval|setval|set_config|currval|txid_|load_file|sleep|benchmark|get_lock|"
    r"release_lock|sys_exec|sys_eval|read_|glob$|query$|query_table|copy|write|load|install|attach|"
    r"sqlite_|readfile|writefile|fts3_tokenizer|load_extension|edit$|fileio_|"
    r"(query|cursor|table|schema|database)_to_|xpath|getenv|current_setting)",
    re.IGNORECASE,
)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _parse(text: str, dialect: str) -> list[exp.Expression | None]:
    text = (text or "").strip()
    if not text:
        raise _refuse(_("Write the SQL."), "empty")
    if len(text) > MAX_LENGTH:
        raise _refuse(_("The SQL is longer than %(n)s characters.") % {"n": MAX_LENGTH}, "too_long")
    try:
        return sqlglot.parse(text, read=normalize_dialect(dialect))
    except (ParseError, TokenError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise _refuse(_("The SQL cannot be read: %(detail)s") % {"detail": detail}, "syntax") from None


def _function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name)
    if isinstance(node, exp.Func):
        return node.sql_name()
    return type(node).__name__


def parse_expression(text: str, dialect: str) -> exp.Expression:
    """The condition `text`, checked against the whitelist; raises ValidationError with the reason."""
    statements = [s for s in _parse(text, dialect) if s is not None]
    if len(statements) != 1:
        raise _refuse(_("Write one condition, not several statements."), "several")
    tree = statements[0]
    for node in tree.walk():
        if isinstance(node, exp.Column):
            if node.table or node.args.get("db"):
                raise _refuse(
                    _("Name columns without a table (%(column)s).") % {"column": node.sql()}, "qualified"
                )
            continue
        if isinstance(node, exp.Var) and isinstance(node.parent, exp.Extract):
            continue  # EXTRACT(YEAR FROM …)
        if isinstance(node, exp.Star):
            raise _refuse(_("* is not allowed in a condition."), "disallowed")
        if isinstance(node, exp.Query | exp.Subquery):
            raise _refuse(_("Subqueries are not allowed in a condition."), "disallowed")
        if isinstance(node, exp.In) and node.args.get("query"):
            raise _refuse(_("Subqueries are not allowed in a condition."), "disallowed")
        if isinstance(node, _ALLOWED_FUNCTION_CLASSES + ALLOWED_NODES):
            continue
        if isinstance(node, exp.Func):
            raise _refuse(
                _("The function %(name)s is not allowed; use one of %(allowed)s.")
                % {"name": _function_name(node), "allowed": ", ".join(sorted(ALLOWED_FUNCTIONS))},
                "function",
            )
        raise _refuse(
            _("%(what)s is not allowed in a condition.") % {"what": node.sql() or type(node).__name__},
            "disallowed",
        )
    root = tree.unnest() if isinstance(tree, exp.Paren) else tree
    if not isinstance(
        root, exp.Predicate | exp.Connector | exp.Not | exp.Boolean | exp.Like | exp.ILike | exp.Is
    ):
        raise _refuse(_("The expression must be a condition (true or false), e.g. a >= b."), "not_condition")
    if not list(tree.find_all(exp.Column)):
        raise _refuse(_("The condition must use at least one column."), "no_column")
    return tree


def expression_columns(tree: exp.Expression) -> list[str]:
    seen: list[str] = []
    for column in tree.find_all(exp.Column):
        if column.name not in seen:
            seen.append(column.name)
    return seen


def parse_custom_sql(text: str, dialect: str) -> exp.Query:
    """The one read-only query in `text`; raises ValidationError with the reason otherwise."""
    statements = [s for s in _parse(text, dialect) if s is not None]
    if len(statements) != 1:
        raise _refuse(
            _("Write exactly one SELECT statement; this SQL holds %(n)s statements.")
            % {"n": len(statements)},
            "several",
        )
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise _refuse(
            _("Only a SELECT is allowed; this SQL is a %(kind)s.") % {"kind": tree.key.upper()}, "write"
        )
    for node in tree.walk():
        if isinstance(node, WRITES):
            raise _refuse(
                _("Only reading is allowed: %(what)s is not.")
                % {"what": node.key.upper() if not isinstance(node, exp.Into) else "SELECT … INTO"},
                "write",
            )
        if isinstance(node, exp.Func):
            name = _function_name(node)
            if ACTING_FUNCTIONS.match(name):
                raise _refuse(
                    _("The function %(name)s is not allowed in custom SQL.") % {"name": name}, "function"
                )
        if isinstance(node, exp.Query) and node.args.get("locks"):
            raise _refuse(_("Locking clauses (FOR UPDATE) are not allowed."), "write")
    return tree
