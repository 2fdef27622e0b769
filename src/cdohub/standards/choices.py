"""The value lists of the data standards."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cdohub.catalog.choices import DataType  # noqa: F401  (data elements use the catalog's data types)


class StandardStatus(models.TextChoices):
    """A data element or code set is drafted by its bureau, then published as a fixed reference."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# Data types whose values a database stores as text (so shapes and lengths can be checked on them).
TEXT_TYPES = frozenset({"C", "M"})
# Data types stored as numbers.
NUMBER_TYPES = frozenset({"N", "Y", "B", "I", "F"})
DATE_TYPES = frozenset({"D", "T"})


def validator_choices() -> list[tuple[str, str]]:
    """The quality engine's built-in validators, by name, with their labels."""
    from cdohub.datakit.validators import VALIDATORS

    return [(name, validator.label) for name, validator in VALIDATORS.items()]
