"""Benchmark: the data catalog's Chinese search and its Excel import at national size (issue #4).

On the national unit tree of bench/org_tree.py (~103,000 units, ~20,000 users) it registers 100,000
data resources with 1,000,000 information items (bulk inserts, government vocabularies with Faker
zh_CN for variety), builds the search index with catalog.search.reindex_all(), then measures, for a
province data-bureau administrator and a county data specialist, p50/p95 latency of
catalog.search.search(), of the search page GET /catalog/?q=… and of the API
GET /api/catalog-search/?q=… (when the route exists) over realistic queries. Last it imports a
workbook of 10,000 resources with 100,000 items in the template's two-sheet layout through
CatalogImport().run(), timing each phase.

    .venv/bin/python bench/catalog.py                    # SQLite and PostgreSQL, writes docs/benchmarks.md
    .venv/bin/python bench/catalog.py --db sqlite        # one database only
    .venv/bin/python bench/catalog.py --scale 0.02       # a quick smoke run (docs left alone)

Each database runs in its own process (Django's settings are per process), on a database of its own
that the script creates afresh and drops at the end (--keep keeps it for inspection): the SQLite
file bench/out/catalog.sqlite3, and the PostgreSQL database named in CDOHUB_BENCH_CATALOG_POSTGRES_URL
(default cdohub_bench_catalog; the name must contain "bench").
"""

import argparse
import functools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode, urlsplit, urlunsplit

from report import write_section  # bench/report.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
FACET_LIMIT = 50  # the API's default: the most frequent values of each facet
OUT = ROOT / "bench" / "out"
SQLITE_FILE = OUT / "catalog.sqlite3"
PG_URL = os.environ.get(
    "CDOHUB_BENCH_CATALOG_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cdohub_bench_catalog"
)
SECTION = "## Data catalog (issue #4)"
RESOURCES, IMPORT_RESOURCES, ITEMS_PER_RESOURCE = 100_000, 10_000, 10
RUNS, WARMUP = 40, 3
SEED = 4

