from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    NEW = "new", _("New construction")
    UPGRADE = "upgrade", _("Upgrade or extension")
    OPERATION = "operation", _("Operation and maintenance")


class FundingSource(models.TextChoices):
    BUDGET = "budget", _("Fiscal budget")
    SPECIAL = "special", _("Special fund")
    BOND = "bond", _("Government bond")
    SELF = "self", _("Self-raised")
    OTHER = "other", _("Other")


class SecurityLevel(models.IntegerChoices):
    """The graded protection level (网络安全等级保护, GB/T 22239) of the systems it builds."""

    ONE = 1, _("Level 1")
    TWO = 2, _("Level 2")
    THREE = 3, _("Level 3")
    FOUR = 4, _("Level 4")
    FIVE = 5, _("Level 5")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    INITIATION_REVIEW = "initiation_review", _("Initiation under review")
    INITIATION_RETURNED = "initiation_returned", _("Initiation returned")
    INITIATION_VETOED = "initiation_vetoed", _("Initiation vetoed")
    INITIATED = "initiated", _("Initiation approved")
    ACCEPTANCE_REVIEW = "acceptance_review", _("Acceptance under review")
    ACCEPTANCE_RETURNED = "acceptance_returned", _("Acceptance returned")
    ACCEPTANCE_VETOED = "acceptance_vetoed", _("Acceptance vetoed")
    ACCEPTED = "accepted", _("Acceptance approved")


UNDER_REVIEW = (ProjectStatus.INITIATION_REVIEW, ProjectStatus.ACCEPTANCE_REVIEW)


class Stage(models.TextChoices):
    INITIATION = "initiation", _("Initiation review (立项审查)")
    ACCEPTANCE = "acceptance", _("Acceptance review (验收审查)")


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Under review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    VETOED = "vetoed", _("Vetoed (一票否决)")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for revision")
    VETO = "veto", _("Veto")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Recommends approval")
    RETURN = "return", _("Recommends return for revision")
    VETO = "veto", _("Recommends a veto")


class CheckResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Did not pass")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class FindingCategory(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate construction")
    COLLECTION = "collection", _("Data collected without need or basis")
    SHARING = "sharing", _("Data not shared as required")
    CATALOG = "catalog", _("Data not registered in the catalog")
    QUALITY = "quality", _("Data quality problem")
    SECURITY = "security", _("Data security risk")
    PROCEDURE = "procedure", _("Project procedure violated")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    MAJOR = "major", _("Major loss possible")


class OrderKind(models.TextChoices):
    STOP = "stop", _("Stop order (制止)")
    CORRECT = "correct", _("Correction order (纠正)")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Awaiting rectification")
    ANSWERED = "answered", _("Rectification reported")
    CLOSED = "closed", _("Closed")


class FindingAction(models.TextChoices):
    OPEN = "open", _("Recorded and ordered")
    ANSWER = "answer", _("Rectification reported")
    REJECT = "reject", _("Answer rejected")
    CLOSE = "close", _("Verified and closed")
    ESCALATE = "escalate", _("Escalated as overdue")
