"""Data quality in 茂名 over the last seven weeks, from scans of the demo's own data sources.

茂名市公安局's 人口基础信息 is bound to the population system's ``rk_jbxx`` table, with rules for the
resident ID (check digit, birth date, region), names, sex codes and birth dates; 茂名市生态环境局's
排污许可信息 is bound to the permit ledger's sheet (unified social credit codes) and its monitoring
resource to the hourly air-quality CSV export.

The data changes between scans as a unit's system would: bad rows appear, some are fixed. So there
is a trend, closed issues, an answered one, open ones and one overdue issue escalated to the CDO;
yesterday's scan found a new one, due in the coming working days.
The rows are changed in the demo source files themselves (under the data folder), as the units'
own systems would change them.
"""

import datetime
import sqlite3
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook

from cdohub.accounts.demo import DemoAccounts
from cdohub.catalog.models import Resource
from cdohub.core import clock
from cdohub.org.models import Unit
from cdohub.sources import services as sources
from cdohub.sources.models import DataSource

from . import services
from .choices import OPEN_ISSUE, Trigger
from .models import Binding, Issue

# Resident IDs with a wrong check digit, an impossible birth date, and a 15-digit legacy number.
BAD_IDS = ["440902199001011235", "44090219900230123X", "440902850101123", "440981198513427711"]
ALSO_BAD = ["440923197702291234", "44098319921131004X"]


def _discover(user, source: DataSource) -> None:
    run = sources.start_discovery(user, source)
    sources.run_discovery(run.pk)


def _population(path: Path, step: int) -> None:
    """Bad rows in the population table as they were at each scan."""
    with sqlite3.connect(path) as db:
        if step == 0:
            rows = [
                (sfz, "测试人员", "男", "汉族", "1990-01-01", "茂名市茂南区") for sfz in BAD_IDS + ALSO_BAD
            ]
            db.executemany("INSERT OR IGNORE INTO rk_jbxx VALUES (?, ?, ?, ?, ?, ?)", rows)
            db.execute("UPDATE rk_jbxx SET xm = '' WHERE rowid IN (SELECT rowid FROM rk_jbxx LIMIT 2)")
            db.execute(
                "UPDATE rk_jbxx SET xb = '未知' WHERE rowid IN (SELECT rowid FROM rk_jbxx LIMIT 3 OFFSET 5)"
            )
        elif step == 1:  # names filled in
            db.execute("UPDATE rk_jbxx SET xm = '补录姓名' WHERE xm = ''")
        elif step == 2:  # two IDs corrected
            db.executemany("DELETE FROM rk_jbxx WHERE gmsfhm = ?", [(v,) for v in ALSO_BAD])
        elif step == 3:  # sex codes fixed; a birth date typed with a wrong century
            db.execute("UPDATE rk_jbxx SET xb = '男' WHERE xb = '未知'")
            one = "SELECT rowid FROM rk_jbxx LIMIT 1 OFFSET 20"
            db.execute(f"UPDATE rk_jbxx SET csrq = '1889-03-12' WHERE rowid IN ({one})")  # noqa: S608


def _permits(path: Path) -> None:
    """Two permit holders entered with mistyped credit codes."""
    book = load_workbook(path)
    sheet = book["排污单位"]
    sheet.append(
        ["91440900MA4UXXXX1A", "茂名市某化工有限公司", "914409XXMA4U0001-001P", datetime.date(2028, 6, 30)]
    )
    sheet.append(
        ["9144090O6178625525", "茂名市某建材有限公司", "914409XXMA4U0002-001P", datetime.date(2028, 6, 30)]
    )
    book.save(path)


