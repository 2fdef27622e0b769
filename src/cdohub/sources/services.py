"""Every change to data sources and discovery runs, and the reads the catalog builds on.

Connecting to a source happens outside any transaction of ours (a slow or hanging source must not
hold the platform's database): the public functions test the connection first and only then call
the `@service` that writes. Discovery runs as a job (`sources.jobs.discover_source`) that writes its
progress in short transactions of its own and its tables in one transaction at the end, so a
failed or cancelled run never replaces the last successful snapshot.
"""

import logging
import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdohub.core import audit, jobs
from cdohub.core.jobs import Cancelled, RunStatus
from cdohub.core.permissions import require, restrict
from cdohub.core.services import service
from cdohub.datakit.connectors import (
    SourceConfig,
    SourceError,
    TableInfo,
    check_host,
    connector_for,
    resolve_path,
)
from cdohub.sources import events

from . import crypto
from .choices import SERVER_KINDS, Health, SourceKind
from .models import DataSource, DiscoveredTable, DiscoveryRun

logger = logging.getLogger(__name__)

# What a registering user gives, in the order forms and API bodies present it (the password apart).
SOURCE_FIELDS = ("name", "kind", "host", "port", "database", "username", "schemas", "path")
CHANGEABLE_FIELDS = tuple(f for f in SOURCE_FIELDS if f != "kind")
CONNECTION_FIELDS = ("host", "port", "database", "username", "path")


# Registration and changes --------------------------------------------------------------------


def _clean(source: DataSource, changes: dict, allowed: tuple[str, ...]) -> None:
    """Apply `changes` to `source` and check them; errors by field."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(source, name, value if value is not None or name == "port" else "")
    errors = {}
    if not source.name:
        errors["name"] = _("Give the source a name.")
    if source.kind not in SourceKind.values:
        errors["kind"] = _("Choose the kind of source.")
    elif source.kind in SERVER_KINDS:
        source.path = ""
        if not source.host:
            errors["host"] = _("Give the database server's host name or address.")
        else:
            try:
                source.host = check_host(source.host)
            except SourceError as exc:
                errors["host"] = exc.message
        if source.port is not None and not 0 < int(source.port) < 65536:
            errors["port"] = _("A port is a number from 1 to 65535.")
    else:
        source.host, source.port, source.database, source.username, source.schemas = "", None, "", "", ""
        try:
            source.path = str(resolve_path(source.path))
        except SourceError as exc:
            errors["path"] = exc.message
    if errors:
        raise ValidationError(errors)


def _check_name(source: DataSource) -> None:
    taken = DataSource.objects.filter(unit_id=source.unit_id, name=source.name).exclude(pk=source.pk)
    if taken.exists():
        raise ValidationError(
            {
                "name": _("%(unit)s already has a source named %(name)s.")
                % {"unit": source.unit, "name": source.name}
            }
        )


def _connect_or_refuse(config: SourceConfig) -> None:
    """Test the connection; a failure is the form's error and nothing is saved."""
    try:
        connector_for(config).check()
    except SourceError as exc:
        raise ValidationError(
            _("Could not connect, so nothing was saved: %(error)s") % {"error": exc.message}, code=exc.code
        ) from None


def _config(source: DataSource, password: str) -> SourceConfig:
    """What to connect with: the password given, else the stored one."""
    if source.secret and not password:
        try:
            return source.config()
        except SourceError as exc:
            raise ValidationError({"password": exc.message}) from None
    return SourceConfig(
        kind=source.kind,
        host=source.host,
        port=source.port,
        database=source.database,
        username=source.username,
        password=password,
        schemas=source.schema_list,
        path=source.path,
    )


def register_source(actor, unit, password: str = "", **fields) -> DataSource:
    """Register a source of `unit` once a connection to it succeeds; otherwise save nothing."""
    source = DataSource(unit=unit, created_by=actor)
    require(actor, "register", source)
    _clean(source, fields, SOURCE_FIELDS)
    _check_name(source)
    _connect_or_refuse(_config(source, password))
    source.secret = crypto.encrypt(password) if source.kind in SERVER_KINDS else ""
    return _save_registered(actor, source)


