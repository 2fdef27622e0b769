"""The appointments app's audit events: CDO appointments, implementation plans and their filing."""

from django.utils.translation import gettext_lazy as _

from cdohub.core.audit import event

FILING = ("version", "comment", "filed_with")

APPOINTMENT_DRAFTED = event("appointment.drafted", _("Appointment drafted"), "post", "person")
APPOINTMENT_SUBMITTED = event("appointment.submitted", _("Appointment submitted for filing"), *FILING)
APPOINTMENT_FILED = event("appointment.filed", _("Appointment filed"), *FILING)
APPOINTMENT_RETURNED = event("appointment.returned", _("Appointment filing returned"), *FILING)
APPOINTMENT_ENDED = event("appointment.ended", _("Appointment ended"), "post", "person", "ends_on", "reason")
CDO_ACCOUNT_GRANTED = event(
    "appointment.cdo_account_granted",
    _("Chief data officer role granted to the appointee's account"),
    "post",
    "person",
    "account",
    "created",
)
PLAN_DRAFTED = event("plan.drafted", _("Implementation plan drafted"))
PLAN_SUBMITTED = event("plan.submitted", _("Implementation plan submitted for filing"), *FILING)
PLAN_FILED = event("plan.filed", _("Implementation plan filed"), *FILING)
PLAN_RETURNED = event("plan.returned", _("Implementation plan filing returned"), *FILING)
