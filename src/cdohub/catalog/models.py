"""The data resource catalog: classifications, resources with their information items, and the
census campaigns through which units register them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdohub.core.models import DecisionRecord, TrackedModel
from cdohub.core.validators import plausible_date
from cdohub.org.models import PilotProgram, Unit

from .choices import (
    CampaignStatus,
    DataType,
    OpenType,
    ParticipationStatus,
    ResourceFormat,
    ResourceStatus,
    ShareMethod,
    ShareType,
    UpdateCycle,
)

USER = settings.AUTH_USER_MODEL


class Classification(models.Model):
    """A node of the 类-项-目-细目 tree; its code is the full prefix (类 1 digit, 项 2, 目 3, 细目 any)."""

    code = models.CharField(_("classification code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def catalog_class(self) -> str:
        return self.code[0]

    @property
    def is_assignable(self) -> bool:
        """Resources are classified down to 目 (six digits) at least, so their codes are comparable."""
        return len(self.code) >= 6


class CensusCampaign(TrackedModel):
    """A data census (数据普查登记): a bureau asks units to register their resources by a deadline."""

    name = models.CharField(_("name"), max_length=200)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="census_campaigns"
    )
    program = models.ForeignKey(
        PilotProgram, verbose_name=_("pilot program"), null=True, blank=True, on_delete=models.PROTECT
    )
    instructions = models.TextField(_("instructions"), blank=True)
    deadline = models.DateField(_("deadline"))
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-deadline", "name"]
        verbose_name = _("census campaign")
        verbose_name_plural = _("census campaigns")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:campaign_detail", args=[self.pk])

    @property
    def audit_unit_id(self):
        return self.organiser_id


class Participation(TrackedModel):
    """One unit's part in a campaign: it registers, its CDO submits, the organiser accepts or returns."""

    audit_exclude = ("created_at", "updated_at", "version")

    campaign = models.ForeignKey(
        CensusCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="participations"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=ParticipationStatus.choices, default=ParticipationStatus.OPEN
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "unit__path"]
        verbose_name = _("campaign participation")
        verbose_name_plural = _("campaign participations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_participation_per_unit")
        ]

    def __str__(self):
        return f"{self.campaign} · {self.unit}"

    def get_absolute_url(self):
        return reverse("catalog:participation_detail", args=[self.pk])


