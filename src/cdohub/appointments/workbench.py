"""What the filing workflow leaves waiting for a person (see core.workbench)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.core.permissions import NOTHING, Scope, signed_in
from cdohub.core.workbench import Answer, Kind, answer, contribute, granted_on, holds_any, item
from cdohub.org.choices import UnitKind
from cdohub.org.models import Milestone, Unit

from . import rules
from .choices import FilingStatus
from .models import Appointment, ImplementationPlan
from .policies import DECIDERS, DEPARTMENT_PREPARERS, PREPARERS

FILINGS = (Appointment, ImplementationPlan)
PREPARER_ROLES = frozenset(DEPARTMENT_PREPARERS).union(*PREPARERS.values())
ACTING_THROUGH_GOVERNMENT = (UnitKind.LEADING_GROUP, UnitKind.DATA_BUREAU)


def bodies_decided_by(user) -> Q:
    """Filings whose filing body `user` decides for: a body they administer, or the leading group
    or data bureau of the government they administer (appointments.policies.body_paths)."""
    paths = granted_on(user, DECIDERS)
    if not paths:
        return NOTHING
    where = Q(filing_body__path__in=paths)
    for path in paths:
        where |= _child_of("filing_body", path) & Q(filing_body__kind__in=ACTING_THROUGH_GOVERNMENT)
    return where


def _child_of(lookup: str, path: str) -> Q:
    return Q(**{f"{lookup}__path__startswith": path, f"{lookup}__depth": len(path) // Unit.steplen + 1})


def bodies_prepared_by(user, lookup: str) -> Q:
    """Filings whose preparing body (at `lookup`) `user` prepares for, by the same exact-grant rule
    as appointments.policies.may_prepare: a grant higher up the tree does not count."""
    where = NOTHING
    kind = f"{lookup}__kind"
    for role, path in Scope.of(user).grants if signed_in(user) else ():
        here = Q(**{f"{lookup}__path": path})
        if role in PREPARERS[UnitKind.GOVERNMENT]:
            where |= here & Q(**{kind: UnitKind.GOVERNMENT})
        if role in PREPARERS[UnitKind.LEADING_GROUP]:
            where |= (here | _child_of(lookup, path)) & Q(**{kind: UnitKind.LEADING_GROUP})
        if role in DEPARTMENT_PREPARERS:
            others = ~Q(**{f"{kind}__in": (UnitKind.GOVERNMENT, UnitKind.LEADING_GROUP)})
            where |= (here & others) | (_child_of(lookup, path) & Q(**{kind: UnitKind.DATA_BUREAU}))
    return where


def _submitted_on(filing) -> str:
    moment = filing.submitted_at
    return _("submitted %(day)s") % {"day": timezone.localdate(moment).isoformat()} if moment else ""


@contribute(
    "appointments.filings_to_decide",
    gettext_lazy("Filings awaiting my decision"),
    Kind.DECISION,
    empty=gettext_lazy("No appointment or implementation plan is waiting for your body to file or return."),
    url="appointments:appointment_list",
)
def filings_to_decide(user, limit: int) -> Answer:
    """Submitted filings of the bodies the user decides for; never one they prepared or submitted."""
    if not granted_on(user, DECIDERS):
        return Answer(0)
    found = [
        answer(
            model.objects.filter(bodies_decided_by(user), status=FilingStatus.SUBMITTED)
            .exclude(created_by=user)
            .exclude(submitted_by=user)
            .select_related("unit")
            .order_by("submitted_at", "pk"),
            limit,
            lambda f: item(f, state=f.get_status_display(), detail=_submitted_on(f)),
        )
        for model in FILINGS
    ]
    return Answer(sum(a.count for a in found), [i for a in found for i in a.items][:limit])


def _deadline(filing, cache: dict) -> object:
    """The milestone the program sets for this kind of filing, if any."""
    program = filing.program
    if isinstance(filing, Appointment):
        key = rules.posts(program).get(filing.post)
        key = key.milestone if key else None
    else:
        rule = rules.plan_rule(program)
        key = rule.milestone if rule else None
    if key is None:
        return None
    if (program.pk, key) not in cache:
        cache[program.pk, key] = (
            Milestone.objects.filter(program=program, key=key).values_list("due_on", flat=True).first()
        )
    return cache[program.pk, key]


@contribute(
    "appointments.filings_due",
    gettext_lazy("Filings my unit still owes"),
    Kind.DEADLINE,
    empty=gettext_lazy("Your units have no appointment or plan in draft or returned: nothing to file."),
    url="appointments:appointment_list",
)
def filings_due(user, limit: int) -> Answer:
    """Drafts and returned filings of the bodies the user prepares for, with the program's deadline."""
    if not holds_any(user, PREPARER_ROLES):
        return Answer(0)
    cache: dict = {}
    querysets = (
        Appointment.objects.filter(bodies_prepared_by(user, "appointing_body")),
        ImplementationPlan.objects.filter(bodies_prepared_by(user, "unit")),
    )
    found = [
        answer(
            queryset.filter(status__in=(FilingStatus.DRAFT, FilingStatus.RETURNED))
            .select_related("unit", "program")
            .order_by("-status", "created_at", "pk"),  # returned before drafts
            limit,
            lambda f: item(f, state=f.get_status_display(), deadline=_deadline(f, cache)),
        )
        for queryset in querysets
    ]
    return Answer(sum(a.count for a in found), [i for a in found for i in a.items][:limit])
