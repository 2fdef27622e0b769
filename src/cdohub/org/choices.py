from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture-level city")
    COUNTY = "county", _("County-level")
    TOWN = "town", _("Town or street")


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    DEPARTMENT = "department", _("Department")
    DATA_BUREAU = "data_bureau", _("Data management department")
    LEADING_GROUP = "leading_group", _("Leading group")
    OTHER = "other", _("Other")


# Kinds that hang under a government and share its region and level.
GOVERNMENT_BODIES = frozenset(
    {UnitKind.DEPARTMENT, UnitKind.DATA_BUREAU, UnitKind.LEADING_GROUP, UnitKind.OTHER}
)


class ScopeCategory(models.TextChoices):
    PILOT_DEPARTMENT = "pilot_department", _("Pilot department")
    PILOT_CITY = "pilot_city", _("Pilot city")
    PILOT_COUNTY = "pilot_county", _("Pilot county, district or town")
    PILOT_CITY_DEPARTMENT = "pilot_city_department", _("Pilot municipal department")


# The six dimensions along which pilot programs are compared (the 2024 comparison paper).
DIMENSIONS = [
    ("objectives", _("Work objectives")),
    ("scope", _("Pilot scope")),
    ("organisation", _("Organisational system")),
    ("responsibilities", _("Main responsibilities")),
    ("steps", _("Implementation steps")),
    ("safeguards", _("Safeguards")),
]