def _at(days_ago: int, hour: int = 2) -> datetime.datetime:
    moment = clock.now() - datetime.timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def load(admin) -> None:
    accounts = DemoAccounts(admin)
    police = Unit.objects.get(code="440900-GA")
    ecology = Unit.objects.get(code="440900-ST")
    police_ds, ecology_ds = accounts.specialist(police), accounts.specialist(ecology)
    population_source = DataSource.objects.get(unit=police, name="茂名市人口管理信息系统")
    monitoring_source = DataSource.objects.get(unit=ecology, name="生态环境监测数据导出")
    _discover(police_ds, population_source)
    _discover(ecology_ds, monitoring_source)

    people = Resource.objects.filter(unit=police, name="人口基础信息").order_by("-pk").first()
    permits = Resource.objects.filter(unit=ecology, name="排污许可信息").order_by("-pk").first()
    air = Resource.objects.filter(unit=ecology, name="生态环境质量监测信息").order_by("-pk").first()
    if people is None or permits is None or air is None:
        return

    with clock.travel(_at(50)):
        services.bind_resource(
            police_ds, people, source=population_source, table="rk_jbxx", schedule="weekly"
        )
        for fields in (
            {"kind": "validator", "columns": ["GMSFHM"], "params": {"validator": "resident_id"}, "weight": 3,
             "severity": "critical", "description": "公民身份号码：校验码、出生日期、行政区划"},
            {"kind": "not_null", "columns": ["XM"], "weight": 2, "description": "姓名不得为空"},
            {"kind": "allowed", "columns": ["XB"], "params": {"values": ["男", "女"]},
             "description": "性别代码"},
            {"kind": "range", "columns": ["CSRQ"], "params": {"min": "1900-01-01"},
             "description": "出生日期"},
            {"kind": "unique", "columns": ["GMSFHM"], "weight": 2},
        ):  # fmt: skip
            services.save_rule(police_ds, people, **fields)
        services.bind_resource(
            ecology_ds, permits, source=monitoring_source, schema="排污许可台账.xlsx", table="排污单位"
        )
        for fields in (
            {"kind": "validator", "columns": ["统一社会信用代码"], "params": {"validator": "uscc"},
             "weight": 3, "severity": "critical"},
            {"kind": "not_null", "columns": ["单位名称"]},
            {"kind": "unique", "columns": ["许可证编号"]},
        ):  # fmt: skip
            services.save_rule(ecology_ds, permits, **fields)
        services.bind_resource(
            ecology_ds, air, source=monitoring_source, table="空气质量小时数据.csv", schedule="daily"
        )
        for fields in (
            {"kind": "not_null", "columns": ["监测站点"]},
            {"kind": "range", "columns": ["PM2.5"], "params": {"min": 0, "max": 500}, "weight": 2},
            {"kind": "allowed", "columns": ["监测站点"],
             "params": {"values": ["茂南区站", "电白区站", "高州市站", "化州市站", "信宜市站"]}},
            {"kind": "expression", "params": {"expression": "PM10 >= \"PM2.5\""}, "severity": "warning",
             "description": "PM10 不小于 PM2.5"},
        ):  # fmt: skip
            services.save_rule(ecology_ds, air, **fields)

    root = Path(settings.DATA_DIR) / "sources" / "demo"
    population = root / "maoming-ga-population.sqlite3"
    ledger = root / "maoming-st-monitoring" / "排污许可台账.xlsx"

    def scan(days_ago, *resources):
        with clock.travel(_at(days_ago)):
            for resource in resources:
                services.run_now(None, resource, trigger=Trigger.SCHEDULE)

    _population(population, 0)
    scan(45, people, permits, air)
    _population(population, 1)
    scan(30, people, permits, air)
    with clock.travel(_at(28, 9)):
        issue = people.quality_issues.filter(status="open", rule__params__validator="resident_id").first()
        if issue is not None:
            services.answer_issue(
                police_ds,
                issue,
                "已核查户籍原始档案，错误号码由窗口录入时笔误造成，正在逐条更正，预计两周内完成。",
            )
    _population(population, 2)
    scan(15, people, air)
    with clock.travel(_at(15, 8)):
        services.escalate_overdue()
    _permits(ledger)
    scan(6, permits, air)
    _population(population, 3)
    scan(1, people, air)
    for binding in Binding.objects.exclude(schedule=""):  # next scheduled run: from now on
        binding.next_run_at = services._next_run(binding.schedule, clock.now())
        binding.save(update_fields=["next_run_at"])


def open_links() -> list[str]:
    """Issues still to rectify or to verify: their notices stay unread."""
    return [issue.get_absolute_url() for issue in Issue.objects.filter(status__in=OPEN_ISSUE)]


def logins() -> list[tuple[str, str, str]]:
    return []
