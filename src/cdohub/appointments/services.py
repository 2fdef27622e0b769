"""Every change to appointments and implementation plans, by the program's rules.

The appointing and filing bodies are derived, never chosen; a filing moves draft → submitted →
filed, or → returned (with a reason) → submitted again; filing an appointment ends the previous
holder's term on the new one's effective date.
"""

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.accounts import services as accounts
from cdohub.accounts.models import RoleAssignment, User
from cdohub.appointments import events
from cdohub.core import audit, clock
from cdohub.core.files import validate_pdf
from cdohub.core.forms import field_label
from cdohub.core.permissions import can, require
from cdohub.core.services import Notice, notify_on_commit, service
from cdohub.core.validators import plausible_date
from cdohub.core.workflow import Step, Workflow
from cdohub.org.choices import Role, ScopeCategory
from cdohub.org.models import PilotProgram, ScopeMember, Unit

from . import rules
from .choices import EndReason, FilingStatus
from .models import OPEN, Appointment, FilingDecision, ImplementationPlan
from .policies import DECIDERS, acts_for, body_paths, may_prepare, preparer_roles

# What a preparer may set, in the order forms and API bodies present it.
APPOINTMENT_FIELDS = (
    "person_name",
    "position",
    "rank",
    "in_charge_of_digital_government",
    "phone",
    "justification",
    "effective_on",
    "document_number",
    "document_date",
    "document",
)
PLAN_FIELDS = ("title", "dimensions", "document_number", "document_date", "document")


def preparing_body(filing) -> Unit:
    """The body whose users draft and submit the filing."""
    return filing.appointing_body if isinstance(filing, Appointment) else filing.unit


def body_users(body: Unit, roles):
    return User.objects.filter(
        is_active=True, role_assignments__role__in=roles, role_assignments__unit__path__in=body_paths(body)
    ).distinct()


def in_pilot_scope(program: PilotProgram, unit: Unit) -> bool:
    """A unit in the scope, or a department of a pilot county (各级试点部门: the plan leaves a
    pilot county to choose its own departments)."""
    members = ScopeMember.objects.filter(program=program)
    if members.filter(unit=unit).exists():
        return True
    if unit.is_government:
        return False
    return members.filter(unit=rules.governing(unit), category=ScopeCategory.PILOT_COUNTY).exists()


def _check_document(filing, upload) -> None:
    if upload and not getattr(upload, "_committed", False):
        try:
            validate_pdf(upload)
        except ValidationError as exc:
            raise ValidationError({"document": exc.messages}) from exc