# --- vocabularies -------------------------------------------------------------------------------
# Information items: (name, column name, data type, length, description).
PERSON = [
    ("姓名", "XM", "C", 50, ""),
    ("公民身份号码", "SFZH", "C", 18, "18位，符合GB 11643"),
    ("性别", "XB", "C", 1, "GB/T 2261.1"),
    ("出生日期", "CSRQ", "D", None, ""),
    ("民族", "MZ", "C", 2, "GB 3304"),
    ("户籍地址", "HJDZ", "C", 200, ""),
    ("现住址", "XZZ", "C", 200, ""),
    ("联系电话", "LXDH", "C", 20, ""),
    ("文化程度", "WHCD", "C", 2, ""),
    ("婚姻状况", "HYZK", "C", 2, ""),
]
ORG = [
    ("单位名称", "DWMC", "C", 200, ""),
    ("统一社会信用代码", "TYSHXYDM", "C", 18, "GB 32100"),
    ("法定代表人", "FDDBR", "C", 50, ""),
    ("注册地址", "ZCDZ", "C", 200, ""),
    ("成立日期", "CLRQ", "D", None, ""),
    ("注册资本", "ZCZB", "Y", None, "万元"),
    ("经营范围", "JYFW", "M", None, ""),
    ("登记机关", "DJJG", "C", 100, ""),
    ("企业类型", "QYLX", "C", 4, ""),
    ("登记状态", "DJZT", "C", 2, ""),
]
SOCIAL = [
    ("社会保障号码", "SHBZHM", "C", 18, ""),
    ("社保卡号", "SBKH", "C", 20, ""),
    ("参保险种", "CBXZ", "C", 3, ""),
    ("参保状态", "CBZT", "C", 1, ""),
    ("参保日期", "CBRQ", "D", None, ""),
    ("缴费基数", "JFJS", "Y", None, ""),
    ("个人编号", "GRBH", "C", 20, ""),
    ("单位编号", "DWBH", "C", 20, ""),
    ("待遇发放金额", "DYFFJE", "Y", None, ""),
]
MEDICAL = [
    ("医保编码", "YBBM", "C", 30, ""),
    ("就诊流水号", "JZLSH", "C", 30, ""),
    ("定点医药机构编号", "DDYYJGBH", "C", 20, ""),
    ("结算日期", "JSRQ", "T", None, ""),
    ("医疗费用总额", "YLFYZE", "Y", None, ""),
    ("统筹基金支付", "TCJJZF", "Y", None, ""),
    ("个人账户支付", "GRZHZF", "Y", None, ""),
    ("诊断编码", "ZDBM", "C", 20, "ICD-10"),
    ("险种类型", "XZLX", "C", 3, ""),
]
ESTATE = [
    ("不动产单元号", "BDCDYH", "C", 28, ""),
    ("不动产权证号", "BDCQZH", "C", 50, ""),
    ("权利人", "QLR", "C", 100, ""),
    ("坐落", "ZL", "C", 200, ""),
    ("面积", "MJ", "N", 15, "平方米"),
    ("用途", "YT", "C", 4, ""),
    ("权利性质", "QLXZ", "C", 4, ""),
    ("登记时间", "DJSJ", "T", None, ""),
    ("宗地代码", "ZDDM", "C", 19, ""),
]
ENV = [
    ("监测点位编码", "JCDWBM", "C", 20, ""),
    ("监测点位名称", "JCDWMC", "C", 100, ""),
    ("监测时间", "JCSJ", "T", None, ""),
    ("二氧化硫浓度", "EYHLND", "F", None, "微克每立方米"),
    ("二氧化氮浓度", "EYHDND", "F", None, "微克每立方米"),
    ("细颗粒物浓度", "XKLWND", "F", None, "PM2.5"),
    ("空气质量指数", "KQZLZS", "I", None, ""),
    ("经度", "JD", "B", None, ""),
    ("纬度", "WD", "B", None, ""),
    ("排污单位名称", "PWDWMC", "C", 200, ""),
]
EDU = [
    ("学籍号", "XJH", "C", 19, ""),
    ("学校名称", "XXMC", "C", 100, ""),
    ("入学日期", "RXRQ", "D", None, ""),
    ("年级", "NJ", "C", 10, ""),
    ("学历证书编号", "XLZSBH", "C", 30, ""),
    ("毕业日期", "BYRQ", "D", None, ""),
]
AFFAIRS = [
    ("事项编码", "SXBM", "C", 40, ""),
    ("事项名称", "SXMC", "C", 200, ""),
    ("申请人名称", "SQRMC", "C", 200, ""),
    ("受理日期", "SLRQ", "D", None, ""),
    ("办结日期", "BJRQ", "D", None, ""),
    ("办理结果", "BLJG", "C", 2, ""),
    ("证照编号", "ZZBH", "C", 50, ""),
    ("处罚决定书文号", "CFJDSWH", "C", 50, ""),
    ("处罚金额", "CFJE", "Y", None, ""),
]
COMMON = [
    ("行政区划代码", "XZQHDM", "C", 12, "GB/T 2260"),
    ("数据更新时间", "SJGXSJ", "T", None, ""),
    ("记录标识", "JLBS", "C", 32, ""),
    ("有效期起", "YXQQ", "D", None, ""),
    ("有效期止", "YXQZ", "D", None, ""),
    ("状态", "ZT", "C", 2, ""),
    ("备注", "BZ", "M", None, ""),
    ("是否有效", "SFYX", "L", None, ""),
    ("附件", "FJ", "G", None, ""),
    ("序号", "XH", "I", None, ""),
    ("经办人", "JBR", "C", 50, ""),
    ("经办机构", "JBJG", "C", 100, ""),
]
# (resource name, classification code, item pools) by the department that provides it.
GENERIC = [
    ("行政许可信息", "399001", [AFFAIRS, ORG]),
    ("行政处罚信息", "104002", [AFFAIRS, ORG]),
    ("政务服务事项办理信息", "201001", [AFFAIRS, PERSON]),
    ("业务统计信息", "399001", [AFFAIRS]),
]
TOPICS = {
    "公安局": [
        ("人口基础信息", "101001", [PERSON]),
        ("户籍人口信息", "101002", [PERSON]),
        ("流动人口居住登记信息", "101002", [PERSON]),
        ("居民身份证办理信息", "301001", [PERSON, AFFAIRS]),
        ("出入境证件办理信息", "301001", [PERSON, AFFAIRS]),
        ("机动车驾驶人信息", "301001", [PERSON]),
    ],
    "人力资源和社会保障局": [
        ("社会保险参保信息", "203001", [PERSON, SOCIAL]),
        ("社保卡发放信息", "203001", [PERSON, SOCIAL]),
        ("养老保险待遇发放信息", "203001", [PERSON, SOCIAL]),
        ("单位社保缴费信息", "203001", [ORG, SOCIAL]),
        ("就业登记信息", "203003", [PERSON, ORG]),
        ("失业人员登记信息", "203003", [PERSON]),
        ("职业技能等级证书信息", "302001", [PERSON, AFFAIRS]),
    ],
    "医疗保障局": [
        ("医疗保障结算信息", "202002", [PERSON, MEDICAL]),
        ("医保参保人员信息", "305001", [PERSON, MEDICAL]),
        ("医保定点医药机构信息", "305001", [ORG, MEDICAL]),
        ("医保目录信息", "305001", [MEDICAL]),
        ("门诊慢特病待遇认定信息", "202002", [PERSON, MEDICAL]),
    ],
    "自然资源局": [
        ("不动产登记信息", "103002", [ESTATE, PERSON]),
        ("不动产权证书信息", "103002", [ESTATE]),
        ("国土空间规划信息", "103001", [ESTATE]),
        ("建设用地审批信息", "303001", [ESTATE, ORG]),
        ("地理空间框架信息", "103003", [ESTATE]),
    ],
    "生态环境局": [
        ("生态环境监测信息", "211001", [ENV]),
        ("空气质量监测信息", "211001", [ENV]),
        ("水环境质量监测信息", "211001", [ENV]),
        ("排污许可信息", "211002", [ENV, ORG]),
        ("环境行政处罚信息", "304001", [ORG, AFFAIRS]),
        ("建设项目环境影响评价信息", "304001", [ORG, ENV]),
    ],
    "市场监督管理局": [
        ("企业法人登记信息", "102001", [ORG]),
        ("个体工商户登记信息", "102001", [ORG, PERSON]),
        ("市场主体年报信息", "306001", [ORG]),
        ("统一社会信用代码信息", "102003", [ORG]),
        ("食品经营许可信息", "204001", [ORG, AFFAIRS]),
    ],
    "卫生健康委员会": [
        ("出生医学证明信息", "101003", [PERSON]),
        ("医疗机构执业登记信息", "202001", [ORG]),
        ("预防接种信息", "307001", [PERSON]),
        ("居民电子健康档案信息", "202001", [PERSON, MEDICAL]),
    ],
    "教育局": [
        ("学生学籍信息", "213001", [PERSON, EDU]),
        ("学历证书信息", "213001", [PERSON, EDU]),
        ("教师资格信息", "308001", [PERSON, EDU]),
    ],
    "民政局": [
        ("婚姻登记信息", "101003", [PERSON]),
        ("最低生活保障信息", "203002", [PERSON, SOCIAL]),
        ("社会组织法人登记信息", "102001", [ORG]),
    ],
    "住房和城乡建设局": [
        ("住房保障信息", "209001", [PERSON, ESTATE]),
        ("建筑企业资质信息", "102002", [ORG]),
        ("商品房预售许可信息", "209002", [ORG, ESTATE]),
    ],
    "政务服务数据管理局": [
        ("政务服务事项信息", "201001", [AFFAIRS]),
        ("个人电子证照信息", "105001", [PERSON, AFFAIRS]),
        ("法人电子证照信息", "105002", [ORG, AFFAIRS]),
        ("政务数据资源目录信息", "309001", [AFFAIRS]),
    ],
    "应急管理局": [
        ("安全生产许可信息", "205001", [ORG, AFFAIRS]),
        ("应急物资储备信息", "212001", [AFFAIRS]),
    ],
    "发展和改革局": [
        ("价格监测信息", "206001", [AFFAIRS]),
        ("信用评价信息", "208001", [ORG]),
        ("能源运行信息", "207001", [ORG]),
    ],
    "税务局": [("纳税信用等级信息", "208001", [ORG]), ("欠税公告信息", "104002", [ORG, AFFAIRS])],
}
SUFFIXES = ["", "", "", "", "明细", "汇总", "台账", "库", "统计表"]
BASES = [
    "《中华人民共和国数据安全法》",
    "《中华人民共和国个人信息保护法》",
    "《政务信息资源共享管理暂行办法》",
    "《中华人民共和国居民身份证法》",
    "《中华人民共和国社会保险法》",
    "《不动产登记暂行条例》",
    "《中华人民共和国环境保护法》",
    "《企业信息公示暂行条例》",
]
CONDITIONS = [
    "仅用于政务服务身份核验",
    "用于业务协同，需经提供单位审核",
    "按最小必要原则申请字段",
    "仅限本级部门依法履职使用",
]
OPEN_CONDITIONS = ["含个人信息", "涉及商业秘密", "经申请审核后开放", "脱敏后按需开放"]
SYSTEMS = ["业务管理系统", "综合管理平台", "数据库", "核心业务平台", "一体化办事系统"]
WEIGHTS = {"province": 4, "prefecture": 2, "county": 1}
FORMATS = (["database"] * 11) + (["spreadsheet"] * 4) + ["document", "document", "self_describing", "image"]
STATUSES = (["published"] * 85) + (["submitted"] * 5) + (["returned"] * 3) + (["draft"] * 7)
CYCLES = [
    "realtime",
    "daily",
    "daily",
    "weekly",
    "monthly",
    "monthly",
    "quarterly",
    "half_yearly",
    "yearly",
    "other",
]


