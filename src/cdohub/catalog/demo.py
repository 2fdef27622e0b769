"""The catalog as a Guangdong bureau would see it: the province's first catalog, compiled in 2021
and published, and 茂名's data census under way now.

In 茂名's census the public security bureau is still registering (the browser test carries on
from there), human resources has submitted, medical insurance is accepted, ecology and environment
had a resource returned, and market regulation has not started. 茂南区's own census, smaller, is
due in a few working days: human resources has submitted and waits for the district bureau's
review, health has not.
"""

import datetime

from cdohub.accounts.demo import DemoAccounts
from cdohub.core import clock, demotime
from cdohub.core.calendar import add_working_days
from cdohub.datakit.identifiers import make_uscc
from cdohub.org.models import Unit

from . import services, taxonomy
from .choices import CampaignStatus, ResourceStatus
from .models import CensusCampaign, Classification, Participation, Resource

# Items by line of work: (name, column name, data type, length)
PERSON = [
    ("姓名", "XM", "C", 50),
    ("公民身份号码", "GMSFHM", "C", 18),
    ("性别", "XB", "C", 1),
    ("出生日期", "CSRQ", "D", None),
]
ENTITY = [
    ("统一社会信用代码", "TYSHXYDM", "C", 18),
    ("单位名称", "DWMC", "C", 200),
    ("法定代表人", "FDDBR", "C", 50),
]
CATALOG = {
    "GA": [
        (
            "101001",
            "人口基础信息",
            "全市户籍人口的身份、户籍和居住信息",
            PERSON + [("户籍地址", "HJDZ", "C", 200), ("民族", "MZ", "C", 2)],
        ),
        (
            "101002",
            "居住证信息",
            "流动人口居住证办理与签注信息",
            PERSON + [("居住地址", "JZDZ", "C", 200), ("签注日期", "QZRQ", "D", None)],
        ),
        (
            "301001",
            "出入境证件信息",
            "普通护照、往来港澳通行证签发信息",
            PERSON + [("证件号码", "ZJHM", "C", 20), ("签发日期", "QFRQ", "D", None)],
        ),
    ],
    "RS": [
        (
            "203001",
            "社会保险参保信息",
            "企业职工基本养老、失业、工伤保险参保登记信息",
            PERSON + [("参保险种", "CBXZ", "C", 10), ("参保日期", "CBRQ", "D", None)],
        ),
        (
            "203001",
            "养老保险待遇发放信息",
            "按月发放的基本养老金信息",
            PERSON + [("发放金额", "FFJE", "Y", None), ("发放年月", "FFNY", "C", 6)],
        ),
        (
            "203003",
            "就业登记信息",
            "劳动者就业与失业登记信息",
            PERSON + [("就业状态", "JYZT", "C", 2), ("登记日期", "DJRQ", "D", None)],
        ),
    ],
    "ZR": [
        (
            "103002",
            "不动产登记信息",
            "土地、房屋等不动产权利登记信息",
            [
                ("不动产单元号", "BDCDYH", "C", 28),
                ("权利人", "QLR", "C", 200),
                ("坐落", "ZL", "C", 200),
                ("登记时间", "DJSJ", "T", None),
            ],
        ),
        (
            "103001",
            "国土空间规划信息",
            "国土空间总体规划与详细规划成果",
            [("规划名称", "GHMC", "C", 200), ("批复文号", "PFWH", "C", 50), ("批复日期", "PFRQ", "D", None)],
        ),
    ],
    "ST": [
        (
            "211001",
            "生态环境质量监测信息",
            "空气、地表水自动监测站点小时数据",
            [
                ("监测站点", "JCZD", "C", 100),
                ("监测时间", "JCSJ", "T", None),
                ("PM2.5浓度", "PM25", "N", None),
            ],
        ),
        (
            "211002",
            "排污许可信息",
            "排污单位许可证核发信息",
            ENTITY + [("许可证编号", "XKZBH", "C", 30), ("有效期至", "YXQZ", "D", None)],
        ),
    ],
    "YB": [
        (
            "202002",
            "医疗保障参保信息",
            "城乡居民和职工医保参保信息",
            PERSON + [("参保类型", "CBLX", "C", 2), ("参保状态", "CBZT", "C", 2)],
        ),
        (
            "202002",
            "医保结算信息",
            "定点医药机构医保费用结算明细",
            PERSON + [("结算金额", "JSJE", "Y", None), ("结算时间", "JSSJ", "T", None)],
        ),
    ],
    "SJ": [
        (
            "102001",
            "企业法人登记信息",
            "企业设立、变更、注销登记信息",
            ENTITY + [("成立日期", "CLRQ", "D", None), ("登记状态", "DJZT", "C", 2)],
        ),
        (
            "104002",
            "经营异常名录信息",
            "列入和移出经营异常名录的市场主体",
            ENTITY + [("列入原因", "LRYY", "C", 500)],
        ),
    ],
    "WJ": [
        (
            "202001",
            "出生医学证明信息",
            "新生儿出生医学证明签发信息",
            [
                ("新生儿姓名", "XSEXM", "C", 50),
                ("出生时间", "CSSJ", "T", None),
                ("母亲公民身份号码", "MQGMSFHM", "C", 18),
            ],
        ),
    ],
    "JY": [
        (
            "213001",
            "学籍信息",
            "中小学生学籍注册与变动信息",
            PERSON + [("学籍号", "XJH", "C", 19), ("学校名称", "XXMC", "C", 200)],
        ),
    ],
    "JR": [
        (
            "399001",
            "地方金融组织监管信息",
            "小额贷款公司、融资担保公司监管信息",
            ENTITY + [("机构类型", "JGLX", "C", 2)],
        )
    ],
}
SHARING = {
    "101001": ("conditional", "仅限政务服务身份核验使用", "《中华人民共和国居民身份证法》第十三条"),
    "301001": ("conditional", "仅限出入境业务协查使用", "《中华人民共和国出境入境管理法》"),
    "202002": ("conditional", "仅限医保经办和基金监管使用", "《医疗保障基金使用监督管理条例》"),
}
OPEN = {"103001", "211001", "102001", "104002"}  # open to the public unconditionally
RETURN_REASON = "摘要未说明监测站点范围，更新周期与实际不符，请核实后重新报送。"


