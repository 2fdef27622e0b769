"""IT projects and supervision across the Guangdong pilot, replayed through the services.

Every state a project can be in, among them three vetoes (一票否决): 茂名's market regulator planned
to collect enterprise registration data the provincial catalog already shares; a 佛山 ecology
platform duplicated one the city had approved; the provincial medical insurance bureau's platform
reached acceptance without its data shared as declared. Findings are open, answered, closed, and
one order to 茂名 is overdue and escalated to the provincial bureau. 茂名's health commission is
left alone for the browser test.

What is still open is laid around today: 茂名's education bureau and 广州's police submitted
projects in the last working days for their CDOs to decide; orders to 深圳's human resources bureau
and 广州's police, 茂名's natural resources bureau and 茂南's health bureau are due in a few working
days, or were missed by a few.
"""

import datetime
from decimal import Decimal

from cdohub.accounts.demo import DemoAccounts
from cdohub.accounts.models import RoleAssignment
from cdohub.appointments.demo import at, letter
from cdohub.catalog import services as catalog_services
from cdohub.catalog.demo import metadata
from cdohub.catalog.models import Resource
from cdohub.core import clock, demotime
from cdohub.core.calendar import add_working_days
from cdohub.org.choices import Role
from cdohub.org.models import Unit

from . import services
from .choices import FindingStatus, ReviewStatus
from .models import Finding, Review
from .policies import reviewing_body


class Actors(DemoAccounts):
    def cdo(self, unit: Unit):
        """The CDO who decides `unit`'s projects."""
        return self.government_cdo(reviewing_body(unit))

    def government_cdo(self, body: Unit):
        """The account holding the CDO role on `body` (茂名's is the browser test's maoming_cdo)."""
        if body.code == "440900":
            return self.get("maoming_cdo", "茂名市首席数据官", Role.CDO, body)
        return self.get(f"cdo_{body.code}", f"{body.name}首席数据官", Role.CDO, body)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def days_ago(n: int) -> datetime.date:
    return clock.today() - datetime.timedelta(days=n)


def create(
    actors, code, name, *, collects=(), outputs=(), uses=(), systems=(), kind="new", budget="500", on=None
):
    owner = unit(code)
    specialist = actors.specialist(owner)
    actors.cdo(owner)  # the account of the CDO who will decide
    with clock.travel(at(on or days_ago(150), 9)):
        project = services.create_project(
            specialist,
            unit=owner,
            name=name,
            kind=kind,
            budget=Decimal(budget),
            funding_source="budget",
            summary=f"{name}：{'、'.join(systems) or '业务系统'}建设及数据治理",
            systems=list(systems),
            collects=list(collects),
            security_level=3,
            feasibility_study=letter(f"{name}可行性研究报告"),
            design=letter(f"{name}初步设计"),
            outputs=[{"name": n, "share_type": s} for n, s in outputs],
            uses=list(uses),
        )
    return specialist, project


def submit(specialist, project, stage, on):
    project.refresh_from_db()
    with clock.travel(at(on, 10)):
        return services.submit(specialist, project, stage, project.version)


def decide(actors, review, decision, on, reasons="", cited=()):
    review.refresh_from_db()
    with clock.travel(at(on, 16)):
        return services.decide(
            actors.cdo(review.project.unit), review, decision, review.version, reasons=reasons, cited=cited
        )


def opinion(actors, review, text, recommendation, on):
    government = review.project.unit.government()
    review.refresh_from_db()
    with clock.travel(at(on, 14)):
        services.add_opinion(actors.bureau(government), review, text, recommendation, review.version)


def initiated(actors, code, name, *, on, submitted, approved, **declared):
    """A project whose initiation its CDO approved."""
    specialist, project = create(actors, code, name, on=on, **declared)
    decide(actors, submit(specialist, project, "initiation", submitted), "approve", approved)
    return specialist, project


def to_acceptance(actors, specialist, project, output, share_type, *, built, submitted, publish=True):
    """Built: its output registered in the catalog (and published) on `built`, then submitted for
    acceptance."""
    with clock.travel(at(built, 9)):
        publish_output(actors, project, output, share_type, publish=publish)
    return submit(specialist, project, "acceptance", submitted)


