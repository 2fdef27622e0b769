import base64
import re
import secrets
from contextlib import contextmanager
from importlib import import_module

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from cdohub.core import audit, checkpoints
from cdohub.core.models import AuditChainHead, AuditEntry
from cdohub.core.testing import unavailable
from cdohub.org.models import Unit

# Registered for the whole session: labelled in Chinese, as pages read by other tests show them.
NOTED = audit.event("test.noted", "已记录（测试）", "note")


APPEND_ONLY = import_module("cdohub.core.migrations.0002_audit_append_only")
NO_DELETE = import_module("cdohub.core.migrations.0003_audit_refuses_delete")


@contextmanager
def around_the_triggers():
    """Tamper as someone holding the database would: with the append-only triggers lifted."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute(APPEND_ONLY.SQLITE_DROP)
            cursor.execute(NO_DELETE.DROP)
        yield
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
        else:
            cursor.execute(APPEND_ONLY.SQLITE)
            cursor.execute(NO_DELETE.SQLITE)


def _raw_update(sql, params):
    with around_the_triggers(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_demo_chain_verifies():
    report = audit.verify_chain()
    assert report.ok, report
    assert report.checked == AuditEntry.objects.count() > 500


@pytest.mark.django_db
def test_field_changes_are_logged_with_actor(users, units):
    unit = units["440902"]
    with audit.acting_as(users["maonan_bureau"], "web"):
        unit.short_name = "茂南"
        unit.save()
    entry = AuditEntry.objects.filter(object_type="org.unit", object_id=str(unit.pk)).last()
    assert entry.action == "update"
    assert entry.actor_name == "maonan_bureau"
    assert entry.data == {"short_name": ["", "茂南"]}


@pytest.mark.django_db
def test_edited_row_is_detected_and_named(users):
    first = audit.record_event(NOTED, users["gd_bureau"], note="a")
    target = audit.record_event(NOTED, users["gd_bureau"], note="b")
    audit.record_event(NOTED, users["gd_bureau"], note="c")
    assert audit.verify_chain().ok

    _raw_update("UPDATE core_auditentry SET data = %s WHERE id = %s", ['{"note": "forged"}', target.pk])

    report = audit.verify_chain()
    assert not report.ok
    assert report.entry_id == target.pk
    assert "altered" in report.reason
    assert first.pk < report.entry_id
    with pytest.raises(CommandError, match=f"#{target.pk}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_deleted_row_breaks_the_next_link(users):
    audit.record_event(NOTED, users["gd_bureau"])
    victim = audit.record_event(NOTED, users["gd_bureau"])
    after = audit.record_event(NOTED, users["gd_bureau"])
    _raw_update("DELETE FROM core_auditentry WHERE id = %s", [victim.pk])
    report = audit.verify_chain()
    assert (report.ok, report.entry_id) == (False, after.pk)
    assert "link broken" in report.reason


@pytest.mark.django_db
def test_database_refuses_updates(users):
    entry = audit.record_event(NOTED, users["gd_bureau"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(ValueError):
        entry.save()


@pytest.mark.django_db
def test_a_failed_service_leaves_no_audit_trace(users, units):
    from django.core.exceptions import ValidationError

    from cdohub.org import services

    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.create_unit(
            users["maoming_bureau"],
            parent=units["440900"],
            code="440900-GA",
            name="重复",
            kind="department",
            region=units["440900"].region,
        )
    assert AuditEntry.objects.count() == before
    assert Unit.objects.filter(name="重复").count() == 0


def test_an_event_records_only_what_it_declares(users):
    with pytest.raises(ImproperlyConfigured, match="does not record"):
        audit.record_event(NOTED, users["gd_bureau"], note="a", secret="b")


def test_an_event_name_is_declared_once():
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        audit.event("test.noted", "Noted again")


def test_every_app_event_is_declared_with_a_chinese_label():
    declared = [e for e in audit.events() if not e.name.startswith("test.")]
    assert len(declared) > 60  # every app's events.py is discovered at start-up
    assert audit.event_named("resource.published").records == {"version", "comment"}
    with translation.override("zh-hans"):
        untranslated = [e.name for e in declared if not re.search("[\u4e00-\u9fff]", str(e.label))]
    assert not untranslated


@pytest.mark.django_db
def test_database_refuses_deletes(users):
    entry = audit.record_event(NOTED, users["gd_bureau"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# The hash covers every stored field, the previous hash above all ---------------------------------


def _uncovered_fields(entry):
    """The fields an entry's hash does not change with."""
    original = entry.compute_hash()
    uncovered = []
    for name in ("prev_hash", "action", "actor_name", "object_id", "data", "at"):
        saved = getattr(entry, name)
        setattr(
            entry,
            name,
            {"forged": 1} if name == "data" else saved.replace(year=2000) if name == "at" else "f" * 64,
        )
        if entry.compute_hash() == original:
            uncovered.append(name)
        setattr(entry, name, saved)
    return uncovered


