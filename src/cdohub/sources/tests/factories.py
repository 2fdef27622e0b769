"""Sources made without connecting anywhere, for tests of routes and permissions (the scope
isolation test among them)."""

from django.utils import timezone

from cdohub.core.jobs import RunStatus
from cdohub.sources import crypto
from cdohub.sources.choices import Health, SourceKind
from cdohub.sources.models import DataSource, DiscoveredTable, DiscoveryRun

COLUMNS = [
    {"name": "sfzh", "position": 1, "data_type": "string", "native_type": "varchar(18)", "length": 18,
     "scale": None, "nullable": False, "comment": "身份证号"},
    {"name": "xm", "position": 2, "data_type": "string", "native_type": "varchar(50)", "length": 50,
     "scale": None, "nullable": False, "comment": "姓名"},
]  # fmt: skip


def make_source(unit, user, name="参保数据库", password="Factory-Pw-1", **fields) -> DataSource:
    """A PostgreSQL source of `unit` with one successful discovery run holding one table."""
    source = DataSource.objects.create(
        unit=unit,
        name=name,
        kind=fields.pop("kind", SourceKind.POSTGRESQL),
        host=fields.pop("host", "db.example.invalid"),
        port=fields.pop("port", 5432),
        database=fields.pop("database", "shebao"),
        username=fields.pop("username", "reader"),
        secret=crypto.encrypt(password),
        health=Health.HEALTHY,
        created_by=user,
        **fields,
    )
    now = timezone.now()
    run = DiscoveryRun.objects.create(
        source=source,
        status=RunStatus.SUCCEEDED,
        tables_total=1,
        tables_done=1,
        started_at=now,
        finished_at=now,
        requested_by=user,
    )
    DiscoveredTable.objects.create(
        run=run, schema="public", name="参保人员", comment="参保人员信息", row_count=3, row_count_exact=True,
        columns=COLUMNS,
    )  # fmt: skip
    return source


def scope_rows(other, own) -> list[tuple]:
    """Route expectations for the scope isolation test (org/tests/test_scope_isolation.py), for the
    茂南区 bureau administrator: `other` is a source of another city's unit, `own` one of 茂南区.
    (route name, kwargs, method, data, expected status), as that test's `expectations` lists them."""
    run = other.runs.get()
    table = run.tables.get()
    foreign = {"unit": other.unit.code, "name": "越界", "kind": "files", "path": "x"}
    return [
        ("sources:source_list", {}, "get", None, 200),
        ("sources:source_create", {}, "get", None, 200),
        ("sources:source_create", {}, "post", foreign, 200),  # the form refuses the unit; nothing saved
        ("sources:source_detail", {"pk": other.pk}, "get", None, 404),
        ("sources:source_detail", {"pk": own.pk}, "get", None, 200),
        ("sources:source_edit", {"pk": other.pk}, "get", None, 404),
        ("sources:source_edit", {"pk": other.pk}, "post", {"name": "改名"}, 404),
        ("sources:source_edit", {"pk": own.pk}, "get", None, 200),
        ("sources:source_check", {"pk": other.pk}, "post", None, 404),
        ("sources:source_discover", {"pk": other.pk}, "post", None, 404),
        ("sources:run_detail", {"pk": run.pk}, "get", None, 404),
        ("sources:run_progress", {"pk": run.pk}, "get", None, 404),
        ("sources:run_cancel", {"pk": run.pk}, "post", None, 404),
        ("datasource-list", {}, "get", None, 200),
        ("datasource-list", {}, "post", foreign, 404),
        ("datasource-detail", {"pk": other.pk}, "get", None, 404),
        ("datasource-detail", {"pk": other.pk}, "patch", {"name": "改名"}, 404),
        ("datasource-check", {"pk": other.pk}, "post", None, 404),
        ("datasource-discover", {"pk": other.pk}, "post", None, 404),
        ("discoveryrun-list", {}, "get", None, 200),
        ("discoveryrun-detail", {"pk": run.pk}, "get", None, 404),
        ("discoveryrun-cancel", {"pk": run.pk}, "post", None, 404),
        ("discoveryrun-diff", {"pk": run.pk}, "get", None, 404),
        ("discoveredtable-list", {}, "get", None, 200),
        ("discoveredtable-detail", {"pk": table.pk}, "get", None, 404),
    ]


def unchanged(other) -> bool:
    """Whether the refused calls of `scope_rows` left everything as it was."""
    other.refresh_from_db()
    run = other.runs.get()
    return (
        other.name == "参保数据库"
        and other.health == Health.HEALTHY
        and run.status == RunStatus.SUCCEEDED
        and not DataSource.objects.filter(name="越界").exists()
    )
