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


# The roles a person holds in a unit; a role held on a unit covers everything below it.
class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("System administrator")
    BUREAU_ADMIN = "bureau_admin", _("Data bureau administrator")
    LEADING_GROUP_OFFICE = "leading_group_office", _("Leading group office")
    CDO = "cdo", _("Chief data officer")
    CDEO = "cdeo", _("Chief data executive officer")
    DATA_SPECIALIST = "data_specialist", _("Data specialist")
    STAFF = "staff", _("Staff")
    AUDITOR = "auditor", _("Auditor")


ALL_ROLES = frozenset(Role.values)
# Roles that administer the units and people of their scope.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.BUREAU_ADMIN})
# Roles that keep a unit's data: they register its resources, write its quality rules, answer its
# issues and findings (the catalog, quality and projects apps alike).
REGISTRARS = frozenset({Role.DATA_SPECIALIST, Role.CDEO, Role.CDO})