def _apply(filing, changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    _check_document(filing, changes.get("document"))
    for name, value in changes.items():
        setattr(filing, name, value)


# Appointments --------------------------------------------------------------------------------


def _check_eligibility(appointment: Appointment, post: rules.Post) -> None:
    gaps = post.eligibility_gaps(appointment.rank, appointment.in_charge_of_digital_government)
    appointment.flagged = bool(gaps)
    if gaps and not appointment.justification.strip():
        raise ValidationError(
            {
                "justification": _(
                    "%(post)s is in principle held by an administrative deputy head or above in "
                    "charge of digital-government reform. This person is %(gaps)s: give a written "
                    "justification."
                )
                % {"post": post.label, "gaps": _(", ").join(gaps)}
            }
        )


def current_holder(program, unit, post_key, on=None) -> Appointment | None:
    on = on or clock.today()
    holders = Appointment.objects.holding(on).filter(program=program, unit=unit, post=post_key)
    return holders.order_by("-effective_on").first()


def _check_succession(appointment: Appointment) -> Appointment | None:
    """The term the appointment will end; refuses two holders of one post at the same time."""
    holder = (
        Appointment.objects.filter(
            program=appointment.program,
            unit=appointment.unit,
            post=appointment.post,
            status=FilingStatus.FILED,
        )
        .exclude(pk=appointment.pk)
        .exclude(ends_on__lte=appointment.effective_on)
        .order_by("-effective_on")
        .first()
    )
    if holder and holder.effective_on >= appointment.effective_on:
        raise ValidationError(
            {
                "effective_on": _(
                    "%(name)s holds this post from %(date)s; a successor must take effect after that."
                )
                % {"name": holder.person_name, "date": date_format(holder.effective_on)}
            }
        )
    return holder


@service
def create_appointment(actor, program: PilotProgram, unit: Unit, post_key: str, **fields) -> Appointment:
    post = rules.post(program, post_key)
    bodies = rules.derive_bodies(program, post, unit)
    appointment = Appointment(
        program=program,
        unit=unit,
        post=post.key,
        appointing_body=bodies.appointing,
        filing_body=bodies.filing,
        created_by=actor,
    )
    require(actor, "view", appointment)
    if not may_prepare(actor, bodies.appointing):
        raise PermissionDenied(_("Only %(body)s appoints to this post.") % {"body": bodies.appointing.name})
    if not in_pilot_scope(program, unit):
        raise ValidationError(_("%(unit)s is not in the pilot scope.") % {"unit": unit})
    in_progress = _("An appointment to this post of %(unit)s is already in progress; finish or edit it.") % {
        "unit": unit
    }
    if Appointment.objects.filter(program=program, unit=unit, post=post.key, status__in=OPEN).exists():
        raise ValidationError(in_progress)
    _apply(appointment, fields, APPOINTMENT_FIELDS)
    _check_eligibility(appointment, post)
    _check_succession(appointment)
    try:
        with transaction.atomic():  # a concurrent draft of the same post trips the unique constraint
            appointment.save()
    except IntegrityError:
        raise ValidationError(in_progress) from None
    audit.record_event(events.APPOINTMENT_DRAFTED, appointment, post=post.key, person=appointment.person_name)
    return appointment


@service
def update_appointment(actor, appointment: Appointment, **changes) -> Appointment:
    appointment = _editable(actor, appointment)
    _apply(appointment, changes, APPOINTMENT_FIELDS)
    _check_eligibility(appointment, rules.post(appointment.program, appointment.post))
    _check_succession(appointment)
    appointment.save()
    return appointment


def _editable(actor, filing):
    """The filing, locked and re-read, if the actor may still change it."""
    require(actor, "view", filing)
    if not may_prepare(actor, preparing_body(filing)):
        raise PermissionDenied(_("Only %(body)s prepares this filing.") % {"body": preparing_body(filing)})
    filing = type(filing).objects.select_for_update().get(pk=filing.pk)
    if not filing.is_editable:
        raise ValidationError(
            _("A filing can be changed only while it is a draft or returned; it is %(status)s.")
            % {"status": filing.get_status_display()}
        )
    return filing


@service
def end_appointment(actor, appointment: Appointment, ends_on, document_number: str, reason=EndReason.REMOVED):
    """Removal (免职): the appointing body ends a filed term."""
    require(actor, "view", appointment)
    if not may_prepare(actor, appointment.appointing_body):
        raise PermissionDenied(
            _("Only %(body)s removes from this post.") % {"body": appointment.appointing_body}
        )
    if not document_number.strip():
        raise ValidationError({"document_number": _("Give the number of the removal document.")})
    try:
        plausible_date(ends_on)
    except ValidationError as exc:
        raise ValidationError({"ends_on": exc.messages}) from None
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != FilingStatus.FILED or appointment.ends_on is not None:
        raise ValidationError(_("Only a filed, open term can be ended."))
    if ends_on < appointment.effective_on:
        raise ValidationError(
            {
                "ends_on": _("The term cannot end before it starts (%(date)s).")
                % {"date": date_format(appointment.effective_on)}
            }
        )
    _end_term(appointment, ends_on, reason, document_number)
    notify_on_commit(
        body_users(appointment.filing_body, DECIDERS),
        _("%(name)s removed as %(post)s of %(unit)s")
        % {"name": appointment.person_name, "post": _post_label(appointment), "unit": appointment.unit},
        url=appointment.get_absolute_url(),
    )
    return appointment


def _end_term(appointment: Appointment, ends_on, reason: str, document_number: str = "") -> None:
    appointment.ends_on, appointment.end_reason = ends_on, reason
    appointment.end_document_number = document_number
    appointment.save()
    audit.record_event(
        events.APPOINTMENT_ENDED,
        appointment,
        post=appointment.post,
        person=appointment.person_name,
        ends_on=ends_on,
        reason=reason,
    )


def _post_label(appointment: Appointment) -> str:
    return rules.post(appointment.program, appointment.post).label


# Implementation plans ------------------------------------------------------------------------


@service
def create_plan(actor, program: PilotProgram, unit: Unit, **fields) -> ImplementationPlan:
    rule = rules.plan_rule(program)
    if rule is None:
        raise ValidationError(_("The program asks for no implementation plans."))
    plan = ImplementationPlan(
        program=program, unit=unit, filing_body=rule.filed_with.resolve(unit), created_by=actor
    )
    require(actor, "view", plan)
    if not may_prepare(actor, unit):
        raise PermissionDenied(_("Only %(unit)s files its implementation plan.") % {"unit": unit})
    if not ScopeMember.objects.filter(program=program, unit=unit, category__in=rule.filers).exists():
        raise ValidationError(
            _("%(unit)s is not among the pilots that file an implementation plan.") % {"unit": unit}
        )
    if ImplementationPlan.objects.filter(program=program, unit=unit).exists():
        raise ValidationError(_("%(unit)s already has an implementation plan; edit it.") % {"unit": unit})
    _apply(plan, fields, PLAN_FIELDS)
    plan.save()
    audit.record_event(events.PLAN_DRAFTED, plan)
    return plan


@service
def update_plan(actor, plan: ImplementationPlan, **changes) -> ImplementationPlan:
    plan = _editable(actor, plan)
    _apply(plan, changes, PLAN_FIELDS)
    plan.save()
    return plan


# The filing workflow -------------------------------------------------------------------------


def last_decision_text(filing) -> str:
    decision = filing.decisions.select_related("actor").last()
    if decision is None:
        return filing.get_status_display()
    return _("%(status)s by %(who)s at %(at)s") % {
        "status": filing.get_status_display(),
        "who": decision.actor.display_name or decision.actor.username,
        "at": date_format(timezone.localtime(decision.at), "Y-m-d H:i"),
    }


def _preparer(actor, filing) -> None:
    require(actor, "view", filing)
    if not may_prepare(actor, preparing_body(filing)):
        raise PermissionDenied(_("Only %(body)s submits this filing.") % {"body": preparing_body(filing)})


def _decider(actor, filing) -> None:
    require(actor, "view", filing)
    if not acts_for(actor, filing.filing_body, DECIDERS):
        raise PermissionDenied(_("Only %(body)s decides on this filing.") % {"body": filing.filing_body.name})


def _tell_deciders(filing, actor, comment: str) -> list[Notice]:
    title = _("Filing to review: %(what)s") % {"what": filing}
    return [Notice(body_users(filing.filing_body, DECIDERS), title, url=filing.get_absolute_url())]


def _tell_filed(filing, actor, comment: str) -> list[Notice]:
    return [_preparers_notice(filing, _("Filed: %(what)s") % {"what": filing})]


def _tell_returned(filing, actor, reason: str) -> list[Notice]:
    title = _("Returned: %(what)s. Reason: %(reason)s") % {"what": filing, "reason": reason}
    return [_preparers_notice(filing, title)]


def _filing_workflow(submitted: audit.Event, filed: audit.Event, returned: audit.Event) -> Workflow:
    """The filing workflow of appointments or of plans, which differ only in their event names."""
    accept = Step(
        "file",
        (FilingStatus.SUBMITTED,),
        FilingStatus.FILED,
        filed,
        guard=_decider,
        not_by=("created_by", "submitted_by"),
        not_by_reason=gettext_lazy("You prepared this filing; someone else must decide on it."),
        notify=_tell_filed,
    )
    return Workflow(
        Step(
            "submit",
            (FilingStatus.DRAFT, FilingStatus.RETURNED),
            FilingStatus.SUBMITTED,
            submitted,
            guard=_preparer,
            notify=_tell_deciders,
        ),
        accept,
        replace(
            accept,
            name="return",
            target=FilingStatus.RETURNED,
            event=returned,
            needs_comment=True,
            notify=_tell_returned,
        ),
        record=FilingDecision,
        describe=last_decision_text,
    )


FILING = {
    Appointment: _filing_workflow(
        events.APPOINTMENT_SUBMITTED, events.APPOINTMENT_FILED, events.APPOINTMENT_RETURNED
    ),
    ImplementationPlan: _filing_workflow(events.PLAN_SUBMITTED, events.PLAN_FILED, events.PLAN_RETURNED),
}


def _take(filing, action: str, actor, version, comment: str = "", changes=None):
    return FILING[type(filing)].take(
        filing, action, actor, version, comment, changes=changes, filed_with=filing.filing_body_id
    )


@service
def submit(actor, filing, version: int | None = None):
    def complete_then_stamp(fresh, now) -> dict:
        missing = [
            field_label(type(fresh), name)
            for name in ("document_number", "document_date", "document")
            if not getattr(fresh, name)
        ]
        if missing:
            raise ValidationError(
                _("Before submitting, add: %(fields)s.") % {"fields": _(", ").join(missing)}
            )
        if isinstance(fresh, Appointment):
            _check_succession(fresh)
        first = fresh.first_submitted_at or now
        return {"submitted_at": now, "submitted_by": actor, "first_submitted_at": first, "return_reason": ""}

    return _take(filing, "submit", actor, version, changes=complete_then_stamp)


@service
def file(actor, filing, version: int | None = None):
    """Accept the filing (备案). An appointment then succeeds the post's previous holder."""

    def succeed_then_stamp(fresh, now) -> dict:
        changes = {"decided_at": now, "decided_by": actor, "return_reason": ""}
        holder = _check_succession(fresh) if isinstance(fresh, Appointment) else None
        if holder is not None:
            _end_term(holder, fresh.effective_on, EndReason.SUCCEEDED)
            changes["predecessor"] = holder
        return changes

    return _take(filing, "file", actor, version, changes=succeed_then_stamp)


@service
def return_filing(actor, filing, reason: str, version: int | None = None):
    def stamp(fresh, now) -> dict:
        return {"decided_at": now, "decided_by": actor, "return_reason": (reason or "").strip()}

    return _take(filing, "return", actor, version, reason, changes=stamp)


def _preparers_notice(filing, title: str) -> Notice:
    body = preparing_body(filing)
    recipients = list(body_users(body, preparer_roles(body)))
    if filing.submitted_by and filing.submitted_by not in recipients:
        recipients.append(filing.submitted_by)
    return Notice(recipients, title, url=filing.get_absolute_url())


# Questions other apps ask ------------------------------------------------------------------


def required_posts(unit: Unit) -> set[str]:
    """The posts a unit of this kind must fill under the active programs (政府首席数据官 and
    部门首席数据官 in the Guangdong plan)."""
    keys = set()
    for program in PilotProgram.objects.filter(is_active=True):
        for post in rules.posts(program).values():
            if post.required and unit.kind in post.unit_kinds:
                keys.add(post.key)
    return keys


def holds_required_post(unit: Unit) -> bool:
    """Whether a filed appointment holds one of the unit's required posts today (the unit has a CDO
    of its own)."""
    return (
        Appointment.objects.holding(clock.today()).filter(unit=unit, post__in=required_posts(unit)).exists()
    )


# The CDO in the register and in the accounts ---------------------------------------------------
#
# A filed CDO acts in the platform through an account holding the CDO role granted on exactly the
# unit: that account decides the unit's project reviews (projects asks `cdo_accounts`), and the
# roster checks each filed CDO against the same answer, so the two cannot disagree.


def is_cdo_post(appointment: Appointment) -> bool:
    """Whether the appointment is to a required post (政府/部门首席数据官), which the CDO role goes with."""
    return rules.post(appointment.program, appointment.post).required


def cdo_accounts(body: Unit):
    """Active accounts holding the CDO role granted on exactly `body`: those who decide its project
    reviews. A CDO role higher up the tree does not count."""
    return (
        User.objects.filter(is_active=True, role_assignments__role=Role.CDO, role_assignments__unit=body)
        .distinct()
        .order_by("username")
    )


def cdo_accounts_by_unit(unit_ids) -> dict[int, list[User]]:
    """`cdo_accounts` of many units in one query."""
    found: dict[int, list[User]] = {}
    grants = RoleAssignment.objects.filter(role=Role.CDO, unit_id__in=unit_ids, user__is_active=True)
    for grant in grants.select_related("user").order_by("user__username"):
        found.setdefault(grant.unit_id, []).append(grant.user)
    return found


@dataclass
class CdoAccountCheck:
    """Whether an appointment's CDO can act: the accounts holding the CDO role of its unit, and when
    there is none, an account of the unit under the appointee's name that lacks it."""

    appointment: Appointment
    accounts: list[User]
    candidate: User | None = None

    @property
    def missing(self) -> bool:
        return not self.accounts

    def message(self) -> str:
        unit = self.appointment.unit
        if self.candidate is not None:
            return _(
                "The account %(account)s of %(person)s does not hold the chief data officer role of "
                "%(unit)s. Until an account does, the unit's IT project reviews cannot be decided."
            ) % {"account": self.candidate.username, "person": self.appointment.person_name, "unit": unit}
        return _(
            "%(person)s has no account holding the chief data officer role of %(unit)s. Until an account "
            "does, the unit's IT project reviews cannot be decided."
        ) % {"person": self.appointment.person_name, "unit": unit}


def cdo_account_check(appointment: Appointment) -> CdoAccountCheck | None:
    """For an appointment to a CDO post not yet ended: who holds the CDO role of its unit (None for
    other posts and for ended terms)."""
    if not is_cdo_post(appointment) or appointment.ends_on is not None:
        return None
    found = list(cdo_accounts(appointment.unit))
    candidate = None
    if not found:
        candidate = User.objects.filter(
            is_active=True, home_unit=appointment.unit, display_name=appointment.person_name
        ).first()
    return CdoAccountCheck(appointment, found, candidate)


def may_grant_cdo_account(user, appointment: Appointment) -> bool:
    """Whoever manages the accounts of the appointment's unit (an administrator over it)."""
    return can(user, "change", RoleAssignment(unit=appointment.unit))


def cdo_account_candidates(appointment: Appointment):
    """Accounts of the unit that could be the appointee's: active, working there, without the role."""
    return (
        User.objects.filter(is_active=True, home_unit=appointment.unit)
        .exclude(pk__in=RoleAssignment.objects.filter(role=Role.CDO, unit=appointment.unit).values("user_id"))
        .order_by("display_name", "username")
    )


GRANTABLE = (FilingStatus.SUBMITTED, FilingStatus.FILED)


@service
def grant_cdo_account(
    actor, appointment: Appointment, *, account: User | None = None, username: str = "", email: str = ""
) -> User:
    """Give the appointed CDO the CDO role of the unit in one step: on an existing account, or on a
    new one (named after the appointee, working at the unit, with no password until they set one)."""
    require(actor, "view", appointment)
    if not is_cdo_post(appointment):
        raise ValidationError(_("Only a chief data officer post goes with the chief data officer role."))
    if not may_grant_cdo_account(actor, appointment):
        raise PermissionDenied(
            _("Only an administrator of the accounts of %(unit)s grants its roles.")
            % {"unit": appointment.unit}
        )
    if appointment.status not in GRANTABLE or appointment.ends_on is not None:
        raise ValidationError(_("The role is granted for an appointment submitted for filing or in force."))
    created = account is None
    if account is None:
        if not username.strip():
            raise ValidationError({"username": _("Give a user name for the new account.")})
        account = accounts.create_user(
            actor,
            username=username.strip(),
            password=None,
            home_unit=appointment.unit,
            display_name=appointment.person_name,
            email=email.strip(),
        )
    accounts.grant_role(actor, account, Role.CDO, appointment.unit)
    audit.record_event(
        events.CDO_ACCOUNT_GRANTED,
        appointment,
        post=appointment.post,
        person=appointment.person_name,
        account=account.username,
        created=created,
    )
    return account
