"""The Guangdong 2021 pilot as a province would really set it up (loaded by `cdohub demo`)."""

import json
from pathlib import Path

from django.conf import settings

from . import services
from .choices import RegionLevel, ScopeCategory, UnitKind
from .models import PilotProgram, Region, ScopeMember, Unit

DATA_DIR = Path(__file__).parent / "data"

PROVINCIAL_DEPARTMENTS = [
    ("GA", "广东省公安厅", "省公安厅"),
    ("RS", "广东省人力资源和社会保障厅", "省人力资源社会保障厅"),
    ("ZR", "广东省自然资源厅", "省自然资源厅"),
    ("ST", "广东省生态环境厅", "省生态环境厅"),
    ("YB", "广东省医疗保障局", "省医保局"),
    ("JR", "广东省地方金融监督管理局", "省地方金融监管局"),
    ("JY", "广东省教育厅", "省教育厅"),
    ("WJ", "广东省卫生健康委员会", "省卫生健康委"),
    ("SJ", "广东省市场监督管理局", "省市场监管局"),
]
CITY_DEPARTMENTS = [
    ("GA", "公安局"),
    ("RS", "人力资源和社会保障局"),
    ("ZR", "自然资源局"),
    ("ST", "生态环境局"),
    ("YB", "医疗保障局"),
    ("SJ", "市场监督管理局"),
    ("WJ", "卫生健康局"),
    ("JY", "教育局"),
]
COUNTY_DEPARTMENTS = [("RS", "人力资源和社会保障局"), ("WJ", "卫生健康局")]
PILOT_CITIES = [
    "440100",
    "440300",
    "440400",
    "440600",
    "440200",
    "441600",
    "442000",
    "440700",
    "440900",
    "441200",
]
# 茂名 starts one county short of the plan's three, so the demo shows a city still to comply.
NOMINATED_COUNTIES = {"440900": 2}


def government_name(region: Region) -> str:
    if region.level == RegionLevel.TOWN and region.name.endswith("街道"):
        return f"{region.name}办事处"
    return f"{region.name}人民政府"


def _unit(actor, parent, code, name, kind, region, short_name=""):
    return services.create_unit(
        actor, parent=parent, code=code, name=name, kind=kind, region=region, short_name=short_name
    )


def _bodies(actor, gov, region, departments):
    bureau = _unit(
        actor,
        gov,
        f"{region.code}-SJJ",
        f"{region.name}政务服务数据管理局",
        UnitKind.DATA_BUREAU,
        region,
        "数据局",
    )
    group = None
    if region.level in (RegionLevel.PROVINCE, RegionLevel.PREFECTURE):
        group = _unit(
            actor,
            gov,
            f"{region.code}-LDXZ",
            f"{region.name}数字政府改革建设工作领导小组",
            UnitKind.LEADING_GROUP,
            region,
            "领导小组",
        )
    depts = [
        _unit(
            actor,
            gov,
            f"{region.code}-{abbr}",
            f"{region.name}{name}",
            UnitKind.DEPARTMENT,
            region,
            name,
        )
        for abbr, name in departments
    ]
    return bureau, group, depts


def build_units(actor) -> Unit:
    regions = {r.code: r for r in Region.objects.all()}
    province = regions["440000"]
    root = _unit(actor, None, "440000", "广东省人民政府", UnitKind.GOVERNMENT, province, "省政府")
    _unit(
        actor,
        root,
        "440000-SJJ",
        "广东省政务服务数据管理局",
        UnitKind.DATA_BUREAU,
        province,
        "省政务服务数据管理局",
    )
    _unit(
        actor,
        root,
        "440000-LDXZ",
        "广东省数字政府改革建设工作领导小组",
        UnitKind.LEADING_GROUP,
        province,
        "省领导小组",
    )
    for abbr, name, short in PROVINCIAL_DEPARTMENTS:
        _unit(actor, root, f"440000-{abbr}", name, UnitKind.DEPARTMENT, province, short)
    for city_region in Region.objects.filter(level=RegionLevel.PREFECTURE):
        city = _unit(
            actor,
            root,
            city_region.code,
            government_name(city_region),
            UnitKind.GOVERNMENT,
            city_region,
        )
        pilot = city_region.code in PILOT_CITIES
        _bodies(actor, city, city_region, CITY_DEPARTMENTS if pilot else [])
        if not pilot:
            continue
        for local in city_region.children.order_by("code"):
            gov = _unit(actor, city, local.code, government_name(local), UnitKind.GOVERNMENT, local)
            if local.level == RegionLevel.COUNTY:
                _bodies(actor, gov, local, COUNTY_DEPARTMENTS)
    return root


def nominate_pilots(actor, program: PilotProgram) -> None:
    for member in ScopeMember.objects.filter(program=program, category=ScopeCategory.PILOT_CITY):
        counties = NOMINATED_COUNTIES.get(member.unit.code, 3)
        children = list(Unit.objects.get_children(member.unit))
        govs = [u for u in children if u.kind == UnitKind.GOVERNMENT][:counties]
        depts = [u for u in children if u.kind == UnitKind.DEPARTMENT][:5]
        for unit in govs + depts:
            services.nominate(actor, member, unit)


def load(admin) -> None:
    records = json.loads((DATA_DIR / "regions_guangdong.json").read_text(encoding="utf-8"))
    services.load_regions(records)
    build_units(admin)
    for path in settings.CDOHUB["PROGRAM_FILES"]:
        program = services.load_program(admin, path)
    nominate_pilots(admin, program)


def logins() -> list[tuple[str, str, str]]:
    return []  # the accounts app prints the sign-ins
