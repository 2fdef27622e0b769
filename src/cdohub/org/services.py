"""Every change to regions, units, programs and pilot scope."""

import hashlib
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cdohub.core import audit, calendar, clock
from cdohub.core.calendar import working_days_between
from cdohub.core.models import OfficialCalendar
from cdohub.core.permissions import Scope, can, require
from cdohub.core.services import service
from cdohub.org import events

from .choices import GOVERNMENT_BODIES, RegionLevel, Role, ScopeCategory, UnitKind
from .models import Milestone, PilotProgram, Region, ScopeMember, Unit

# Regions -------------------------------------------------------------------------------------


def load_regions(records: list[dict]) -> int:
    """Create or update regions from records {code, name, level, parent}; parents come first."""
    existing = {r.code: r for r in Region.objects.all()}
    with_towns = {r["parent"] for r in records if r["level"] == RegionLevel.TOWN}
    with_counties = {r["parent"] for r in records if r["level"] == RegionLevel.COUNTY}
    count = 0
    for record in sorted(records, key=lambda r: (len(r["code"]), r["code"])):
        region = existing.get(record["code"]) or Region(code=record["code"])
        region.name, region.level = record["name"], record["level"]
        region.parent = existing.get(record["parent"]) if record.get("parent") else None
        region.has_districts = not (record["code"] in with_towns and record["code"] not in with_counties)
        region.save()
        existing[region.code] = region
        count += 1
    audit.record_event(events.REGIONS_LOADED, count=count)
    return count


# Units ---------------------------------------------------------------------------------------


def placement_errors(kind: str, region: Region | None, parent: Unit | None) -> list[str]:
    """Why a unit of `kind` in `region` cannot hang under `parent` (empty when it can)."""
    if region is None:
        return [_("Unknown region code.")]
    if parent is None:
        if kind == UnitKind.GOVERNMENT and region.level == RegionLevel.PROVINCE:
            return []
        return [_("Only a provincial government can be a top-level unit; give a parent unit.")]
    if parent.region.province_code != region.province_code:
        return [_("The parent unit %(parent)s is in another province.") % {"parent": parent}]
    if kind in GOVERNMENT_BODIES:
        if not parent.is_government:
            return [_("A department, data bureau or leading group must belong to a government.")]
        if parent.region_id != region.pk:
            return [
                _("A department must be in the same region as its government %(parent)s.")
                % {"parent": parent}
            ]
        return []
    if not parent.is_government or region.parent_id != parent.region_id:
        return [
            _("Wrong level: %(region)s is not directly below the region of %(parent)s.")
            % {"region": region, "parent": parent}
        ]
    return []


def _check_unit(kind, region, parent):
    errors = placement_errors(kind, region, parent)
    if errors:
        raise ValidationError(errors)


@service
def create_unit(actor, *, parent: Unit | None, code, name, kind, region, short_name="") -> Unit:
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise PermissionDenied(_("Only a system administrator may add a top-level unit."))
    else:
        require(actor, "change", parent)
    _check_unit(kind, region, parent)
    if Unit.objects.filter(code=code).exists():
        raise ValidationError(_("The unit code %(code)s is already in use.") % {"code": code})
    fields = {
        "code": code,
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "region": region,
        "level": region.level,
    }
    unit = Unit.objects.add_child(parent, fields) if parent else Unit.objects.add_root(fields)
    audit.record_event(events.UNIT_CREATED, unit, parent=parent.pk if parent else None)
    return unit


@service
def update_unit(actor, unit: Unit, **changes) -> Unit:
    require(actor, "change", unit)
    for name, value in changes.items():
        setattr(unit, name, value)
    parent = Unit.objects.get_parent(unit)
    _check_unit(unit.kind, unit.region, parent)
    unit.level = unit.region.level
    unit.save()
    return unit


# Pilot programs ------------------------------------------------------------------------------


