import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from cdohub.core import audit
from cdohub.core.models import AuditEntry
from cdohub.org.models import Unit

NOTED = audit.event("test.noted", "Noted", "note")


def _raw_update(sql, params):
    """Tamper as a DBA would: around the append-only trigger."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_append_only")
            cursor.execute(sql, params)
            cursor.execute(
                "CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE ON core_auditentry "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
            )


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
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [victim.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
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
