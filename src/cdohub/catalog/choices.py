"""The value lists of the government catalog's core metadata (政务信息资源目录编制指南)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogClass(models.TextChoices):
    """The first digit (类) of a classification code."""

    BASIC = "1", _("Basic information resources")
    THEME = "2", _("Thematic information resources")
    DEPARTMENT = "3", _("Departmental information resources")


class ResourceFormat(models.TextChoices):
    DOCUMENT = "document", _("Electronic file")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    DATABASE = "database", _("Database")
    IMAGE = "image", _("Graphics and images")
    STREAM = "stream", _("Streaming media")
    SELF_DESCRIBING = "self_describing", _("Self-describing format")
    OTHER = "other", _("Other")


class ShareType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("Shared unconditionally")
    CONDITIONAL = "conditional", _("Shared on conditions")
    NONE = "none", _("Not shared")


class ShareMethod(models.TextChoices):
    API = "api", _("Interface")
    FILE = "file", _("File")
    DATABASE = "database", _("Database")


# The sharing methods that fit each format: a file is shared as a file, a database through the
# database or an interface (the catalog guide's rule); self-describing data either way.
FORMAT_METHODS = {
    ResourceFormat.DOCUMENT: {ShareMethod.FILE},
    ResourceFormat.SPREADSHEET: {ShareMethod.FILE},
    ResourceFormat.IMAGE: {ShareMethod.FILE},
    ResourceFormat.STREAM: {ShareMethod.FILE, ShareMethod.API},
    ResourceFormat.DATABASE: {ShareMethod.DATABASE, ShareMethod.API},
    ResourceFormat.SELF_DESCRIBING: {ShareMethod.API, ShareMethod.FILE},
    ResourceFormat.OTHER: set(ShareMethod),
}


class OpenType(models.TextChoices):
    UNCONDITIONAL = "unconditional", _("Open unconditionally")
    CONDITIONAL = "conditional", _("Open on conditions")
    NONE = "none", _("Not open")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    OTHER = "other", _("Other")


class DataType(models.TextChoices):
    """The catalog guide's information-item data types, by their one-letter codes."""

    CHAR = "C", _("Character")
    NUMERIC = "N", _("Numeric")
    CURRENCY = "Y", _("Currency")
    DATE = "D", _("Date")
    DATETIME = "T", _("Date and time")
    LOGICAL = "L", _("Logical")
    MEMO = "M", _("Memo")
    BINARY = "G", _("General (binary)")
    DOUBLE = "B", _("Double precision")
    INTEGER = "I", _("Integer")
    FLOAT = "F", _("Floating point")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Under way")
    CLOSED = "closed", _("Closed")


class ParticipationStatus(models.TextChoices):
    OPEN = "open", _("Registering")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


# The guide's mandatory core: a resource cannot be submitted without these (conditions, basis and
# sharing method are required by the sharing rules on top).
REQUIRED_FIELDS = ("name", "classification", "summary", "format", "share_type", "open_type", "update_cycle")
# What a census campaign may require in addition.
CAMPAIGN_FIELDS = ("released_on", "source_system", "related_codes", "items")
# Completeness is measured over the whole core metadata, so a rich entry scores above a bare one.
METADATA_FIELDS = (*REQUIRED_FIELDS, "share_method", *CAMPAIGN_FIELDS)