def metadata(code: str, name: str, summary: str, unit: Unit, released: datetime.date) -> dict:
    share, conditions, basis = SHARING.get(code, ("unconditional", "", ""))
    public = code in OPEN
    return {
        "classification": Classification.objects.get(code=code),
        "name": name,
        "summary": summary,
        "format": "database",
        "share_type": share,
        "share_conditions": conditions,
        "share_basis": basis,
        "share_method": "api",
        "open_type": "unconditional" if public else "none",
        "open_conditions": "" if public else "含个人信息或商业秘密，不予开放",
        "update_cycle": "realtime" if code == "211001" else "daily",
        "released_on": released,
        "source_system": f"{unit.short_name or unit.name}业务系统",
    }


def items(rows) -> list[dict]:
    return [{"name": n, "column_name": c, "data_type": t, "length": length} for n, c, t, length in rows]


def line_of(unit: Unit) -> str:
    return unit.code.rsplit("-", 1)[-1]


def give_credit_codes() -> None:
    """Every department its unified social credit code: 11 (a state organ), region, a serial."""
    for serial, unit in enumerate(Unit.objects.filter(credit_code="").order_by("path"), start=1):
        unit.credit_code = make_uscc("11", unit.region.code[:6], f"{0x7E0000 + serial:08X}")
        unit.save(update_fields=["credit_code"])


def register(accounts, unit, campaign, released, *, only=None):
    specialist = accounts.specialist(unit)
    created = []
    for code, name, summary, rows in CATALOG.get(line_of(unit), [])[:only]:
        created.append(
            services.create_resource(
                specialist,
                unit=unit,
                campaign=campaign,
                items=items(rows),
                **metadata(code, name, summary, unit, released),
            )
        )
    return specialist, created


