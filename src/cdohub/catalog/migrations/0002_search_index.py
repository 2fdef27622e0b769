"""The full-text index behind catalog.search: FTS5 on SQLite, a GIN tsvector index on PostgreSQL."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE catalog_search_fts USING fts5("
    " title_terms, body_terms, content='catalog_searchentry', content_rowid='resource_id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER catalog_search_ai AFTER INSERT ON catalog_searchentry BEGIN"
    " INSERT INTO catalog_search_fts(rowid, title_terms, body_terms)"
    " VALUES (new.resource_id, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER catalog_search_ad AFTER DELETE ON catalog_searchentry BEGIN"
    " INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title_terms, body_terms)"
    " VALUES ('delete', old.resource_id, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER catalog_search_au AFTER UPDATE ON catalog_searchentry BEGIN"
    " INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title_terms, body_terms)"
    " VALUES ('delete', old.resource_id, old.title_terms, old.body_terms);"
    " INSERT INTO catalog_search_fts(rowid, title_terms, body_terms)"
    " VALUES (new.resource_id, new.title_terms, new.body_terms); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS catalog_search_au",
    "DROP TRIGGER IF EXISTS catalog_search_ad",
    "DROP TRIGGER IF EXISTS catalog_search_ai",
    "DROP TABLE IF EXISTS catalog_search_fts",
]
POSTGRESQL = [
    "CREATE INDEX catalog_search_tsv ON catalog_searchentry USING gin ("
    "(setweight(array_to_tsvector(string_to_array(title_terms, ' ')), 'A')"
    " || array_to_tsvector(string_to_array(body_terms, ' '))))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS catalog_search_tsv"]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
