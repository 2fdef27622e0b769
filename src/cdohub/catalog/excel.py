"""The catalog in Excel: a two-sheet registration template (resources, then their items), an
import that checks every row and applies all or nothing, and an export in the same layout so a
unit can take its catalog out, mend it and bring it back.
"""

import datetime
import hashlib
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cdohub.catalog import events
from cdohub.core import audit, clock
from cdohub.core.excel import (
    EXAMPLE_FONT,
    HEADER_FILL,
    Column,
    Row,
    SheetsImportResult,
    annotate,
    example_row,
    field_errors,
    open_workbook,
    read_sheet,
)
from cdohub.core.excel import save_workbook as save
from cdohub.core.permissions import can
from cdohub.core.services import service
from cdohub.org.models import Unit

from . import rules, search, services
from .choices import DataType, OpenType, ResourceFormat, ShareMethod, ShareType, UpdateCycle
from .models import Classification, InformationItem, Resource

RESOURCE_COLUMNS = [
    Column("ref", gettext_lazy("Row key"), example="1"),
    Column("code", gettext_lazy("Resource code"), required=False),
    Column("classification", gettext_lazy("Classification code"), example="101001"),
    Column("name", gettext_lazy("Resource name"), example="人口基础信息"),
    Column("unit", gettext_lazy("Provider unit code"), example="440900-GA"),
    Column("summary", gettext_lazy("Summary"), required=False, example="全市户籍人口基础信息"),
    Column("format", gettext_lazy("Format"), required=False, example="数据库"),
    Column("share_type", gettext_lazy("Sharing type"), required=False, example="有条件共享"),
    Column(
        "share_conditions",
        gettext_lazy("Sharing conditions"),
        required=False,
        example="仅用于政务服务身份核验",
    ),
    Column(
        "share_basis",
        gettext_lazy("Legal or policy basis"),
        required=False,
        example="《中华人民共和国居民身份证法》",
    ),
    Column("share_method", gettext_lazy("Sharing method"), required=False, example="接口"),
    Column("open_type", gettext_lazy("Open attribute"), required=False, example="不予开放"),
    Column("open_conditions", gettext_lazy("Open conditions"), required=False, example="含个人信息"),
    Column("update_cycle", gettext_lazy("Update cycle"), required=False, example="每日"),
    Column("released_on", gettext_lazy("Release date"), required=False, example="2021-06-01"),
    Column("source_system", gettext_lazy("Source information system"), required=False, example="人口综合库"),
    Column("related_codes", gettext_lazy("Related resource codes"), required=False),
    Column("is_classified", gettext_lazy("Classified"), required=False, example="否"),
]
ITEM_COLUMNS = [
    Column("ref", gettext_lazy("Row key of the resource"), example="1"),
    Column("name", gettext_lazy("Item name"), example="公民身份号码"),
    Column("column_name", gettext_lazy("Column name"), required=False, example="SFZH"),
    Column("data_type", gettext_lazy("Data type"), example="字符型"),
    Column("length", gettext_lazy("Length"), required=False, example="18"),
    Column("description", gettext_lazy("Description"), required=False),
]
CHOICES = {
    "format": ResourceFormat,
    "share_type": ShareType,
    "share_method": ShareMethod,
    "open_type": OpenType,
    "update_cycle": UpdateCycle,
    "data_type": DataType,
}
YES, NO = {"是", "yes", "y", "true", "1", "涉密"}, {"否", "no", "n", "false", "0", "非涉密", ""}
SEPARATORS = str.maketrans({"、": ",", "，": ",", ";": ",", "；": ",", " ": ","})


# Labels earlier templates offered, still read: the sharing method "file" was offered as 备案.
FORMER_LABELS = {ShareMethod: {"备案": ShareMethod.FILE}}


def _choice_map(choices) -> dict[str, str]:
    """Each value, and its label in every language (and any former label), to the value."""
    names = dict(FORMER_LABELS.get(choices, {}))
    for value, label in choices.choices:
        names[value.lower()] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names[str(label).lower()] = value
    return names


