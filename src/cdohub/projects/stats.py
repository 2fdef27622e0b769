"""Supervision figures for the dashboard and its Excel export: projects under review, decisions
and the veto rate with the checks cited, review time in working days, findings open and overdue,
per unit and per city. Everything is counted over what the user may see."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from cdohub.core import clock
from cdohub.core.calendar import working_days_between
from cdohub.core.excel import export_rows
from cdohub.org.models import Region

from . import checks
from .choices import UNDER_REVIEW, FindingStatus, ReviewStatus


def overdue(findings):
    return findings.filter(status=FindingStatus.OPEN, due_on__lt=clock.today())


def city_code(region_code: str) -> str:
    return region_code[:4] + "00"


@dataclass
class Row:
    key: str
    name: str
    city: str = ""
    projects: int = 0
    under_review: int = 0
    approved: int = 0
    returned: int = 0
    vetoed: int = 0
    review_days: list = field(default_factory=list)
    findings_open: int = 0
    findings_overdue: int = 0

    @property
    def decided(self) -> int:
        return self.approved + self.returned + self.vetoed

    @property
    def veto_rate(self) -> float | None:
        return round(100 * self.vetoed / self.decided, 1) if self.decided else None

    @property
    def average_days(self) -> float | None:
        return round(sum(self.review_days) / len(self.review_days), 1) if self.review_days else None


@dataclass
class Figures:
    total: Row
    units: list[Row]
    cities: list[Row]
    reasons: list[tuple[str, int]]
    under_review: list


def figures(projects, reviews, findings) -> Figures:
    today = clock.today()
    total = Row("all", _("All"))
    units: dict[int, Row] = {}
    cities: dict[str, Row] = {}
    city_names = dict(Region.objects.filter(code__endswith="00").values_list("code", "name"))

    def rows_for(unit_id, unit_name, region_code):
        code = city_code(region_code)
        unit = units.setdefault(unit_id, Row(str(unit_id), unit_name, city_names.get(code, code)))
        city = cities.setdefault(code, Row(code, city_names.get(code, code)))
        return total, unit, city

    for p in projects.values("unit_id", "unit__name", "unit__region__code", "status"):
        for row in rows_for(p["unit_id"], p["unit__name"], p["unit__region__code"]):
            row.projects += 1
            row.under_review += p["status"] in UNDER_REVIEW
    reasons = Counter()
    decided = reviews.exclude(status=ReviewStatus.SUBMITTED).values(
        "project__unit_id",
        "project__unit__name",
        "project__unit__region__code",
        "status",
        "submitted_at",
        "decided_at",
        "cited_checks",
    )
    for r in decided:
        days = working_days_between(
            timezone.localdate(r["submitted_at"]), timezone.localdate(r["decided_at"])
        )
        for row in rows_for(
            r["project__unit_id"], r["project__unit__name"], r["project__unit__region__code"]
        ):
            setattr(row, r["status"], getattr(row, r["status"]) + 1)
            row.review_days.append(days)
        if r["status"] == ReviewStatus.VETOED:
            reasons.update(r["cited_checks"] or ["_none"])
    for f in findings.exclude(status=FindingStatus.CLOSED).values(
        "unit_id", "unit__name", "unit__region__code", "status", "due_on"
    ):
        for row in rows_for(f["unit_id"], f["unit__name"], f["unit__region__code"]):
            row.findings_open += 1
            row.findings_overdue += f["status"] == FindingStatus.OPEN and f["due_on"] < today
    labelled = [
        (checks.title_of(code) if code != "_none" else _("No pre-check cited"), n)
        for code, n in reasons.most_common()
    ]
    pending = list(
        reviews.filter(status=ReviewStatus.SUBMITTED)
        .select_related("project__unit")
        .order_by("submitted_at")[:50]
    )
    for review in pending:
        review.waiting_days = working_days_between(timezone.localdate(review.submitted_at), today)
    return Figures(
        total=total,
        units=sorted(units.values(), key=lambda r: (r.city, r.name)),
        cities=sorted(cities.values(), key=lambda r: r.key),
        reasons=labelled,
        under_review=pending,
    )


def chart(f: Figures) -> dict:
    return {
        "cities": [c.name for c in f.cities],
        "series": [
            {"key": "under_review", "name": _("Under review"), "data": [c.under_review for c in f.cities]},
            {"key": "approved", "name": _("Approved"), "data": [c.approved for c in f.cities]},
            {"key": "returned", "name": _("Returned"), "data": [c.returned for c in f.cities]},
            {"key": "vetoed", "name": _("Vetoed"), "data": [c.vetoed for c in f.cities]},
        ],
        "findings": [
            {"key": "open", "name": _("Findings open"), "data": [c.findings_open for c in f.cities]},
            {"key": "overdue", "name": _("Of which overdue"), "data": [c.findings_overdue for c in f.cities]},
        ],
        "reasons": [{"name": name, "value": n} for name, n in f.reasons],
    }


def workbook(f: Figures) -> bytes:
    headers = [
        _("City"),
        _("Unit"),
        _("Projects"),
        _("Under review"),
        _("Approved"),
        _("Returned"),
        _("Vetoed"),
        _("Veto rate (%)"),
        _("Average review time (working days)"),
        _("Findings open"),
        _("Findings overdue"),
    ]
    rows = [
        [
            r.city,
            r.name,
            r.projects,
            r.under_review,
            r.approved,
            r.returned,
            r.vetoed,
            r.veto_rate,
            r.average_days,
            r.findings_open,
            r.findings_overdue,
        ]
        for r in f.units
    ]
    return export_rows(_("Project supervision"), headers, rows)


def projects_workbook(projects) -> bytes:
    """The project list as bureaus pass it on: one row a project, with its latest round."""
    headers = [
        _("Unit"),
        _("project name"),
        _("kind"),
        _("budget (10,000 yuan)"),
        _("funding source"),
        _("security protection level (等保)"),
        _("status"),
        _("Latest round"),
        _("Decided by"),
        _("Decided at"),
        _("reasons"),
    ]
    rows = []
    for p in projects.select_related("unit").prefetch_related("reviews__decided_by"):
        rounds = sorted(p.reviews.all(), key=lambda r: (r.submitted_at, r.pk))
        last = rounds[-1] if rounds else None
        rows.append(
            [
                p.unit.name,
                p.name,
                p.get_kind_display(),
                float(p.budget),
                p.get_funding_source_display(),
                p.security_level,
                p.get_status_display(),
                f"{last.get_stage_display()} {last.round}" if last else "",
                str(last.decided_by or "") if last else "",
                timezone.localtime(last.decided_at).strftime("%Y-%m-%d %H:%M")
                if last and last.decided_at
                else "",
                last.reasons if last else "",
            ]
        )
    return export_rows(_("IT projects"), headers, rows)


def findings_workbook(findings) -> bytes:
    headers = [
        _("unit concerned"),
        _("title"),
        _("category"),
        _("severity"),
        _("order"),
        _("issued in the name of"),
        _("recorded at"),
        _("due on"),
        _("status"),
        _("overdue"),
        _("escalated to"),
    ]
    today = clock.today()
    rows = [
        [
            f.unit.name,
            f.title,
            f.get_category_display(),
            f.get_severity_display(),
            f.get_order_kind_display(),
            f.issuer.name,
            timezone.localtime(f.opened_at).strftime("%Y-%m-%d"),
            f.due_on,
            f.get_status_display(),
            _("yes") if f.status == FindingStatus.OPEN and f.due_on < today else "",
            f.escalated_to.name if f.escalated_to_id else "",
        ]
        for f in findings.select_related("unit", "issuer", "escalated_to")
    ]
    return export_rows(_("Supervision findings"), headers, rows)
