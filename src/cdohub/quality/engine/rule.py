"""The values the engine takes and gives: a rule as saved, and what one scan found for it."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cdohub.datakit import validators as v

SEVERITIES = ("critical", "error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    key: str
    kind: str
    columns: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    weight: float = 1.0
    severity: str = "error"

    def __post_init__(self):
        if self.kind in v.VALIDATORS:  # Rule(key, "resident_id", …) for Rule(key, "validator", …)
            object.__setattr__(self, "params", {**dict(self.params or {}), "validator": self.kind})
            object.__setattr__(self, "kind", "validator")
        if isinstance(self.columns, str):
            object.__setattr__(self, "columns", (self.columns,))
        else:
            object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "params", MappingProxyType(dict(self.params or {})))

    @property
    def column(self) -> str:
        return self.columns[0] if self.columns else ""


@dataclass
class RuleOutcome:
    key: str
    checked: int = 0
    failed: int = 0
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.failed == 0
