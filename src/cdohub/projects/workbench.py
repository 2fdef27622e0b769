"""What project reviews and supervision findings leave waiting for a person (see core.workbench)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.core.permissions import NOTHING, restrict
from cdohub.core.workbench import Answer, Kind, answer, contribute, granted_on, holds_any, item
from cdohub.org.choices import REGISTRARS, Role
from cdohub.org.models import Unit

from .choices import FindingStatus, ReviewStatus
from .models import Finding, Review
from .policies import BUREAU, DECIDERS


def _review(review: Review) -> object:
    when = timezone.localdate(review.submitted_at).isoformat()
    detail = _("%(unit)s · submitted %(day)s") % {"unit": review.project.unit.name, "day": when}
    return item(review, state=review.get_status_display(), detail=detail)


@contribute(
    "projects.reviews_to_decide",
    gettext_lazy("Project reviews awaiting my decision"),
    Kind.DECISION,
    empty=gettext_lazy("No project review is waiting for you as chief data officer."),
    url="projects:project_list",
)
def reviews_to_decide(user, limit: int) -> Answer:
    """Rounds under review whose reviewing body's CDO is the user (granted on exactly that body);
    never one they prepared or submitted."""
    paths = granted_on(user, DECIDERS)
    if not paths:
        return Answer(0)
    open_rounds = Review.objects.filter(status=ReviewStatus.SUBMITTED, reviewing_body__path__in=paths)
    return answer(
        open_rounds.exclude(submitted_by=user)
        .exclude(project__created_by=user)
        .select_related("project__unit")
        .order_by("submitted_at", "pk"),
        limit,
        _review,
    )


FINDING_FIELDS = ("title", "status", "order_kind", "due_on", "unit__name")


def _finding(finding: Finding) -> object:
    detail = f"{finding.unit.name} · {finding.get_order_kind_display()}"
    return item(finding, state=finding.get_status_display(), deadline=finding.due_on, detail=detail)


@contribute(
    "projects.findings_assigned",
    gettext_lazy("Supervision findings my unit must rectify"),
    Kind.ASSIGNED,
    empty=gettext_lazy("No supervision order awaits rectification by a unit you keep the data of."),
    url="projects:finding_list",
)
def findings_assigned(user, limit: int) -> Answer:
    if not holds_any(user, REGISTRARS):
        return Answer(0)
    owed = restrict(user, "answer", Finding.objects.filter(status=FindingStatus.OPEN)).exclude(opened_by=user)
    return answer(owed.select_related("unit").only(*FINDING_FIELDS).order_by("due_on", "pk"), limit, _finding)


def verified_by(user) -> Q:
    """Findings whose rectification `user` verifies: issued by their body in the same role, or by
    (or escalated to) a data bureau they administer (projects.policies.may_verify)."""
    where = NOTHING
    for role in (Role.CDO, Role.BUREAU_ADMIN):
        for path in granted_on(user, {role}):
            if role in BUREAU:  # a bureau acts through its government's administrators
                bureau = Q(issuer__path=path) | Q(
                    issuer__path__startswith=path, issuer__depth=len(path) // Unit.steplen + 1
                )
                escalated = Q(escalated_to__path=path) | Q(
                    escalated_to__path__startswith=path, escalated_to__depth=len(path) // Unit.steplen + 1
                )
                where |= (Q(issuer_role__in=BUREAU) & bureau) | escalated
            else:
                where |= Q(issuer_role=role, issuer__path=path)
    return where


@contribute(
    "projects.findings_to_verify",
    gettext_lazy("Rectifications awaiting my verification"),
    Kind.DECISION,
    empty=gettext_lazy("No unit has reported a rectification of an order your body issued."),
    url="projects:finding_list",
)
def findings_to_verify(user, limit: int) -> Answer:
    if not granted_on(user, {Role.CDO, Role.BUREAU_ADMIN}):
        return Answer(0)
    reported = Finding.objects.filter(verified_by(user), status=FindingStatus.ANSWERED).exclude(
        answered_by=user
    )
    return answer(
        reported.select_related("unit").only(*FINDING_FIELDS).order_by("due_on", "pk"), limit, _finding
    )


@contribute(
    "projects.my_reviews",
    gettext_lazy("Projects I submitted, under review"),
    Kind.SUBMITTED,
    empty=gettext_lazy("No project you submitted is under review."),
    url="projects:project_list",
)
def my_reviews(user, limit: int) -> Answer:
    mine = Review.objects.filter(submitted_by=user, status=ReviewStatus.SUBMITTED)
    return answer(mine.select_related("project__unit").order_by("-submitted_at", "pk"), limit, _review)
