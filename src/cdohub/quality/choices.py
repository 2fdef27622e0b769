from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    MANUAL = "manual", _("By hand")
    COMMAND = "command", _("Command line")
    SCHEDULE = "schedule", _("Schedule")


class Schedule(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class RuleOrigin(models.TextChoices):
    MANUAL = "manual", _("Written by hand")
    ELEMENT = "element", _("From a data element")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Info")


class RuleKind(models.TextChoices):
    NOT_NULL = "not_null", _("Completeness (not null or blank)")
    UNIQUE = "unique", _("Uniqueness")
    REGEX = "regex", _("Regular expression")
    LENGTH = "length", _("Length")
    RANGE = "range", _("Range")
    ALLOWED = "allowed", _("Allowed codes")
    REFERENTIAL = "referential", _("Referential (values in another table)")
    FRESHNESS = "freshness", _("Freshness")
    ROW_COUNT = "row_count", _("Row count bounds")
    EXPRESSION = "expression", _("Cross-field expression")
    CUSTOM_SQL = "custom_sql", _("Custom SQL (read-only SELECT)")
    VALIDATOR = "validator", _("Identifier validator")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_ISSUE = (IssueStatus.OPEN, IssueStatus.ANSWERED)
