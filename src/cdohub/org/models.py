from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from cdohub.core.models import TrackedModel
from cdohub.datakit.identifiers import validate_uscc

from .choices import GOVERNMENT_BODIES, RegionLevel, ScopeCategory, UnitKind


class Region(models.Model):
    """An administrative division: GB/T 2260 6-digit code, or a 12-digit NBS code for towns."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # A prefecture-level city without districts (中山, 东莞) has towns and streets directly below.
    has_districts = models.BooleanField(_("has districts"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def province_code(self) -> str:
        return self.code[:2]


class Unit(MP_Node, TrackedModel):
    """A government, one of its departments, its data bureau or a leading group.

    Units form one tree of any depth (materialised path), so "this unit and everything below it"
    is a single indexed prefix query.
    """

    audit_exclude = ("created_at", "updated_at", "numchild")
    node_order_by = None

    # treebeard's tree fields, as its MP_Node declares them, named for readers of the audit history.
    path = models.CharField(_("position in the tree"), max_length=255, unique=True)
    depth = models.PositiveIntegerField(_("level in the tree"))
    numchild = models.PositiveIntegerField(_("units directly below"), default=0)

    code = models.CharField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    # 统一社会信用代码: the provider code of the unit's data resources (GB 32100)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["kind", "level"]),
            # One level of the tree in order (the top units, a node's children): the unit tree.
            models.Index(fields=["depth", "path"], name="org_unit_depth_path"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:unit_detail", args=[self.pk])

    @property
    def audit_unit_id(self):
        return self.pk

    @property
    def is_government(self) -> bool:
        return self.kind == UnitKind.GOVERNMENT

    @property
    def is_government_body(self) -> bool:
        return self.kind in GOVERNMENT_BODIES

    def government(self) -> "Unit":
        """The government a unit belongs to: itself for a government, else its parent."""
        return self if self.is_government else Unit.objects.get_parent(self)

    def ancestor_paths(self) -> list[str]:
        return [self.path[:i] for i in range(self.steplen, len(self.path), self.steplen)]

    @classmethod
    def ancestors_of(cls, units) -> dict[str, "Unit"]:
        """Every ancestor of `units`, by path, in one query whatever their number or depth."""
        paths = {p for unit in units for p in unit.ancestor_paths()}
        return {u.path: u for u in cls.objects.filter(path__in=paths).only("id", "path", "code", "name")}


class PilotProgram(TrackedModel):
    """A region's CDO pilot program, loaded from a program file (see org/programs/)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    organisational_model = models.CharField(_("organisational model"), max_length=200, blank=True)
    dimensions = models.JSONField(_("six dimensions"), default=dict)
    rules = models.JSONField(_("rules"), default=dict)
    source_sha256 = models.CharField(_("program file SHA-256"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-issued_on", "code"]
        verbose_name = _("pilot program")
        verbose_name_plural = _("pilot programs")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:program_detail", args=[self.code])

    @property
    def audit_unit_id(self):
        return self.owner_unit_id

    @property
    def scope_rules(self) -> list[dict]:
        return self.rules.get("scope_rules", [])


class Milestone(TrackedModel):
    program = models.ForeignKey(
        PilotProgram, verbose_name=_("pilot program"), on_delete=models.CASCADE, related_name="milestones"
    )
    key = models.SlugField(_("key"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    description = models.TextField(_("description"), blank=True)
    reminder_offsets = models.JSONField(_("reminders (working days before)"), default=list)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="unique_milestone_key")]

    def __str__(self):
        return f"{self.title}（{self.due_on:%Y-%m-%d}）"

    @property
    def audit_unit_id(self):
        return self.program.owner_unit_id


class ScopeMember(TrackedModel):
    """A unit in a program's pilot scope: named by the program file, or nominated by its city."""

    program = models.ForeignKey(
        PilotProgram, verbose_name=_("pilot program"), on_delete=models.CASCADE, related_name="members"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="scope_memberships"
    )
    category = models.CharField(_("category"), max_length=32, choices=ScopeCategory.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nominated under"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    nominated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["program", "unit__path"]
        verbose_name = _("scope member")
        verbose_name_plural = _("scope members")
        constraints = [models.UniqueConstraint(fields=["program", "unit"], name="unique_scope_member")]

    def __str__(self):
        return f"{self.unit} · {self.get_category_display()}"
