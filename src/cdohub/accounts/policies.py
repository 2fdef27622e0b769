from cdohub.core.permissions import register
from cdohub.org.choices import ADMIN_ROLES, ALL_ROLES

from .models import ApiToken, RoleAssignment, User

# Users and role assignments are seen only within scope; administrators change them.
register(User, "home_unit__path", view=ALL_ROLES, change=ADMIN_ROLES)
register(RoleAssignment, "unit__path", view=ALL_ROLES, change=ADMIN_ROLES)
register(ApiToken, "user__home_unit__path", view=ADMIN_ROLES, change=ADMIN_ROLES)
