"""Who may see and act on the data standards.

Data elements and code sets are maintained by data bureaus (their administrators, within the
bureau's area): a draft is seen within scope, and a published standard is read by every signed-in
user. An information item is linked to a data element by the item's registrars — whoever may
register its resource (the unit's data specialist, CDEO and CDO, catalog.policies.REGISTRARS).
Linking is quality metadata about the item, not a change of the registered resource, so a
published (or submitted) resource's items may be linked and unlinked too.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from cdohub.accounts.choices import ALL_ROLES, Role
from cdohub.catalog.models import Resource
from cdohub.catalog.policies import REGISTRARS, require_on_resource, visible_resources
from cdohub.core.permissions import can, register, restrict, within_reach
from cdohub.org.choices import UnitKind
from cdohub.org.models import Unit

from .choices import StandardStatus
from .models import CodeSet, DataElement, ElementLink

STEWARDS = frozenset({Role.BUREAU_ADMIN})

register(CodeSet, "owner__path", view=ALL_ROLES, change=STEWARDS)
register(DataElement, "owner__path", view=ALL_ROLES, change=STEWARDS)
register(ElementLink, "unit__path", view=ALL_ROLES, change=REGISTRARS)


def _visible(user, queryset):
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    in_scope = restrict(user, "view", queryset).values("pk")
    return queryset.filter(Q(pk__in=in_scope) | Q(status=StandardStatus.PUBLISHED))


def visible_elements(user, queryset=None):
    """Data elements in the user's scope, and every published one."""
    return _visible(user, DataElement.objects.all() if queryset is None else queryset)


def visible_code_sets(user, queryset=None):
    return _visible(user, CodeSet.objects.all() if queryset is None else queryset)


def require_on_standard(user, action: str, obj) -> None:
    """Like core `require`, but a published standard is visible to all: refusing it is a 403."""
    if can(user, action, obj):
        return
    if obj.status == StandardStatus.PUBLISHED or can(user, "view", obj):
        raise PermissionDenied
    raise Http404


def steward_units(user):
    """The data bureaus in whose name `user` may maintain standards."""
    return within_reach(user, Unit.objects.filter(kind=UnitKind.DATA_BUREAU, is_active=True), STEWARDS)


def may_maintain(user) -> bool:
    return steward_units(user).exists()


def visible_links(user, queryset=None):
    """Links of the items the user can see: those of resources in scope and of the published catalog."""
    queryset = ElementLink.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    resources = visible_resources(user, Resource.objects.all()).values("pk")
    return queryset.filter(item__resource_id__in=resources)


def may_link(user, resource: Resource) -> bool:
    """Whether `user` may link the items of `resource` (its registrars; whatever its status)."""
    return can(user, "change", resource)


def require_link(user, resource: Resource) -> None:
    """404 when the resource is out of sight, 403 when it is visible but the user does not register
    it — the catalog's own test for changing a resource, without its test of the status."""
    require_on_resource(user, "change", resource)