@pytest.mark.django_db
def test_an_entry_hash_covers_the_previous_hash(users):
    assert _uncovered_fields(audit.record_event(NOTED, users["gd_bureau"], note="a")) == []


@pytest.mark.django_db
def test_the_coverage_check_catches_a_hash_that_drops_the_previous_hash(users, monkeypatch):
    entry = audit.record_event(NOTED, users["gd_bureau"], note="a")
    canonical = AuditEntry.canonical
    monkeypatch.setattr(
        AuditEntry, "canonical", lambda self: canonical(self).replace(f'"prev_hash":"{self.prev_hash}"', "")
    )
    assert _uncovered_fields(entry) == ["prev_hash"]


# Signed checkpoints ---------------------------------------------------------------------------


@pytest.fixture
def anchored(settings, tmp_path, users):
    """A chain of six events after the demo, signed at the third and the sixth."""
    settings.CDOHUB = {
        **settings.CDOHUB,
        "AUDIT_KEY_FILE": tmp_path / "signing.key",
        "AUDIT_CHECKPOINTS": tmp_path / "checkpoints.jsonl",
    }
    entries = []
    for note in "abcdef":
        entries.append(audit.record_event(NOTED, users["gd_bureau"], note=note))
        if note in "cf":
            checkpoints.write_checkpoint()
    call_command("audit", "verify")
    return entries


def _rewrite_from(first):
    """Recompute every hash from entry `first` on with the project's own function, and the head."""
    prev = AuditEntry.objects.filter(pk__lt=first).order_by("id").last().hash
    with around_the_triggers():
        for entry in AuditEntry.objects.filter(pk__gte=first).order_by("id"):
            entry.prev_hash = prev
            prev = entry.compute_hash()
            AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, hash=prev)
    last = AuditEntry.objects.order_by("id").last()
    AuditChainHead.objects.filter(pk=1).update(last_hash=last.hash, last_entry_id=last.pk)