class Maker:
    """Realistic, valid resources (metadata values and items) for given units, reproducibly."""

    def __init__(self, seed: int):
        from faker import Faker

        from cdohub.catalog.choices import FORMAT_METHODS
        from cdohub.catalog.models import Classification

        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.classes = {c.code: c for c in Classification.objects.all()}
        self.methods = {str(k): sorted(str(m) for m in v) for k, v in FORMAT_METHODS.items()}

    def topics(self, unit_name: str):
        for keyword, topics in TOPICS.items():
            if keyword in unit_name:
                return topics, unit_name[: unit_name.index(keyword)]
        return GENERIC, ""

    def resource(self, unit_name: str) -> tuple[dict, list[dict]]:
        rng = self.rng
        topics, area = self.topics(unit_name)
        base, class_code, pools = rng.choice(topics)
        name = base + rng.choice(SUFFIXES)
        if area and rng.random() < 0.2:
            name = area + name
        values = {"classification": self.classes[class_code], "name": name, "is_classified": False}
        if rng.random() < 0.02:  # 涉密: registered by its title only
            values["is_classified"] = True
            return values, []
        primary = [i for pool in pools for i in pool]
        count = rng.choice([6, 8, 9, 10, 10, 11, 11, 12, 15])  # 10.2 on average, 10 over all
        take = rng.sample(primary, min(len(primary), count - 2))
        take += rng.sample(COMMON, count - len(take))
        items = [
            {"name": n, "column_name": c, "data_type": t, "length": length, "description": d}
            for n, c, t, length, d in take
        ]
        fmt = rng.choice(FORMATS)
        share = rng.choices(["unconditional", "conditional", "none"], [35, 55, 10])[0]
        open_type = (
            "none"
            if share == "none"
            else rng.choices(["unconditional", "conditional", "none"], [15, 25, 60])[0]
        )
        values.update(
            summary=f"{unit_name}{base}，含{'、'.join(i['name'] for i in items[:3])}等{len(items)}项。"
            + self.fake.sentence(nb_words=6),
            format=fmt,
            share_type=share,
            share_method="" if share == "none" else rng.choice(self.methods[fmt]),
            share_conditions="" if share == "unconditional" else rng.choice(CONDITIONS),
            share_basis="" if share == "unconditional" else rng.choice(BASES),
            open_type=open_type,
            open_conditions="" if open_type == "unconditional" else rng.choice(OPEN_CONDITIONS),
            update_cycle=rng.choice(CYCLES),
            released_on=self.fake.date_between_dates(_date(2015, 1, 1), _date(2024, 12, 31)),
            source_system=base[:-2] + rng.choice(SYSTEMS),
            related_codes=[],
        )
        return values, items


