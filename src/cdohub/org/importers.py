"""Excel imports of units and of scope nominations: validated row by row, applied all or nothing."""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdohub.core.excel import Column, ExcelImport, field_errors
from cdohub.core.permissions import can

from . import services
from .choices import ScopeCategory, UnitKind
from .models import PilotProgram, Region, ScopeMember, Unit


def kind_from_text(text: str) -> str | None:
    """A unit kind from its code or its label in either language."""
    for value, label in UnitKind.choices:
        names = {value}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names.add(str(label))
        if text in names:
            return value
    return None


class UnitImport(ExcelImport):
    sheet_title = gettext_lazy("Units")
    columns = [
        Column("code", gettext_lazy("Unit code"), example="440900-GA"),
        Column("name", gettext_lazy("Name"), example="茂名市公安局"),
        Column("kind", gettext_lazy("Kind"), example="部门"),
        Column("parent_code", gettext_lazy("Parent unit code"), example="440900"),
        Column("region_code", gettext_lazy("Region code"), example="440900"),
        Column("short_name", gettext_lazy("Short name"), required=False, example="市公安局"),
    ]

    def validate(self, rows, user):
        codes = [row["code"] for row in rows]
        known_units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        parents = {
            u.code: u
            for u in Unit.objects.select_related("region").filter(
                code__in={row["parent_code"] for row in rows}
            )
        }
        regions = {r.code: r for r in Region.objects.filter(code__in={row["region_code"] for row in rows})}
        planned: dict[str, Unit] = {}  # units created by earlier rows of this file
        for row in rows:
            code, kind = row["code"], kind_from_text(row["kind"])
            if code in known_units:
                row.errors.append(_("Duplicate unit code: %(code)s already exists.") % {"code": code})
            elif code in planned:
                row.errors.append(
                    _("Duplicate unit code: %(code)s appears twice in the file.") % {"code": code}
                )
            if row["kind"] and kind is None:
                row.errors.append(_("Unknown kind: %(kind)s.") % {"kind": row["kind"]})
            region = regions.get(row["region_code"])
            if row["region_code"] and region is None:
                row.errors.append(_("Unknown region code: %(code)s.") % {"code": row["region_code"]})
            parent = parents.get(row["parent_code"]) or planned.get(row["parent_code"])
            if row["parent_code"] and parent is None:
                row.errors.append(
                    _("Missing parent: no unit has the code %(code)s.") % {"code": row["parent_code"]}
                )
            elif parent is not None and parent.pk and not can(user, "change", parent):
                row.errors.append(_("You may not add units under %(parent)s.") % {"parent": parent})
            if kind and region and parent:
                row.errors.extend(services.placement_errors(kind, region, parent))
            row.errors.extend(field_errors(Unit, {key: row[key] for key in ("code", "name", "short_name")}))
            if not row.errors:
                planned[code] = Unit(code=code, name=row["name"], kind=kind, region=region)

    def apply(self, rows, user):
        for row in rows:
            services.create_unit(
                user,
                parent=Unit.objects.get(code=row["parent_code"]),
                code=row["code"],
                name=row["name"],
                short_name=row["short_name"],
                kind=kind_from_text(row["kind"]),
                region=Region.objects.get(code=row["region_code"]),
            )
        return len(rows)


class NominationImport(ExcelImport):
    sheet_title = gettext_lazy("Nominations")
    columns = [
        Column("city_code", gettext_lazy("Pilot city unit code"), example="440900"),
        Column("unit_code", gettext_lazy("Nominated unit code"), example="440983"),
        Column("note", gettext_lazy("Note"), required=False),
    ]

    def __init__(self, program: PilotProgram):
        self.program = program

    def validate(self, rows, user):
        cities = {
            m.unit.code: m
            for m in ScopeMember.objects.select_related("unit", "unit__region").filter(
                program=self.program, category=ScopeCategory.PILOT_CITY
            )
        }
        units = {u.code: u for u in Unit.objects.filter(code__in={row["unit_code"] for row in rows})}
        taken = set(ScopeMember.objects.filter(program=self.program).values_list("unit__code", flat=True))
        for row in rows:
            city, unit = cities.get(row["city_code"]), units.get(row["unit_code"])
            if row["city_code"] and city is None:
                row.errors.append(
                    _("%(code)s is not a pilot city of this program.") % {"code": row["city_code"]}
                )
            if row["unit_code"] and unit is None:
                row.errors.append(_("No unit has the code %(code)s.") % {"code": row["unit_code"]})
            row.errors.extend(field_errors(ScopeMember, {"note": row["note"]}))
            if city is None or unit is None:
                continue
            if not can(user, "change", ScopeMember(parent=city)):
                row.errors.append(_("You may not nominate for %(city)s.") % {"city": city.unit})
            if unit.code in taken:
                row.errors.append(_("%(unit)s is already in the pilot scope.") % {"unit": unit})
            try:
                services.nomination_category(city.unit, unit)
            except ValidationError as exc:
                row.errors.extend(exc.messages)
            taken.add(unit.code)

    def apply(self, rows, user):
        cities = {
            m.unit.code: m
            for m in ScopeMember.objects.select_related("unit", "program").filter(
                program=self.program, category=ScopeCategory.PILOT_CITY
            )
        }
        for row in rows:
            unit = Unit.objects.get(code=row["unit_code"])
            services.nominate(user, cities[row["city_code"]], unit, note=row["note"])
        return len(rows)
