"""The Guangdong 2021 pilot as a province would really set it up (loaded by `cdohub demo`)."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password

from cdohub.accounts.choices import Role
from cdohub.accounts.models import RoleAssignment, User
from cdohub.core.management.commands.demo import DEMO_PASSWORD

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


DEMO_MAIL_DOMAIN = "demo.gdzwfw.gov.cn"
DEMO_USERS = [
    # username, display name, role, unit the role is granted on, home unit
    ("gd_bureau", "省数据局管理员", Role.BUREAU_ADMIN, "440000", "440000-SJJ"),
    ("gd_lgo", "省领导小组办公室", Role.LEADING_GROUP_OFFICE, "440000", "440000-LDXZ"),
    ("gd_auditor", "省审计员", Role.AUDITOR, "440000", "440000-SJJ"),
    ("maoming_bureau", "茂名市数据局管理员", Role.BUREAU_ADMIN, "440900", "440900-SJJ"),
    ("maoming_lgo", "茂名市领导小组办公室", Role.LEADING_GROUP_OFFICE, "440900", "440900-LDXZ"),
    ("maoming_cdo", "茂名市首席数据官", Role.CDO, "440900", "440900"),
    ("maoming_cdeo", "茂名市首席数据执行官", Role.CDEO, "440900", "440900-SJJ"),
    ("maoming_specialist", "茂名市公安局数据专员", Role.DATA_SPECIALIST, "440900-GA", "440900-GA"),
    ("maoming_staff", "茂名市公安局工作人员", Role.STAFF, "440900-GA", "440900-GA"),
    ("maonan_bureau", "茂南区数据局管理员", Role.BUREAU_ADMIN, "440902", "440902-SJJ"),
]


def create_users(admin) -> None:
    units = {u.code: u for u in Unit.objects.filter(code__in={c for row in DEMO_USERS for c in row[3:]})}
    for username, display, role, unit_code, home_code in DEMO_USERS:
        user = User(
            username=username,
            display_name=display,
            home_unit=units[home_code],
            email=f"{username}@{DEMO_MAIL_DOMAIN}",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        RoleAssignment.objects.create(user=user, role=role, unit=units[unit_code], granted_by=admin)


class DemoAccounts:
    """One account per acting body, made on demand (demo accounts beyond the printed ones).

    The printed demo accounts act for their own bodies, so what they see matches what they did.
    """

    KNOWN = {
        "lgo_440900": "maoming_lgo",
        "bureau_440900": "maoming_bureau",
        "bureau_440000": "gd_bureau",
        "ds_440900-GA": "maoming_specialist",
    }

    def __init__(self, admin):
        self.admin = admin
        self.password = make_password(DEMO_PASSWORD)
        self.cache = {u.username: u for u in User.objects.filter(username__in=self.KNOWN.values())}
        self.cache.update(
            {alias: self.cache[name] for alias, name in self.KNOWN.items() if name in self.cache}
        )

    def get(self, username, display, role, unit: Unit) -> User:
        if username not in self.cache:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username,
                    display_name=display,
                    home_unit=unit,
                    password=self.password,
                    email=f"{username}@{DEMO_MAIL_DOMAIN}",
                )
                RoleAssignment.objects.create(user=user, role=role, unit=unit, granted_by=self.admin)
            self.cache[username] = user
        return self.cache[username]

    def specialist(self, unit: Unit) -> User:
        return self.get(f"ds_{unit.code}", f"{unit.name}数据专员", Role.DATA_SPECIALIST, unit)

    def bureau(self, government: Unit) -> User:
        return self.get(
            f"bureau_{government.code}", f"{government.name}数据局管理员", Role.BUREAU_ADMIN, government
        )


def logins() -> list[tuple[str, str, str]]:
    """(user name, role, unit the role is granted on) for every demo account."""
    rows = RoleAssignment.objects.filter(user__username__in=["admin"] + [r[0] for r in DEMO_USERS])
    return [
        (a.user.username, a.get_role_display(), a.unit.name)
        for a in rows.select_related("user", "unit").order_by("user_id")
    ]


def load(admin) -> None:
    records = json.loads((DATA_DIR / "regions_guangdong.json").read_text(encoding="utf-8"))
    services.load_regions(records)
    root = build_units(admin)
    admin.home_unit = Unit.objects.get(code="440000-SJJ")
    admin.save()
    RoleAssignment.objects.get_or_create(user=admin, role=Role.SYSADMIN, unit=root)
    for path in settings.CDOHUB["PROGRAM_FILES"]:
        program = services.load_program(admin, path)
    nominate_pilots(admin, program)
    create_users(admin)