@service
def _save_registered(actor, source: DataSource) -> DataSource:
    source.health, source.last_checked_at, source.last_error = Health.HEALTHY, timezone.now(), ""
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        raise ValidationError({"name": _("This unit already has a source of that name.")}) from None
    audit.record_event(events.SOURCE_REGISTERED, source, kind=source.kind, location=source.location)
    return source


def update_source(actor, source: DataSource, password: str = "", **changes) -> DataSource:
    """Change a source; a blank password keeps the stored one. Changing where or as whom it
    connects tests the connection first, and nothing is saved if that fails."""
    require(actor, "change", source)
    source = DataSource.objects.select_related("unit").get(pk=source.pk)
    before = {name: getattr(source, name) for name in CHANGEABLE_FIELDS}
    _clean(source, changes, CHANGEABLE_FIELDS)
    _check_name(source)
    changed = sorted(name for name in CHANGEABLE_FIELDS if getattr(source, name) != before[name])
    if password or set(changed) & set(CONNECTION_FIELDS):
        _connect_or_refuse(_config(source, password))
    if password and source.kind in SERVER_KINDS:
        source.secret = crypto.encrypt(password)
    return _save_changes(actor, source, changed, bool(password))


@service
def _save_changes(actor, source: DataSource, changed: list[str], new_password: bool) -> DataSource:
    if changed or new_password:
        source.health, source.last_error = Health.HEALTHY, ""
        source.last_checked_at = timezone.now()
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        raise ValidationError({"name": _("This unit already has a source of that name.")}) from None
    if changed or new_password:
        audit.record_event(events.SOURCE_CHANGED, source, fields=changed, password_changed=new_password)
    return source


def check_source(actor, source: DataSource) -> DataSource:
    """Test the connection now; the source is marked healthy, or unhealthy with the reason."""
    require(actor, "check", source)
    try:
        connector_for(source.config()).check()
        error = ""
    except SourceError as exc:
        error = exc.message
    return _record_health(actor, source, error)


@service
def _record_health(actor, source: DataSource, error: str) -> DataSource:
    source = DataSource.objects.select_for_update().get(pk=source.pk)
    source.health = Health.UNHEALTHY if error else Health.HEALTHY
    source.last_error, source.last_checked_at = error, timezone.now()
    source.save()
    audit.record_event(events.SOURCE_CHECKED, source, health=source.health, error=error)
    return source


def rotate_credentials() -> int:
    """Re-encrypt every stored password with the first configured key; returns how many."""
    count = 0
    with transaction.atomic():
        for source in DataSource.objects.select_for_update().exclude(secret="").only("pk", "secret"):
            DataSource.objects.filter(pk=source.pk).update(secret=crypto.rotate(source.secret))
            count += 1
    return count


# Discovery -----------------------------------------------------------------------------------


@service
def start_discovery(actor, source: DataSource) -> DiscoveryRun:
    """Queue a discovery of `source`; one at a time per source. The job starts once this commits."""
    require(actor, "discover", source)
    source = DataSource.objects.select_for_update().get(pk=source.pk)
    run = jobs.start(
        source.runs, _("A discovery of this source is already queued or running."), requested_by=actor
    )
    audit.record_event(events.DISCOVERY_REQUESTED, run, source_id=source.pk)
    jobs.enqueue_on_commit(run)
    return run


@service
def cancel_run(actor, run: DiscoveryRun) -> DiscoveryRun:
    require(actor, "discover", run)
    run = jobs.cancel(run, _("Only a queued or running discovery can be cancelled; this one is %(status)s."))
    audit.record_event(events.DISCOVERY_CANCELLED, run, source_id=run.source_id)
    return run


