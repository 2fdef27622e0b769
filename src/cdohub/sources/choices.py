from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    POSTGRESQL = "postgresql", _("PostgreSQL")
    MYSQL = "mysql", _("MariaDB / MySQL")
    SQLITE = "sqlite", _("SQLite file")
    FILES = "files", _("Folder of CSV, Parquet or Excel files")


SERVER_KINDS = (SourceKind.POSTGRESQL, SourceKind.MYSQL)
PATH_KINDS = (SourceKind.SQLITE, SourceKind.FILES)


class Health(models.TextChoices):
    UNKNOWN = "unknown", _("Not checked")
    HEALTHY = "healthy", _("Healthy")
    UNHEALTHY = "unhealthy", _("Unhealthy")


class TableKind(models.TextChoices):
    TABLE = "table", _("Table")
    VIEW = "view", _("View")
    FILE = "file", _("File")
    SHEET = "sheet", _("Sheet")
