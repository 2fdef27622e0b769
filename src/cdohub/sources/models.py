"""Registered data sources, their discovery runs and the tables each run found.

A source's password is stored only encrypted (`secret`), never shown again and kept out of the
field-level audit log. A run's tables are written only when it succeeds, all at once, so a failed
or cancelled run leaves the last successful snapshot as it was.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdohub.core.jobs import RunStatus
from cdohub.core.models import JobRun, TrackedModel
from cdohub.datakit.connectors import SourceConfig

from .choices import Health, SourceKind, TableKind


class DataSource(TrackedModel):
    """A database or file folder a unit registers, to discover and later to query read-only."""

    audit_exclude = ("created_at", "updated_at", "secret", "last_checked_at")

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    host = models.CharField(_("host"), max_length=255, blank=True)
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    database = models.CharField(_("database"), max_length=255, blank=True)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    schemas = models.CharField(
        _("schemas"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated; blank reads every schema the user may see (MariaDB: the database)."),
    )
    path = models.CharField(_("path"), max_length=1000, blank=True)
    # The password, Fernet-encrypted (see crypto.py). Never rendered, serialised or audited.
    secret = models.TextField(_("encrypted password"), blank=True, editable=False)
    health = models.CharField(_("health"), max_length=16, choices=Health.choices, default=Health.UNKNOWN)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="one_source_name_per_unit")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sources:source_detail", args=[self.pk])

    @property
    def has_password(self) -> bool:
        return bool(self.secret)

    @property
    def schema_list(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.schemas.split(",") if s.strip())

    @property
    def location(self) -> str:
        """Where the source is, without credentials: host:port/database or the path."""
        if self.kind in (SourceKind.SQLITE, SourceKind.FILES):
            return self.path
        port = f":{self.port}" if self.port else ""
        return f"{self.host}{port}/{self.database}" if self.database else f"{self.host}{port}"

    def config(self) -> SourceConfig:
        """What a connector needs, the password decrypted."""
        from . import crypto

        return SourceConfig(
            kind=self.kind,
            host=self.host,
            port=self.port,
            database=self.database,
            username=self.username,
            password=crypto.decrypt(self.secret),
            schemas=self.schema_list,
            path=self.path,
        )

    def last_successful_run(self):
        return self.runs.filter(status=RunStatus.SUCCEEDED).order_by("-pk").first()


class DiscoveryRun(JobRun):
    """One reading of a source's tables and columns, run as a job with progress."""

    task = "cdohub.sources.jobs.discover_source"
    progress_fields = ("tables_done", "tables_total")
    audit_exclude = ("created_at", "updated_at", "tables_done", "tables_total")

    source = models.ForeignKey(
        DataSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="runs"
    )
    # progress is counted in tables, the total unknown (null) until the source has listed them
    steps_done = steps_total = None
    tables_total = models.PositiveIntegerField(_("tables found"), null=True, blank=True)
    tables_done = models.PositiveIntegerField(_("tables read"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("discovery run")
        verbose_name_plural = _("discovery runs")
        indexes = [models.Index(fields=["source", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(tables_total__isnull=True) | Q(tables_done__lte=models.F("tables_total")),
                name="discovery_progress_within_total",
                violation_error_message=_("A discovery cannot read more tables than it found."),
            )
        ]

    def __str__(self):
        return f"{self.source} #{self.pk}"

    def get_absolute_url(self):
        return reverse("sources:run_detail", args=[self.pk])

    @property
    def audit_unit_id(self):
        return self.source.unit_id

    @staticmethod
    def time_limit() -> float:
        """Seconds a discovery may take before it is stopped."""
        return float(settings.CDOHUB.get("SOURCE_DISCOVERY_TIMEOUT", 1800))

    @classmethod
    def stale_after(cls) -> timedelta:
        """The time limit, a statement's time limit at each end, and a minute."""
        statement = float(settings.CDOHUB.get("SOURCE_STATEMENT_TIMEOUT", 30))
        return timedelta(seconds=cls.time_limit() + 2 * statement + 60)

    @property
    def percent(self) -> int:
        if self.status == RunStatus.SUCCEEDED:
            return 100
        if not self.tables_total:
            return 0
        return min(100, round(100 * self.tables_done / self.tables_total))


class DiscoveredTable(TrackedModel):
    """A table (view, file or sheet) as a successful run found it, with its columns."""

    run = models.ForeignKey(
        DiscoveryRun, verbose_name=_("discovery run"), on_delete=models.CASCADE, related_name="tables"
    )
    schema = models.CharField(_("schema"), max_length=255, blank=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=TableKind.choices, default=TableKind.TABLE)
    comment = models.TextField(_("comment"), blank=True)
    row_count = models.BigIntegerField(_("rows"), null=True, blank=True)
    row_count_exact = models.BooleanField(_("row count exact"), default=False)
    # [{name, data_type, native_type, length, scale, comment, nullable, position}, …] in column order
    columns = models.JSONField(_("columns"), default=list)

    class Meta:
        ordering = ["run", "schema", "name"]
        verbose_name = _("discovered table")
        verbose_name_plural = _("discovered tables")
        constraints = [models.UniqueConstraint(fields=["run", "schema", "name"], name="one_table_per_run")]

    def __str__(self):
        return self.qualified_name

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def audit_unit_id(self):
        return self.run.source.unit_id
