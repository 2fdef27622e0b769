"""`path__subtree=prefix`: a tree node and everything below it, as an index range scan.

PostgreSQL and MySQL use an index for LIKE 'prefix%'; SQLite's LIKE is case-insensitive and cannot,
so there the prefix becomes the range [prefix, next prefix) on the path's binary order.
"""

from typing import TYPE_CHECKING, Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Lookup
from django.db.models.lookups import StartsWith

if TYPE_CHECKING:
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType


@CharField.register_lookup
class Subtree(Lookup[Any]):
    lookup_name = "subtree"

    def as_sql(self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper) -> "_AsSqlType":
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper) -> "_AsSqlType":
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", (*lhs_params, prefix, *lhs_params, upper)
