"""The standards app's audit events: data elements, code sets and their links to catalog items."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

ELEMENT_CREATED = event("standards.element_created", _("Data element created"), "identifier", "rules")
ELEMENT_RULES_CHANGED = event(
    "standards.element_rules_changed", _("Data element's rules changed"), "before", "after"
)
ELEMENT_PUBLISHED = event(
    "standards.element_published", _("Data element published"), "identifier", "version", "comment", "rules"
)
CODE_SET_CREATED = event("standards.code_set_created", _("Code set created"), "identifier", "values")
CODE_VALUES_CHANGED = event("standards.code_values_changed", _("Code values changed"), "before", "after")
CODE_SET_PUBLISHED = event(
    "standards.code_set_published", _("Code set published"), "identifier", "version", "comment"
)
ITEM_LINKED = event(
    "standards.item_linked",
    _("Information item linked to a data element"),
    "resource",
    "item",
    "item_name",
    "column",
    "element",
    "previous",
    "rules",
)
ITEM_UNLINKED = event(
    "standards.item_unlinked",
    _("Information item unlinked from its data element"),
    "resource",
    "item",
    "item_name",
    "element",
)
IMPORTED = event("standards.imported", _("Standards imported from Excel"), "elements", "code_sets")