def read_program_file(path: Path) -> tuple[dict, str]:
    raw = Path(path).read_bytes()
    return tomllib.loads(raw.decode("utf-8")), hashlib.sha256(raw).hexdigest()


def _unit_named(name: str, under: Unit) -> Unit:
    unit = Unit.objects.filter(name=name, path__subtree=under.path).first()
    if unit is None:
        raise ValidationError(
            _("The program names %(name)s, which is not a unit under %(under)s.")
            % {"name": name, "under": under}
        )
    return unit


@service
def load_program(actor, path: Path) -> PilotProgram:
    """Create or update a pilot program from its file; its scope units must already exist."""
    spec, digest = read_program_file(path)
    government = (
        Unit.objects.select_related("region")
        .filter(kind=UnitKind.GOVERNMENT, region__code=spec["region"])
        .first()
    )
    if government is None:
        raise ValidationError(_("No government unit exists for region %(code)s.") % {"code": spec["region"]})
    owner = _unit_named(spec["organised_by"], government)
    program = PilotProgram.objects.filter(code=spec["code"]).first() or PilotProgram(code=spec["code"])
    if program.pk and not can(actor, "change", program):
        raise PermissionDenied
    if not program.pk and not can(actor, "change", owner):
        raise PermissionDenied
    program.name, program.issuer = spec["name"], spec["issuer"]
    program.document_number, program.issued_on = spec["document_number"], spec["issued_on"]
    program.region, program.owner_unit = government.region, owner
    program.organisational_model = spec.get("organisational_model", "")
    program.dimensions = spec["dimensions"]
    program.rules = {k: spec[k] for k in ("scope_rules", "posts", "plans", "roster") if k in spec}
    program.source_sha256 = digest
    program.save()
    for item in spec.get("milestones", []):
        Milestone.objects.update_or_create(
            program=program,
            key=item["key"],
            defaults={
                "title": item["title"],
                "due_on": item["due_on"],
                "description": item.get("description", ""),
                "reminder_offsets": item.get("reminder_offsets", []),
            },
        )
    scope = spec["scope"]
    for name in scope.get("departments", []):
        ScopeMember.objects.get_or_create(
            program=program,
            unit=_unit_named(name, government),
            defaults={"category": ScopeCategory.PILOT_DEPARTMENT},
        )
    for code in scope.get("cities", []):
        city = Unit.objects.filter(kind=UnitKind.GOVERNMENT, region__code=code).first()
        if city is None:
            raise ValidationError(_("No government unit exists for region %(code)s.") % {"code": code})
        ScopeMember.objects.get_or_create(
            program=program, unit=city, defaults={"category": ScopeCategory.PILOT_CITY}
        )
    audit.record_event(events.PROGRAM_LOADED, program, sha256=digest, file=Path(path).name)
    return program


# Scope nominations ---------------------------------------------------------------------------


def nomination_category(city: Unit, unit: Unit) -> str:
    """What a nomination of `unit` by pilot city `city` counts as; ValidationError if it can't."""
    if unit.depth != city.depth + 1 or not unit.path.startswith(city.path):
        raise ValidationError(_("%(unit)s is not directly under %(city)s.") % {"unit": unit, "city": city})
    if unit.kind in (UnitKind.DEPARTMENT, UnitKind.DATA_BUREAU):
        return ScopeCategory.PILOT_CITY_DEPARTMENT
    if unit.kind == UnitKind.GOVERNMENT:
        if unit.level == RegionLevel.COUNTY:
            return ScopeCategory.PILOT_COUNTY
        if unit.level == RegionLevel.TOWN and not city.region.has_districts:
            return ScopeCategory.PILOT_COUNTY
        if unit.level == RegionLevel.TOWN:
            raise ValidationError(
                _("%(city)s has districts: nominate counties or districts, not towns.") % {"city": city}
            )
    raise ValidationError(
        _(
            "Only a county-level government (or, in a city without districts, a "
            "town or street) or a municipal department can be nominated."
        )
    )