def _date(*args):
    import datetime

    return datetime.date(*args)


# --- generating ---------------------------------------------------------------------------------


def provinces_for(scale: float) -> int:
    import org_tree

    return len(org_tree.PROVINCES) if scale >= 1 else max(1, round(len(org_tree.PROVINCES) * scale))


def generate_tree(scale: float) -> None:
    """bench/org_tree.py's national tree; a smaller scale keeps only its first provinces."""
    sys.path.insert(0, str(ROOT / "bench"))
    import org_tree

    with mock.patch.object(org_tree, "PROVINCES", org_tree.PROVINCES[: provinces_for(scale)]):
        org_tree.generate()


def departments():
    from cdohub.org.models import Unit

    return list(
        Unit.objects.filter(kind="department")
        .order_by("path")
        .values_list("pk", "name", "code", "level", "path")
    )


def generate_catalog(total: int) -> dict:
    """`total` resources spread over every department (provincial ones hold more), ~10 items each."""
    from django.db import transaction
    from django.utils import timezone

    from cdohub.catalog import rules
    from cdohub.catalog.models import CodeSequence, InformationItem, Resource

    maker = Maker(SEED)
    rng = maker.rng
    units = departments()
    weights = [WEIGHTS[level] for _pk, _n, _c, level, _p in units]
    sequences: dict[str, int] = defaultdict(int)
    now = timezone.now()
    made = items_made = 0
    batch = 5000
    with transaction.atomic():
        while made < total:
            chosen = rng.choices(units, weights, k=min(batch, total - made))
            resources, item_lists = [], []
            for pk, unit_name, unit_code, _level, _path in chosen:
                values, items = maker.resource(unit_name)
                errors = rules.check(values, items, submitting=True)
                assert not errors, (values, items, errors)
                code = values["classification"].code
                sequences[code] += 1
                status = rng.choice(STATUSES)
                done = status in ("submitted", "published", "returned")
                resources.append(
                    Resource(
                        unit_id=pk,
                        code=f"{code}/{sequences[code]:06d}",
                        provider_code=unit_code,
                        completeness=rules.completeness(values, items),
                        status=status,
                        version=2 if done else 1,
                        submitted_at=now if done else None,
                        published_at=now if status == "published" else None,
                        return_reason="请补充共享条件" if status == "returned" else "",
                        **values,
                    )
                )
                item_lists.append(items)
            Resource.objects.bulk_create(resources, batch_size=1000)
            rows = [
                InformationItem(resource_id=r.pk, position=n, **item)
                for r, items in zip(resources, item_lists, strict=True)
                for n, item in enumerate(items, start=1)
            ]
            InformationItem.objects.bulk_create(rows, batch_size=5000)
            made += len(resources)
            items_made += len(rows)
            progress(f"  {made:,} resources, {items_made:,} items")
        CodeSequence.objects.bulk_create([CodeSequence(prefix=p, last=n) for p, n in sequences.items()])
    return {"resources": made, "items": items_made}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- measuring search ---------------------------------------------------------------------------


def pick_users():
    from cdohub.accounts.models import RoleAssignment

    province = (
        RoleAssignment.objects.filter(unit__level="province", unit__kind="government", role="bureau_admin")
        .select_related("user", "unit")
        .order_by("unit__path")
        .first()
    )
    county = (
        RoleAssignment.objects.filter(unit__level="county", unit__kind="government", role="data_specialist")
        .select_related("user", "unit")
        .order_by("-unit__path")
        .first()
    )
    return [
        ("province bureau admin", province.user, province.unit),
        ("county data specialist", county.user, county.unit),
    ]


