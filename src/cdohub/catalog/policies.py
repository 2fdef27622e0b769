"""Who may see and act on data resources and census campaigns.

Everything is seen within scope (a grant covers its unit's subtree), and the published catalog by
every signed-in user; what lies behind a resource's public face (its checks, its place in a unit's
register) is inspected within scope only. A census is seen by its organiser's scope and by the
units taking part; a part of it by its unit's scope and by the organiser's. A unit's data
specialist and its CDO or CDEO register its resources; the plan makes the CDO answer for the
census, and the data specialist is the CDO's designated operator, so each of them may submit. The
organiser's data bureau reviews: its administrators, never whoever drafted or submitted the
resource.
"""

from django.db.models import Q

from cdohub.core.permissions import Scope, register, restrict, units_where
from cdohub.org.choices import ALL_ROLES, REGISTRARS, RegionLevel, Role, UnitKind
from cdohub.org.models import Unit

from .choices import CampaignStatus, ResourceStatus
from .models import CensusCampaign, Participation, Resource

REVIEWERS = frozenset({Role.BUREAU_ADMIN})

register(
    Resource,
    "unit__path",
    public=Q(status=ResourceStatus.PUBLISHED),
    view=ALL_ROLES,
    inspect=ALL_ROLES,
    change=REGISTRARS,
    submit=REGISTRARS,
)
register(Participation, "unit__path", seen_from=["campaign"], view=ALL_ROLES, submit=REGISTRARS)
register(
    CensusCampaign,
    "organiser__path",
    seen_from=["participations"],
    view=ALL_ROLES,
    change=REVIEWERS,
    review=REVIEWERS,
)


def reviewing_unit(resource: Resource):
    """The body that reviews: the campaign's organiser, or else the provider's own government."""
    if resource.campaign is not None:
        return resource.campaign.organiser
    return resource.unit.government()


def registrar_units(user):
    """Units for which `user` may register resources."""
    return Unit.objects.filter(units_where(user, REGISTRARS), is_active=True)


def organisers(user):
    """Data bureaus in whose name `user` may launch a census."""
    return Unit.objects.filter(units_where(user, REVIEWERS), kind=UnitKind.DATA_BUREAU, is_active=True)


def open_campaigns(user):
    """Open census campaigns the user organises or takes part in."""
    return restrict(user, "view", CensusCampaign.objects.filter(status=CampaignStatus.OPEN))


def keeps_dictionary(user) -> bool:
    """The provincial data bureau (an administrator on a province-level unit) keeps the search
    dictionary, as it keeps the calendar: one dictionary serves the whole province."""
    scope = Scope.of(user)
    if scope.superuser or Role.SYSADMIN in scope.roles:
        return True
    paths = [path for role, path in scope.grants if role == Role.BUREAU_ADMIN]
    return Unit.objects.filter(path__in=paths, region__level=RegionLevel.PROVINCE).exists()