class _Progress(jobs.Progress):
    """Tables read of tables found; also stops a discovery that outlives its time limit."""

    model = DiscoveryRun

    def __init__(self, run_id: int):
        super().__init__(run_id)
        self.deadline = time.monotonic() + DiscoveryRun.time_limit()

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() > self.deadline:
            raise SourceError(
                _("Discovery took longer than %(seconds)s seconds and was stopped.")
                % {"seconds": f"{DiscoveryRun.time_limit():g}"},
                "timeout",
            )
        self.report(done, total)


def run_discovery(run_id: int) -> str:
    """The job's body: read the source, then store the tables or the error. Returns the status."""
    claimed = jobs.claim(DiscoveryRun, run_id)
    run = DiscoveryRun.objects.select_related("source__unit", "requested_by").get(pk=run_id)
    if not claimed:
        return run.status  # cancelled (or given up) before it started
    with audit.acting_as(run.requested_by, "job"):
        try:
            tables = connector_for(run.source.config()).discover(progress=_Progress(run_id))
        except Cancelled:
            return RunStatus.CANCELLED
        except SourceError as exc:
            return _finish_failed(run.requested_by, run, exc.message)
        except Exception:
            logger.exception("Discovery run %s failed", run_id)
            message = _(
                "Discovery stopped on an unexpected error; the administrator will find it in the log."
            )
            return _finish_failed(run.requested_by, run, message)
        return _finish_succeeded(run.requested_by, run, tables)


@service
def _finish_failed(actor, run: DiscoveryRun, message: str) -> str:
    run = DiscoveryRun.objects.select_for_update().select_related("source").get(pk=run.pk)
    if run.status != RunStatus.RUNNING:
        return run.status
    run.status, run.error, run.finished_at = RunStatus.FAILED, message, timezone.now()
    run.save()
    source = run.source
    source.health, source.last_error, source.last_checked_at = Health.UNHEALTHY, message, timezone.now()
    source.save()
    audit.record_event(events.DISCOVERY_FAILED, run, source_id=source.pk, error=message)
    return run.status


@service
def _finish_succeeded(actor, run: DiscoveryRun, tables: list[TableInfo]) -> str:
    run = DiscoveryRun.objects.select_for_update().select_related("source").get(pk=run.pk)
    if run.status != RunStatus.RUNNING:
        return run.status  # cancelled while reading: keep nothing
    DiscoveredTable.objects.bulk_create(
        [
            DiscoveredTable(
                run=run,
                schema=t.schema,
                name=t.name,
                kind=t.kind,
                comment=t.comment,
                row_count=t.row_count,
                row_count_exact=t.row_count_exact,
                columns=[c.as_dict() for c in t.columns],
            )
            for t in _unique(tables)
        ],
        batch_size=500,
    )
    count = run.tables.count()
    run.status, run.finished_at, run.error = RunStatus.SUCCEEDED, timezone.now(), ""
    run.tables_total = run.tables_done = count
    run.save()
    source = run.source
    source.health, source.last_error, source.last_checked_at = Health.HEALTHY, "", timezone.now()
    source.save()
    changes = diff(run)
    summary = changes.summary() if changes else {}
    audit.record_event(events.DISCOVERED, run, source_id=source.pk, tables=count, **summary)
    return run.status


def _unique(tables: list[TableInfo]) -> list[TableInfo]:
    seen, found = set(), []
    for table in tables:
        if (table.schema, table.name) not in seen:
            seen.add((table.schema, table.name))
            found.append(table)
    return found


# What changed since the last successful run --------------------------------------------------

TYPE_KEYS = ("data_type", "native_type", "length", "scale")


@dataclass
class Retyped:
    name: str
    before: dict
    after: dict

    def describe(self, column: dict) -> str:
        native = column.get("native_type") or column.get("data_type")
        return native if native else "—"

    @property
    def before_type(self) -> str:
        return self.describe(self.before)

    @property
    def after_type(self) -> str:
        return self.describe(self.after)