def first_catalog(accounts, admin) -> None:
    """The province's 2021 catalog: its departments registered, submitted and were published."""
    organiser = Unit.objects.get(code="440000-SJJ")
    departments = list(
        Unit.objects.filter(code__regex=r"^440000-(GA|RS|ZR|ST|YB|JR|JY|WJ|SJ)$").order_by("path")
    )
    reviewer = accounts.bureau(Unit.objects.get(code="440000"))
    with clock.travel(datetime.datetime(2021, 6, 15, 9, tzinfo=datetime.UTC)):
        campaign = services.launch_campaign(
            reviewer,
            organiser=organiser,
            name="广东省2021年政务数据资源目录编制",
            deadline=datetime.date(2021, 7, 30),
            units=departments,
            required_fields=["items", "released_on"],
            instructions="按《政务信息资源目录编制指南（试行）》编制本部门政务数据资源目录。",
        )
    for n, unit in enumerate(departments):
        with clock.travel(datetime.datetime(2021, 7, 5 + n, 10, tzinfo=datetime.UTC)):
            specialist, created = register(accounts, unit, campaign, datetime.date(2021, 7, 1))
            part = Participation.objects.get(campaign=campaign, unit=unit)
            services.submit_participation(specialist, part)
        with clock.travel(datetime.datetime(2021, 7, 20 + n % 8, 15, tzinfo=datetime.UTC)):
            for resource in created:
                resource.refresh_from_db()
                services.publish_resource(reviewer, resource, resource.version)
    with clock.travel(datetime.datetime(2021, 8, 2, 9, tzinfo=datetime.UTC)):
        services.close_campaign(reviewer, campaign)


def maoming_census(accounts) -> None:
    """茂名's census, launched two weeks ago and due in fifteen working days."""
    today = clock.today()
    organiser = Unit.objects.get(code="440900-SJJ")
    reviewer = accounts.bureau(Unit.objects.get(code="440900"))
    lines = ["GA", "RS", "YB", "ST", "SJ", "ZR"]
    units = [Unit.objects.get(code=f"440900-{line}") for line in lines]
    with clock.travel(clock.now() - datetime.timedelta(days=14)):
        campaign = services.launch_campaign(
            reviewer,
            organiser=organiser,
            name=f"茂名市{today.year}年政务数据普查登记",
            deadline=add_working_days(today, 15),
            units=units,
            required_fields=["items", "released_on", "source_system"],
            instructions="各部门数据专员登记本部门全部政务数据资源，由首席数据官确认后报送市政务服务数据管理局。",
        )
    released = today - datetime.timedelta(days=30)
    by_line = dict(zip(lines, units, strict=True))
    register(accounts, by_line["GA"], campaign, released, only=1)  # still registering
    for line in ("RS", "YB", "ST"):
        specialist, created = register(accounts, by_line[line], campaign, released)
        services.submit_participation(
            specialist, Participation.objects.get(campaign=campaign, unit=by_line[line])
        )
        for resource in created:
            resource.refresh_from_db()
            if line == "YB":
                services.publish_resource(reviewer, resource, resource.version)
            elif line == "ST" and resource.classification.code == "211001":
                services.return_resource(reviewer, resource, resource.version, RETURN_REASON)
    register(accounts, by_line["ZR"], campaign, released, only=1)


def maonan_census(accounts) -> None:
    """茂南区's census of its two departments, launched six working days ago, due in four."""
    organiser = Unit.objects.get(code="440902-SJJ")
    reviewer = accounts.bureau(Unit.objects.get(code="440902"))
    human_resources, health = (Unit.objects.get(code=f"440902-{line}") for line in ("RS", "WJ"))
    deadline = demotime.ahead(4)
    with clock.travel(demotime.at(demotime.ago(6), 9)):
        campaign = services.launch_campaign(
            reviewer,
            organiser=organiser,
            name=f"茂南区{clock.today().year}年政务数据普查登记",
            deadline=deadline,
            units=[human_resources, health],
            required_fields=["items", "released_on"],
            instructions="区直各部门登记本部门政务数据资源，报送区政务服务数据管理局审核。",
        )
    released = clock.today() - datetime.timedelta(days=60)
    specialist, _ = register(accounts, human_resources, campaign, released, only=2)
    services.submit_participation(
        specialist, Participation.objects.get(campaign=campaign, unit=human_resources)
    )
    register(accounts, health, campaign, released)  # still registering


def open_links() -> list[str]:
    """Censuses under way and resources waiting for a review or a correction: notices stay unread."""
    campaigns = CensusCampaign.objects.filter(status=CampaignStatus.OPEN)
    resources = Resource.objects.filter(status__in=(ResourceStatus.SUBMITTED, ResourceStatus.RETURNED))
    return [obj.get_absolute_url() for queryset in (campaigns, resources) for obj in queryset]


def load(admin) -> None:
    taxonomy.load(Classification)  # again: a test database flush empties what the migration loaded
    give_credit_codes()
    accounts = DemoAccounts(admin)
    first_catalog(accounts, admin)
    maoming_census(accounts)
    maonan_census(accounts)


def logins() -> list[tuple[str, str, str]]:
    return []
