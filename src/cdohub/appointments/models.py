"""CDO appointments and implementation plans, each filed with the body the program's rules name."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdohub.core.models import DecisionRecord, TrackedModel
from cdohub.core.validators import plausible_date
from cdohub.datakit.validators import validate_phone

from .choices import EndReason, FilingAction, FilingStatus, Rank

OPEN = (FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RETURNED)


def document_path(instance, filename: str) -> str:
    return f"filings/{instance._meta.model_name}/{instance.unit.code}/{filename}"


class Filing(TrackedModel):
    """Something a unit files with a body for the record (备案), by the filing workflow."""

    audit_exclude = ("created_at", "updated_at", "version")

    program = models.ForeignKey(
        "org.PilotProgram", verbose_name=_("pilot program"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    filing_body = models.ForeignKey(
        "org.Unit", verbose_name=_("filed with"), on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    document = models.FileField(_("document (PDF)"), upload_to=document_path, max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    # Bumped by every transition: a decision names the version it was taken on, so of two
    # reviewers deciding at once exactly one wins and the other is told.
    version = models.PositiveIntegerField(_("version"), default=1)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in (FilingStatus.DRAFT, FilingStatus.RETURNED)


class AppointmentQuerySet(models.QuerySet):
    def holding(self, on):
        """Filed terms in force on `on`. A term runs from `effective_on` up to, not including, `ends_on`."""
        return self.filter(status=FilingStatus.FILED, effective_on__lte=on).exclude(ends_on__lte=on)


class Appointment(Filing):
    """One person's term in one post of one unit (任职), from appointment to its end."""

    objects = AppointmentQuerySet.as_manager()

    post = models.CharField(_("post"), max_length=64)
    person_name = models.CharField(_("full name"), max_length=50)
    position = models.CharField(_("position"), max_length=200)
    rank = models.CharField(_("administrative rank"), max_length=16, choices=Rank.choices)
    in_charge_of_digital_government = models.BooleanField(
        _("in charge of digital-government reform"), default=False
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    justification = models.TextField(_("justification"), blank=True)
    # Set by the service from the post's rule: appointed although below it "in principle".
    flagged = models.BooleanField(_("flagged"), default=False)
    appointing_body = models.ForeignKey(
        "org.Unit", verbose_name=_("appointed by"), on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField(_("effective on"), validators=[plausible_date])
    ends_on = models.DateField(_("term ends on"), null=True, blank=True, validators=[plausible_date])
    end_reason = models.CharField(_("end reason"), max_length=16, choices=EndReason.choices, blank=True)
    end_document_number = models.CharField(_("removal document number"), max_length=100, blank=True)
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("succeeds"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )

    class Meta:
        ordering = ["program", "unit__path", "post", "-effective_on"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [models.Index(fields=["program", "post", "status"])]
        constraints = [
            # One appointment in the making per post, and one open term per post.
            models.UniqueConstraint(
                fields=["program", "unit", "post"],
                condition=Q(status__in=OPEN),
                name="one_appointment_in_progress_per_post",
                violation_error_message=_("This post already has an appointment being filed."),
            ),
            models.UniqueConstraint(
                fields=["program", "unit", "post"],
                condition=Q(status=FilingStatus.FILED, ends_on__isnull=True),
                name="one_open_term_per_post",
                violation_error_message=_("This post already has a chief data officer in office."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("effective_on")),
                name="term_ends_after_it_starts",
                violation_error_message=_("The term cannot end before it takes effect."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.person_name}"

    def get_absolute_url(self):
        return reverse("appointments:appointment_detail", args=[self.pk])


class ImplementationPlan(Filing):
    """A pilot's implementation plan (实施方案): the document and its six dimensions."""

    title = models.CharField(_("title"), max_length=200)
    dimensions = models.JSONField(_("six dimensions"), default=dict)

    class Meta:
        ordering = ["program", "unit__path"]
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        constraints = [models.UniqueConstraint(fields=["program", "unit"], name="one_plan_per_pilot")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("appointments:plan_detail", args=[self.pk])


class FilingDecision(DecisionRecord):
    """Append-only record of each step of a filing: who, when, on which version, with what comment."""

    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("appointment"),
    )
    plan = models.ForeignKey(
        ImplementationPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("implementation plan"),
    )
    action = models.CharField(_("action"), max_length=16, choices=FilingAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=FilingStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=FilingStatus.choices)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("filing decision")
        verbose_name_plural = _("filing decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment__isnull=False, plan__isnull=True)
                | Q(appointment__isnull=True, plan__isnull=False),
                name="decision_on_one_filing",
                violation_error_message=_(
                    "A decision is on either an appointment or an implementation plan."
                ),
            )
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def subject_of(cls, filing) -> dict:
        return {"appointment" if isinstance(filing, Appointment) else "plan": filing}


class Reminder(models.Model):
    """A deadline reminder about one filing a unit owes (a post's key, or "plan"), once per offset."""

    milestone = models.ForeignKey("org.Milestone", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    filing = models.CharField(max_length=64)
    working_days_before = models.IntegerField()
    sent_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "unit", "filing", "working_days_before"], name="one_reminder_per_offset"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.working_days_before}"
