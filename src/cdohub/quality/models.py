"""Where a resource's data lives, the rules it must meet, the runs that check them and the issues
failing rules open.

- A **binding** ties a catalog resource to a table of a registered data source (the schema and
  table as discovery names them), with an optional sampling fraction and schedule.
- A **rule** belongs to the resource and names the source table's columns by name (catalog items
  can be re-created by catalog edits, so no foreign key to items). Rules made from a data element
  carry its identifier and are replaced when the element is linked again.
- A **run** checks every enabled rule of one resource in one pass (see ``engine``) and keeps, per
  rule, a **result**: rows checked, rows failing, the rule's error, masked failing-row samples.
- A **quality issue** is opened for the provider unit by a failing rule, answered by the unit and
  closed by the first later run in which the rule passes.
"""

import datetime
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdohub.core import clock
from cdohub.core.jobs import RunStatus
from cdohub.core.models import JobRun, TrackedModel

from .choices import (
    OPEN_ISSUE,
    IssueStatus,
    RuleKind,
    RuleOrigin,
    Schedule,
    Severity,
    Trigger,
)

USER = settings.AUTH_USER_MODEL


def rule_label(kind: str, columns, params) -> str:
    from cdohub.datakit.validators import VALIDATORS

    text = str(RuleKind(kind).label) if kind in RuleKind.values else kind
    if kind == RuleKind.VALIDATOR and params.get("validator") in VALIDATORS:
        text = str(VALIDATORS[params["validator"]].label)
    columns = ", ".join(columns or [])
    return f"{columns}: {text}" if columns else text


# Each rule parameter: what it means, and whether its value is code (a pattern, an expression,
# SQL, a table or column name) shown as written.
PARAMETERS = {
    "min": (_("minimum"), False),
    "max": (_("maximum"), False),
    "pattern": (_("pattern (regular expression)"), True),
    "values": (_("allowed values"), False),
    "validator": (_("identifier check"), False),
    "codes": (_("region codes allowed"), False),
    "expression": (_("condition every row meets"), True),
    "fails_when": (_("condition that fails a row"), True),
    "blank": (_("blank text counts as missing"), False),
    "hours": (_("within hours"), False),
    "days": (_("within days"), False),
    "table": (_("reference table"), True),
    "column": (_("reference column"), True),
    "sql": (_("query returning the failing rows"), True),
}
PARAMETER_EXAMPLES = {
    "min": "0",
    "max": "100",
    "pattern": "^[0-9]{6}$",
    "values": '["男", "女"]',
    "validator": '"resident_id"',
    "codes": '["440900", "440902"]',
    "expression": '"end_date >= start_date"',
    "fails_when": '"amount < 0"',
    "blank": "true",
    "hours": "24",
    "days": "1",
    "table": '"dm_xzqh"',
    "column": '"dm"',
    "sql": '"SELECT … WHERE …"',
}


def describe_params(params: dict) -> list[tuple[str, str, bool]]:
    """A rule's parameters as a reader reads them: (what it is, its value, whether the value is code)."""
    from cdohub.datakit.validators import VALIDATORS

    described = []
    for name, value in (params or {}).items():
        label, is_code = PARAMETERS.get(name, (name, True))
        if name == "validator" and value in VALIDATORS:
            shown = str(VALIDATORS[value].label)
        elif isinstance(value, bool):
            shown = str(_("yes") if value else _("no"))
        elif isinstance(value, list | tuple):
            shown = "、".join(str(v) for v in value)
        else:
            shown = str(value)
        described.append((str(label), shown, is_code))
    return described