def _tampering_is_caught(entry_id):
    with pytest.raises(CommandError, match=f"#{entry_id}"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_deleting_the_tail_and_updating_the_head_is_caught(anchored):
    with around_the_triggers():
        AuditEntry.objects.filter(pk__gte=anchored[3].pk).delete()
    AuditChainHead.objects.filter(pk=1).update(last_hash=anchored[2].hash, last_entry_id=anchored[2].pk)
    assert audit.verify_chain().ok  # the chain alone cannot tell
    _tampering_is_caught(anchored[5].pk)


@pytest.mark.django_db
def test_editing_a_row_and_recomputing_every_later_hash_is_caught(anchored):
    with around_the_triggers():
        AuditEntry.objects.filter(pk=anchored[1].pk).update(data={"note": "forged"})
    _rewrite_from(anchored[1].pk)
    assert audit.verify_chain().ok
    _tampering_is_caught(anchored[2].pk)


@pytest.mark.django_db
def test_deleting_a_row_in_the_middle_is_caught_even_relinked(anchored):
    with around_the_triggers():
        AuditEntry.objects.filter(pk=anchored[4].pk).delete()
    _tampering_is_caught(anchored[5].pk)  # the link is broken
    _rewrite_from(anchored[5].pk)
    assert audit.verify_chain().ok
    _tampering_is_caught(anchored[5].pk)


@pytest.mark.django_db
def test_editing_a_row_without_recomputing_is_caught(anchored):
    _raw_update("UPDATE core_auditentry SET actor_name = 'nobody' WHERE id = %s", [anchored[4].pk])
    _tampering_is_caught(anchored[4].pk)


@pytest.mark.django_db
def test_a_checkpoint_signed_with_another_key_is_refused(anchored, settings):
    settings.CDOHUB = {**settings.CDOHUB, "AUDIT_KEYS": [base64.urlsafe_b64encode(b"k" * 32).decode()]}
    with pytest.raises(CommandError, match="signature"):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_an_exported_copy_still_anchors_when_the_local_file_is_cut(anchored, tmp_path, settings):
    call_command("audit", "checkpoints", "--export", str(tmp_path / "held-by-the-archive.jsonl"))
    local = settings.CDOHUB["AUDIT_CHECKPOINTS"]
    local.write_text(local.read_text().splitlines()[0] + "\n")  # the newest checkpoint removed
    with around_the_triggers():
        AuditEntry.objects.filter(pk__gte=anchored[3].pk).delete()
    AuditChainHead.objects.filter(pk=1).update(last_hash=anchored[2].hash, last_entry_id=anchored[2].pk)
    call_command("audit", "verify")  # the local file agrees with the rewritten log
    with pytest.raises(CommandError, match="removed"):
        call_command("audit", "verify", "--checkpoints", str(tmp_path / "held-by-the-archive.jsonl"))


@pytest.mark.django_db
def test_checkpoints_are_signed_every_so_many_entries_once_committed(
    anchored, settings, users, django_capture_on_commit_callbacks
):
    settings.CDOHUB = {**settings.CDOHUB, "AUDIT_CHECKPOINT_EVERY": 2}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        newest = [audit.record_event(NOTED, users["gd_bureau"]) for _ in range(4)][-1]
    assert len(callbacks) == 2  # both run at commit: the head they find is signed once
    assert [c.entry_id for c in checkpoints.read_checkpoints()][2:] == [newest.pk]
    assert checkpoints.write_checkpoint() is None  # nothing new since


def test_the_periodic_schedule_signs_checkpoints(settings):
    assert ["audit", "checkpoint"] in [command for _seconds, command in settings.CDOHUB["PERIODIC"]]


def test_mariadb_refuses_updates_and_deletes_of_audit_entries():
    """The migrations' MariaDB triggers, on a throwaway table of a real server (skipped without one,
    except in CI)."""
    pymysql = pytest.importorskip("pymysql")
    try:
        conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True, connect_timeout=3)
    except pymysql.MySQLError as exc:
        unavailable("MariaDB", exc)
    name = f"cdohub_test_audit_{secrets.token_hex(4)}"
    with conn.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}`")
        try:
            cursor.execute(f"USE `{name}`")
            cursor.execute("CREATE TABLE core_auditentry (id INT PRIMARY KEY, action VARCHAR(64))")
            cursor.execute(APPEND_ONLY.MYSQL)
            cursor.execute(NO_DELETE.MYSQL)
            cursor.execute("INSERT INTO core_auditentry VALUES (1, 'create')")
            for statement in ("UPDATE core_auditentry SET action = 'x'", "DELETE FROM core_auditentry"):
                with pytest.raises(pymysql.MySQLError, match="append-only"):
                    cursor.execute(statement)
            cursor.execute("SELECT action FROM core_auditentry")
            assert cursor.fetchall() == (("create",),)
        finally:
            cursor.execute(f"DROP DATABASE `{name}`")
            conn.close()


def test_audit_keys_are_checked(settings):
    from cdohub.core import checks

    settings.CDOHUB = {**settings.CDOHUB, "AUDIT_KEYS": ["not-a-key"]}
    assert [e.id for e in checks.audit_keys(None)] == ["core.E001"]
    assert checks.audit_keys_set(None) == []
    settings.CDOHUB = {**settings.CDOHUB, "AUDIT_KEYS": [base64.urlsafe_b64encode(b"k" * 32).decode()]}
    assert checks.audit_keys(None) == []
    settings.CDOHUB = {**settings.CDOHUB, "AUDIT_KEYS": []}
    assert [w.id for w in checks.audit_keys_set(None)] == ["core.W001"]


@pytest.mark.django_db
def test_a_checkpoint_that_cannot_be_written_does_not_fail_the_change(
    anchored, settings, users, tmp_path, django_capture_on_commit_callbacks, caplog
):
    settings.CDOHUB = {**settings.CDOHUB, "AUDIT_CHECKPOINT_EVERY": 1, "AUDIT_CHECKPOINTS": tmp_path}
    with django_capture_on_commit_callbacks(execute=True):
        entry = audit.record_event(NOTED, users["gd_bureau"])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert "write_checkpoint" in caplog.text
