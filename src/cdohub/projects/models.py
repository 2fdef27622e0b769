"""IT projects (信息化项目), their initiation and acceptance reviews with the CDO's one-vote veto,
and supervision findings with their stop or correction orders.

A review round is the decision record: once decided it never changes (the service refuses, the
admin is read-only, and the database refuses an update of a decided row). A returned or vetoed
project goes to a new round; every round stays.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdohub.core.models import DecisionRecord, TrackedModel

from .choices import (
    CheckResult,
    Decision,
    FindingAction,
    FindingCategory,
    FindingStatus,
    FundingSource,
    OrderKind,
    ProjectKind,
    ProjectStatus,
    Recommendation,
    ReviewStatus,
    SecurityLevel,
    Severity,
    Stage,
)
from .rules import DOCUMENTS, EDITABLE, FINDING_DOCUMENTS, SUBMITTABLE

USER = settings.AUTH_USER_MODEL


def document_path(instance, filename: str) -> str:
    return f"projects/{instance.unit.code}/{instance.pk or 'new'}/{filename}"


def evidence_path(instance, filename: str) -> str:
    return f"findings/{instance.unit.code}/{filename}"


class Project(TrackedModel):
    audit_exclude = ("created_at", "updated_at", "version")

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("project name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ProjectKind.choices)
    budget = models.DecimalField(_("budget (10,000 yuan)"), max_digits=12, decimal_places=2)
    funding_source = models.CharField(_("funding source"), max_length=16, choices=FundingSource.choices)
    summary = models.TextField(_("construction content"), blank=True)
    # The information systems it builds or changes, by name.
    systems = models.JSONField(_("information systems"), default=list, blank=True)
    # The data it will collect itself, one entry a data set ("人口基础信息：姓名、公民身份号码").
    collects = models.JSONField(_("data to be collected"), default=list, blank=True)
    security_level = models.PositiveSmallIntegerField(
        _("security protection level (等保)"), choices=SecurityLevel.choices
    )
    feasibility_study = models.FileField(
        _("feasibility study (PDF)"), upload_to=document_path, max_length=300, blank=True
    )
    design = models.FileField(_("design (PDF)"), upload_to=document_path, max_length=300, blank=True)
    acceptance_report = models.FileField(
        _("acceptance report (PDF)"), upload_to=document_path, max_length=300, blank=True
    )
    uses = models.ManyToManyField(
        "catalog.Resource", verbose_name=_("catalog resources it uses"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=24, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("IT project")
        verbose_name_plural = _("IT projects")
        indexes = [models.Index(fields=["status", "unit"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="project_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(security_level__gte=1, security_level__lte=5),
                name="project_security_level_1_5",
                violation_error_message=_("The security protection level is from 1 to 5."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    def submittable_stages(self) -> list[Stage]:
        """The review stages the project may be submitted for now."""
        return [stage for stage in Stage if self.status in SUBMITTABLE[stage]]

    def document(self, name: str):
        """The uploaded document called `name`, or None."""
        return (getattr(self, name) or None) if name in DOCUMENTS else None


class Output(models.Model):
    """A data resource the project will produce, with its declared sharing; at acceptance it is
    linked to the resource registered in the catalog."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="outputs", verbose_name=_("project")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("resource name"), max_length=200)
    share_type = models.CharField(_("declared sharing"), max_length=16, blank=True)
    resource = models.ForeignKey(
        "catalog.Resource",
        verbose_name=_("catalog resource"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["project", "position"]
        verbose_name = _("data resource produced")
        verbose_name_plural = _("data resources produced")

    def __str__(self):
        return self.name


class Review(TrackedModel):
    """One round of an initiation or acceptance review: submitted by the unit, decided by its CDO."""

    audit_exclude = ("created_at", "updated_at", "version")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="reviews"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    round = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # The body whose CDO decides, fixed when the round is submitted (see policies.reviewing_body).
    reviewing_body = models.ForeignKey(
        "org.Unit", verbose_name=_("reviewed by the CDO of"), on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(_("project as submitted"), default=dict)
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_version = models.PositiveIntegerField(_("version decided on"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    cited_checks = models.JSONField(_("failed checks cited"), default=list, blank=True)

    class Meta:
        ordering = ["project", "-submitted_at", "-pk"]
        verbose_name = _("project review")
        verbose_name_plural = _("project reviews")
        indexes = [models.Index(fields=["status", "reviewing_body"])]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage", "round"], name="one_review_per_round"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="submitted"),
                name="one_open_review_per_project",
                violation_error_message=_("This project already has a review in progress."),
            ),
            models.CheckConstraint(
                condition=Q(status="submitted", decided_by__isnull=True, decision="")
                | (
                    Q(decided_by__isnull=False, decided_at__isnull=False)
                    & (
                        Q(status="approved", decision="approve")
                        | Q(status="returned", decision="return")
                        | Q(status="vetoed", decision="veto")
                    )
                ),
                name="review_decision_matches_status",
                violation_error_message=_("The decision does not match the state of the review."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "approved"]) | ~Q(reasons=""),
                name="review_return_or_veto_has_reasons",
                violation_error_message=_("A return or a veto states its reasons."),
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("submitted_by")),
                name="review_not_decided_by_submitter",
                violation_error_message=_("Whoever submitted the project cannot decide its review."),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_stage_display()} · {self.round}"

    def get_absolute_url(self):
        return reverse("projects:review_detail", args=[self.pk])

    @property
    def audit_unit_id(self):
        return self.project.unit_id

    @property
    def is_decided(self) -> bool:
        return self.status != ReviewStatus.SUBMITTED

    def save(self, *args, **kwargs):
        snapshot = getattr(self, "_audit_snapshot", None)
        if not self._state.adding and snapshot and snapshot.get("status") != ReviewStatus.SUBMITTED:
            raise ValidationError(_("A decided review is final and cannot be changed."), code="final")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Review rounds are kept for the record and cannot be deleted."), code="final")


class Check(models.Model):
    """One pre-check result as the CDO saw it: computed on submission, recomputed on request while
    the round is open, frozen with the decision."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="checks", verbose_name=_("review")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    code = models.CharField(_("check"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    result = models.CharField(_("result"), max_length=16, choices=CheckResult.choices)
    summary = models.TextField(_("finding"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["review", "position"]
        verbose_name = _("pre-check result")
        verbose_name_plural = _("pre-check results")
        constraints = [models.UniqueConstraint(fields=["review", "code"], name="one_result_per_check")]

    def __str__(self):
        return f"{self.title}：{self.get_result_display()}"


class Opinion(models.Model):
    """A joint-review opinion (联审意见) of the data bureau of the same level, before the decision."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("review")
    )
    bureau = models.ForeignKey(
        "org.Unit", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation.choices, blank=True
    )
    text = models.TextField(_("opinion"))

    class Meta:
        ordering = ["review", "at", "pk"]
        verbose_name = _("joint-review opinion")
        verbose_name_plural = _("joint-review opinions")

    def __str__(self):
        return f"{self.bureau} · {self.at:%Y-%m-%d}"


class Finding(TrackedModel):
    """A violation or risk a CDO or a bureau found in its scope, and the order it issued."""

    audit_exclude = ("created_at", "updated_at", "version")

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit concerned"), on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.ForeignKey(
        "org.Unit", verbose_name=_("issued in the name of"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_role = models.CharField(_("issued as"), max_length=32)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    category = models.CharField(_("category"), max_length=16, choices=FindingCategory.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what was found"))
    evidence = models.TextField(_("evidence"))
    evidence_file = models.FileField(
        _("evidence file (PDF)"), upload_to=evidence_path, max_length=300, blank=True
    )
    order_kind = models.CharField(_("order"), max_length=16, choices=OrderKind.choices)
    order_text = models.TextField(_("what must be done"))
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    opened_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("recorded at"))
    answer = models.TextField(_("rectification report"), blank=True)
    answer_file = models.FileField(
        _("rectification evidence (PDF)"), upload_to=evidence_path, max_length=300, blank=True
    )
    answered_by = models.ForeignKey(
        USER, verbose_name=_("reported by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "org.Unit",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("supervision finding")
        verbose_name_plural = _("supervision findings")
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_days__gte=1),
                name="finding_deadline_positive",
                violation_error_message=_("The deadline is at least one working day."),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_by__isnull=False, closed_at__isnull=False),
                name="finding_closed_by_someone",
                violation_error_message=_("A closed finding names who closed it and when."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:finding_detail", args=[self.pk])

    def document(self, name: str):
        """The uploaded evidence file called `name`, or None."""
        return (getattr(self, name) or None) if name in FINDING_DOCUMENTS else None

    @property
    def is_overdue(self) -> bool:
        from cdohub.core import clock

        return self.status == FindingStatus.OPEN and self.due_on < clock.today()


class FindingStep(DecisionRecord):
    """Append-only history of a finding: each order, answer, rejection, closure and escalation."""

    subject_field = "finding"

    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="steps", verbose_name=_("finding")
    )
    action = models.CharField(_("action"), max_length=16, choices=FindingAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=FindingStatus.choices)

    class Meta:
        ordering = ["finding", "at", "pk"]
        verbose_name = _("finding step")
        verbose_name_plural = _("finding steps")

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"
