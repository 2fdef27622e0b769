"""What the catalog leaves waiting for a person: reviews, drafts, submissions, census deadlines
(see core.workbench)."""

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.core.permissions import EVERYTHING, Scope, restrict, subtrees
from cdohub.core.workbench import Answer, Kind, answer, contribute, holds_any, item
from cdohub.org.choices import REGISTRARS

from .choices import CampaignStatus, ParticipationStatus, ResourceStatus
from .models import Participation, Resource
from .policies import REVIEWERS

TO_REGISTER = (ParticipationStatus.OPEN, ParticipationStatus.RETURNED)
# What a resource's item shows: fewer columns to read and convert on every home page.
RESOURCE_FIELDS = (
    "name",
    "code",
    "status",
    "return_reason",
    "submitted_at",
    "unit__name",
    "campaign__deadline",
)


def reviewed_by(user) -> Q:
    """Rows reviewed by a body the user administers: the campaign's organiser, or for a resource
    outside any campaign the provider's own government (catalog.policies.reviewing_unit)."""
    scope = Scope.of(user)
    if scope.superuser:
        return EVERYTHING
    paths = scope.paths(REVIEWERS)
    organiser, provider = subtrees("campaign__organiser__path", paths), subtrees("unit__path", paths)
    return organiser | (Q(campaign__isnull=True) & provider)


def _when(moment) -> str:
    return timezone.localdate(moment).isoformat() if moment else ""


def _resource(resource: Resource) -> object:
    deadline = resource.campaign.deadline if resource.campaign_id else None
    detail = resource.unit.name
    if resource.status == ResourceStatus.RETURNED and resource.return_reason:
        detail = _("returned: %(reason)s") % {"reason": resource.return_reason}
    return item(resource, state=resource.get_status_display(), deadline=deadline, detail=detail)


@contribute(
    "catalog.resource_reviews",
    gettext_lazy("Resource registrations awaiting my review"),
    Kind.DECISION,
    empty=gettext_lazy("No submitted data resource is waiting for your data bureau to publish or return."),
    url="catalog:resource_list",
)
def resources_to_review(user, limit: int) -> Answer:
    """Submitted resources the user's bureau reviews; never one they drafted or submitted."""
    if not holds_any(user, REVIEWERS):
        return Answer(0)
    submitted = Resource.objects.filter(reviewed_by(user), status=ResourceStatus.SUBMITTED)
    return answer(
        restrict(user, "view", submitted)
        .exclude(created_by=user)
        .exclude(submitted_by=user)
        .select_related("unit", "campaign")
        .only(*RESOURCE_FIELDS)
        .order_by("submitted_at", "pk"),
        limit,
        lambda r: item(
            r, state=r.get_status_display(), detail=_("submitted %(day)s") % {"day": _when(r.submitted_at)}
        ),
    )


@contribute(
    "catalog.census_reviews",
    gettext_lazy("Census submissions awaiting my review"),
    Kind.DECISION,
    empty=gettext_lazy("No unit has submitted its census registration to a census your bureau organises."),
    url="catalog:campaign_list",
)
def census_to_review(user, limit: int) -> Answer:
    if not holds_any(user, REVIEWERS):
        return Answer(0)
    scope = Scope.of(user)
    organised = (
        EVERYTHING if scope.superuser else subtrees("campaign__organiser__path", scope.paths(REVIEWERS))
    )
    submitted = Participation.objects.filter(organised, status=ParticipationStatus.SUBMITTED)
    return answer(
        submitted.select_related("campaign", "unit").order_by("campaign__deadline", "submitted_at", "pk"),
        limit,
        lambda p: item(p, state=p.get_status_display(), deadline=p.campaign.deadline),
    )


@contribute(
    "catalog.census_due",
    gettext_lazy("Census registrations my unit owes"),
    Kind.DEADLINE,
    empty=gettext_lazy(
        "None of your units takes part in an open census with its registration still to submit."
    ),
    url="catalog:campaign_list",
)
def census_due(user, limit: int) -> Answer:
    """Open campaigns' parts the user's units still register (or must fix), by the census deadline."""
    if not holds_any(user, REGISTRARS):
        return Answer(0)
    owed = Participation.objects.filter(status__in=TO_REGISTER, campaign__status=CampaignStatus.OPEN)
    return answer(
        restrict(user, "submit", owed)
        .select_related("campaign", "unit")
        .order_by("campaign__deadline", "pk"),
        limit,
        lambda p: item(p, state=p.get_status_display(), deadline=p.campaign.deadline),
    )


@contribute(
    "catalog.my_drafts",
    gettext_lazy("Resources I drafted, not yet submitted"),
    Kind.DRAFT,
    empty=gettext_lazy("You have no resource in draft or returned to you."),
    url="catalog:resource_list",
)
def my_drafts(user, limit: int) -> Answer:
    mine = Resource.objects.filter(
        Q(created_by=user) | Q(submitted_by=user), status__in=(ResourceStatus.DRAFT, ResourceStatus.RETURNED)
    )
    return answer(
        restrict(user, "change", mine)
        .select_related("unit", "campaign")
        .only(*RESOURCE_FIELDS)
        .order_by(F("campaign__deadline").asc(nulls_last=True), "-status", "-updated_at", "pk"),
        limit,
        _resource,
    )


@contribute(
    "catalog.my_submissions",
    gettext_lazy("Resources I submitted, under review"),
    Kind.SUBMITTED,
    empty=gettext_lazy("Nothing you submitted is waiting for review; returned ones are among your drafts."),
    url="catalog:resource_list",
)
def my_submissions(user, limit: int) -> Answer:
    return answer(
        Resource.objects.filter(submitted_by=user, status=ResourceStatus.SUBMITTED)
        .select_related("unit", "campaign")
        .only(*RESOURCE_FIELDS)
        .order_by("-submitted_at", "pk"),
        limit,
        _resource,
    )
