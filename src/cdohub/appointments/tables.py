import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Appointment, ImplementationPlan

ATTRS = {"class": "table table-sm table-hover align-middle"}


class AppointmentTable(tables.Table):
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by="unit__path")
    post = tables.Column(verbose_name=_("Post"))
    person_name = tables.Column(verbose_name=_("Full name"), linkify=True)
    position = tables.Column(verbose_name=_("Position"))
    effective_on = tables.DateColumn(verbose_name=_("Effective on"), format="Y-m-d")
    ends_on = tables.DateColumn(verbose_name=_("Term ends on"), format="Y-m-d")
    status = tables.Column(verbose_name=_("Status"))
    flagged = tables.BooleanColumn(verbose_name=_("Flagged"), yesno="⚑,")

    class Meta:
        model = Appointment
        fields = ["unit", "post", "person_name", "position", "effective_on", "ends_on", "status", "flagged"]
        attrs = ATTRS
        empty_text = _(
            "No appointment matches: the bodies that appoint a chief data officer record it here and "
            "submit it for filing (备案). Change the filter to see others."
        )
        order_by = "unit"

    def render_post(self, record):
        return rules.posts(record.program).get(record.post, record.post)


class PlanTable(tables.Table):
    unit = tables.Column(verbose_name=_("Pilot"), accessor="unit__name", order_by="unit__path")
    title = tables.Column(verbose_name=_("Title"), linkify=True)
    document_number = tables.Column(verbose_name=_("Document number"))
    first_submitted_at = tables.DateTimeColumn(verbose_name=_("First submitted"), format="Y-m-d")
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = ImplementationPlan
        fields = ["unit", "title", "document_number", "first_submitted_at", "status"]
        attrs = ATTRS
        empty_text = _(
            "No implementation plan matches: each pilot files its plan here for filing (备案). Change the"
            " filter to see others."
        )
        order_by = "unit"
