"""The database itself refuses to change audit entries, whoever connects."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""
# SQLite: updates are refused; deletes are left to the hash chain to expose, because Django's
# test-database flush empties tables with DELETE.
SQLITE = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_append_only BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditentry_append_only;"
MYSQL = """
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE ON core_auditentry FOR EACH ROW
SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the audit log is append-only';
"""
MYSQL_DROP = "DROP TRIGGER IF EXISTS core_auditentry_append_only;"

SQL = {"postgresql": (POSTGRES, POSTGRES_DROP), "sqlite": (SQLITE, SQLITE_DROP),
       "mysql": (MYSQL, MYSQL_DROP)}


def forward(apps, schema_editor):
    sql = SQL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql[0])


def backward(apps, schema_editor):
    sql = SQL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql[1])


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