def publish_output(actors, project, name, share_type="unconditional", publish=True):
    """Register the project's output in the catalog (and publish it), then link it."""
    owner = project.unit
    specialist = actors.specialist(owner)
    classification = catalog_services.guess_classification(owner)
    fields = metadata(classification.code, name, f"{project.name}产生的{name}", owner, days_ago(20))
    fields["share_type"] = share_type
    if share_type == "none":
        fields["share_method"] = ""
    if share_type != "unconditional":
        fields["share_conditions"] = "仅限政务部门履职使用"
        fields["share_basis"] = "《广东省政务数据资源共享管理办法（试行）》"
    resource = catalog_services.create_resource(
        specialist,
        unit=owner,
        items=[{"name": "统一编码", "column_name": "TYBM", "data_type": "C", "length": 32}],
        **fields,
    )
    if publish:
        catalog_services.submit_resource(specialist, resource)
        resource.refresh_from_db()
        catalog_services.publish_resource(actors.bureau(owner.government()), resource, resource.version)
    project.refresh_from_db()
    links = [
        {
            **o,
            "resource": resource if o["name"] == name else Resource.objects.filter(pk=o["resource"]).first(),
        }
        for o in services.outputs_of(project)
    ]
    services.update_project(
        specialist, project, outputs=links, acceptance_report=letter(f"{project.name}验收报告")
    )
    return resource


def population():
    return Resource.objects.get(unit__code="440000-GA", name="人口基础信息", status="published")


