"""Who may see and act on the data standards.

Data elements and code sets are maintained by data bureaus (their administrators, within the
bureau's area): a draft is seen within scope, and a published standard is read by every signed-in
user. An information item is linked to a data element by the item's registrars — whoever may
register its resource (the unit's data specialist, CDEO and CDO, catalog.policies.REGISTRARS).
Linking is quality metadata about the item, not a change of the registered resource, so a
published (or submitted) resource's items may be linked and unlinked too.
"""

from django.db.models import Q

from cdohub.core.permissions import register, units_where
from cdohub.org.choices import ALL_ROLES, REGISTRARS, Role, UnitKind
from cdohub.org.models import Unit

from .choices import StandardStatus
from .models import CodeSet, DataElement, ElementLink

STEWARDS = frozenset({Role.BUREAU_ADMIN})
PUBLISHED = Q(status=StandardStatus.PUBLISHED)

register(CodeSet, "owner__path", public=PUBLISHED, view=ALL_ROLES, change=STEWARDS)
register(DataElement, "owner__path", public=PUBLISHED, view=ALL_ROLES, change=STEWARDS)
# A link is seen with its item: wherever its resource is seen, in scope or in the published catalog.
register(ElementLink, "unit__path", seen_from=["item__resource"], view=ALL_ROLES, change=REGISTRARS)


def steward_units(user):
    """The data bureaus in whose name `user` may maintain standards."""
    return Unit.objects.filter(units_where(user, STEWARDS), kind=UnitKind.DATA_BUREAU, is_active=True)


def may_maintain(user) -> bool:
    return steward_units(user).exists()
