"""Where every pilot stands on its filings: state, lateness in Chinese working days, flags.

Read-only; the dashboard, the overdue list, the roster, reminders and the API all use it. A few
queries for the whole program, whatever the number of pilots.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from cdohub.core import clock
from cdohub.core.calendar import working_days_between
from cdohub.org.choices import ScopeCategory
from cdohub.org.models import Milestone, PilotProgram, ScopeMember

from . import rules, services
from .choices import FilingStatus, UnitFilingState
from .models import Appointment, ImplementationPlan


@dataclass
class FilingState:
    state: UnitFilingState
    filing: Appointment | ImplementationPlan | None = None
    due_on: date | None = None
    late_days: int = 0  # working days past the deadline when first submitted (or until today)
    overdue_days: int = 0  # working days past the deadline with nothing (re)submitted since

    @property
    def late(self) -> bool:
        return self.late_days > 0 or self.overdue

    @property
    def days_late(self) -> int:
        return max(self.late_days, self.overdue_days)

    @property
    def overdue(self) -> bool:
        """Past the deadline and still not with the filing body (missing, or returned)."""
        return self.overdue_days > 0

    @property
    def flagged(self) -> bool:
        return bool(getattr(self.filing, "flagged", False)) and self.state != UnitFilingState.MISSING


@dataclass
class PilotStatus:
    member: ScopeMember
    post: rules.Post | None
    appointment: FilingState | None
    plan: FilingState | None

    @property
    def unit(self):
        return self.member.unit

    @property
    def group(self) -> ScopeMember | None:
        """The pilot city this unit counts under (None for a provincial department)."""
        if self.member.category == ScopeCategory.PILOT_CITY:
            return self.member
        return self.member.parent

    def states(self) -> list[FilingState]:
        return [s for s in (self.appointment, self.plan) if s is not None]


def _due_dates(program) -> dict[str, date]:
    return dict(Milestone.objects.filter(program=program).values_list("key", "due_on"))


def _lateness(first_submitted: date | None, due_on: date | None, today: date) -> int:
    if due_on is None:
        return 0
    end = first_submitted or today
    return max(0, working_days_between(due_on, end))


def local_date(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def _state_of(filings: list, due_on, today, *, open_term) -> FilingState:
    """The state a unit is in, from all its filings of one kind (newest first)."""
    first = min((f.first_submitted_at for f in filings if f.first_submitted_at), default=None)
    late = _lateness(local_date(first), due_on, today)
    current = next((f for f in filings if f.status == FilingStatus.FILED and open_term(f)), None)
    if current is not None:
        return FilingState(UnitFilingState.FILED, current, due_on, late)
    pending = next((f for f in filings if f.status != FilingStatus.FILED), None)
    state = {
        FilingStatus.SUBMITTED: UnitFilingState.PENDING,
        FilingStatus.RETURNED: UnitFilingState.RETURNED,
    }.get(getattr(pending, "status", None), UnitFilingState.MISSING)
    # A vacancy after a filed term (removal) is not late for the original deadline.
    ever_filed = any(f.status == FilingStatus.FILED for f in filings)
    overdue = _lateness(None, due_on, today) if state != UnitFilingState.PENDING and not ever_filed else 0
    return FilingState(state, pending, due_on, late, overdue)


def pilot_status(program: PilotProgram, members=None, today: date | None = None) -> list[PilotStatus]:
    today = today or clock.today()
    posts = rules.posts(program)
    plan_rule = rules.plan_rule(program)
    due = _due_dates(program)
    if members is None:
        members = ScopeMember.objects.filter(program=program)
    members = list(members.select_related("unit", "unit__region", "parent__unit").order_by("unit__path"))
    units = [m.unit_id for m in members]

    appointments = defaultdict(list)
    for a in Appointment.objects.filter(program=program, unit_id__in=units).order_by("-effective_on", "-pk"):
        appointments[(a.unit_id, a.post)].append(a)
    plans = defaultdict(list)
    for p in ImplementationPlan.objects.filter(program=program, unit_id__in=units):
        plans[p.unit_id].append(p)

    def open_term(a):
        return a.ends_on is None or a.ends_on > today

    rows = []
    for member in members:
        post = rules.required_post(posts, member)
        appointment = plan = None
        if post is not None:
            found = appointments[(member.unit_id, post.key)]
            appointment = _state_of(found, due.get(post.milestone), today, open_term=open_term)
        if plan_rule and member.category in plan_rule.filers:
            plan = _state_of(plans[member.unit_id], due.get(plan_rule.milestone), today, open_term=bool)
        rows.append(PilotStatus(member, post, appointment, plan))
    return rows


@dataclass
class GroupSummary:
    """Counts for one pilot city (with its counties and departments) or the provincial departments."""

    city: ScopeMember | None
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rows: list[PilotStatus] = field(default_factory=list)

    def by_state(self) -> list[tuple[str, int]]:
        return [(state, self.counts[state]) for state in UnitFilingState.values]

    def add(self, row: PilotStatus) -> None:
        self.rows.append(row)
        for state in row.states():
            self.counts[state.state.value] += 1
            self.counts["late"] += state.late
            self.counts["flagged"] += state.flagged


def summarise(rows: list[PilotStatus]) -> list[GroupSummary]:
    """Per pilot city, then one group for the provincial departments (city None)."""
    groups: dict[int | None, GroupSummary] = {}
    for row in rows:
        city = row.group
        key = city.pk if city else None
        groups.setdefault(key, GroupSummary(city)).add(row)
    cities = [g for k, g in groups.items() if k is not None]
    return cities + ([groups[None]] if None in groups else [])


@dataclass
class RosterEntry:
    unit: object
    post: rules.Post
    appointment: Appointment | None  # None: vacancy
    # For a CDO post: the accounts holding the CDO role of the unit, who decide its project reviews
    # (the same answer the projects app asks: services.cdo_accounts).
    accounts: list = field(default_factory=list)

    @property
    def vacant(self) -> bool:
        return self.appointment is None

    @property
    def without_account(self) -> bool:
        """A CDO filed and in force, but no account holds the CDO role: reviews cannot be decided."""
        return self.post.required and not self.vacant and not self.accounts

    @property
    def account_without_appointment(self) -> bool:
        """An account holds the CDO role (and decides reviews) while the register shows a vacancy."""
        return self.post.required and self.vacant and bool(self.accounts)

    @property
    def disagrees(self) -> bool:
        return self.without_account or self.account_without_appointment


def roster(program: PilotProgram, members=None, today: date | None = None) -> list[RosterEntry]:
    """Current holders of the roster's posts in the pilot scope, with vacancies for required posts."""
    today = today or clock.today()
    posts = rules.posts(program)
    listed = rules.roster_rule(program).posts or tuple(posts)
    if members is None:
        members = ScopeMember.objects.filter(program=program)
    members = list(members.select_related("unit").order_by("unit__path"))
    holders = defaultdict(list)
    current = (
        Appointment.objects.holding(today)
        .filter(program=program, post__in=listed, unit__in=[m.unit_id for m in members])
        .select_related("unit", "appointing_body")
    )
    for a in current:
        holders[(a.unit_id, a.post)].append(a)
    accounts = services.cdo_accounts_by_unit([m.unit_id for m in members])
    entries = []
    for member in members:
        for key in listed:
            post = posts[key]
            if member.unit.kind not in post.unit_kinds:
                continue
            found = holders.get((member.unit_id, key), [])
            cdos = accounts.get(member.unit_id, []) if post.required else []
            entries.extend(RosterEntry(member.unit, post, a, cdos) for a in found)
            if not found and member.category in post.holders:
                entries.append(RosterEntry(member.unit, post, None, cdos))
    return entries
