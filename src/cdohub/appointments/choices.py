from django.db import models
from django.utils.translation import gettext_lazy as _


class Rank(models.TextChoices):
    PRINCIPAL = "principal", _("Principal (正职)")
    DEPUTY = "deputy", _("Administrative deputy (行政副职)")
    OTHER = "other", _("Other")


# Higher is more senior; a post's `min_rank` is compared on this scale.
RANK_ORDER = {Rank.OTHER: 0, Rank.DEPUTY: 1, Rank.PRINCIPAL: 2}


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    FILED = "filed", _("Filed")


class FilingAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    FILE = "file", _("Filed")
    RETURN = "return", _("Returned")


class EndReason(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded by a new appointment")
    REMOVED = "removed", _("Removed from post (免职)")


class UnitFilingState(models.TextChoices):
    """Where a unit in the pilot scope stands on a filing, as the dashboard counts it."""

    FILED = "filed", _("Filed")
    PENDING = "pending", _("Pending review")
    RETURNED = "returned", _("Returned")
    MISSING = "missing", _("Missing")
