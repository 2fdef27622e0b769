"""Data standards: code sets (代码集) with their values, data elements (数据元), and the links of
catalog information items to data elements, from which the items' quality rules are generated."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdohub.catalog.choices import DataType
from cdohub.catalog.models import InformationItem
from cdohub.core.models import TrackedModel
from cdohub.org.models import Unit

from .choices import StandardStatus

USER = settings.AUTH_USER_MODEL


class Standard(TrackedModel):
    """What a data element and a code set share: an identifier, a name, the standard it comes from,
    the data bureau that maintains it, and publication (a published standard is a reference others
    check against). Subclasses add `owner`, with their own related name."""

    audit_exclude = ("created_at", "updated_at", "version")

    identifier = models.CharField(_("identifier"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    standard = models.CharField(_("source standard"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        abstract = True
        ordering = ["identifier"]

    def __str__(self):
        return f"{self.name}（{self.identifier}）"

    @property
    def audit_unit_id(self):
        return self.owner_id

    @property
    def is_published(self) -> bool:
        return self.status == StandardStatus.PUBLISHED


class CodeSet(Standard):
    """A list of codes and their meanings, e.g. GB/T 2261.1 性别代码; maintained by a data bureau."""

    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Unit, verbose_name=_("maintained by"), on_delete=models.PROTECT, related_name="code_sets"
    )

    class Meta(Standard.Meta):
        verbose_name = _("code set")
        verbose_name_plural = _("code sets")

    def get_absolute_url(self):
        return reverse("standards:codeset_detail", args=[self.pk])


class CodeValue(models.Model):
    """One code of a code set; `parent` makes a hierarchical set (e.g. 类 → 项). Changes are audited
    as part of their code set's events."""

    code_set = models.ForeignKey(
        CodeSet, on_delete=models.CASCADE, related_name="values", verbose_name=_("code set")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("meaning"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["code_set", "position"]
        verbose_name = _("code value")
        verbose_name_plural = _("code values")
        constraints = [models.UniqueConstraint(fields=["code_set", "code"], name="one_code_per_set")]

    def __str__(self):
        return f"{self.code} {self.name}"


class DataElement(Standard):
    """A data element (数据元): a unit of data defined once — name, meaning, type, length, format and
    allowed values — so every resource that holds it can be checked against the same definition."""

    identifier = models.CharField(_("internal identifier"), max_length=64, unique=True)
    definition = models.TextField(_("definition"), blank=True)
    data_type = models.CharField(_("data type"), max_length=1, choices=DataType.choices)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    min_length = models.PositiveIntegerField(_("minimum length"), null=True, blank=True)
    format = models.CharField(_("representation format"), max_length=64, blank=True)
    pattern = models.CharField(_("regular expression"), max_length=1000, blank=True)
    code_set = models.ForeignKey(
        CodeSet,
        verbose_name=_("code set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elements",
    )
    validator = models.CharField(_("validator"), max_length=32, blank=True)
    owner = models.ForeignKey(
        Unit, verbose_name=_("maintained by"), on_delete=models.PROTECT, related_name="data_elements"
    )

    class Meta(Standard.Meta):
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        indexes = [models.Index(fields=["status", "owner"])]

    def get_absolute_url(self):
        return reverse("standards:element_detail", args=[self.pk])

    @property
    def validator_label(self) -> str:
        from cdohub.datakit.validators import VALIDATORS

        found = VALIDATORS.get(self.validator)
        return str(found.label) if found else self.validator


class ElementLink(TrackedModel):
    """An information item declared to hold a data element: its quality rules follow from it."""

    item = models.OneToOneField(
        InformationItem,
        verbose_name=_("information item"),
        on_delete=models.CASCADE,
        related_name="element_link",
    )
    element = models.ForeignKey(
        DataElement, verbose_name=_("data element"), on_delete=models.PROTECT, related_name="links"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(
        USER, verbose_name=_("linked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        ordering = ["item__resource_id", "item__position"]
        verbose_name = _("data element link")
        verbose_name_plural = _("data element links")

    def __str__(self):
        return f"{self.item_id} → {self.element_id}"
