"""The sources app's audit events: registered data sources and their discovery."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

SOURCE_REGISTERED = event("source.registered", _("Data source registered"), "kind", "location")
SOURCE_CHANGED = event("source.changed", _("Data source changed"), "fields", "password_changed")
SOURCE_CHECKED = event("source.checked", _("Data source connection checked"), "health", "error")
CREDENTIALS_ROTATED = event("source.credentials_rotated", _("Source credentials re-encrypted"), "sources")
DISCOVERY_REQUESTED = event("source.discovery_requested", _("Discovery requested"), "source_id")
DISCOVERY_CANCELLED = event("source.discovery_cancelled", _("Discovery cancelled"), "source_id")
DISCOVERY_FAILED = event("source.discovery_failed", _("Discovery failed"), "source_id", "error")
DISCOVERED = event(
    "source.discovered",
    _("Discovery finished"),
    "source_id",
    "tables",
    "new_tables",
    "dropped_tables",
    "changed_tables",
    "compared_with",
)