def load(admin) -> None:
    actors = Actors(admin)
    start = days_ago(160)

    # 广州市公安局: approved, built, registered its data and accepted.
    s, p = initiated(
        actors,
        "440100-GA",
        "广州市公安视频图像联网共享平台",
        systems=["视频图像联网共享平台"],
        outputs=[("视频图像目录信息", "conditional")],
        uses=[population()],
        on=start,
        submitted=add_working_days(start, 2),
        approved=add_working_days(start, 6),
    )
    built, submitted = add_working_days(start, 60), add_working_days(start, 62)
    r = to_acceptance(actors, s, p, "视频图像目录信息", "conditional", built=built, submitted=submitted)
    decide(actors, r, "approve", add_working_days(start, 66))

    # 深圳市人社局: initiation under review, the bureau's opinion in.
    s, p = create(
        actors,
        "440300-RS",
        "深圳市就业创业一体化服务平台",
        systems=["就业创业服务平台"],
        outputs=[("创业补贴发放信息", "unconditional")],
        uses=[population()],
        on=days_ago(20),
    )
    r = submit(s, p, "initiation", days_ago(12))
    opinion(
        actors, r, "建议通过。就业登记信息可通过省人社厅目录共享获取，避免重复采集。", "approve", days_ago(8)
    )

    # 珠海市自然资源局: returned for revision.
    s, p = create(
        actors,
        "440400-ZR",
        "珠海市不动产登记档案数字化项目",
        kind="upgrade",
        budget="280",
        systems=["不动产登记档案管理系统"],
        outputs=[("不动产登记档案信息", "")],
        on=days_ago(60),
    )
    r = submit(s, p, "initiation", days_ago(50))
    decide(
        actors,
        r,
        "return",
        days_ago(45),
        "未声明不动产登记档案信息的共享属性，请补充后重新报送。",
        ["outputs_declared"],
    )

    # 佛山: the city approved an ecology monitoring platform; its ecology bureau proposed the same again.
    government = unit("440600")
    gov_specialist = actors.get("ds_440600", "佛山市人民政府数据专员", Role.DATA_SPECIALIST, government)
    actors.cdo(government)
    with clock.travel(at(days_ago(120), 9)):
        first = services.create_project(
            gov_specialist,
            unit=government,
            name="佛山市生态环境智慧监测平台",
            kind="new",
            budget=Decimal("1200"),
            funding_source="special",
            summary="全市空气、水、土壤自动监测数据汇聚与预警",
            systems=["生态环境智慧监测平台"],
            collects=[],
            security_level=3,
            feasibility_study=letter("可研"),
            design=letter("设计"),
            outputs=[{"name": "生态环境监测汇聚信息", "share_type": "unconditional"}],
        )
    r = submit(gov_specialist, first, "initiation", days_ago(115))
    decide(actors, r, "approve", days_ago(110))
    s, p = create(
        actors,
        "440600-ST",
        "佛山市生态环境智慧监测平台二期",
        budget="900",
        systems=["生态环境智慧监测平台"],
        outputs=[("污染源监测信息", "conditional")],
        on=days_ago(40),
    )
    r = submit(s, p, "initiation", days_ago(35))
    opinion(actors, r, "与市政府已立项的生态环境智慧监测平台重复，建议否决。", "veto", days_ago(33))
    decide(
        actors,
        r,
        "veto",
        days_ago(30),
        "与佛山市生态环境智慧监测平台建设内容重复，应在既有平台上扩展。",
        ["duplicates"],
    )

    # 茂名市市场监管局: planned to collect enterprise registration data the province already shares.
    s, p = create(
        actors,
        "440900-SJ",
        "茂名市市场主体信用监管系统",
        budget="450",
        systems=["市场主体信用监管系统"],
        collects=["企业法人登记信息：统一社会信用代码、单位名称、法定代表人"],
        outputs=[("市场主体信用评价信息", "unconditional")],
        on=days_ago(45),
    )
    r = submit(s, p, "initiation", days_ago(40))
    decide(
        actors,
        r,
        "veto",
        days_ago(36),
        "拟自行采集的企业法人登记信息已由省市场监管局在目录中发布并无条件共享，应通过共享获取，不得重复采集。",
        ["reuse"],
    )

    # 江门市医保局: initiated; acceptance under review, its data not yet published.
    s, p = initiated(
        actors,
        "440700-YB",
        "江门市医保智能监管系统",
        budget="380",
        systems=["医保智能监管系统"],
        outputs=[("医保违规线索信息", "conditional")],
        on=days_ago(140),
        submitted=days_ago(135),
        approved=days_ago(130),
    )
    to_acceptance(
        actors,
        s,
        p,
        "医保违规线索信息",
        "conditional",
        built=days_ago(15),
        submitted=days_ago(10),
        publish=False,
    )

    # 韶关市人社局: acceptance returned.
    s, p = initiated(
        actors,
        "440200-RS",
        "韶关市社保经办数字化改造",
        kind="upgrade",
        budget="210",
        systems=["社保经办系统"],
        outputs=[("社保经办业务信息", "unconditional")],
        on=days_ago(150),
        submitted=days_ago(145),
        approved=days_ago(141),
    )
    r = to_acceptance(
        actors, s, p, "社保经办业务信息", "unconditional", built=days_ago(30), submitted=days_ago(25)
    )
    decide(actors, r, "return", days_ago(21), "验收报告缺少等保测评结论，请补充后重新报送。")

    # 广东省医疗保障局: acceptance vetoed, the declared sharing not in place.
    s, p = initiated(
        actors,
        "440000-YB",
        "广东省医保信息平台数据治理项目",
        kind="operation",
        budget="1500",
        systems=["广东省医疗保障信息平台"],
        outputs=[("医保药品耗材目录信息", "unconditional")],
        on=days_ago(155),
        submitted=days_ago(150),
        approved=days_ago(146),
    )
    # Registered as not shared, against what the initiation declared.
    r = to_acceptance(
        actors, s, p, "医保药品耗材目录信息", "none", built=days_ago(20), submitted=days_ago(18)
    )
    decide(
        actors,
        r,
        "veto",
        days_ago(14),
        "立项时承诺无条件共享的医保药品耗材目录信息，目录中登记为不予共享，与立项承诺不符。",
        ["sharing_in_place"],
    )

    # 肇庆市公安局: a draft.
    create(actors, "441200-GA", "肇庆市智慧警务大数据平台", systems=["智慧警务大数据平台"], on=days_ago(5))

    # Submitted in the last working days, for the CDOs of 茂名 and of 广州's police to decide.
    s, p = create(
        actors,
        "440900-JY",
        "茂名市智慧教育公共服务平台",
        budget="320",
        systems=["智慧教育公共服务平台"],
        outputs=[("学生资助发放信息", "conditional")],
        uses=[population()],
        on=demotime.ago(9),
    )
    submit(s, p, "initiation", demotime.ago(2))
    s, p = create(
        actors,
        "440100-GA",
        "广州市公安视频图像联网共享平台二期",
        kind="upgrade",
        budget="860",
        systems=["视频图像联网共享平台"],
        outputs=[("视频图像目录信息", "conditional")],
        on=demotime.ago(12),
    )
    submit(s, p, "initiation", demotime.ago(4))

    findings(actors)


