"""Deadline reminders: in the app and by email, at the working-day offsets the program file sets.

A pilot whose filing is still missing (or returned) hears from the platform N working days before
the deadline, for each N in the milestone's `reminder_offsets`; on the first working day after it,
the pilot and its filing body are told it is overdue. Each reminder is sent once (a `Reminder` row),
so the job can run as often as you like.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cdohub.core import clock
from cdohub.core.calendar import is_working_day, working_days_between
from cdohub.core.services import notify_on_commit
from cdohub.org.models import Milestone, PilotProgram

from . import rules, status
from .choices import UnitFilingState
from .models import Reminder
from .policies import DECIDERS, preparer_roles
from .services import body_users

OVERDUE = -1  # the offset of the one overdue notice, on the first working day after the deadline
DUE_STATES = (UnitFilingState.MISSING, UnitFilingState.RETURNED)


def _filings(program, row):
    """(kind, milestone key, preparing body, filing body, what is due) for each filing a pilot owes."""
    if row.appointment and row.appointment.state in DUE_STATES:
        bodies = rules.derive_bodies(program, row.post, row.unit)
        what = _("the %(post)s appointment of %(unit)s") % {"post": row.post.label, "unit": row.unit}
        yield row.post.key, row.post.milestone, bodies.appointing, bodies.filing, what
    if row.plan and row.plan.state in DUE_STATES:
        rule = rules.plan_rule(program)
        what = _("the implementation plan of %(unit)s") % {"unit": row.unit}
        yield "plan", rule.milestone, row.unit, rule.filed_with.resolve(row.unit), what


def send_reminders(today: date | None = None) -> int:
    """Send what is due today; returns the number of reminders sent."""
    today = today or clock.today()
    if not is_working_day(today):
        return 0
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for program in PilotProgram.objects.filter(is_active=True):
            milestones = {m.key: m for m in Milestone.objects.filter(program=program)}
            for row in status.pilot_status(program, today=today):
                for kind, key, body, filing_body, what in _filings(program, row):
                    milestone = milestones.get(key)
                    if milestone is not None:
                        sent += _remind(milestone, row.unit, kind, (body, filing_body), what, today)
    return sent


def _remind(milestone, unit, kind: str, bodies, what: str, today: date) -> int:
    left = working_days_between(today, milestone.due_on)
    if left not in milestone.reminder_offsets and left != OVERDUE:
        return 0
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            milestone=milestone,
            unit=unit,
            filing=kind,
            working_days_before=left,
            defaults={"sent_at": clock.now()},
        )
        if not created:
            return 0
        body, filing_body = bodies
        recipients = set(body_users(body, preparer_roles(body)))
        if left == OVERDUE:
            recipients |= set(body_users(filing_body, DECIDERS))
            title = _("Overdue: %(what)s was due on %(due)s") % {"what": what, "due": milestone.due_on}
        else:
            title = _("%(n)d working days left: %(what)s is due on %(due)s") % {
                "n": left,
                "what": what,
                "due": milestone.due_on,
            }
        reminder.recipients = len(recipients)
        reminder.save(update_fields=["recipients"])
        notify_on_commit(recipients, title, milestone.title, email=True)
    return 1