def template() -> bytes:
    wb = Workbook()
    resources = wb.active
    resources.title = str(_("Resources"))
    items = wb.create_sheet(str(_("Information items")))
    _sheet(resources, RESOURCE_COLUMNS, [example_row(RESOURCE_COLUMNS)])
    _sheet(items, ITEM_COLUMNS, [example_row(ITEM_COLUMNS)])
    for ws in (resources, items):
        for cell in ws[2]:
            cell.font = EXAMPLE_FONT
    for ws, columns in ((resources, RESOURCE_COLUMNS), (items, ITEM_COLUMNS)):
        for index, column in enumerate(columns, start=1):
            if column.key in CHOICES or column.key == "is_classified":
                labels = (
                    [str(label) for _v, label in CHOICES[column.key].choices]
                    if column.key in CHOICES
                    else [
                        _("Yes"),
                        _("No"),
                    ]
                )
                check = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
                letter = get_column_letter(index)
                check.add(f"{letter}2:{letter}100000")
                ws.add_data_validation(check)
    return save(wb)


def _sheet(ws, columns, rows) -> None:
    ws.append([f"{c.header}*" if c.required else str(c.header) for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for row in rows:
        ws.append(row)
    for index in range(1, len(columns) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 20
    ws.freeze_panes = "A2"


def export(resources) -> bytes:
    """`resources` in the template's layout (classified ones by title only)."""
    resources = list(resources.select_related("unit", "classification").order_by("code"))
    items = defaultdict(list)
    for item in InformationItem.objects.filter(resource__in=resources).order_by("resource_id", "position"):
        items[item.resource_id].append(item)
    wb = Workbook(write_only=False)
    sheet_r = wb.active
    sheet_r.title = str(_("Resources"))
    sheet_i = wb.create_sheet(str(_("Information items")))
    _sheet(sheet_r, RESOURCE_COLUMNS, [_resource_row(n, r) for n, r in enumerate(resources, start=1)])
    _sheet(
        sheet_i,
        ITEM_COLUMNS,
        [
            [n, i.name, i.column_name, i.get_data_type_display(), i.length, i.description]
            for n, r in enumerate(resources, start=1)
            for i in items[r.pk]
        ],
    )
    return save(wb)


def _resource_row(n: int, r: Resource) -> list:
    return [
        n,
        r.code,
        r.classification.code,
        r.name,
        r.unit.code,
        r.summary,
        r.get_format_display(),
        r.get_share_type_display(),
        r.share_conditions,
        r.share_basis,
        r.get_share_method_display(),
        r.get_open_type_display(),
        r.open_conditions,
        r.get_update_cycle_display(),
        r.released_on,
        r.source_system,
        "、".join(r.related_codes),
        _("Yes") if r.is_classified else _("No"),
    ]


class ImportResult(SheetsImportResult):
    def __init__(self, resources: list[Row], items: list[Row]):
        super().__init__(resources, items)
        self.resources, self.items = resources, items


class Parsed:
    """One resource row made into values for the services."""

    def __init__(self, row: Row):
        self.row, self.values, self.items, self.unit, self.existing = row, {}, [], None, None


class CatalogImport:
    def __init__(self, campaign=None):
        self.user, self.campaign = None, campaign
        self.choices = {k: _choice_map(v) for k, v in CHOICES.items()}
        self.units: dict[str, Unit | None] = {}
        self.classes = {c.code: c for c in Classification.objects.select_related("parent")}

    def run(self, data: bytes, user) -> ImportResult:
        self.user = user
        workbook = open_workbook(data)
        result = ImportResult(
            read_sheet(workbook, 0, RESOURCE_COLUMNS), read_sheet(workbook, 1, ITEM_COLUMNS, optional=True)
        )
        parsed = self._parse(result)
        for row in result.items:  # the on-screen list shows both sheets' rows together
            row.errors = [_("Information items sheet: %(e)s") % {"e": e} for e in row.errors]
        if result.ok:
            self._apply(parsed, data, result)
        else:
            result.annotated = annotate(data, result.resources, result.items)
        return result

    # -- checking ------------------------------------------------------------------------------

    def _parse(self, result: ImportResult) -> list[Parsed]:
        by_ref: dict[str, Parsed] = {}
        parsed = []
        codes_seen: dict[str, int] = {}
        existing = {
            r.code: r
            for r in Resource.objects.filter(
                code__in=[row["code"] for row in result.resources if row["code"]]
            ).select_related("unit")
        }
        for row in result.resources:
            p = Parsed(row)
            self._parse_resource(p, existing)
            if row["ref"] in by_ref:
                row.errors.append(_("The row key %(k)s appears twice.") % {"k": row["ref"]})
            by_ref[row["ref"]] = p
            if row["code"]:
                if row["code"] in codes_seen:
                    row.errors.append(
                        _("The resource code %(c)s is already in row %(r)d.")
                        % {"c": row["code"], "r": codes_seen[row["code"]]}
                    )
                codes_seen[row["code"]] = row.number
            parsed.append(p)
        for row in result.items:
            owner = by_ref.get(row["ref"])
            if owner is None:
                row.errors.append(_("No resource row has the key %(k)s.") % {"k": row["ref"]})
                continue
            item = {key: row[key] for key in rules.ITEM_FIELDS}
            item["data_type"] = self.choices["data_type"].get(row["data_type"].lower(), row["data_type"])
            item["length"] = int(row["length"]) if row["length"].isdigit() else (row["length"] or None)
            row.errors.extend(rules.item_problems(item))
            texts = {key: item[key] for key in ("name", "column_name", "description")}  # the rest: rules
            row.errors.extend(field_errors(InformationItem, texts))
            owner.items.append(item)
        known = set(
            Resource.objects.filter(
                code__in={c for p in parsed for c in p.values.get("related_codes", [])}
            ).values_list("code", flat=True)
        )
        for p in parsed:  # every rule, so that the user sees all of a row's errors at once
            required = self.campaign.required_fields if self.campaign else ()
            errors = rules.check(p.values, p.items, required=required)
            if p.values["classification"] is None:
                errors.pop("classification", None)  # the unknown code is already reported
            for field, messages in errors.items():
                if field != "items":  # item rows carry their own messages
                    p.row.errors.extend(m for m in dict.fromkeys(messages) if m not in p.row.errors)
            missing = [c for c in p.values.get("related_codes", []) if c not in known]
            if missing:
                p.row.errors.append(_("No resource has the code %(codes)s.") % {"codes": "、".join(missing)})
        return parsed

    def _parse_resource(self, p: Parsed, existing: dict) -> None:
        row = p.row
        for key in ("format", "share_type", "share_method", "open_type", "update_cycle"):
            text = row[key]
            value = self.choices[key].get(text.lower()) if text else ""
            if value is None:
                row.errors.append(_("%(col)s: %(v)s is not in the list.") % {"col": _header(key), "v": text})
            p.values[key] = value or ""
        for key in ("name", "summary", "share_conditions", "share_basis", "open_conditions", "source_system"):
            p.values[key] = row[key]
        classification = self.classes.get(row["classification"])
        if classification is None:
            row.errors.append(_("No classification has the code %(c)s.") % {"c": row["classification"]})
        p.values["classification"] = classification
        p.values["released_on"] = self._date(row)
        p.values["related_codes"] = [c for c in row["related_codes"].translate(SEPARATORS).split(",") if c]
        flag = row["is_classified"].strip().lower()
        if flag not in YES | NO and flag != str(_("Yes")).lower() and flag != str(_("No")).lower():
            row.errors.append(_("Classified: write 是 or 否."))
        p.values["is_classified"] = flag in YES or flag == str(_("Yes")).lower()
        row.errors.extend(field_errors(Resource, p.values))
        p.unit = self._unit(row)
        if row["code"]:
            p.existing = existing.get(row["code"])
            self._check_existing(p)

    def _date(self, row: Row):
        text = row["released_on"][:10]
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            row.errors.append(_("Release date: write it as 2021-06-01."))
            return None

    def _unit(self, row: Row) -> Unit | None:
        code = row["unit"]
        if code not in self.units:
            self.units[code] = Unit.objects.filter(code=code).first()
        unit = self.units[code]
        probe = Resource(unit=unit) if unit else None
        if unit is None or not can(self.user, "inspect", probe):
            row.errors.append(_("No unit in your scope has the code %(c)s.") % {"c": code})
        elif not can(self.user, "change", probe):
            row.errors.append(_("You may not register resources for %(u)s.") % {"u": unit})
        elif self.campaign and not self.campaign.participations.filter(unit=unit).exists():
            row.errors.append(_("%(u)s is not taking part in this campaign.") % {"u": unit})
        return unit

    def _check_existing(self, p: Parsed) -> None:
        r = p.existing
        if r is None or not can(self.user, "inspect", r):
            p.row.errors.append(
                _("No resource in your scope has the code %(c)s; leave the code empty for a new one.")
                % {"c": p.row["code"]}
            )
        elif r.unit_id != getattr(p.unit, "pk", None):
            p.row.errors.append(_("The resource %(c)s belongs to another unit.") % {"c": r.code})
        elif not r.is_editable:
            p.row.errors.append(
                _("The resource %(c)s is %(s)s and cannot be changed.")
                % {"c": r.code, "s": r.get_status_display()}
            )

    # -- applying ------------------------------------------------------------------------------

    def _apply(self, parsed: list[Parsed], data: bytes, result: ImportResult) -> None:
        try:
            _apply(self.user, self, parsed, data, result)
        except ValidationError as exc:  # a rule the row checks could not see (e.g. a race)
            result.resources[0].errors.extend(exc.messages)
            result.annotated = annotate(data, result.resources, result.items)


def _header(key: str) -> str:
    return str(next(c.header for c in RESOURCE_COLUMNS if c.key == key))


@service
def _apply(actor, importer: CatalogImport, parsed: list[Parsed], data: bytes, result: ImportResult) -> None:
    new = [p for p in parsed if p.existing is None]
    for p in parsed:
        if p.existing is not None:
            services.update_resource(actor, p.existing, items=p.items, **p.values)
            result.updated += 1
    by_class = defaultdict(list)
    for p in new:
        by_class[p.values["classification"].code].append(p)
    resources = []
    for code, group in by_class.items():
        for p, resource_code in zip(
            group, services.reserve_codes(importer.classes[code], len(group)), strict=True
        ):
            resources.append(
                Resource(
                    unit=p.unit,
                    campaign=importer.campaign,
                    code=resource_code,
                    provider_code=services.provider_code(p.unit),
                    completeness=rules.completeness(p.values, p.items),
                    created_by=actor,
                    **p.values,
                )
            )
    Resource.objects.bulk_create(resources, batch_size=1000)
    items = []
    for p, resource in zip([p for g in by_class.values() for p in g], resources, strict=True):
        items.extend(
            InformationItem(resource=resource, position=n, **i) for n, i in enumerate(p.items, start=1)
        )
    InformationItem.objects.bulk_create(items, batch_size=5000)
    items_by_resource = defaultdict(list)
    for item in items:
        items_by_resource[item.resource_id].append(item)
    search.index(resources, items_by_resource)
    digest = hashlib.sha256(data).hexdigest()
    stored = default_storage.save(
        f"catalog/imports/{clock.today():%Y%m%d}-{digest[:12]}.xlsx", ContentFile(data)
    )
    audit.record_event(
        events.CATALOG_IMPORTED,
        None,
        unit_id=getattr(importer.campaign, "organiser_id", None),
        file=stored,
        sha256=digest,
        created=[r.code for r in resources],
        updated=[p.existing.code for p in parsed if p.existing is not None],
    )
    result.created = len(resources)
