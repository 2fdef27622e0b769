"""The search's columns in memory (catalog.columns): the generation counter and the change log.

Searching no longer reads the entries' facet columns through the database: SQLite's covering index
of them goes. On PostgreSQL the weighted vector of title and body gives way to one plain vector of
all the terms: the lexemes had no positions to weigh, and title matches are now told apart by
catalog.search itself.
"""

from django.db import migrations, models

SQLITE = ["DROP INDEX IF EXISTS catalog_search_facets"]
SQLITE_BACK = [
    "CREATE INDEX catalog_search_facets ON catalog_searchentry (resource_id, published, unit_path,"
    " provider_id, city, share_type, format, catalog_item, update_cycle)"
]
POSTGRESQL = [
    "DROP INDEX catalog_search_tsv",
    "CREATE INDEX catalog_search_tsv ON catalog_searchentry USING gin"
    " (array_to_tsvector(string_to_array(btrim(title_terms || ' ' || body_terms), ' ')))",
]
POSTGRESQL_BACK = [
    "DROP INDEX catalog_search_tsv",
    "CREATE INDEX catalog_search_tsv ON catalog_searchentry USING gin ("
    "(setweight(array_to_tsvector(string_to_array(title_terms, ' ')), 'A')"
    " || array_to_tsvector(string_to_array(body_terms, ' '))))",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_search_facets_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("generation", models.BigIntegerField(db_index=True)),
                ("token", models.CharField(max_length=32)),
                ("resource_id", models.IntegerField(null=True)),
            ],
        ),
        migrations.CreateModel(
            name="SearchGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.BigIntegerField(default=0)),
                ("token", models.CharField(blank=True, max_length=32)),
            ],
        ),
        migrations.RemoveIndex(
            model_name="searchentry",
            name="catalog_sea_publish_bd064e_idx",
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRESQL_BACK}),
        ),
    ]