# Supervision orders: the issuer (an account of `Actors` and the body it acts for), the unit concerned,
# how many days ago it was opened, and the finding with its order.
ORDERS = [
    (
        ("government_cdo", "440900"),
        "440900-SJ",
        40,
        {
            "category": "collection",
            "severity": "high",
            "title": "市场监管业务系统违规采集企业登记信息",
            "description": "市场监管局在一票否决后仍通过原业务系统采集企业法人登记信息。",
            "evidence": "系统数据库表结构截图、近三个月采集记录",
            "order_kind": "stop",
            "order_text": "立即停止自行采集企业法人登记信息，改为调用省共享接口。",
            "deadline_days": 10,
        },
    ),
    (
        ("bureau", "440600"),
        "440600-ST",
        3,
        {
            "category": "duplicate",
            "severity": "medium",
            "title": "生态环境监测设备重复采购风险",
            "description": "二期项目被否决后仍在开展监测设备采购询价。",
            "evidence": "采购意向公开信息",
            "order_kind": "correct",
            "order_text": "暂停采购询价，纳入市生态环境智慧监测平台统筹。",
            "deadline_days": 10,
        },
    ),
    (
        ("government_cdo", "440700"),
        "440700-YB",
        20,
        {
            "category": "sharing",
            "severity": "medium",
            "title": "医保结算数据未按目录共享",
            "description": "医保结算信息已登记为有条件共享，但共享平台未开通接口。",
            "evidence": "共享平台接口清单",
            "order_kind": "correct",
            "order_text": "十个工作日内开通共享接口并报送调用情况。",
            "deadline_days": 10,
        },
    ),
    (
        ("cdo", "440100-GA"),
        "440100-GA",
        60,
        {
            "category": "security",
            "severity": "high",
            "title": "视频图像平台弱口令风险",
            "description": "平台运维账号使用弱口令。",
            "evidence": "安全检测报告",
            "order_kind": "correct",
            "order_text": "五个工作日内完成口令整改和账号清理。",
            "deadline_days": 5,
        },
    ),
]