def queries_for(unit) -> list[tuple[str, str, dict]]:
    """(query class, text, facet filters) for a user whose grant is on `unit` (a government)."""
    from cdohub.catalog.models import Resource
    from cdohub.org.models import Unit

    # A published resource elsewhere in the country, found by its code, and a provider in the user's area.
    published = Resource.objects.filter(status="published").order_by("pk")
    other = published.exclude(unit__path__startswith=unit.path)
    other = other if other.exists() else published  # a one-province smoke run has no elsewhere
    code = other[other.count() // 2].code
    provider = (
        Unit.objects.filter(
            path__startswith=unit.path, kind="department", name__contains="人力资源和社会保障局"
        )
        .order_by("path")
        .first()
    )
    words = ["人口", "社保", "医保", "法人", "不动产", "环境"]
    return [
        *[("Chinese word", w, {}) for w in words],
        ("broad word (信息)", "信息", {}),
        *[("pinyin column name", c, {}) for c in ("XM", "SFZH", "TYSHXYDM")],
        ("resource code", code, {}),
        ("provider name", provider.name, {}),
        ("word + facet filter", "人口", {"share_type": "conditional"}),
        ("no query (browse)", "", {}),
    ]


def timings(call, runs=RUNS, warmup=WARMUP) -> list[float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p50_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return round(statistics.median(times), 1), round(times[max(int(len(times) * 0.95) - 1, 0)], 1)


def count_queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def api_route() -> str | None:
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/catalog-search/")
    except Resolver404:
        return None
    return "/api/catalog-search/"


def reference_search(user, text: str, filters: dict, *, limit: int) -> tuple:
    """catalog.search.search() written plainly, to check the measured one against: one ORM query
    for the page (title matches first, then by id), one per facet, one for the total, each with
    the visibility rule in SQL. Returns (total, ids, facets)."""
    from django.db import connection
    from django.db.models import Case, Count, IntegerField, Q, Value, When

    from cdohub.catalog.models import Resource, SearchEntry
    from cdohub.catalog.search import FACETS, PG_VECTOR, parse
    from cdohub.core.permissions import Scope, policy_for, units_where

    filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
    query = parse(text)  # the search dictionary widens it as search() does
    entries = SearchEntry.objects.all()
    scope = Scope.of(user)
    if not scope.superuser:
        in_scope = entries.filter(units_where(user, policy_for(Resource).roles_for("view"), "unit_path"))
        entries = entries.filter(Q(published=True) | Q(pk__in=in_scope.values("pk")))
    if not query:
        base, order = entries, ["resource_id"]
    else:
        if connection.vendor == "sqlite":
            match = "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s"
            base = entries.extra(where=[f"resource_id IN ({match})"], params=[query.fts5()])
            title = f"{{title_terms}}: ({query.fts5()})"
            in_title = entries.extra(where=[f"resource_id IN ({match})"], params=[title])
        else:
            base = entries.extra(where=[f"{PG_VECTOR} @@ %s::tsquery"], params=[query.tsquery()])
            title_vector = "array_to_tsvector(string_to_array(title_terms, ' '))"
            in_title = entries.extra(where=[f"{title_vector} @@ %s::tsquery"], params=[query.tsquery()])
        rank = Case(
            When(pk__in=in_title.values("pk"), then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        base, order = base.annotate(rank=rank), ["rank", "resource_id"]

    def lookup(name):
        return "provider_id" if name == "provider" else name

    hits = base.filter(**{lookup(k): v for k, v in filters.items()})
    ids = list(hits.order_by(*order).values_list("resource_id", flat=True)[:limit])
    facets = {}
    for name in FACETS:
        others = base.filter(**{lookup(k): v for k, v in filters.items() if k != name})
        rows = others.values(name).annotate(n=Count("resource_id")).order_by("-n", name)
        facets[name] = [(row[name], row["n"]) for row in rows if row[name] not in ("", None)]
    return hits.count(), ids, facets


def check_search(user, text: str, filters: dict) -> tuple[str, int]:
    """('same', ms) when search() gives the reference's total, first 50 ids in order and facets;
    ms is the time the reference took."""
    from cdohub.catalog import search

    got = search.search(user, text, filters, limit=50)
    start = time.perf_counter()
    total, ids, facets = reference_search(user, text, filters, limit=50)
    elapsed = round((time.perf_counter() - start) * 1000)
    differences = [
        name
        for name, same in (
            ("total", got.total == total),
            ("order", got.ids == ids),
            *(
                (f"facet {k}", [tuple(v) for v in got.facets[k]] == [tuple(v) for v in facets[k]])
                for k in facets
            ),
        )
        if not same
    ]
    return ("same" if not differences else "differs: " + ", ".join(differences)), elapsed


def measure_search(runs: int, check: bool) -> list[dict]:
    from django.test import Client

    from cdohub.catalog import search

    api = api_route()
    rows = []
    for who, user, unit in pick_users():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for kind, text, filters in queries_for(unit):
            params = {"q": text, **filters} if text else dict(filters)
            qs = "?" + urlencode(params) if params else ""

            def direct(user=user, text=text, filters=filters):
                user.__dict__.pop("_cdohub_scope", None)  # as in a request: the grants are read again
                return search.search(user, text, filters, facet_limit=FACET_LIMIT)

            def get(url, client=client):
                def call():
                    response = client.get(url)
                    assert response.status_code == 200, (url, response.status_code)
                    return response

                return call

            row = {
                "user": who,
                "class": kind,
                "query": text + "".join(f" [{k}={v}]" for k, v in filters.items()),
            }
            try:
                row["matches"] = direct().total
            except Exception as exc:  # noqa: BLE001  (reported, not hidden: the table shows the error)
                row["error"] = f"{type(exc).__name__}: {exc}"
                rows.append(row)
                progress(f"  {who} · {row['query']}: {row['error']}")
                continue
            if check:
                row["check"], row["reference_ms"] = check_search(user, text, filters)
            row["search_queries"] = count_queries(direct)
            row["search"] = timings(direct, runs)
            for key, url in (("page", f"/catalog/{qs}"), ("api", f"{api}{qs}" if api else None)):
                if url is None:
                    continue
                status = client.get(url).status_code
                if status != 200:  # measured only when it answers
                    row[f"{key}_status"] = status
                    continue
                row[f"{key}_queries"] = count_queries(get(url))
                row[key] = timings(get(url), runs)
            rows.append(row)
            progress(
                f"  {who} · {row['query']}: {row['matches']:,} matches, "
                f"search p50/p95 {p50_p95(row['search'])}, "
                + ", ".join(
                    f"{k} {p50_p95(row[k]) if k in row else row.get(k + '_status')}" for k in ("page", "api")
                )
                + (f", {row['check']}" if check else "")
            )
    return rows


# --- measuring the import -----------------------------------------------------------------------


def workbook(total: int, units) -> tuple[bytes, int]:
    """`total` new resources for `units` in the template's two-sheet layout, with Chinese labels."""
    import io

    from django.utils import translation
    from openpyxl import Workbook

    from cdohub.catalog.excel import CHOICES, ITEM_COLUMNS, RESOURCE_COLUMNS

    maker = Maker(SEED + 1)
    with translation.override("zh-hans"):
        labels = {key: {v: str(label) for v, label in choices.choices} for key, choices in CHOICES.items()}
        wb = Workbook(write_only=True)
        sheets = [wb.create_sheet("数据资源"), wb.create_sheet("信息项")]
        for ws, columns in zip(sheets, (RESOURCE_COLUMNS, ITEM_COLUMNS), strict=True):
            ws.append([f"{c.header}*" if c.required else str(c.header) for c in columns])
        item_count = 0
        for ref in range(1, total + 1):
            _pk, unit_name, unit_code, _level, _path = maker.rng.choice(units)
            v, items = maker.resource(unit_name)

            def label(key, v=v):
                return labels[key][v[key]] if v.get(key) else ""

            sheets[0].append(
                [
                    ref,
                    "",
                    v["classification"].code,
                    v["name"],
                    unit_code,
                    v.get("summary", ""),
                    label("format"),
                    label("share_type"),
                    v.get("share_conditions", ""),
                    v.get("share_basis", ""),
                    label("share_method"),
                    label("open_type"),
                    v.get("open_conditions", ""),
                    label("update_cycle"),
                    v["released_on"].isoformat() if v.get("released_on") else "",
                    v.get("source_system", ""),
                    "",
                    "是" if v["is_classified"] else "否",
                ]
            )
            for i in items:
                sheets[1].append(
                    [
                        ref,
                        i["name"],
                        i["column_name"],
                        labels["data_type"][i["data_type"]],
                        i["length"],
                        i["description"],
                    ]
                )
                item_count += 1
        buffer = io.BytesIO()
        wb.save(buffer)
    return buffer.getvalue(), item_count


def measure_import(total: int, province_unit) -> dict:
    from cdohub.accounts.models import RoleAssignment
    from cdohub.catalog import excel, search
    from cdohub.catalog.models import Resource

    # The province's data specialist registers for every department of the province.
    user = (
        RoleAssignment.objects.filter(unit=province_unit, role="data_specialist")
        .select_related("user")
        .first()
        .user
    )
    units = [u for u in departments() if u[4].startswith(province_unit.path)]
    start = time.perf_counter()
    data, item_count = workbook(total, units)
    built = time.perf_counter() - start
    progress(
        f"  workbook: {total:,} resources, {item_count:,} items, {len(data) / 1e6:.1f} MB in {built:.1f} s"
    )
    phases: dict[str, float] = defaultdict(float)

    def timed(owner, name, phase):
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases[phase] += time.perf_counter() - t

        return mock.patch.object(owner, name, wrapper)

    before = Resource.objects.count()
    with (
        timed(excel, "open_workbook", "read"),
        timed(excel, "read_sheet", "read"),
        timed(excel.CatalogImport, "_parse", "check"),
        timed(excel, "_apply", "apply"),
        timed(search, "index", "index"),
    ):
        start = time.perf_counter()
        result = excel.CatalogImport().run(data, user)
        elapsed = time.perf_counter() - start
    if not result.ok:
        for row in result.error_rows[:10]:
            progress(f"  row {row.number}: {row.errors}")
    assert result.ok, f"{len(result.error_rows)} rows refused"
    assert result.created == total, result.created
    assert Resource.objects.count() == before + total
    return {
        "resources": total,
        "items": item_count,
        "workbook_mb": round(len(data) / 1e6, 1),
        "units": len({r["unit"] for r in result.resources}),
        "total_s": round(elapsed, 1),
        "read_s": round(phases["read"], 1),
        "check_s": round(phases["check"], 1),
        "insert_s": round(phases["apply"] - phases["index"], 1),
        "index_s": round(phases["index"], 1),
    }


# --- one database -------------------------------------------------------------------------------


def pg_admin_url() -> tuple[str, str]:
    parts = urlsplit(PG_URL)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    return urlunsplit(parts._replace(path="/postgres")), name


def fresh_database(db: str, reuse: bool = False) -> None:
    """A new, empty database; with `reuse`, the one an earlier --keep run left, when there is one."""
    if db == "postgresql":
        import psycopg

        admin, name = pg_admin_url()
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not (reuse and exists):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["CDOHUB_DATABASE_URL"] = PG_URL
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        os.environ["CDOHUB_DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"


def drop_database(db: str) -> None:
    from django.db import connections

    connections.close_all()
    if db == "postgresql":
        import psycopg

        admin, name = pg_admin_url()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)


def database_size(db: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        if db == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return round(cursor.fetchone()[0] / 1e6)
    return round(
        sum(
            Path(f"{SQLITE_FILE}{s}").stat().st_size
            for s in ("", "-wal")
            if Path(f"{SQLITE_FILE}{s}").exists()
        )
        / 1e6
    )


def run_one(db: str, scale: float, runs: int, keep: bool, check: bool, reuse: bool = False) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cdohub.settings.test"
    sys.path.insert(0, str(ROOT / "bench"))
    fresh_database(db, reuse)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from cdohub.accounts.models import User
    from cdohub.catalog import search
    from cdohub.catalog.models import InformationItem, Resource, SearchEntry
    from cdohub.org.models import Unit

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        tree_s = generated_s = 0.0
        if not (reuse and Resource.objects.exists()):
            progress(f"{db}: generating the unit tree")
            start = time.perf_counter()
            generate_tree(scale)
            tree_s = time.perf_counter() - start
            progress(f"{db}: registering {round(RESOURCES * scale):,} resources")
            start = time.perf_counter()
            generate_catalog(round(RESOURCES * scale))
            generated_s = time.perf_counter() - start
        progress(f"{db}: indexing")
        start = time.perf_counter()
        indexed = search.reindex_all()
        index_s = time.perf_counter() - start
        if db == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum would have done by now
                cursor.execute("VACUUM ANALYZE")
        counts = {
            "units": Unit.objects.count(),
            "users": User.objects.count(),
            "resources": Resource.objects.count(),
            "published": Resource.objects.filter(status="published").count(),
            "information items": InformationItem.objects.count(),
            "search entries": SearchEntry.objects.count(),
        }
        size_mb = database_size(db)
        progress(f"{db}: {counts}, {size_mb} MB; measuring search")
        load_before = os.getloadavg()[0]
        rows = measure_search(runs, check)
        load = (round(load_before, 1), round(os.getloadavg()[0], 1))  # others' work skews the timings
        progress(f"{db}: importing")
        province = pick_users()[0][2]
        imported = measure_import(round(IMPORT_RESOURCES * scale), province)
        progress(f"{db}: import {imported}")
    finally:
        if not keep:
            drop_database(db)
    return {
        "db": db,
        "scale": scale,
        "runs": runs,
        "tree_s": round(tree_s, 1),
        "generated_s": round(generated_s, 1),
        "index_s": round(index_s, 1),
        "indexed": indexed,
        "size_mb": size_mb,
        "load": load,
        "counts": counts,
        "api": api_route(),
        "rows": rows,
        "import": imported,
    }


# --- report -------------------------------------------------------------------------------------


def fmt(times: list[float]) -> str:
    if not times:
        return "–"
    p50, p95 = p50_p95(times)
    return f"{p50} / {p95}"


def pooled(rows: list[dict], key: str) -> str:
    """p50 / p95 of every timing under `key`, or the status the others answered with."""
    times = [t for r in rows for t in r.get(key, [])]
    statuses = sorted({str(r[f"{key}_status"]) for r in rows if f"{key}_status" in r})
    return " ".join([fmt(times)] * bool(times) + [f"status {'/'.join(statuses)}"] * bool(statuses)) or "–"


def span(values: list[int]) -> str:
    values = sorted(values)
    return f"{values[0]:,}" if values[0] == values[-1] else f"{values[0]:,}–{values[-1]:,}"


def report(results: list[dict]) -> str:
    lines = [
        SECTION,
        "",
        "`bench/catalog.py`: the national tree of `bench/org_tree.py`; 100,000 resources with about "
        "1,000,000 information items over its departments (provincial ones hold more; 85% published, "
        "2% classified and catalogued by title only); the search index built with "
        "`search.reindex_all()`. For a province data-bureau administrator and a county data "
        "specialist: p50 / p95 in ms of `catalog.search.search()` (the ids of one page, the total and "
        "the 50 most frequent values of six facets, as the API gives them), of the search page "
        "`GET /catalog/?q=…` and of `GET /api/catalog-search/?q=…`, "
        "in-process (Django test client), timed calls after 3 warm-up ones, on the 2-core CI machine; "
        "a class pools the timings of its queries. Then `CatalogImport().run()` of a workbook of "
        "10,000 resources with 100,000 items. Targets: search p95 under 100 ms; import under 60 s. "
        "PostgreSQL is `VACUUM ANALYZE`d after the load, as autovacuum would have; SQLite is left "
        "without statistics, as the application leaves it. `search()` asks the database for the ids "
        "of the matches (PostgreSQL marks the title matches in the same pass, inside a transaction "
        "with the planner setting that keeps it on the GIN index; SQLite reads the first title "
        "matches from FTS5) and counts the rest in memory (`catalog.columns`, loaded once before "
        "the timed calls).",
        "",
    ]
    for result in results:
        counts = ", ".join(f"{v:,} {k}" for k, v in result["counts"].items())
        scale = "" if result["scale"] == 1 else f" (scale {result['scale']})"
        api = result.get("api")
        ok = [r for r in result["rows"] if "error" not in r]
        checked = [r for r in ok if "check" in r]
        lines += [
            f"### {result['db']}{scale}",
            "",
            f"Data: {counts}; database {result['size_mb']:,} MB. Catalog generated in "
            f"{result['generated_s']} s; search index built in **{result['index_s']} s** "
            f"({result['indexed']:,} resources); {result['runs']} timed calls per query"
            + (
                f"; load average {result['load'][0]} before the timed calls, {result['load'][1]} after "
                "(2 cores: above 2, other work was waiting for the processors and stretched the timings)."
                if result.get("load")
                else "."
            ),
            "",
        ]
        if checked:
            same = sum(r["check"] == "same" for r in checked)
            lines += [
                "`search()` agreed with a plain ORM reference (the visibility rule in SQL, one query "
                f"per facet) on total, first 50 ids in order and every facet for {same} of "
                f"{len(checked)} queries.",
                "",
            ]
        header = "| user | query class | queries | matches | `search()` | page |" + (" API |" if api else "")
        lines += [
            header + " SQL per page |",
            "| --- | --- | ---: | ---: | ---: | ---: |" + (" ---: |" if api else "") + " ---: |",
        ]
        groups: dict[tuple[str, str], list[dict]] = {}
        for row in result["rows"]:
            groups.setdefault((row["user"], row["class"]), []).append(row)
        for (user, kind), rows in groups.items():
            good = [r for r in rows if "error" not in r]
            if not good:
                lines.append(
                    f"| {user} | {kind} | {len(rows)} | error | error | |" + (" |" if api else "") + " |"
                )
                continue
            failed = len(rows) - len(good)
            cells = [user, kind, str(len(good)) + (f" (+{failed} failed)" if failed else "")]
            cells += [span([r["matches"] for r in good]), pooled(good, "search"), pooled(good, "page")]
            if api:
                cells.append(pooled(good, "api"))
            sql = [r["page_queries"] for r in good if "page_queries" in r]
            cells.append(span(sql) if sql else "–")
            lines.append("| " + " | ".join(cells) + " |")
        imp = result["import"]
        lines += [
            "",
            f"Import of {imp['resources']:,} resources with {imp['items']:,} items for {imp['units']:,} "
            f"units ({imp['workbook_mb']} MB workbook): **{imp['total_s']} s** — reading "
            f"{imp['read_s']} s, checking {imp['check_s']} s, inserting {imp['insert_s']} s, indexing "
            f"{imp['index_s']} s.",
            "",
            "<details><summary>Each query</summary>",
            "",
            "| user | query | matches | `search()` | page |"
            + (" API |" if api else "")
            + " statements in `search()` | plain reference, one call |",
            "| --- | --- | ---: | ---: | ---: |" + (" ---: |" if api else "") + " ---: | ---: |",
        ]
        for row in result["rows"]:
            if "error" in row:
                lines.append(f"| {row['user']} | {row['query'] or '(none)'} | {row['error']} |")
                continue
            cells = [row["user"], row["query"] or "(none)", f"{row['matches']:,}"]
            cells += [pooled([row], "search"), pooled([row], "page")] + (
                [pooled([row], "api")] if api else []
            )
            before = f"{row['reference_ms']:,} ms" if "reference_ms" in row else "–"
            if row.get("check", "same") != "same":
                before += f" ({row['check']})"
            cells += [str(row["search_queries"]), before]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full size (e.g. 0.02 to smoke-test)"
    )
    parser.add_argument("--runs", type=int, default=RUNS, help="timed calls per query")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on the catalog a --keep run left (re-indexed, not regenerated); implies --keep",
    )
    parser.add_argument(
        "--no-check",
        dest="check",
        action="store_false",
        help="skip comparing search() with a plain ORM reference",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = run_one(args.one, args.scale, args.runs, args.keep or args.reuse, args.check, args.reuse)
        print(json.dumps(result, ensure_ascii=False))
        return
    dbs = ["sqlite", "postgresql"] if args.db == "all" else [args.db]
    full = args.scale >= 1
    tag = "" if full else f"-scale{args.scale:g}"
    OUT.mkdir(parents=True, exist_ok=True)
    for db in dbs:
        command = [
            sys.executable,
            __file__,
            "--one",
            db,
            "--scale",
            str(args.scale),
            "--runs",
            str(args.runs),
        ]
        command += ["--keep"] * args.keep + ["--reuse"] * args.reuse + ["--no-check"] * (not args.check)
        out = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=ROOT, check=True)
        (OUT / f"catalog-{db}{tag}.json").write_text(out.stdout.strip().splitlines()[-1], encoding="utf-8")
    # The report holds the latest run of each database, so one database can be re-measured alone.
    paths = (
        sorted(OUT.glob(f"catalog-*{tag}.json"))
        if not full
        else [OUT / f"catalog-{d}.json" for d in ("postgresql", "sqlite")]
    )
    results = [json.loads(p.read_text(encoding="utf-8")) for p in paths if p.exists()]
    text = report(results)
    print(text)
    if full:
        write_section(text)
    else:
        print(f"\n(scale {args.scale:g}: docs/benchmarks.md left as it was)")


if __name__ == "__main__":
    main()
