from django.db import models
from django.utils.translation import gettext_lazy as _


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