# Orders still running: one missed by a few working days, one due in a few (days ago, in working days).
RUNNING = [
    (
        ("government_cdo", "440300"),
        "440300-RS",
        8,
        {
            "category": "sharing",
            "severity": "medium",
            "title": "就业登记信息未按目录共享",
            "description": "就业登记信息已登记为无条件共享，但共享平台仍未提供数据。",
            "evidence": "共享平台资源调用记录",
            "order_kind": "correct",
            "order_text": "五个工作日内在共享平台提供就业登记信息并报送调用情况。",
            "deadline_days": 5,
        },
    ),
    (
        ("government_cdo", "440300"),
        "440300-RS",
        1,
        {
            "category": "security",
            "severity": "low",
            "title": "就业创业服务平台日志留存不足",
            "description": "平台访问日志仅留存三十日，不满足六个月留存要求。",
            "evidence": "安全检查记录",
            "order_kind": "correct",
            "order_text": "十个工作日内将日志留存期限调整为不少于六个月。",
            "deadline_days": 10,
        },
    ),
    (
        ("cdo", "440100-GA"),
        "440100-GA",
        7,
        {
            "category": "collection",
            "severity": "medium",
            "title": "视频图像平台超范围采集人脸信息",
            "description": "部分点位在非公共安全场所采集人脸图像。",
            "evidence": "点位清单、现场核查记录",
            "order_kind": "stop",
            "order_text": "立即停止非公共安全场所点位的人脸采集，五个工作日内报送整改情况。",
            "deadline_days": 5,
        },
    ),
    (
        ("government_cdo", "440900"),
        "440900-ZR",
        3,
        {
            "category": "sharing",
            "severity": "medium",
            "title": "不动产登记信息共享接口响应超时",
            "description": "共享平台调用不动产登记信息接口平均响应超过十秒，影响政务服务办理。",
            "evidence": "共享平台接口监测报表",
            "order_kind": "correct",
            "order_text": "十个工作日内完成接口性能优化并报送监测结果。",
            "deadline_days": 10,
        },
    ),
    (
        ("government_cdo", "440902"),
        "440902-WJ",
        9,
        {
            "category": "collection",
            "severity": "medium",
            "title": "家庭医生签约系统重复采集居民身份信息",
            "description": "签约系统要求居民重复填报已由人口基础信息共享的身份信息。",
            "evidence": "系统填报页面截图",
            "order_kind": "correct",
            "order_text": "五个工作日内改为调用人口基础信息共享接口核验身份。",
            "deadline_days": 5,
        },
    ),
    (
        ("cdo", "440100-GA"),
        "440100-GA",
        2,
        {
            "category": "sharing",
            "severity": "low",
            "title": "视频图像目录信息更新不及时",
            "description": "目录中的视频图像目录信息超过一个月未更新。",
            "evidence": "目录更新记录",
            "order_kind": "correct",
            "order_text": "十个工作日内按实际更新频率更新目录并说明原因。",
            "deadline_days": 10,
        },
    ),
]


def answer(actors, finding, on, text, document=None):
    """The unit concerned reports its rectification."""
    with clock.travel(at(on, 15)):
        return services.answer_finding(
            actors.specialist(finding.unit), finding, text, document, seen_version=finding.version
        )


def findings(actors) -> None:
    """茂名's order overdue (and escalated), 佛山's open, 江门's answered, 广州's closed."""
    opened = []
    for (account, body), code, days, order in ORDERS:
        issuer = getattr(actors, account)(unit(body))
        with clock.travel(at(days_ago(days), 11)):
            opened.append(services.open_finding(issuer, unit=unit(code), **order))
    _overdue, _open, answered, closed = opened
    answer(actors, answered, days_ago(10), "已开通共享接口，附接口调用记录。", letter("整改报告"))
    closed = answer(actors, closed, days_ago(57), "已完成口令整改并清理闲置账号。")
    with clock.travel(at(days_ago(55), 10)):
        services.close_finding(actors.cdo(closed.unit), closed, "复测通过。", closed.version)
    for (account, body), code, days, order in RUNNING:
        issuer = getattr(actors, account)(unit(body))
        with clock.travel(at(demotime.ago(days), 11)):
            services.open_finding(issuer, unit=unit(code), **order)
    services.escalate_overdue()


def open_links() -> list[str]:
    """Reviews still to decide and orders still to rectify or verify: their notices stay unread."""
    reviews = Review.objects.filter(status=ReviewStatus.SUBMITTED)
    running = Finding.objects.filter(status__in=(FindingStatus.OPEN, FindingStatus.ANSWERED))
    return [obj.get_absolute_url() for queryset in (reviews, running) for obj in queryset]


LOGINS = ["cdo_440100-GA", "ds_440300-RS", "bureau_440300", "ds_440900-SJ"]


def logins() -> list[tuple[str, str, str]]:
    """A department CDO who decided, a unit with a project under review, its bureau, a vetoed unit."""
    rows = RoleAssignment.objects.filter(user__username__in=LOGINS).select_related("user", "unit")
    return [(a.user.username, a.get_role_display(), a.unit.name) for a in rows.order_by("user__username")]
