"""Excel exports bureaus pass on: appointments, overdue filings and the roster."""

from django.utils.translation import gettext as _

from cdohub.core.excel import export_rows

from . import rules


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def appointments(queryset) -> bytes:
    headers = [
        _("Unit"),
        _("Unit code"),
        _("Post"),
        _("Full name"),
        _("Position"),
        _("Administrative rank"),
        _("In charge of digital government"),
        _("Appointed by"),
        _("Filed with"),
        _("Document number"),
        _("Effective on"),
        _("Term ends on"),
        _("Status"),
        _("Flagged"),
        _("Justification"),
    ]
    rows = (
        [
            a.unit.name,
            a.unit.code,
            str(rules.posts(a.program).get(a.post, a.post)),
            a.person_name,
            a.position,
            a.get_rank_display(),
            _("Yes") if a.in_charge_of_digital_government else _("No"),
            a.appointing_body.name,
            a.filing_body.name,
            a.document_number,
            _date(a.effective_on),
            _date(a.ends_on),
            a.get_status_display(),
            _("Yes") if a.flagged else "",
            a.justification,
        ]
        for a in queryset.select_related("unit", "program", "appointing_body", "filing_body")
    )
    return export_rows(_("Appointments"), headers, rows)


def overdue(rows) -> bytes:
    headers = [_("Unit"), _("Unit code"), _("Filing"), _("State"), _("Due on"), _("Working days overdue")]
    data = (
        [
            row.unit.name,
            row.unit.code,
            _("Implementation plan") if state is row.plan else str(row.post),
            state.state.label,
            _date(state.due_on),
            state.overdue_days,
        ]
        for row, state in rows
    )
    return export_rows(_("Overdue"), headers, data)


ROSTER_FIELDS = {
    "unit": (lambda e: e.unit.name, lambda: _("Unit")),
    "post": (lambda e: str(e.post), lambda: _("Post")),
    "person_name": (lambda e: e.appointment.person_name, lambda: _("Full name")),
    "position": (lambda e: e.appointment.position, lambda: _("Position")),
    "rank": (lambda e: e.appointment.get_rank_display(), lambda: _("Administrative rank")),
    "effective_on": (lambda e: _date(e.appointment.effective_on), lambda: _("Effective on")),
    "appointing_body": (lambda e: e.appointment.appointing_body.name, lambda: _("Appointed by")),
    "phone": (lambda e: e.appointment.phone, lambda: _("Phone")),
    "flagged": (lambda e: _("Yes") if e.appointment.flagged else "", lambda: _("Flagged")),
}
FULL_ROSTER = (
    "unit",
    "post",
    "person_name",
    "position",
    "rank",
    "effective_on",
    "appointing_body",
    "phone",
    "flagged",
)


def roster(entries, fields=FULL_ROSTER) -> bytes:
    headers = [ROSTER_FIELDS[f][1]() for f in fields]
    vacancy = _("Vacant")
    rows = (
        [ROSTER_FIELDS[f][0](e) if (e.appointment or f in ("unit", "post")) else vacancy for f in fields]
        for e in entries
    )
    return export_rows(_("CDO roster"), headers, rows)