@service
def nominate(actor, city_member: ScopeMember, unit: Unit, note: str = "") -> ScopeMember:
    if city_member.category != ScopeCategory.PILOT_CITY:
        raise ValidationError(_("Only a pilot city nominates further pilots."))
    member = ScopeMember(
        program=city_member.program, unit=unit, parent=city_member, nominated_by=actor, note=note
    )
    require(actor, "change", member)
    member.category = nomination_category(city_member.unit, unit)
    if ScopeMember.objects.filter(program=city_member.program, unit=unit).exists():
        raise ValidationError(_("%(unit)s is already in the pilot scope.") % {"unit": unit})
    member.save()
    audit.record_event(
        events.SCOPE_NOMINATED,
        member,
        unit_id=city_member.unit_id,
        program=city_member.program.code,
        nominee=unit.pk,
        category=member.category,
    )
    return member


@service
def withdraw(actor, member: ScopeMember) -> None:
    require(actor, "change", member)
    if member.parent is None:
        raise ValidationError(_("Units named by the program file cannot be withdrawn here."))
    audit.record_event(
        events.SCOPE_WITHDRAWN,
        member,
        unit_id=member.parent.unit_id,
        program=member.program.code,
        nominee=member.unit_id,
    )
    member.delete()


# Compliance with the scope rules -------------------------------------------------------------


@dataclass
class RuleStatus:
    rule: dict
    count: int

    @property
    def met(self) -> bool:
        return self.count >= self.rule["min"]

    @property
    def missing(self) -> int:
        return max(0, self.rule["min"] - self.count)


@dataclass
class CityCompliance:
    member: ScopeMember
    rules: list[RuleStatus] = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        return all(status.met for status in self.rules)

    def counts(self) -> dict[str, int]:
        return {status.rule["key"]: status.count for status in self.rules}


def scope_compliance(program: PilotProgram, cities=None) -> list[CityCompliance]:
    """Per pilot city, how many nominations each scope rule counts and whether it is met."""
    cities_in_scope = ScopeMember.objects.filter(program=program, category=ScopeCategory.PILOT_CITY)
    if cities is not None:
        cities_in_scope = cities_in_scope.filter(pk__in=[c.pk for c in cities])
    members = list(cities_in_scope.select_related("unit", "unit__region"))
    counts = defaultdict(int)
    rows = (
        ScopeMember.objects.filter(parent__in=members).values("parent_id", "category").annotate(n=Count("id"))
    )
    for row in rows:
        counts[(row["parent_id"], row["category"])] = row["n"]
    return [
        CityCompliance(
            member,
            [RuleStatus(rule, counts[(member.pk, rule["category"])]) for rule in program.scope_rules],
        )
        for member in members
    ]


# Questions other apps ask ------------------------------------------------------------------


def search_units(queryset: QuerySet[Unit], text: str) -> QuerySet[Unit]:
    """Units whose name or short name contains `text`, or whose code starts with it."""
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Q(code__startswith=text))


# The unit tree: bounded answers, whatever the size of the tree ----------------------------------

TREE_PAGE = 200  # children per expand; a "more" link fetches the next page
TREE_SEARCH_LIMIT = 30  # matches per search; the answer says when there were more
UNIT_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]*")  # what a search for a unit code looks like


@dataclass
class TreePage:
    units: list[Unit]
    total: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.units)
        return following if following < self.total else None


def tree_children(
    units: QuerySet[Unit], parent: Unit | None, offset: int = 0, limit: int = TREE_PAGE
) -> TreePage:
    """One page of the units directly below `parent` (the top-level units when None), in tree
    order: an index range on the path, so an expand costs the same anywhere in the tree."""
    offset, limit = max(0, offset), max(1, min(limit, TREE_PAGE))
    if parent is None:
        level = units.filter(depth=1)
        total = level.count()
    else:
        level = units.filter(path__subtree=parent.path, depth=parent.depth + 1)
        total = parent.numchild
    page = list(level.order_by("path").select_related("region")[offset : offset + limit])
    return TreePage(page, total, offset)


