from cdohub.core.permissions import SIGNED_IN, register

from .choices import ADMIN_ROLES
from .models import Milestone, PilotProgram, Region, ScopeMember, Unit

# The directory is readable by every signed-in user: departments must find each other to share
# data. Changing units, programs and nominations is for administrators within their scope.
register(Region, "code", view=SIGNED_IN)
register(Unit, "path", view=SIGNED_IN, change=ADMIN_ROLES)
register(PilotProgram, "owner_unit__path", view=SIGNED_IN, change=ADMIN_ROLES)
register(Milestone, "program__owner_unit__path", view=SIGNED_IN, change=ADMIN_ROLES)
# A nomination belongs to the city that made it: its administrators nominate and withdraw.
register(ScopeMember, "parent__unit__path", view=SIGNED_IN, change=ADMIN_ROLES)
