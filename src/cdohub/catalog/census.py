"""Census campaign figures: per unit, rolled up per city, and the Excel export of both."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from cdohub.core import calendar, clock
from cdohub.core.excel import export_rows
from cdohub.org.models import Region

from .choices import ParticipationStatus, ResourceStatus
from .models import CensusCampaign, Participation, Resource
from .search import city_of

REVIEWED = (ResourceStatus.PUBLISHED, ResourceStatus.RETURNED)


@dataclass
class Figures:
    registered: int = 0
    completeness: float = 0.0  # mean share of core metadata filled, 0–1
    submitted: int = 0  # ever submitted (now submitted, published or returned)
    reviewed: int = 0
    published: int = 0
    late_days: int = 0  # working days past the deadline (submitted late, or still not submitted)

    @property
    def reviewed_share(self) -> float:
        return self.reviewed / self.submitted if self.submitted else 0.0

    @property
    def late(self) -> bool:
        return self.late_days > 0


@dataclass
class UnitRow:
    participation: Participation
    figures: Figures


def late_days(campaign: CensusCampaign, participation: Participation) -> int:
    if participation.submitted_at:
        day = participation.submitted_at.astimezone(clock.now().tzinfo).date()
    elif participation.status == ParticipationStatus.OPEN:
        day = clock.today()
    else:
        return 0
    return max(calendar.working_days_between(campaign.deadline, day), 0)


def unit_rows(campaign: CensusCampaign, participations) -> list[UnitRow]:
    participations = list(participations.select_related("unit__region"))
    stats = (
        Resource.objects.filter(campaign=campaign, unit__in=[p.unit_id for p in participations])
        .values("unit_id")
        .annotate(
            registered=Count("pk"),
            completeness=Avg("completeness"),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            reviewed=Count("pk", filter=Q(status__in=REVIEWED)),
            published=Count("pk", filter=Q(status=ResourceStatus.PUBLISHED)),
        )
    )
    by_unit = {row.pop("unit_id"): row for row in stats}
    rows = []
    for p in participations:
        found = by_unit.get(p.unit_id, {})
        figures = Figures(**{k: v or 0 for k, v in found.items()}, late_days=late_days(campaign, p))
        rows.append(UnitRow(p, figures))
    return rows


@dataclass
class CityRow:
    code: str
    name: str
    units: int
    figures: Figures
    late_units: int


def city_rows(rows: list[UnitRow]) -> list[CityRow]:
    groups: dict[str, list[UnitRow]] = defaultdict(list)
    for row in rows:
        groups[city_of(row.participation.unit)].append(row)
    names = dict(Region.objects.filter(code__in=groups).values_list("code", "name"))
    out = []
    for code, members in sorted(groups.items()):
        total = Figures()
        weighted = 0.0
        for m in members:
            f = m.figures
            total.registered += f.registered
            total.submitted += f.submitted
            total.reviewed += f.reviewed
            total.published += f.published
            weighted += f.completeness * f.registered
        total.completeness = weighted / total.registered if total.registered else 0.0
        late = sum(1 for m in members if m.figures.late)
        out.append(CityRow(code, names.get(code, code), len(members), total, late))
    return out


def export(campaign: CensusCampaign, rows: list[UnitRow]) -> bytes:
    headers = [
        _("Unit"),
        _("Unit code"),
        _("Status"),
        _("Resources registered"),
        _("Metadata completeness"),
        _("Submitted"),
        _("Reviewed share"),
        _("Published"),
        _("Working days late"),
    ]
    body = [
        [
            r.participation.unit.name,
            r.participation.unit.code,
            r.participation.get_status_display(),
            r.figures.registered,
            round(r.figures.completeness * 100, 1),
            r.figures.submitted,
            round(r.figures.reviewed_share * 100, 1),
            r.figures.published,
            r.figures.late_days,
        ]
        for r in rows
    ]
    return export_rows(campaign.name, headers, body)
