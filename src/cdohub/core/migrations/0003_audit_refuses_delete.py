"""SQLite and MariaDB refuse DELETE on audit entries too, as PostgreSQL already does.

The test harness empties tables with DELETE between transactional tests; it lifts the trigger
around that flush (see the root conftest), nothing else does.
"""

from django.db import migrations

SQLITE = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
MYSQL = """
CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry FOR EACH ROW
SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the audit log is append-only';
"""
DROP = "DROP TRIGGER IF EXISTS core_auditentry_no_delete;"

SQL = {"sqlite": SQLITE, "mysql": MYSQL}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        schema_editor.execute(SQL[schema_editor.connection.vendor])


def backward(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forward, backward)]
