"""Sources made without connecting anywhere, for tests of routes and permissions."""

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
