"""The database itself refuses to change a decided review round (approved, returned or vetoed) or
a stored pre-check result of one, whoever connects: a veto cannot be overridden by editing rows."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION projects_review_final() RETURNS trigger AS $$
BEGIN
  IF OLD.status <> 'submitted' THEN
    RAISE EXCEPTION 'a decided review round is final';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER projects_review_final BEFORE UPDATE OR DELETE ON projects_review
FOR EACH ROW EXECUTE FUNCTION projects_review_final();
CREATE OR REPLACE FUNCTION projects_check_final() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM projects_review r WHERE r.id = OLD.review_id AND r.status <> 'submitted') THEN
    RAISE EXCEPTION 'the pre-checks of a decided review round are final';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER projects_check_final BEFORE UPDATE OR DELETE ON projects_check
FOR EACH ROW EXECUTE FUNCTION projects_check_final();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS projects_review_final ON projects_review;
DROP FUNCTION IF EXISTS projects_review_final();
DROP TRIGGER IF EXISTS projects_check_final ON projects_check;
DROP FUNCTION IF EXISTS projects_check_final();
"""
# SQLite and MySQL: updates are refused; deletes are left to the model, the services and the audit
# hash chain, because Django's test-database flush empties tables with DELETE.
SQLITE = [
    """
CREATE TRIGGER IF NOT EXISTS projects_review_final BEFORE UPDATE ON projects_review
WHEN OLD.status <> 'submitted'
BEGIN SELECT RAISE(ABORT, 'a decided review round is final'); END;
""",
    """
CREATE TRIGGER IF NOT EXISTS projects_check_final BEFORE UPDATE ON projects_check
WHEN (SELECT status FROM projects_review WHERE id = OLD.review_id) <> 'submitted'
BEGIN SELECT RAISE(ABORT, 'the pre-checks of a decided review round are final'); END;
""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS projects_review_final;",
    "DROP TRIGGER IF EXISTS projects_check_final;",
]
MYSQL = [
    """
CREATE TRIGGER projects_review_final BEFORE UPDATE ON projects_review FOR EACH ROW
BEGIN
  IF OLD.status <> 'submitted' THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'a decided review round is final';
  END IF;
END
""",
]
MYSQL_DROP = ["DROP TRIGGER IF EXISTS projects_review_final;"]

SQL = {
    "postgresql": ([POSTGRES], [POSTGRES_DROP]),
    "sqlite": (SQLITE, SQLITE_DROP),
    "mysql": (MYSQL, MYSQL_DROP),
}


def forward(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