class Resource(TrackedModel):
    """A government data resource with the catalog's core metadata."""

    audit_exclude = ("created_at", "updated_at", "version", "completeness")

    unit = models.ForeignKey(
        Unit, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="resources"
    )
    campaign = models.ForeignKey(
        CensusCampaign,
        verbose_name=_("census campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
    )
    classification = models.ForeignKey(
        Classification, verbose_name=_("classification"), on_delete=models.PROTECT, related_name="resources"
    )
    code = models.CharField(_("resource code"), max_length=40, unique=True)
    name = models.CharField(_("resource name"), max_length=200)
    provider_code = models.CharField(_("provider code"), max_length=32, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    format = models.CharField(_("format"), max_length=16, choices=ResourceFormat.choices, blank=True)
    share_type = models.CharField(_("sharing type"), max_length=16, choices=ShareType.choices, blank=True)
    share_conditions = models.TextField(_("sharing conditions"), blank=True)
    share_basis = models.TextField(_("legal or policy basis"), blank=True)
    share_method = models.CharField(
        _("sharing method"), max_length=16, choices=ShareMethod.choices, blank=True
    )
    open_type = models.CharField(_("open attribute"), max_length=16, choices=OpenType.choices, blank=True)
    open_conditions = models.TextField(_("open conditions"), blank=True)
    update_cycle = models.CharField(_("update cycle"), max_length=16, choices=UpdateCycle.choices, blank=True)
    released_on = models.DateField(_("release date"), null=True, blank=True, validators=[plausible_date])
    source_system = models.CharField(_("source information system"), max_length=200, blank=True)
    related_codes = models.JSONField(_("related resource codes"), default=list, blank=True)
    is_classified = models.BooleanField(_("classified (涉密)"), default=False)
    origin = models.CharField(_("discovered from"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    completeness = models.FloatField(_("metadata completeness"), default=0)
    return_reason = models.TextField(_("reason returned"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")
        indexes = [
            models.Index(fields=["campaign", "unit", "status"]),
            models.Index(fields=["status", "unit"]),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        return reverse("catalog:resource_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (ResourceStatus.DRAFT, ResourceStatus.RETURNED)

    @property
    def completeness_pct(self) -> float:
        return self.completeness * 100


class InformationItem(models.Model):
    """A column of a resource (信息项). Changes are audited as part of their resource's events."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="items", verbose_name=_("resource")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("item name"), max_length=200)
    column_name = models.CharField(_("column name"), max_length=128, blank=True)
    data_type = models.CharField(_("data type"), max_length=1, choices=DataType.choices)
    length = models.PositiveIntegerField(_("length"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        ordering = ["resource", "position"]
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        indexes = [models.Index(fields=["resource", "position"])]

    def __str__(self):
        return self.name


class ResourceDecision(DecisionRecord):
    """Append-only: each submission, publication and return of a resource."""

    subject_field = "resource"

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("resource")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ResourceStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=ResourceStatus.choices)

    class Meta:
        ordering = ["resource", "at", "pk"]
        verbose_name = _("resource decision")
        verbose_name_plural = _("resource decisions")

    def __str__(self):
        return f"{self.resource_id} {self.action}"


class CodeSequence(models.Model):
    """The last sequence number (顺序码) issued under a classification code."""

    prefix = models.CharField(max_length=16, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("code sequence")
        verbose_name_plural = _("code sequences")

    def __str__(self):
        return f"{self.prefix}/{self.last}"


class SearchEntry(models.Model):
    """A resource as the search sees it: its terms (see catalog.search) and the facets, denormalised
    so a search never joins. SQLite indexes the terms with FTS5, PostgreSQL with a GIN tsvector."""

    resource = models.OneToOneField(Resource, primary_key=True, on_delete=models.CASCADE, related_name="+")
    published = models.BooleanField(default=False)
    unit_path = models.CharField(max_length=255)
    provider = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    city = models.CharField(max_length=6)
    share_type = models.CharField(max_length=16, blank=True)
    format = models.CharField(max_length=16, blank=True)
    catalog_item = models.CharField(max_length=3)  # 类+项, the classification facet
    update_cycle = models.CharField(max_length=16, blank=True)
    title_terms = models.TextField()
    body_terms = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return str(self.resource_id)


class SearchGeneration(models.Model):
    """The search index's one generation counter: bumped, with a fresh token, by every write to the
    index, so a process holding the entries' columns in memory (catalog.columns) knows when they
    are stale. Writers queue on this row, so generations commit in the order of their numbers."""

    number = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("search index generation")
        verbose_name_plural = _("search index generations")

    def __str__(self):
        return f"{self.number}/{self.token}"


class SearchChange(models.Model):
    """The resources whose search entries one generation wrote or deleted (none: all of them)."""

    generation = models.BigIntegerField(db_index=True)
    token = models.CharField(max_length=32)
    resource_id = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")

    def __str__(self):
        return f"{self.generation}: {self.resource_id or 'all'}"


class Synonym(TrackedModel):
    """A word of the search dictionary and what else it is written as (身份证 → 公民身份号码): a
    search for the word also finds the others. Kept by the provincial data bureau."""

    term = models.CharField(_("term"), max_length=40, unique=True)
    alternatives = models.JSONField(_("also searched as"), default=list)
    two_way = models.BooleanField(
        _("both ways"), default=True, help_text=_("A search for an alternative also finds the term.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return f"{self.term} → {'、'.join(self.alternatives)}"
