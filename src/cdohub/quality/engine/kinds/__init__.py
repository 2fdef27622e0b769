"""The rule kinds, one module each (params, checks, SQL, samples, reading); a new kind is a module
here and a line in KINDS."""

from .allowed import Allowed
from .base import Kind
from .custom_sql import CustomSql
from .expression import Expression
from .freshness import Freshness
from .length import Length
from .not_null import NotNull
from .range import Range
from .referential import Referential
from .regex import Regex
from .row_count import RowCount
from .unique import Unique
from .validator import Validator

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        NotNull(),
        Unique(),
        Regex(),
        Length(),
        Range(),
        Allowed(),
        Referential(),
        Freshness(),
        RowCount(),
        Expression(),
        CustomSql(),
        Validator(),
    )
}

__all__ = ["KINDS", "Kind"]
