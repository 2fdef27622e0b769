"""The catalog app's audit events: data resources, their review, census campaigns and imports."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

REVIEW = ("version", "comment")

RESOURCE_REGISTERED = event("resource.registered", _("Data resource registered"), "code", "items")
RESOURCE_ITEMS_CHANGED = event("resource.items_changed", _("Information items changed"), "before", "after")
RESOURCE_DELETED = event("resource.deleted", _("Draft data resource deleted"), "code", "title", "items")
RESOURCE_SUBMITTED = event("resource.submitted", _("Data resource submitted"), *REVIEW)
RESOURCE_PUBLISHED = event("resource.published", _("Data resource published"), *REVIEW)
RESOURCE_RETURNED = event("resource.returned", _("Data resource returned"), *REVIEW)
CENSUS_LAUNCHED = event("census.launched", _("Census launched"), "deadline", "units", "required")
CENSUS_SUBMITTED = event("census.submitted", _("Census part submitted"), "resources")
CENSUS_CLOSED = event("census.closed", _("Census closed"))
CATALOG_IMPORTED = event(
    "catalog.imported", _("Catalog imported from Excel"), "file", "sha256", "created", "updated"
)
SYNONYM_SAVED = event(
    "catalog.synonym_saved", _("Search synonym saved"), "term", "alternatives", "two_way", "before"
)
SYNONYM_DELETED = event("catalog.synonym_deleted", _("Search synonym deleted"), "term", "alternatives")
SYNONYMS_IMPORTED = event(
    "catalog.synonyms_imported", _("Search synonyms imported from Excel"), "sha256", "created", "updated"
)
