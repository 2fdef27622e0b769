"""Sources, resources and bindings for the quality tests (and the permission tests)."""

import sqlite3
from pathlib import Path

from cdohub.catalog import services as catalog
from cdohub.catalog.models import Classification, Resource
from cdohub.datakit.identifiers import make_uscc
from cdohub.org.models import Unit
from cdohub.quality import services
from cdohub.quality.models import Issue
from cdohub.sources import services as sources
from cdohub.sources.models import DataSource

GOOD_IDS = ["11010519491231002X", "440902199001011233", "440524188001010014", "110101190001011009"]
BAD_IDS = ["440902199001011235", "44090219900230123X", "440981198513427711"]  # check digit, Feb 30, month 13
ITEMS = [
    {"name": "公民身份号码", "column_name": "GMSFHM", "data_type": "C", "length": 18},
    {"name": "姓名", "column_name": "XM", "data_type": "C", "length": 50},
    {"name": "性别", "column_name": "XB", "data_type": "C", "length": 1},
]


def population_file(path: Path, ids=None, blank_names: int = 1, unknown_sex: int = 1) -> Path:
    """A SQLite population table: good and bad resident IDs, a blank name, one unknown sex code."""
    ids = GOOD_IDS + BAD_IDS if ids is None else ids
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE rk (gmsfhm TEXT, xm TEXT, xb TEXT, csrq DATE)")
        rows = [
            (v, "张三" if n >= blank_names else "", "男" if n >= unknown_sex else "未知", "1990-01-01")
            for n, v in enumerate(ids)
        ]
        db.executemany("INSERT INTO rk VALUES (?, ?, ?, ?)", rows)
    db.close()
    return path


def register(user, unit, name, **fields) -> DataSource:
    source = sources.register_source(user, unit, name=name, **fields)
    run = sources.start_discovery(user, source)
    sources.run_discovery(run.pk)
    return source


def resource(user, unit_code="440900-GA", name="人口基础信息（质量测试）", **fields) -> Resource:
    return catalog.create_resource(
        user,
        unit=Unit.objects.get(code=unit_code),
        classification=Classification.objects.get(code="101001"),
        name=name,
        items=ITEMS,
        **fields,
    )


def population_rules(user, res) -> list:
    return [
        services.save_rule(
            user, res, kind="validator", columns=["GMSFHM"], params={"validator": "resident_id"}, weight=3
        ),
        services.save_rule(user, res, kind="not_null", columns=["XM"]),
        services.save_rule(user, res, kind="allowed", columns=["XB"], params={"values": ["男", "女"]}),
    ]


def world(admin, tmp_root: Path | None = None):
    """For the permission tests: a checked 茂名 resource with an open issue (out of 茂南's reach)
    and a 茂南 resource bound to a 茂南 source (in its reach). The SQLite files go in `tmp_root`
    (by default a folder under the data folder's sources, where sources may be read from)."""
    if tmp_root is None:
        from django.conf import settings

        tmp_root = Path(settings.DATA_DIR) / "sources" / "quality-scope"
        tmp_root.mkdir(parents=True, exist_ok=True)
    ga = Unit.objects.get(code="440900-GA")
    other_source = register(
        admin, ga, "质量隔离测试库", kind="sqlite", path=str(population_file(tmp_root / "q-other.sqlite3"))
    )
    other = resource(admin, name="茂名隔离质量资源")
    services.bind_resource(admin, other, source=other_source, table="rk")
    other_rule = population_rules(admin, other)[0]
    other_run = services.run_now(admin, other)
    rs = Unit.objects.get(code="440902-RS")
    own_source = register(
        admin, rs, "茂南质量库", kind="sqlite", path=str(population_file(tmp_root / "q-own.sqlite3"))
    )
    own = resource(admin, unit_code="440902-RS", name="茂南隔离质量资源")
    own_binding = services.bind_resource(admin, own, source=own_source, table="rk")
    own_rule = population_rules(admin, own)[0]
    return {
        "q_other_resource": other,
        "q_other_rule": other_rule,
        "q_other_run": other_run,
        "q_other_issue": Issue.objects.filter(resource=other).first(),
        "q_own_resource": own,
        "q_own_binding": own_binding,
        "q_own_rule": own_rule,
        "q_own_source": own_source,
    }


__all__ = ["make_uscc"]