@dataclass
class TableChange:
    table: DiscoveredTable
    previous: DiscoveredTable
    new_columns: list[dict] = field(default_factory=list)
    dropped_columns: list[dict] = field(default_factory=list)
    retyped_columns: list[Retyped] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new_columns or self.dropped_columns or self.retyped_columns)


@dataclass
class RunDiff:
    run: DiscoveryRun
    previous: DiscoveryRun
    new_tables: list[DiscoveredTable]
    dropped_tables: list[DiscoveredTable]
    changed_tables: list[TableChange]

    @property
    def unchanged(self) -> bool:
        return not (self.new_tables or self.dropped_tables or self.changed_tables)

    def summary(self) -> dict:
        return {
            "compared_with": self.previous.pk,
            "new_tables": len(self.new_tables),
            "dropped_tables": len(self.dropped_tables),
            "changed_tables": len(self.changed_tables),
        }

    def column_marks(self) -> dict[tuple[int, str], str]:
        """{(table id, column name): "new" or "retyped"}, to highlight them in the table list."""
        marks = {}
        for change in self.changed_tables:
            marks.update({(change.table.pk, c["name"]): "new" for c in change.new_columns})
            marks.update({(change.table.pk, c.name): "retyped" for c in change.retyped_columns})
        return marks


def previous_run(run: DiscoveryRun) -> DiscoveryRun | None:
    return (
        DiscoveryRun.objects.filter(source_id=run.source_id, status=RunStatus.SUCCEEDED, pk__lt=run.pk)
        .order_by("-pk")
        .first()
    )


def diff(run: DiscoveryRun) -> RunDiff | None:
    """New and dropped tables, and new, dropped and retyped columns, against the source's previous
    successful run; None for a first discovery or a run that did not succeed."""
    if run.status != RunStatus.SUCCEEDED:
        return None
    previous = previous_run(run)
    if previous is None:
        return None
    now = {(t.schema, t.name): t for t in run.tables.all()}
    before = {(t.schema, t.name): t for t in previous.tables.all()}
    changed = []
    for key in sorted(now.keys() & before.keys()):
        change = _table_change(now[key], before[key])
        if change.changed:
            changed.append(change)
    return RunDiff(
        run=run,
        previous=previous,
        new_tables=[now[k] for k in sorted(now.keys() - before.keys())],
        dropped_tables=[before[k] for k in sorted(before.keys() - now.keys())],
        changed_tables=changed,
    )


def _table_change(table: DiscoveredTable, previous: DiscoveredTable) -> TableChange:
    now = {c["name"]: c for c in table.columns}
    before = {c["name"]: c for c in previous.columns}
    return TableChange(
        table=table,
        previous=previous,
        new_columns=[c for name, c in now.items() if name not in before],
        dropped_columns=[c for name, c in before.items() if name not in now],
        retyped_columns=[
            Retyped(name, before[name], c)
            for name, c in now.items()
            if name in before and any(before[name].get(k) != c.get(k) for k in TYPE_KEYS)
        ],
    )


# Reads for other apps ------------------------------------------------------------------------


def latest_tables(user, source: DataSource):
    """The tables of the source's last successful run (empty if it was never discovered)."""
    require(user, "view", source)
    run = source.last_successful_run()
    return run.tables.all() if run else DiscoveredTable.objects.none()


def tables_for_proposal(user, table_ids) -> list[DiscoveredTable]:
    """The discovered tables among `table_ids` that `user` may see, from successful runs only, with
    their run, source and unit loaded; for the catalog to propose draft resources from."""
    ids = []
    for value in table_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    tables = DiscoveredTable.objects.filter(pk__in=ids, run__status=RunStatus.SUCCEEDED)
    return list(
        restrict(user, "view", tables)
        .select_related("run__source__unit")
        .order_by("run_id", "schema", "name")
    )