class Binding(TrackedModel):
    """The table a catalog resource's data lives in."""

    resource = models.OneToOneField(
        "catalog.Resource",
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="quality_binding",
    )
    source = models.ForeignKey(
        "sources.DataSource", verbose_name=_("data source"), on_delete=models.PROTECT, related_name="+"
    )
    schema = models.CharField(_("schema"), max_length=255, blank=True)
    table = models.CharField(_("table"), max_length=255)
    sample = models.FloatField(
        _("sampling fraction"),
        null=True,
        blank=True,
        help_text=_("Scan about this fraction of the rows (0 to 1); blank scans every row."),
    )
    schedule = models.CharField(_("schedule"), max_length=8, choices=Schedule.choices, blank=True)
    next_run_at = models.DateTimeField(_("next scheduled run"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("quality binding")
        verbose_name_plural = _("quality bindings")
        indexes = [models.Index(fields=["schedule", "next_run_at"])]

    def __str__(self):
        return f"{self.resource} → {self.source}:{self.qualified_table}"

    @property
    def qualified_table(self) -> str:
        return f"{self.schema}.{self.table}" if self.schema else self.table

    @property
    def audit_unit_id(self):
        return self.resource.unit_id

    def get_absolute_url(self):
        return reverse("quality:resource_quality", args=[self.resource_id])


class Rule(TrackedModel):
    """One check a resource's data must pass."""

    resource = models.ForeignKey(
        "catalog.Resource", verbose_name=_("resource"), on_delete=models.CASCADE, related_name="quality_rules"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    weight = models.FloatField(_("weight"), default=1.0)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR)
    enabled = models.BooleanField(_("enabled"), default=True)
    origin = models.CharField(
        _("origin"), max_length=8, choices=RuleOrigin.choices, default=RuleOrigin.MANUAL
    )
    element = models.CharField(_("data element"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["resource", "pk"]
        verbose_name = _("quality rule")
        verbose_name_plural = _("quality rules")

    def __str__(self):
        return self.label

    @property
    def key(self) -> str:
        return f"r{self.pk}"

    @property
    def label(self) -> str:
        """The columns and what is checked, in the reader's language."""
        return rule_label(self.kind, self.columns, self.params)

    @property
    def audit_unit_id(self):
        return self.resource.unit_id

    @property
    def params_display(self) -> list[tuple[str, str, bool]]:
        return describe_params(self.params)

    @property
    def params_text(self) -> str:
        return json.dumps(self.params, ensure_ascii=False) if self.params else ""

    def get_absolute_url(self):
        return reverse("quality:resource_quality", args=[self.resource_id])


class Run(JobRun):
    """One check of a resource's rules on its table, run as a job."""

    task = "cdohub.quality.jobs.run_quality_scan"
    stale_statuses = (RunStatus.RUNNING,)  # a queued run may wait out its retry delay
    now = staticmethod(clock.now)

    resource = models.ForeignKey(
        "catalog.Resource", verbose_name=_("resource"), on_delete=models.CASCADE, related_name="quality_runs"
    )
    binding = models.ForeignKey(
        Binding,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
        verbose_name=_("binding"),
    )
    trigger = models.CharField(_("started"), max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    requested_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    source_name = models.CharField(_("data source"), max_length=200, blank=True)
    table = models.CharField(_("table"), max_length=520, blank=True)
    dialect = models.CharField(_("dialect"), max_length=16, blank=True)
    rows = models.BigIntegerField(_("rows checked"), null=True, blank=True)
    table_rows = models.BigIntegerField(_("rows in the table"), null=True, blank=True)
    sampled = models.BooleanField(_("sampled"), default=False)
    statements = models.PositiveIntegerField(_("statements"), default=0)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    rules_failed = models.PositiveIntegerField(_("rules failed"), default=0)
    rules_errored = models.PositiveIntegerField(_("rule errors"), default=0)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("quality run")
        verbose_name_plural = _("quality runs")
        indexes = [
            models.Index(fields=["resource", "status", "finished_at"]),
            models.Index(fields=["status", "not_before"]),
        ]

    def __str__(self):
        return f"{self.resource} #{self.pk}"

    def get_absolute_url(self):
        return reverse("quality:run_detail", args=[self.pk])

    @property
    def audit_unit_id(self):
        return self.resource.unit_id

    @classmethod
    def stale_after(cls) -> datetime.timedelta:
        limit = float(settings.CDOHUB.get("SOURCE_STATEMENT_TIMEOUT", 30))
        return datetime.timedelta(seconds=max(3600, 20 * limit))

    @property
    def percent(self) -> int:
        if self.status == RunStatus.SUCCEEDED:
            return 100
        if not self.steps_total:
            return 0
        return min(99, round(100 * self.steps_done / self.steps_total))


class RuleResult(models.Model):
    """What one run found for one rule (the rule as it was then)."""

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="results", verbose_name=_("quality check")
    )
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="results", verbose_name=_("rule")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    label = models.CharField(_("rule"), max_length=400)
    weight = models.FloatField(_("weight"), default=1.0)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    checked = models.BigIntegerField(_("checked"), default=0)
    failed = models.BigIntegerField(_("failed"), default=0)
    error = models.TextField(_("rule error"), blank=True)
    pass_rate = models.FloatField(_("pass rate"), null=True, blank=True)
    samples = models.JSONField(_("failing rows (masked)"), default=list, blank=True)
    sample_columns = models.JSONField(default=list, blank=True, verbose_name=_("sample columns"))

    class Meta:
        ordering = ["run", "pk"]
        verbose_name = _("rule result")
        verbose_name_plural = _("rule results")

    def __str__(self):
        return self.label

    @property
    def heading(self) -> str:
        """The rule as it was checked, in the reader's language."""
        return rule_label(self.kind, self.columns, self.params)

    @property
    def passed(self) -> bool:
        return not self.error and self.failed == 0

    @property
    def audit_unit_id(self):
        return self.run.resource.unit_id


class IssueQuerySet(models.QuerySet):
    def still_open(self):
        """Opened and not yet closed (answered or not): a later passing run closes them."""
        return self.filter(status__in=OPEN_ISSUE)

    def overdue(self, today):
        """Still open past the day they were to be rectified by."""
        return self.still_open().filter(due_on__lt=today)


class Issue(TrackedModel):
    """A rule the provider unit's data fails, to rectify by a deadline in working days."""

    objects = IssueQuerySet.as_manager()

    resource = models.ForeignKey(
        "catalog.Resource",
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="quality_issues",
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues", verbose_name=_("rule")
    )
    title = models.CharField(_("title"), max_length=400)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    opened_run = models.ForeignKey(
        Run, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("opened by check")
    )
    last_run = models.ForeignKey(
        Run, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("latest check")
    )
    closed_run = models.ForeignKey(
        Run,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by check"),
    )
    failed = models.BigIntegerField(_("failing rows"), default=0)
    opened_at = models.DateTimeField(_("opened at"))
    due_on = models.DateField(_("rectify by"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "org.Unit",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("quality issue")
        verbose_name_plural = _("quality issues")
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["resource", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quality:issue_detail", args=[self.pk])

    @property
    def heading(self) -> str:
        """The resource and the failing rule, in the reader's language (the stored title: as opened)."""
        if self.rule_id is None:
            return self.title
        return f"{self.resource.name}: {self.rule.label}"

    @property
    def is_open(self) -> bool:
        return self.status != IssueStatus.CLOSED

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_on < today