@dataclass
class TreeMatches:
    units: list[Unit]
    ancestors: dict[str, Unit]
    more: bool

    def path_of(self, unit: Unit) -> list[Unit]:
        """The unit's ancestors from the top, so the tree can open down to it."""
        return [self.ancestors[p] for p in unit.ancestor_paths() if p in self.ancestors]


def tree_search(units: QuerySet[Unit], text: str, limit: int = TREE_SEARCH_LIMIT) -> TreeMatches:
    """The first `limit` units (in tree order) matching `text`, each with its ancestor path: two
    queries whatever the number of matches or the depth of the tree."""
    text = text.strip()
    if not text:
        return TreeMatches([], {}, False)
    if UNIT_CODE.fullmatch(text):  # a code: an index range, not a scan of every name
        matching = units.filter(Q(code__subtree=text) | Q(code__subtree=text.upper()))
    elif text.lower() == text.upper():  # no letter has a case (Chinese): no UPPER() on every row
        matching = units.filter(Q(name__contains=text) | Q(short_name__contains=text))
    else:
        matching = search_units(units, text)
    found = list(matching.order_by("path")[: limit + 1])
    shown = found[:limit]
    return TreeMatches(shown, Unit.ancestors_of(shown), len(found) > limit)


# A milestone passed longer ago than this is the program's history: shown by its date, not counted.
HISTORY_AFTER_WORKING_DAYS = 60


def milestone_countdown(milestones: Iterable[Milestone], today: date | None = None) -> list[dict[str, Any]]:
    """Each milestone with the working days (and calendar days) left until it is due."""
    today = today or clock.today()
    rows = []
    for m in milestones:
        working_days = working_days_between(today, m.due_on)
        rows.append(
            {
                "milestone": m,
                "working_days": working_days,
                "working_days_ago": -working_days,
                "days": (m.due_on - today).days,
                "history": -working_days > HISTORY_AFTER_WORKING_DAYS,
            }
        )
    return rows


def primary_program() -> PilotProgram | None:
    """The active pilot program a dashboard shows first."""
    return PilotProgram.objects.filter(is_active=True).select_related("owner_unit").first()


# The official holiday schedule ---------------------------------------------------------------


def keeps_calendar(user: Any) -> bool:
    """The provincial data bureau (an administrator on a province-level unit) keeps the calendar."""
    scope = Scope.of(user)
    if scope.superuser or Role.SYSADMIN in scope.roles:
        return True
    paths = [path for role, path in scope.grants if role == Role.BUREAU_ADMIN]
    return Unit.objects.filter(path__in=paths, region__level=RegionLevel.PROVINCE).exists()


@service
def set_official_calendar(
    actor: Any, *, year: int, notice: str, holidays: list[date], workdays: list[date]
) -> OfficialCalendar:
    """Store a year's official schedule (the State Council notice); deadlines follow it at once."""
    if not keeps_calendar(actor):
        raise PermissionDenied(_("Only the provincial data bureau sets the official holiday schedule."))
    errors = calendar.check_days(year, holidays, workdays)
    if errors:
        raise ValidationError(errors)
    official, _created = OfficialCalendar.objects.update_or_create(
        year=year,
        defaults={
            "notice": notice,
            "holidays": [day.isoformat() for day in sorted(set(holidays))],
            "workdays": [day.isoformat() for day in sorted(set(workdays))],
        },
    )
    audit.record_event(
        events.CALENDAR_LOADED,
        official,
        year=year,
        notice=notice,
        holidays=official.holidays,
        workdays=official.workdays,
    )
    transaction.on_commit(calendar.forget)
    return official


def load_official_calendar(actor: Any, text: str) -> OfficialCalendar:
    """Store the schedule of a notice file (TOML: year, notice, holidays, workdays)."""
    try:
        fields = calendar.parse_schedule(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    return set_official_calendar(actor, **fields)
