"""Who may see and act on data resources and census campaigns.

Everything is seen within scope (a grant covers its unit's subtree); published resources are also
searchable by every signed-in user (see catalog.search). A unit's data specialist and its CDO or CDEO
register its resources; the plan makes the CDO answer for the census, and the data specialist is
the CDO's designated operator, so each of them may submit. The organiser's data bureau reviews:
its administrators, never whoever drafted or submitted the resource.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from cdohub.accounts.choices import ALL_ROLES, Role
from cdohub.core.permissions import Scope, can, policy_for, reach, register, restrict, within_reach
from cdohub.org.choices import UnitKind
from cdohub.org.models import Unit

from .choices import CampaignStatus, ResourceStatus
from .models import CensusCampaign, Participation, Resource

REGISTRARS = frozenset({Role.DATA_SPECIALIST, Role.CDEO, Role.CDO})
REVIEWERS = frozenset({Role.BUREAU_ADMIN})

register(Resource, "unit__path", view=ALL_ROLES, change=REGISTRARS, submit=REGISTRARS)
register(Participation, "unit__path", view=ALL_ROLES, submit=REGISTRARS)
register(CensusCampaign, "organiser__path", view=ALL_ROLES, change=REVIEWERS, review=REVIEWERS)


def visible_resources(user, queryset):
    """Resources in the user's scope, and the published catalog, which every signed-in user reads."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    in_scope = reach(user, policy_for(Resource).roles_for("view"), "unit__path")
    return queryset if in_scope is None else queryset.filter(in_scope | Q(status=ResourceStatus.PUBLISHED))


def require_on_resource(user, action: str, resource: Resource) -> None:
    """Like core `require`, but a published resource is visible to all: refusing it is a 403."""
    if can(user, action, resource):
        return
    if resource.status == ResourceStatus.PUBLISHED or can(user, "view", resource):
        raise PermissionDenied
    raise Http404


def reviewing_unit(resource: Resource):
    """The body that reviews: the campaign's organiser, or else the provider's own government."""
    if resource.campaign_id:
        return resource.campaign.organiser
    return resource.unit.government()


def may_review(user, resource: Resource) -> bool:
    if user.pk in (resource.created_by_id, resource.submitted_by_id):
        return False
    scope = Scope.of(user)
    return scope.superuser or scope.covers(reviewing_unit(resource).path, REVIEWERS)


def campaigns_visible_to(user, queryset):
    """Campaigns a user organises (in scope) or takes part in."""
    organised = restrict(user, "view", queryset).values("pk")
    taking_part = within_reach(user, Participation.objects.all(), ALL_ROLES, "unit__path").values(
        "campaign_id"
    )
    return queryset.filter(Q(pk__in=organised) | Q(pk__in=taking_part))


def registrar_units(user):
    """Units for which `user` may register resources."""
    return within_reach(user, Unit.objects.filter(is_active=True), REGISTRARS)


def organisers(user):
    """Data bureaus in whose name `user` may launch a census."""
    return within_reach(user, Unit.objects.filter(kind=UnitKind.DATA_BUREAU, is_active=True), REVIEWERS)


def open_campaigns(user):
    return campaigns_visible_to(user, CensusCampaign.objects.filter(status=CampaignStatus.OPEN))


def visible_participations(user, campaign):
    """All parts of a campaign for its organisers; a participant sees the parts in its scope."""
    parts = campaign.participations.all()
    return parts if can(user, "view", campaign) else restrict(user, "view", parts)
